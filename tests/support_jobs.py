"""Tiny job functions for tests that run a real worker (importable as `tests.support_jobs`).

Each one records its attempts in a folder, so a test can count how often a job ran and
in which process, even when that process was killed.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from metaic.core.errors import NotFound


def write_file(path: str, text: str) -> None:
    """Write `text` to `path` atomically, so a test that sees the file also sees its content."""
    target = Path(path)
    partial = target.with_name(f".{target.name}.partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(target)


def _attempt(folder: str) -> int:
    """Record one attempt (this process's pid) in `folder/attempts`; returns the attempt number."""
    attempts = Path(folder) / "attempts"
    with attempts.open("a", encoding="utf-8") as handle:
        handle.write(f"{os.getpid()}\n")
    return len(attempts.read_text(encoding="utf-8").splitlines())


def attempts(folder: str | Path) -> list[int]:
    """The pid of every recorded attempt, oldest first."""
    path = Path(folder) / "attempts"
    return [int(line) for line in path.read_text(encoding="utf-8").split()] if path.exists() else []


def slow_first_time(folder: str, seconds: float) -> str:
    """Sleep `seconds` on the first attempt only (a test kills it meanwhile), then write `done`."""
    if _attempt(folder) == 1:
        time.sleep(seconds)
    # Idempotent: writing the same marker twice leaves the same result.
    (Path(folder) / "done").write_text("done", encoding="utf-8")
    return "done"


def fail_times(folder: str, times: int) -> str:
    """Fail with a transient error (ConnectionError) on the first `times` attempts, then write `done`."""
    attempt = _attempt(folder)
    if attempt <= times:
        raise ConnectionError(f"provider unreachable (attempt {attempt})")
    (Path(folder) / "done").write_text("done", encoding="utf-8")
    return "done"


def refuse(folder: str, *ids) -> None:
    """Fail with a domain refusal (about `ids`), which no retry would change."""
    _attempt(folder)
    raise NotFound("That card no longer exists.")


def exit_job(folder: str) -> None:
    """Raise something that is not an Exception."""
    _attempt(folder)
    raise SystemExit(3)


# Tables the exactly-once tests create in the test database (tests/jobs/test_worker_exactly_once.py).
CLAIMS_DDL = "CREATE TABLE IF NOT EXISTS job_test_claims (claim_key VARCHAR(64) PRIMARY KEY, pid INTEGER NOT NULL)"
BALANCE_DDL = "CREATE TABLE IF NOT EXISTS job_test_balance (id INTEGER PRIMARY KEY, amount INTEGER NOT NULL)"
# A session kept open on purpose by `leave_session_open`, so the test can close it afterwards.
LEFT_OPEN: list = []


def credit_once(folder: str, claim_key: str, amount: int, pause_at: str, seconds: float) -> bool:
    """Add `amount` to the balance once per `claim_key`, like a delivery claimed before it is sent.

    The claim (a row under a unique key, `ON CONFLICT DO NOTHING`) and the credit commit together,
    so a rerun finds the claim and adds nothing. On the first attempt the job pauses for `seconds`
    at `pause_at`: "before_commit" (claim and credit written, not committed) or "after_commit"
    (committed, RQ not yet told), writing `folder/paused` first so a test can kill it there.
    """
    from sqlalchemy import text

    from metaic.db import session_scope

    first = _attempt(folder) == 1
    with session_scope() as session:
        claimed = session.execute(
            text("INSERT INTO job_test_claims (claim_key, pid) VALUES (:key, :pid) ON CONFLICT (claim_key) DO NOTHING"),
            {"key": claim_key, "pid": os.getpid()},
        ).rowcount
        if claimed:
            credit = text("UPDATE job_test_balance SET amount = amount + :amount WHERE id = 1")
            session.execute(credit, {"amount": amount})
        if first and pause_at == "before_commit":
            _pause(folder, seconds)
    if first and pause_at == "after_commit":
        _pause(folder, seconds)
    return bool(claimed)


def _pause(folder: str, seconds: float) -> None:
    """Say where the job is (`folder/paused`), then sleep."""
    (Path(folder) / "paused").write_text(str(os.getpid()), encoding="utf-8")
    time.sleep(seconds)


def break_transaction(folder: str) -> None:
    """Run a statement that fails inside a session (a duplicate key), then fail the job with it."""
    from sqlalchemy import text

    from metaic.db import session_scope

    _attempt(folder)
    with session_scope() as session:
        insert = text("INSERT INTO job_test_claims (claim_key, pid) VALUES ('dup', 0)")
        session.execute(insert)
        session.execute(insert)


def leave_session_open(folder: str) -> None:
    """Write inside a session and never close it (a job bug), holding its connection and transaction."""
    from sqlalchemy import text
    from sqlmodel import Session

    from metaic.db import get_engine

    _attempt(folder)
    session = Session(get_engine())
    session.execute(text("UPDATE job_test_balance SET amount = amount + 1 WHERE id = 1"))
    LEFT_OPEN.append(session)


def drop_session_unclosed(folder: str) -> None:
    """Write inside a session and drop it without closing or committing (its connection waits for the collector)."""
    from sqlalchemy import text
    from sqlmodel import Session

    from metaic.db import get_engine

    _attempt(folder)
    session = Session(get_engine())
    session.execute(text("UPDATE job_test_balance SET amount = amount + 1 WHERE id = 1"))
    session.info["self"] = session  # a reference cycle: only the garbage collector can free it


def stuck_in_c(folder: str, seconds: float) -> str:
    """On the first attempt, sleep with SIGALRM blocked, as a job stuck in C code that never returns to Python."""
    import signal

    if _attempt(folder) == 1:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
        time.sleep(seconds)
    (Path(folder) / "done").write_text("done", encoding="utf-8")
    return "done"
