"""`python -m metaic jobs status|failed|retry` against real Redis, run in this process (tests/support/cli.py)."""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from rq import Queue, SimpleWorker

from metaic.jobs import enqueue
from metaic.jobs.policy import QUEUES
from metaic.jobs.queue import rq_connection
from tests import support_jobs
from tests.support.cli import run_cli

CLOSED_REDIS = "redis://127.0.0.1:6390"
Cli = Callable[..., subprocess.CompletedProcess]


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    """Run `python -m metaic *args` with a fresh data folder, SQLite and no Redis unless overridden."""
    env = {
        "METAIC_ENV": "test",
        "METAIC_DATA_DIR": str(tmp_path / "data"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'data' / 'cli.db'}",
        "REDIS_URL": "",
    }

    def run(*args: str, **overrides: str) -> subprocess.CompletedProcess:
        """One command; stdin is empty."""
        return run_cli(*args, stdin="", env={**env, **overrides})

    return run


def _clean(result: subprocess.CompletedProcess) -> None:
    """A failing command explains itself in one line, without a traceback."""
    assert "Traceback" not in result.stderr, result.stderr
    assert result.stderr.strip(), "an error must say what went wrong"


def test_without_redis_the_commands_explain_themselves(cli):
    """No Redis: status says where jobs are; failed and retry refuse; an unreachable Redis is a message."""
    status = cli("jobs", "status")
    assert status.returncode == 0 and "REDIS_URL is not set" in status.stdout
    for args in (("jobs", "failed"), ("jobs", "retry", "abc")):
        result = cli(*args)
        assert result.returncode == 1 and "inside each app process" in result.stderr
        _clean(result)
    down = cli("jobs", "status", REDIS_URL=CLOSED_REDIS)
    assert down.returncode == 1 and "not reachable" in down.stderr
    _clean(down)


def test_status_failed_and_retry(cli, redis_url, tmp_path):
    """Counts per queue, the failure with its title, ids and error, and a retry that requeues it once."""
    card = uuid.uuid4()
    refused = enqueue(support_jobs.refuse, str(tmp_path), card, title="import contacts")
    connection = rq_connection(redis_url)
    SimpleWorker([Queue(name, connection=connection) for name in QUEUES], connection=connection).work(burst=True)
    for n in range(2):
        enqueue(support_jobs.write_file, str(tmp_path / f"{n}.txt"), "x", title=f"later {n}", queue_name="low")

    status = cli("jobs", "status", REDIS_URL=redis_url)
    assert status.returncode == 0, status.stderr
    rows = {
        line.split()[0]: line.split()[1:]
        for line in status.stdout.splitlines()
        if line.split()[:1] in (["high"], ["default"], ["low"])
    }
    assert rows == {"high": ["0"] * 5, "default": ["0", "0", "1", "0", "0"], "low": ["2", "0", "0", "0", "0"]}
    assert "0 worker(s) registered" in status.stdout and "Running (0):" in status.stdout
    assert f"{refused.id}  default  import contacts  [{card}]" in status.stdout
    assert "NotFound: That card no longer exists." in status.stdout
    assert "No worker is running" in status.stdout

    failed = cli("jobs", "failed", REDIS_URL=redis_url)
    assert failed.returncode == 0, failed.stderr
    assert failed.stdout.splitlines()[0] == f"{refused.id}  default  import contacts  [{card}]"
    assert "failed 20" in failed.stdout and "That card no longer exists." in failed.stdout

    retried = cli("jobs", "retry", refused.id, REDIS_URL=redis_url)
    assert retried.returncode == 0, retried.stderr
    assert retried.stdout.strip() == f"Requeued {refused.id} on default: import contacts (one more attempt)."
    assert Queue("default", connection=connection).job_ids == [refused.id]
    assert cli("jobs", "failed", REDIS_URL=redis_url).stdout.strip() == "No failed jobs."
    again = cli("jobs", "retry", refused.id, REDIS_URL=redis_url)
    assert again.returncode == 1 and "No failed job with that id." in again.stderr
    _clean(again)
