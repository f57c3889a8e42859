"""`python -m metaic ...` against SQLite, PostgreSQL and Redis, called in this process (tests/support/cli.py).

A subprocess spent 1-6 s per command on start-up and imports. What needs a process of its own (the
module entry point, the password prompt on a terminal, the worker) is in tests/test_cli_processes.py.
"""

from __future__ import annotations

import logging
import os
import re
import signal
import subprocess
import sys
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa

from metaic import cli as cli_module
from metaic import db
from metaic.admin.checks import head_revisions, redact_url
from metaic.config import get_settings
from metaic.core.security import verify_password
from metaic.jobs import local
from tests.conftest import PRODUCTION_HASH_COST
from tests.support.cli import SECRET, command_env, run_cli, user_rows

PASSWORD = "Correct-Horse-42"
UUID_LINE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
DEMO_LINE = re.compile(r"^demo@example\.com / (\S+)$")
COMMANDS = ["migrate", "create-user", "seed-demo", "worker", "jobs", "notify", "check"]
CLOSED_REDIS = "redis://127.0.0.1:6390"

Cli = Callable[..., subprocess.CompletedProcess]


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """A SQLite file that does not exist yet (a fresh machine)."""
    return f"sqlite:///{tmp_path / 'data' / 'cli.db'}"


@pytest.fixture
def cli(tmp_path: Path, database_url: str) -> Cli:
    """Run a command in this process against a fresh data folder and SQLite database; stdin is empty unless given."""
    env = command_env(tmp_path / "data", database_url)
    return lambda *args, stdin="", **overrides: run_cli(*args, stdin=stdin, env={**env, **overrides})


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
    assert _revision(database_url) == head and user_rows(database_url) == []
    assert cli("migrate").returncode == 0  # again: nothing to do


def test_create_user_with_password(cli, database_url):
    result = cli("create-user", "Ada@Example.com", "--password", PASSWORD, "--name", " Ada  Lovelace ")
    assert result.returncode == 0, result.stderr
    assert UUID_LINE.match(result.stdout.strip())
    [user] = user_rows(database_url)
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
    assert user_rows(database_url) == []
    assert cli("create-user", "bob@example.com", "--password", PASSWORD).returncode == 0
    again = cli("create-user", "BOB@example.com", "--password", "Another-Pass-99")
    assert again.returncode == 1 and "already exists" in again.stderr
    _clean(again)
    [user] = user_rows(database_url)
    assert verify_password(PASSWORD, user["password_hash"])


def test_create_user_admin(cli, database_url):
    assert cli("create-user", "root@example.com", "--password", PASSWORD, "--admin").returncode == 0
    [user] = user_rows(database_url)
    assert user["role"] == "admin"


def test_create_user_reads_the_password_from_stdin(cli, database_url):
    result = cli("create-user", "pipe@example.com", stdin="Stream-Secret-77\n")
    assert result.returncode == 0, result.stderr
    [user] = user_rows(database_url)
    assert verify_password("Stream-Secret-77", user["password_hash"])
    empty = cli("create-user", "nobody@example.com", stdin="")
    assert empty.returncode == 1 and "No password given" in empty.stderr
    _clean(empty)


def test_seed_demo_is_idempotent_with_a_new_password_each_time(cli, database_url):
    first = cli("seed-demo")
    assert first.returncode == 0, first.stderr
    first_password = DEMO_LINE.match(first.stdout.strip()).group(1)
    second = cli("seed-demo")
    assert second.returncode == 0, second.stderr
    second_password = DEMO_LINE.match(second.stdout.strip()).group(1)
    assert first_password != second_password
    [user] = user_rows(database_url)
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


def test_cli_on_postgresql(postgres_url, tmp_path):
    env = command_env(tmp_path / "data", postgres_url)
    migrate = run_cli("migrate", env=env)
    assert migrate.returncode == 0, migrate.stderr
    assert f"Revision: {head_revisions()[0]} (head)" in migrate.stdout
    try:
        created = run_cli("create-user", "pg-admin@example.com", "--password", PASSWORD, "--admin", env=env)
        assert created.returncode == 0, created.stderr
        duplicate = run_cli("create-user", "pg-admin@example.com", "--password", PASSWORD, env=env)
        assert duplicate.returncode == 1 and "already exists" in duplicate.stderr
        for _ in range(2):
            seeded = run_cli("seed-demo", env=env)
            assert seeded.returncode == 0, seeded.stderr
        password = DEMO_LINE.match(seeded.stdout.strip()).group(1)
        users = {row["email"]: row for row in user_rows(postgres_url)}
        assert set(users) >= {"pg-admin@example.com", "demo@example.com"}
        assert users["pg-admin@example.com"]["role"] == "admin"
        assert verify_password(password, users["demo@example.com"]["password_hash"])
        check = run_cli("check", env=env)
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


def test_an_in_process_run_leaves_the_test_process_as_it_found_it(cli):
    """Environment, settings, streams, directory, logging, signals, engines and jobs are as before the commands."""
    before = (dict(os.environ), get_settings().database_url, set(db._ENGINES), os.getcwd())
    streams, handlers = (sys.stdin, sys.stdout, sys.stderr), list(logging.getLogger().handlers)
    sigterm = signal.getsignal(signal.SIGTERM)
    assert cli("create-user", "ada@example.com", "--password", PASSWORD, EXTRA_VARIABLE="x").returncode == 0
    assert cli("notify", "--user", "ada@example.com", "--kind", "test", "Hello").returncode == 0
    assert (dict(os.environ), get_settings().database_url, set(db._ENGINES), os.getcwd()) == before
    assert (sys.stdin, sys.stdout, sys.stderr) == streams and logging.getLogger().handlers == handlers
    assert signal.getsignal(signal.SIGTERM) is sigterm
    worker = local.current_worker()
    assert worker is None or not (worker.pending() or worker.running() or worker.failed(10))


def test_an_in_process_crash_shows_its_traceback_and_logged_warnings_like_a_process(cli, monkeypatch):
    """What Python prints for an uncaught error or a logged warning reaches stderr, so `_clean` still catches it."""

    def crash(args):
        """A command with a bug."""
        logging.getLogger("metaic.somewhere").warning("warned on the way down")
        raise RuntimeError("a bug")

    monkeypatch.setattr(cli_module, "cmd_check", crash)
    result = cli("check")
    assert result.returncode == 1 and "warned on the way down" in result.stderr
    assert "Traceback" in result.stderr and "RuntimeError: a bug" in result.stderr
