"""Background entry points for uploaded images."""

from __future__ import annotations

import logging
import uuid

from metaic.db import session_scope
from metaic.files import variants

log = logging.getLogger(__name__)


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
