"""`python -m metaic ...` run as a real subprocess against SQLite, PostgreSQL and Redis."""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
import sqlalchemy as sa

from metaic.admin.checks import head_revisions, redact_url
from metaic.config import get_settings
from metaic.core.security import verify_password
from tests import support_jobs
from tests.conftest import PRODUCTION_HASH_COST, REDIS_SERVER_URL, REDIS_TEST_DB

ROOT = Path(__file__).resolve().parent.parent
SECRET = "cli-test-secret-key-0123456789-abcdefgh"
PASSWORD = "Correct-Horse-42"
UUID_LINE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
DEMO_LINE = re.compile(r"^demo@example\.com / (\S+)$")
COMMANDS = ["migrate", "create-user", "seed-demo", "worker", "jobs", "notify", "check"]
CLOSED_REDIS = "redis://127.0.0.1:6390"

Cli = Callable[..., subprocess.CompletedProcess]


def _run(env: dict[str, str], *args: str, stdin: str | None = None, **overrides: str) -> subprocess.CompletedProcess:
    """Run `python -m metaic *args` with the given environment; stdin is never the terminal."""
    return subprocess.run(
        [sys.executable, "-m", "metaic", *args],
        cwd=ROOT,
        env={**env, **overrides},
        input=stdin if stdin is not None else "",
        capture_output=True,
        text=True,
        timeout=180,
    )


def _env(data: Path, database_url: str) -> dict[str, str]:
    """A child environment with its own data folder and database, and no Redis."""
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "METAIC_ENV": "test",
        "METAIC_DATA_DIR": str(data),
        "DATABASE_URL": database_url,
        "SECRET_KEY": SECRET,
        "REDIS_URL": "",
    }


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """A SQLite file that does not exist yet (a fresh machine)."""
    return f"sqlite:///{tmp_path / 'data' / 'cli.db'}"


@pytest.fixture
def cli(tmp_path: Path, database_url: str) -> Cli:
    """Run the CLI against a fresh data folder and SQLite database."""
    env = _env(tmp_path / "data", database_url)
    return lambda *args, **kw: _run(env, *args, **kw)


def _users(url: str) -> list[dict]:
    """Every row of `users`, read straight from the database."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(sa.text("SELECT * FROM users ORDER BY email"))]
    finally:
        engine.dispose()


def _revision(url: str) -> str:
    """The Alembic revision stored in the database."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one()
    finally:
        engine.dispose()


def _clean(result: subprocess.CompletedProcess) -> None:
    """A failing command explains itself in one line, without a traceback."""
    assert "Traceback" not in result.stderr, result.stderr
    assert result.stderr.strip(), "an error must say what went wrong"


def test_help_for_the_program_and_every_command(cli):
    top = cli("--help")
    assert top.returncode == 0
    for command in COMMANDS:
        assert command in top.stdout
        result = cli(command, "--help")
        assert result.returncode == 0, result.stderr
        assert f"usage: python -m metaic {command}" in result.stdout
    assert "--password" in cli("create-user", "--help").stdout
    assert "--burst" in cli("worker", "--help").stdout and "--queues" in cli("worker", "--help").stdout
    assert "--abandon-after" in cli("worker", "--help").stdout
    for sub in ("status", "failed", "retry"):
        assert sub in cli("jobs", "--help").stdout
        assert f"usage: python -m metaic jobs {sub}" in cli("jobs", sub, "--help").stdout


def test_usage_errors_exit_2(cli):
    assert cli().returncode == 2
    assert cli("no-such-command").returncode == 2
    assert cli("create-user").returncode == 2
    result = cli("worker", "--queues", "high,nope", REDIS_URL=CLOSED_REDIS)
    assert result.returncode == 2 and "nope" in result.stderr
    _clean(result)
    quick = cli("worker", "--abandon-after", "2", REDIS_URL=CLOSED_REDIS)
    assert quick.returncode == 2 and "at least 3 seconds" in quick.stderr
    _clean(quick)
    assert cli("jobs").returncode == 2
    assert cli("jobs", "retry").returncode == 2


def test_migrate_creates_the_schema_on_a_fresh_machine(cli, database_url):
    result = cli("migrate")
    assert result.returncode == 0, result.stderr
    head = head_revisions()[0]
    assert f"Database: {database_url}" in result.stdout
    assert f"Revision: {head} (head)" in result.stdout
    assert _revision(database_url) == head and _users(database_url) == []
    assert cli("migrate").returncode == 0  # again: nothing to do


def test_create_user_with_password(cli, database_url):
    result = cli("create-user", "Ada@Example.com", "--password", PASSWORD, "--name", " Ada  Lovelace ")
    assert result.returncode == 0, result.stderr
    assert UUID_LINE.match(result.stdout.strip())
    [user] = _users(database_url)
    assert uuid.UUID(str(user["id"])) == uuid.UUID(result.stdout.strip())
    assert (user["email"], user["name"], user["role"]) == ("ada@example.com", "Ada Lovelace", "user")
    assert user["email_verified_at"] is not None and user["is_active"]
    assert verify_password(PASSWORD, user["password_hash"])
    assert PASSWORD not in result.stdout + result.stderr


def test_create_user_refuses_weak_password_bad_email_and_duplicates(cli, database_url):
    weak = cli("create-user", "bob@example.com", "--password", "short")
    assert weak.returncode == 1 and "Use at least 10 characters." in weak.stderr
    _clean(weak)
    bad = cli("create-user", "not-an-email", "--password", PASSWORD)
    assert bad.returncode == 1 and "not a valid email address" in bad.stderr
    _clean(bad)
    assert _users(database_url) == []
    assert cli("create-user", "bob@example.com", "--password", PASSWORD).returncode == 0
    again = cli("create-user", "BOB@example.com", "--password", "Another-Pass-99")
    assert again.returncode == 1 and "already exists" in again.stderr
    _clean(again)
    [user] = _users(database_url)
    assert verify_password(PASSWORD, user["password_hash"])


def test_create_user_admin(cli, database_url):
    assert cli("create-user", "root@example.com", "--password", PASSWORD, "--admin").returncode == 0
    [user] = _users(database_url)
    assert user["role"] == "admin"


def test_create_user_reads_the_password_from_stdin(cli, database_url):
    result = cli("create-user", "pipe@example.com", stdin="Stream-Secret-77\n")
    assert result.returncode == 0, result.stderr
    [user] = _users(database_url)
    assert verify_password("Stream-Secret-77", user["password_hash"])
    empty = cli("create-user", "nobody@example.com", stdin="")
    assert empty.returncode == 1 and "No password given" in empty.stderr
    _clean(empty)


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
    env = _env(tmp_path / "data", database_url)
    answers = [("Password for tty@example.com:", "Typed-Secret-55"), ("Repeat the password:", "Typed-Secret-55")]
    code, output = _talk(["create-user", "tty@example.com"], env, answers)
    assert code == 0, output
    [user] = _users(database_url)
    assert verify_password("Typed-Secret-55", user["password_hash"])
    assert "Typed-Secret-55" not in output  # getpass does not echo
    code, output = _talk(
        ["create-user", "typo@example.com"],
        env,
        [("Password for", "Typed-Secret-55"), ("Repeat the password:", "Typed-Secret-56")],
    )
    assert code == 1 and "do not match" in output and "Traceback" not in output
    assert len(_users(database_url)) == 1


def test_seed_demo_is_idempotent_with_a_new_password_each_time(cli, database_url):
    first = cli("seed-demo")
    assert first.returncode == 0, first.stderr
    first_password = DEMO_LINE.match(first.stdout.strip()).group(1)
    second = cli("seed-demo")
    assert second.returncode == 0, second.stderr
    second_password = DEMO_LINE.match(second.stdout.strip()).group(1)
    assert first_password != second_password
    [user] = _users(database_url)
    assert (user["email"], user["name"], user["role"]) == ("demo@example.com", "Demo User", "user")
    assert user["email_verified_at"] is not None
    assert verify_password(second_password, user["password_hash"])
    assert not verify_password(first_password, user["password_hash"])


def test_seed_demo_refuses_production_without_force(cli, database_url):
    result = cli("seed-demo", METAIC_ENV="production", **PRODUCTION_HASH_COST)
    assert result.returncode == 1 and "--force" in result.stderr
    _clean(result)


def test_check_passes_on_sqlite_without_redis_and_hides_the_secret(cli, database_url):
    assert cli("migrate").returncode == 0
    result = cli("check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "set (env)" in result.stdout and SECRET not in result.stdout + result.stderr
    assert "(writable)" in result.stdout and f"{head_revisions()[0]} (head)" in result.stdout
    assert "redis" in result.stdout and "not configured" in result.stdout
    assert "Everything configured is reachable." in result.stdout


def test_check_reports_a_generated_secret_and_an_unmigrated_database(cli, tmp_path):
    result = cli("check", SECRET_KEY="")
    assert result.returncode == 0, result.stdout
    assert "set (generated)" in result.stdout and "migrate" in result.stdout
    secret = (tmp_path / "data" / "secret_key").read_text().strip()
    assert secret not in result.stdout


def test_check_fails_when_redis_is_configured_but_down(cli):
    result = cli("check", REDIS_URL="redis://:hunter2-redis@127.0.0.1:6390/0")
    assert result.returncode == 1
    assert "FAIL" in result.stdout and "unreachable" in result.stdout
    assert "hunter2-redis" not in result.stdout + result.stderr and "redis://:***@127.0.0.1:6390/0" in result.stdout


def test_database_errors_hide_the_password(cli):
    url = "postgresql+psycopg://metaic:hunter2-db@127.0.0.1:5439/nowhere"
    check = cli("check", DATABASE_URL=url)
    assert check.returncode == 1 and "postgresql+psycopg://metaic:***@127.0.0.1:5439/nowhere" in check.stdout
    migrate = cli("migrate", DATABASE_URL=url)
    assert migrate.returncode == 1 and "Database error" in migrate.stderr
    _clean(migrate)
    assert "hunter2-db" not in check.stdout + check.stderr + migrate.stdout + migrate.stderr


def test_invalid_configuration_is_a_message_not_a_traceback(cli):
    result = cli("check", METAIC_ENV="production", SECRET_KEY="changeme")
    assert result.returncode == 1 and "SECRET_KEY" in result.stderr
    _clean(result)


def test_redact_url():
    assert redact_url("postgresql://u:p%40ss@db:5432/x") == "postgresql://u:***@db:5432/x"
    assert redact_url("redis://:pw@h:6379/0?password=pw2&db=1") == "redis://:***@h:6379/0?password=***&db=1"
    assert redact_url("sqlite:////tmp/a.db") == "sqlite:////tmp/a.db"
    assert redact_url("redis://user@h") == "redis://user@h"


def test_worker_without_redis_exits_1_with_a_message(cli):
    result = cli("worker")
    assert result.returncode == 1 and "REDIS_URL is not set" in result.stderr
    _clean(result)
    down = cli("worker", "--burst", REDIS_URL=CLOSED_REDIS)
    assert down.returncode == 1 and "not reachable" in down.stderr
    _clean(down)


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


def test_worker_burst_runs_enqueued_jobs_on_its_queues(cli, worker_redis, tmp_path):
    from metaic.jobs import enqueue

    high, low = tmp_path / "high.txt", tmp_path / "low.txt"
    high_job = enqueue(support_jobs.write_file, str(high), "from high", title="cli test high", queue_name="high")
    low_job = enqueue(support_jobs.write_file, str(low), "from low", title="cli test low", queue_name="low")

    only_high = cli("worker", "--burst", "--queues", "high", REDIS_URL=worker_redis)
    assert only_high.returncode == 0, only_high.stderr
    assert high.read_text() == "from high" and not low.exists()
    high_job.refresh()
    assert high_job.get_status() == "finished"

    every_queue = cli("worker", "--burst", REDIS_URL=worker_redis)
    assert every_queue.returncode == 0, every_queue.stderr
    assert low.read_text() == "from low"
    low_job.refresh()
    assert low_job.get_status() == "finished"


def test_cli_on_postgresql(postgres_url, tmp_path):
    env = _env(tmp_path / "data", postgres_url)
    migrate = _run(env, "migrate")
    assert migrate.returncode == 0, migrate.stderr
    assert f"Revision: {head_revisions()[0]} (head)" in migrate.stdout
    try:
        created = _run(env, "create-user", "pg-admin@example.com", "--password", PASSWORD, "--admin")
        assert created.returncode == 0, created.stderr
        duplicate = _run(env, "create-user", "pg-admin@example.com", "--password", PASSWORD)
        assert duplicate.returncode == 1 and "already exists" in duplicate.stderr
        for _ in range(2):
            seeded = _run(env, "seed-demo")
            assert seeded.returncode == 0, seeded.stderr
        password = DEMO_LINE.match(seeded.stdout.strip()).group(1)
        users = {row["email"]: row for row in _users(postgres_url)}
        assert set(users) >= {"pg-admin@example.com", "demo@example.com"}
        assert users["pg-admin@example.com"]["role"] == "admin"
        assert verify_password(password, users["demo@example.com"]["password_hash"])
        check = _run(env, "check")
        assert check.returncode == 0, check.stdout + check.stderr
        assert "connected" in check.stdout
    finally:
        engine = sa.create_engine(postgres_url)
        with engine.begin() as conn:
            conn.execute(sa.text("DELETE FROM users WHERE email IN ('pg-admin@example.com', 'demo@example.com')"))
        engine.dispose()


def test_notify_sends_through_the_accounts_channels(cli, tmp_path):
    assert cli("create-user", "ada@example.com", "--password", PASSWORD).returncode == 0
    result = cli("notify", "--user", " Ada@Example.com ", "--kind", "test", "Hello from the CLI")
    assert result.returncode == 0, result.stderr
    assert UUID_LINE.match(result.stdout.strip())
    assert "Notified ada@example.com (test): in-app: shown; email: sent." in result.stderr
    [sent] = (tmp_path / "data" / "outbox" / "email").glob("*.eml")
    assert "To: ada@example.com" in sent.read_text()
    assert "Hello from the CLI" in sent.read_text()
    nobody = cli("notify", "--user", "nobody@example.com", "--kind", "security", "x")
    assert nobody.returncode == 1 and "No account with the email nobody@example.com." in nobody.stderr
    _clean(nobody)
    odd = cli("notify", "--user", "ada@example.com", "--kind", "no-such-kind", "x")
    assert odd.returncode == 1 and "Unknown notification kind" in odd.stderr
    _clean(odd)
    assert cli("notify", "--user", "ada@example.com", "x").returncode == 2  # --kind is required
