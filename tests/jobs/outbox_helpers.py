"""Job functions and helpers of the job outbox tests (importable by RQ as `tests.jobs.outbox_helpers`)."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from metaic.config import get_settings
from metaic.core import kv
from metaic.db import session_scope
from metaic.jobs import outbox_store
from metaic.jobs.models import JobOutbox

# Nothing listens on port 1: connecting is refused at once, as with a stopped Redis.
CLOSED_REDIS = "redis://127.0.0.1:1/0"
GATE = threading.Event()
GONE = "gone-host:4242:deadbeef"


def record(path: str, name: str, *ids) -> None:
    """Append `name` as a line to the file at `path` (a lost or doubled run shows); `ids` only name the work."""
    with Path(path).open("a", encoding="utf-8") as out:
        out.write(name + "\n")


def hold_worker() -> None:
    """Keep the in-process worker busy until the test opens GATE."""
    assert GATE.wait(20), "the test never opened the gate"


def lines(path: Path) -> list[str]:
    """The names recorded in a file so far."""
    return path.read_text(encoding="utf-8").splitlines() if path.exists() else []


def use_redis(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    """Point the app at `url` for REDIS_URL ("" for the embedded default), forgetting any noticed outage."""
    monkeypatch.setenv("REDIS_URL", url)
    get_settings.cache_clear()
    kv.reset()


def rows() -> list[JobOutbox]:
    """Every row of the outbox, oldest first."""
    with session_scope() as session:
        return list(session.execute(sa.select(JobOutbox).order_by(JobOutbox.created_at)).scalars())


def abandon(*row_ids: str, holder: str = GONE, age: timedelta = timedelta(minutes=10)) -> None:
    """Leave rows as a process that died leaves them: someone else's, last refreshed 10 minutes ago."""
    stale = outbox_store.now() - age
    with session_scope() as session:
        session.execute(sa.update(JobOutbox).where(JobOutbox.id.in_(row_ids)).values(holder=holder, claimed_at=stale))
