"""Unique visitors without cookies or stored addresses: a salted hash that changes every UTC day (Plausible's way).

visitor = sha256(salt of the day + client address + user agent), cut to 16 hex characters. The address
and the user agent are never stored; the salt is random, kept in the database (so every process of the
app hashes alike) and deleted two days later, after which nobody, us included, can recompute a hash or
tell that yesterday's visitor came back today. Browsers that send `DNT: 1` or `Sec-GPC: 1` are counted
but get no hash at all.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from metaic.analytics.models import AnalyticsSalt
from metaic.core import clock

KEEP_SALT_DAYS = 2  # today's and yesterday's salts (a flush retried after midnight still hashes its events)
HASH_LENGTH = 16

_lock = threading.Lock()
_salts: dict[tuple[str, date], str] = {}  # (database, day) -> salt


def salt_for(session: Session, day: date) -> str:
    """The salt of a UTC day, created on first use (concurrent processes agree on the first one stored)."""
    key = (str(session.get_bind().url), day)
    with _lock:
        cached = _salts.get(key)
    if cached is not None:
        return cached
    module = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    table = AnalyticsSalt.__table__
    session.execute(
        module.insert(table).values(day=day, salt=secrets.token_hex(32)).on_conflict_do_nothing(index_elements=["day"])
    )
    salt = session.execute(sa.select(table.c.salt).where(table.c.day == day)).scalar_one()
    with _lock:
        _salts[key] = salt
    return salt


def visitor_hash(salt: str, address: str, user_agent: str) -> str:
    """The day's pseudonymous id of a browser: unlinkable to the address, and to other days' ids."""
    digest = hashlib.sha256(f"{salt}\n{address}\n{user_agent}".encode()).hexdigest()
    return digest[:HASH_LENGTH]


def rotate(*, session: Session) -> int:
    """Delete salts older than yesterday (and forget them in this process); returns how many were deleted."""
    cutoff = clock.now().date() - timedelta(days=KEEP_SALT_DAYS - 1)
    table = AnalyticsSalt.__table__
    deleted = session.execute(sa.delete(table).where(table.c.day < cutoff)).rowcount or 0
    forget(before=cutoff)
    return deleted


def forget(*, before: date | None = None) -> None:
    """Drop cached salts (all of them, or those of days before `before`)."""
    with _lock:
        for key in list(_salts):
            if before is None or key[1] < before:
                del _salts[key]


def opted_out(dnt: str | None, gpc: str | None) -> bool:
    """True when the browser sends Do Not Track or Global Privacy Control."""
    return (dnt or "").strip() == "1" or (gpc or "").strip() == "1"
