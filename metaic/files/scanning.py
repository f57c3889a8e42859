"""Virus scanning of uploads: held until the scanner says clean, removed when infected, kept while it is down.

While an upload is pending, its bytes as received and its cleaned original live under `held/` keys,
which the /files/ route never serves (it serves `img/` keys only) and for which no address is handed
out; the public `img/<id>/original.*` object is written only once the scan says clean. A scanner
that is down or gives no verdict leaves the upload pending: its next try is due after a backoff, and
the upkeep sweep (service.scan_due) queues it again. Nothing pending is ever dropped or served.
"""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta

from sqlalchemy import or_
from sqlmodel import Session, select

from metaic import events
from metaic.adapters.storage import ObjectNotFound, Storage, get_storage
from metaic.config import get_settings
from metaic.core import clock
from metaic.db import after_commit
from metaic.files.models import SCAN_CLEAN, SCAN_INFECTED, SCAN_PENDING, STATUS_FAILED, File
from metaic.files.variants import delete_objects

log = logging.getLogger(__name__)

HELD_PREFIX = "held/"
# A queued scan owns its upload this long before a sweep may queue it again (a lost job is retried).
LEASE = timedelta(minutes=5)
FIRST_RETRY_SECONDS = 30
MAX_RETRY_SECONDS = 3600
# The cleaned original is re-encoded (images.encode_original): its type follows from its key, not the upload's.
_CLEANED_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}


def enabled() -> bool:
    """Whether uploads are held for a virus scan (`VIRUS_SCANNER` other than `none`)."""
    return get_settings().virus_scanner != "none"


def raw_key(file_id: uuid.UUID) -> str:
    """Where the bytes of a pending upload are kept exactly as they were received (what the scanner reads)."""
    return f"{HELD_PREFIX}{file_id.hex}/upload"


def held_original_key(storage_key: str) -> str:
    """Where the cleaned original of a pending upload waits (`held/<id>/original.jpg` for `img/<id>/original.jpg`)."""
    return HELD_PREFIX + storage_key.removeprefix("img/")


def held_keys(row: File) -> list[str]:
    """Both held objects of an upload (present only while it is pending)."""
    return [raw_key(row.id), held_original_key(row.storage_key)]


def hold(storage: Storage, *, file_id: uuid.UUID, key: str, raw: bytes, cleaned: bytes, content_type: str) -> list[str]:
    """Store a new upload under held keys only; returns the keys written."""
    storage.put(raw_key(file_id), raw, "application/octet-stream")
    storage.put(held_original_key(key), cleaned, content_type)
    return [raw_key(file_id), held_original_key(key)]


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the n-th failed try: 30 s, doubling, at most an hour."""
    return timedelta(seconds=min(FIRST_RETRY_SECONDS * 2 ** max(attempts - 1, 0), MAX_RETRY_SECONDS))


def claim_due(*, session: Session, limit: int = 200) -> list[uuid.UUID]:
    """Pending uploads whose scan is due, leased for LEASE so parallel sweeps queue each one once."""
    now = clock.now()
    due = or_(File.scan_retry_at.is_(None), File.scan_retry_at <= now)
    query = select(File).where(File.scan_status == SCAN_PENDING, due).order_by(File.created_at).limit(limit)
    rows = list(session.exec(query.with_for_update(skip_locked=True)))
    for row in rows:
        row.scan_retry_at = now + LEASE
        session.add(row)
    session.flush()
    return [row.id for row in rows]


def target(*, session: Session, file_id: uuid.UUID) -> str | None:
    """The key of the bytes to scan for a pending upload; None when it is not pending (done, or deleted)."""
    row = session.get(File, file_id)
    return raw_key(row.id) if row is not None and row.scan_status == SCAN_PENDING else None


def _pending(session: Session, file_id: uuid.UUID) -> File | None:
    """The upload, locked, if it is still pending."""
    row = session.get(File, file_id, with_for_update=True, populate_existing=True)
    return row if row is not None and row.scan_status == SCAN_PENDING else None


def postpone(*, session: Session, file_id: uuid.UUID, reason: str) -> File | None:
    """No verdict (scanner down, timed out, refused): keep the upload held and set its next try."""
    row = _pending(session, file_id)
    if row is None:
        return None
    row.scan_attempts += 1
    row.scan_retry_at = clock.now() + retry_delay(row.scan_attempts)
    session.add(row)
    log.warning(
        "file %s stays held (scan try %d failed: %s); next try %s",
        file_id,
        row.scan_attempts,
        reason,
        row.scan_retry_at,
    )
    return row


def release(*, session: Session, file_id: uuid.UUID) -> File | None:
    """The scan says clean: publish the cleaned original at its public key; held objects go after commit."""
    row = _pending(session, file_id)
    if row is None:
        return None
    storage = get_storage()
    held = held_keys(row)
    try:
        data = storage.get(held[1])
    except ObjectNotFound:
        log.error("file %s: its held original is missing; marking it failed", file_id)
        row.status = STATUS_FAILED
    else:
        storage.put(row.storage_key, data, _CLEANED_TYPES[row.storage_key.rsplit(".", 1)[-1]])
        row.total_bytes = len(data)
    row.scan_status, row.scan_retry_at = SCAN_CLEAN, None
    session.add(row)
    session.flush()
    after_commit(session, lambda: delete_objects(storage, held))
    return row


def remove_infected(*, session: Session, file_id: uuid.UUID, signature: str) -> File | None:
    """The scan found malware: every stored object goes, the row stays as the record, the owner is told."""
    row = _pending(session, file_id)
    if row is None:
        return None
    keys = [*held_keys(row), row.storage_key, *row.variants.values()]
    row.scan_status, row.scan_result, row.scan_retry_at = SCAN_INFECTED, signature[:200], None
    row.total_bytes, row.variants = 0, {}
    session.add(row)
    session.flush()
    storage = get_storage()
    after_commit(session, lambda: delete_objects(storage, keys))
    events.emit(session, "file.infected", file_id=row.id)
    log.warning("file %s of user %s is infected (%s): removed", file_id, row.owner_id, row.scan_result)
    return row
