"""Background entry points for uploaded images: the virus scan, then the variants."""

from __future__ import annotations

import logging
import uuid

from metaic.adapters.clamd import ScannerUnavailable, Verdict, get_scanner
from metaic.adapters.storage import ObjectNotFound, get_storage
from metaic.db import after_commit, session_scope
from metaic.files import scanning, variants
from metaic.files.models import STATUS_FAILED
from metaic.jobs import enqueue

log = logging.getLogger(__name__)


def queue_variants(file_id: uuid.UUID) -> None:
    """Queue the job that makes an upload's WebP variants."""
    enqueue(make_variants, str(file_id), title=f"image variants for file {file_id}", queue_name="default")


def queue_scan(file_id: uuid.UUID) -> None:
    """Queue the virus scan of a held upload (the scan job records its own retries, so the queue does not retry)."""
    enqueue(scan_upload, str(file_id), title=f"virus scan of file {file_id}", queue_name="default", retries=0)


def make_variants(file_id: str | uuid.UUID) -> str:
    """Make the WebP variants of one upload; safe to run twice; returns the upload's status."""
    file_id = uuid.UUID(str(file_id))
    try:
        with session_scope() as session:
            row = variants.make_variants(session=session, file_id=file_id)
            return row.status if row is not None else "gone"
    except Exception:
        # Storage or database trouble: record it, then let the queue retry (a retry can still succeed).
        log.exception("variants for file %s failed", file_id)
        with session_scope() as session:
            variants.mark_failed(session=session, file_id=file_id)
        raise


def _verdict(key: str) -> Verdict:
    """The scanner's verdict on a held upload's bytes (a scanner switched off since the upload lets it through)."""
    scanner = get_scanner()
    if scanner is None:
        log.warning("VIRUS_SCANNER is none: releasing held upload %s unscanned", key)
        return Verdict(clean=True)
    try:
        data = get_storage().get(key)
    except ObjectNotFound as exc:
        raise ScannerUnavailable(f"the held bytes {key} are missing") from exc
    return scanner.scan(data)


def scan_upload(file_id: str | uuid.UUID) -> str:
    """Scan a held upload: clean ones are released (then get variants), infected ones removed, else retried later.

    The scanner is asked outside any transaction; the verdict is applied under a row lock, so a second
    run (a duplicate job, a sweep) finds the upload no longer pending and does nothing.
    """
    file_id = uuid.UUID(str(file_id))
    with session_scope() as session:
        key = scanning.target(session=session, file_id=file_id)
    if key is None:
        return "done"
    try:
        verdict = _verdict(key)
    except ScannerUnavailable as exc:
        with session_scope() as session:
            scanning.postpone(session=session, file_id=file_id, reason=str(exc))
        return "pending"
    with session_scope() as session:
        if not verdict.clean:
            scanning.remove_infected(session=session, file_id=file_id, signature=verdict.signature)
            return "infected"
        row = scanning.release(session=session, file_id=file_id)
        if row is not None and row.status != STATUS_FAILED:
            after_commit(session, lambda: queue_variants(file_id))
    return "clean"
