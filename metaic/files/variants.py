"""Making an upload's WebP variants (run by the background job), and removing stored objects."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable

from sqlmodel import Session

from metaic.adapters.storage import ObjectNotFound, Storage, get_storage
from metaic.config import get_settings
from metaic.core import cdn
from metaic.core.errors import ValidationError
from metaic.files import images
from metaic.files.models import STATUS_FAILED, STATUS_READY, File

log = logging.getLogger(__name__)


def variant_key(file_id: uuid.UUID, width: int, data: bytes) -> str:
    """Storage key of a WebP variant, named by its bytes' hash and real width (equal variants share one object)."""
    return f"img/{file_id.hex}/{cdn.digest(data)}/{width}w.webp"


def delete_objects(storage: Storage, keys: Iterable[str]) -> None:
    """Remove stored objects, logging (not raising) failures: the rows are already gone."""
    for key in dict.fromkeys(keys):
        try:
            storage.delete(key)
        except Exception:
            log.exception("could not delete stored object %s", key)


def make_variants(*, session: Session, file_id: uuid.UUID) -> File | None:
    """Make and store the WebP variants of an upload and mark it ready (safe to run again)."""
    row = session.get(File, file_id)
    if row is None:
        log.info("file %s is gone; no variants to make", file_id)
        return None
    settings = get_settings()
    storage = get_storage(settings)
    if row.status == STATUS_READY and row.variants and all(storage.exists(k) for k in row.variants.values()):
        return row
    try:
        original = storage.get(row.storage_key)
        made = images.variants(original, max_pixels=settings.max_image_pixels)
    except (ObjectNotFound, ValidationError) as exc:
        log.warning("file %s: cannot make variants: %s", file_id, exc)
        row.status = STATUS_FAILED
        session.add(row)
        return row
    keys: dict[str, str] = {}
    sizes: dict[str, int] = {}
    for width, encoded in made.items():
        key = variant_key(row.id, encoded.width, encoded.data)
        if key not in sizes:
            storage.put(key, encoded.data, encoded.content_type)
            sizes[key] = len(encoded.data)
        keys[str(width)] = key
    # Re-read under a lock: the upload may have been deleted while the variants were being made.
    row = session.get(File, file_id, with_for_update=True, populate_existing=True)
    if row is None:
        delete_objects(storage, sizes)
        return None
    row.variants = keys
    row.total_bytes = len(original) + sum(sizes.values())
    row.status = STATUS_READY
    session.add(row)
    return row


def mark_failed(*, session: Session, file_id: uuid.UUID) -> None:
    """Record that an upload's variants could not be made."""
    row = session.get(File, file_id)
    if row is not None and row.status != STATUS_READY:
        row.status = STATUS_FAILED
        session.add(row)
