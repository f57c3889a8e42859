"""`python -m metaic` as real processes, for what an in-process call (tests/test_cli.py) cannot show.

The module entry point itself; the password prompt, which needs a terminal (a pty) and getpass's
no-echo; and the worker, which runs RQ's loop and sets up signal handlers, logging and error
reporting for its whole process.
"""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis

from metaic.config import get_settings
from metaic.core.security import verify_password
from tests import support_jobs
from tests.conftest import REDIS_SERVER_URL, REDIS_TEST_DB
from tests.support.cli import ROOT, command_env, user_rows

COMMANDS = ["migrate", "create-user", "seed-demo", "worker", "jobs", "notify", "check"]

Cli = Callable[..., subprocess.CompletedProcess]


def _child_env(env: dict[str, str]) -> dict[str, str]:
    """A child process's whole environment: this one's, the repository on the path, and `env` over them."""
    return {**os.environ, "PYTHONPATH": str(ROOT), **env}


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """A SQLite file that does not exist yet (a fresh machine)."""
    return f"sqlite:///{tmp_path / 'data' / 'cli.db'}"


@pytest.fixture
def process_cli(tmp_path: Path, database_url: str) -> Cli:
    """Run `python -m metaic *args` as a subprocess with its own data folder and database; stdin is empty."""
    env = command_env(tmp_path / "data", database_url)

    def run(*args: str, **overrides: str) -> subprocess.CompletedProcess:
        """One command as a child process."""
        return subprocess.run(
            [sys.executable, "-m", "metaic", *args],
            cwd=ROOT,
            env=_child_env({**env, **overrides}),
            input="",
            capture_output=True,
            text=True,
            timeout=180,
        )

    return run


def test_python_dash_m_metaic_runs_the_cli(process_cli):
    """`python -m metaic` reaches the CLI's main (every other command test calls main in the test process)."""
    result = process_cli("--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: python -m metaic")
    assert all(command in result.stdout for command in COMMANDS)


def _talk(args: list[str], env: dict[str, str], answers: list[tuple[str, str]]) -> tuple[int, str]:
    """Run the CLI on a pseudo-terminal, answer prompts as they appear; returns (exit code, output)."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: become the CLI, with the pty as its terminal
        os.chdir(ROOT)
        os.execve(sys.executable, [sys.executable, "-m", "metaic", *args], env)  # noqa: S606
    output, pending, answered_up_to = b"", list(answers), 0
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if pending and pending[0][0].encode() in output[answered_up_to:]:
            os.write(fd, pending.pop(0)[1].encode() + b"\n")
            answered_up_to = len(output)
        ready, _, _ = select.select([fd], [], [], 1)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        output += chunk
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), output.decode(errors="replace")


def test_create_user_prompts_twice_on_a_terminal(tmp_path, database_url):
    env = _child_env(command_env(tmp_path / "data", database_url))
    answers = [("Password for tty@example.com:", "Typed-Secret-55"), ("Repeat the password:", "Typed-Secret-55")]
    code, output = _talk(["create-user", "tty@example.com"], env, answers)
    assert code == 0, output
    [user] = user_rows(database_url)
    assert verify_password("Typed-Secret-55", user["password_hash"])
    assert "Typed-Secret-55" not in output  # getpass does not echo
    code, output = _talk(
        ["create-user", "typo@example.com"],
        env,
        [("Password for", "Typed-Secret-55"), ("Repeat the password:", "Typed-Secret-56")],
    )
    assert code == 1 and "do not match" in output and "Traceback" not in output
    assert len(user_rows(database_url)) == 1


@pytest.fixture
def worker_redis(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """This run's own Redis database (see tests/conftest.py), empty, and this process enqueueing to it."""
    url = f"{REDIS_SERVER_URL.rstrip('/')}/{REDIS_TEST_DB}"
    client = redis.Redis.from_url(url)
    try:
        client.flushdb()
    except redis.exceptions.ConnectionError as exc:
        pytest.fail(f"Redis is not reachable at {url} ({exc}); `make test` starts it.", pytrace=False)
    monkeypatch.setenv("REDIS_URL", url)
    get_settings.cache_clear()
    yield url
    client.flushdb()
    client.close()


def test_worker_burst_runs_enqueued_jobs_on_its_queues(process_cli, worker_redis, tmp_path):
    from metaic.jobs import enqueue

    high, low = tmp_path / "high.txt", tmp_path / "low.txt"
    high_job = enqueue(support_jobs.write_file, str(high), "from high", title="cli test high", queue_name="high")
    low_job = enqueue(support_jobs.write_file, str(low), "from low", title="cli test low", queue_name="low")

    only_high = process_cli("worker", "--burst", "--queues", "high", REDIS_URL=worker_redis)
    assert only_high.returncode == 0, only_high.stderr
    assert high.read_text() == "from high" and not low.exists()
    high_job.refresh()
    assert high_job.get_status() == "finished"

    every_queue = process_cli("worker", "--burst", REDIS_URL=worker_redis)
    assert every_queue.returncode == 0, every_queue.stderr
    assert low.read_text() == "from low"
    low_job.refresh()
    assert low_job.get_status() == "finished"
