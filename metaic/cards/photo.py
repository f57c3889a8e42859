"""The avatar's JPEG bytes for the vCard, from the files domain when it is there."""

from __future__ import annotations

import logging
import uuid

from sqlmodel import Session

log = logging.getLogger(__name__)


def avatar_jpeg(*, session: Session, file_id: uuid.UUID | None) -> bytes | None:
    """The avatar as JPEG bytes, or None when no avatar is set or it cannot be read.

    The files domain owns images; it is looked up at call time so this module works before it lands,
    and a photo that cannot be read only leaves the vCard without a picture.
    """
    if file_id is None:
        return None
    try:
        from metaic.files import service as file_service
    except ImportError:
        return None
    reader = getattr(file_service, "read_original_jpeg", None)
    if reader is None:
        return None
    try:
        return reader(session=session, file_id=file_id)
    except Exception:
        log.warning("avatar %s could not be read for a vCard", file_id, exc_info=True)
        return None


def avatar_sources(*, session: Session, file_id: uuid.UUID | None) -> dict[int, str]:
    """The avatar's ready variants by width (for `srcset`); empty when there are none or they cannot be read."""
    if file_id is None:
        return {}
    try:
        from metaic.files import service as file_service

        return file_service.variant_urls(session=session, file_id=file_id)
    except Exception:
        log.warning("avatar %s variants could not be read", file_id, exc_info=True)
        return {}
