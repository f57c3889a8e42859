"""Shared fixtures: a throwaway data folder, databases on SQLite and PostgreSQL, Redis, the outbox."""

from __future__ import annotations

import email
import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import Message
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url

_DATA = Path(tempfile.mkdtemp(prefix="metaic-test-"))
os.environ.update(
    {
        "METAIC_ENV": "test",
        "METAIC_DATA_DIR": str(_DATA),
        "SECRET_KEY": "test-secret-key-not-for-production-0123456789",
        "PUBLIC_BASE_URL": "http://testserver",
        "DATABASE_URL": f"sqlite:///{_DATA / 'default.db'}",
        "REDIS_URL": "",
        # Still argon2id, at a cost that keeps a thousand sign-ups fast (tests/core checks the real default).
        "ARGON2_TIME_COST": "1",
        "ARGON2_MEMORY_KIB": "1024",
        # Field encryption keys of their own (test-only), inherited by the browser tests' app server, so a
        # test reads the rows that server encrypted.
        "FIELD_ENCRYPTION_KEYS": "dGVzdC1ydW4tZmllbGQta2V5LW5vdC1mb3ItcHJvZDE=",
        "BLIND_INDEX_KEY": "dGVzdC1ydW4tYmxpbmQta2V5LW5vdC1mb3ItcHJvZDE=",
    }
)
# What a test that switches to METAIC_ENV=production must also set (production refuses the cheap cost, and
# requires its own field encryption keys: these two are test-only values).
PRODUCTION_HASH_COST = {
    "ARGON2_TIME_COST": "3",
    "ARGON2_MEMORY_KIB": "65536",
    "FIELD_ENCRYPTION_KEYS": "dGVzdC1maWVsZC1rZXktbm90LWZvci1wcm9kLTAwMDE=",
    "BLIND_INDEX_KEY": "dGVzdC1ibGluZC1rZXktbm90LWZvci1wcm9kLTAwMDE=",
}

from metaic import migrations  # noqa: E402
from metaic.analytics import buffer as analytics_buffer  # noqa: E402
from metaic.api.app import build_api  # noqa: E402
from metaic.config import get_settings  # noqa: E402
from metaic.core import clock, ratelimit  # noqa: E402
from metaic.db import dispose_engines, get_engine, session_scope  # noqa: E402
from metaic.jobs.local import reset_local  # noqa: E402
from metaic.jobs.queue import drain_local  # noqa: E402
from metaic.schema import metadata  # noqa: E402
from metaic.web import card_cache  # noqa: E402
from metaic.wiring import wire  # noqa: E402

wire()  # domain events raise until a process is wired, as the app, the CLI and the worker are

PG_SERVER_URL = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_SERVER_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379")
# Each run takes a Redis database index of its own (1-14), so concurrent runs rarely share one; the two
# pytest-xdist workers of `make test` (gw0, gw1) always get different ones (an even and an odd index).
_XDIST_WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
REDIS_TEST_DB = os.environ.get("TEST_REDIS_DB") or str(1 + (uuid.uuid4().int % 7) * 2 + _XDIST_WORKER % 2)


def _service_missing(what: str, exc: Exception) -> None:
    """A needed service is down: fail loudly (never a silent skip)."""
    pytest.fail(f"{what} is not reachable ({exc}); `make test` starts it, or start it by hand.", pytrace=False)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run browser tests last: Playwright's sync API keeps an event loop open for the rest of the session."""
    items.sort(key=lambda item: "/e2e/" in str(item.path))


@contextmanager
def throwaway_postgres(prefix: str = "metaic_test") -> Iterator[str]:
    """Create a migrated PostgreSQL database for this run and drop it afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_SERVER_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as exc:
        _service_missing("PostgreSQL at 127.0.0.1:5432", exc)
    url = make_url(PG_SERVER_URL).set(database=name).render_as_string(hide_password=False)
    migrations.upgrade(url)
    try:
        yield url
    finally:
        dispose_engines()
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A throwaway PostgreSQL database shared by the data-layer tests (tables emptied per test)."""
    with throwaway_postgres() as url:
        yield url


@pytest.fixture(scope="session")
def sqlite_url() -> str:
    """A migrated SQLite file for this run."""
    url = f"sqlite:///{_DATA / 'test.db'}"
    migrations.upgrade(url)
    return url


def _use_database(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    """Point the settings at a database and empty every table."""
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    with get_engine().begin() as conn:
        _empty_tables(conn)


def _empty_tables(conn: sa.Connection) -> None:
    """Delete every row, children first.

    PostgreSQL gets all the DELETEs in one round trip (~1.5 ms against ~10 ms one by one; TRUNCATE costs
    ~100 ms per call on small tables), which keeps the edge tests' second run cheap.
    """
    tables = list(reversed(metadata.sorted_tables))
    if conn.dialect.name == "postgresql":
        quote = conn.dialect.identifier_preparer.format_table
        # Table names come from our own metadata, quoted by the dialect: nothing user-given reaches this SQL.
        conn.execute(sa.text("; ".join(f"DELETE FROM {quote(table)}" for table in tables)))  # noqa: S608
        return
    for table in tables:
        conn.execute(table.delete())


@pytest.fixture(params=["sqlite", "postgres"])
def db(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run the test on SQLite and on PostgreSQL, each with empty tables; returns the URL."""
    url = request.getfixturevalue(f"{request.param}_url")
    _use_database(monkeypatch, url)
    return url


@pytest.fixture
def sqlite_db(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """SQLite only, for tests that exercise the edges rather than the data layer."""
    _use_database(monkeypatch, sqlite_url)
    return sqlite_url


@pytest.fixture
def client(db: str) -> TestClient:
    """The HTTP edge (API and public pages) on SQLite and on PostgreSQL; server errors come back as 500s."""
    return TestClient(build_api(), raise_server_exceptions=False)


@pytest.fixture
def session(db: str):
    """A transactional session on the parametrised database."""
    with session_scope() as s:
        yield s


@contextmanager
def flushed_redis() -> Iterator[str]:
    """This run's Redis database (an index of its own on the test server), emptied before and after."""
    import redis

    url = f"{REDIS_SERVER_URL.rstrip('/')}/{REDIS_TEST_DB}"
    client = redis.Redis.from_url(url)
    try:
        client.flushdb()
    except redis.exceptions.ConnectionError as exc:
        _service_missing("Redis at 127.0.0.1:6379", exc)
    try:
        yield url
    finally:
        client.flushdb()
        client.close()


@pytest.fixture
def redis_url(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Point the app at a real Redis (a database index of its own), flushed before and after."""
    with flushed_redis() as url:
        monkeypatch.setenv("REDIS_URL", url)
        get_settings.cache_clear()
        yield url
    monkeypatch.setenv("REDIS_URL", "")
    get_settings.cache_clear()


@pytest.fixture(autouse=True)
def _fresh_process_state() -> Iterator[None]:
    """Reset the clock, rate limits, settings, the card cache, visitor events and in-process jobs around every test."""
    clock.reset()
    ratelimit.reset_all()
    get_settings.cache_clear()
    card_cache.cache.drop_all()
    analytics_buffer.discard()
    yield
    drain_local()
    reset_local()  # a retry or timed job left by this test must not fall due inside a later one
    clock.reset()
    ratelimit.reset_all()
    get_settings.cache_clear()
    card_cache.cache.drop_all()
    analytics_buffer.discard()


class Outbox:
    """Reads the emails and texts the outbox backends wrote."""

    def __init__(self, folder: Path):
        self.folder = folder

    def emails(self, to: str | None = None) -> list[Message]:
        """Every email written so far (oldest first), optionally only to one address."""
        drain_local()
        files = sorted((self.folder / "email").glob("*.eml"), key=lambda p: p.stat().st_mtime_ns)
        messages = [email.message_from_bytes(p.read_bytes()) for p in files]
        return [m for m in messages if to is None or m["To"] == to]

    def texts(self) -> list[str]:
        """Every SMS written so far."""
        drain_local()
        files = sorted((self.folder / "sms").glob("*.txt"), key=lambda p: p.stat().st_mtime_ns)
        return [p.read_text(encoding="utf-8") for p in files]

    @staticmethod
    def body(message: Message) -> str:
        """The plain-text part of an email."""
        for part in message.walk():
            if part.get_content_type() == "text/plain":
                return part.get_payload(decode=True).decode()
        return ""


@pytest.fixture
def outbox(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Outbox:
    """An empty outbox folder for this test."""
    monkeypatch.setenv("METAIC_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    return Outbox(tmp_path / "outbox")
