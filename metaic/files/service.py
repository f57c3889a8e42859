"""Uploaded images: validate, store, variants, quota, ownership, addresses."""

from __future__ import annotations

import logging
import re
import uuid
from datetime import timedelta
from urllib.parse import quote

from sqlmodel import Session, func, select

from metaic.adapters.storage import LOCAL_ROUTE, ObjectNotFound, check_key, get_storage
from metaic.auth.models import User
from metaic.config import get_settings
from metaic.core import cdn, clock, ratelimit
from metaic.core.errors import NotFound, ValidationError
from metaic.db import after_commit, after_rollback
from metaic.files import images, scanning
from metaic.files import jobs as files_jobs
from metaic.files.models import (
    PURPOSES,
    SCAN_CLEAN,
    SCAN_INFECTED,
    SCAN_PENDING,
    STATUS_FAILED,
    STATUS_PROCESSING,
    STATUS_READY,
    File,
    FileRead,
)
from metaic.files.variants import delete_objects

log = logging.getLogger(__name__)

UPLOADS_PER_HOUR = 200
# The only keys the /files/ route serves: ours, so nothing else in the storage is reachable through it.
# `img/<upload>/<hash of the bytes>/<name>`; keys made before content hashing have no hash segment.
_IMAGE_KEY = re.compile(r"img/[0-9a-f]{32}/(?:([0-9a-f]{16})/)?(?:original|[0-9]{1,5}w)\.(jpg|png|webp)")
_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}


def image_key(file_id: uuid.UUID, name: str, data: bytes | None) -> str:
    """Storage key of one of an upload's images, named by the hash of its bytes (None: the pre-hash name)."""
    return f"img/{file_id.hex}/{cdn.digest(data)}/{name}" if data is not None else f"img/{file_id.hex}/{name}"


def original_key(file_id: uuid.UUID, extension: str, data: bytes | None = None) -> str:
    """Storage key of a cleaned original (`img/<uuid hex>/<hash>/original.jpg`)."""
    return image_key(file_id, f"original.{extension}", data)


def content_type_for_key(key: str) -> str | None:
    """The content type of an image object key we make, or None for any other key."""
    match = _IMAGE_KEY.fullmatch(key or "")
    return _TYPES[match.group(2)] if match else None


def is_content_hashed(key: str) -> bool:
    """True for a key that names its bytes' hash (served immutable), False for an older key."""
    match = _IMAGE_KEY.fullmatch(key or "")
    return bool(match and match.group(1))


def read_object(*, key: str) -> tuple[bytes, str]:
    """The bytes and content type of a stored image object (public card assets), or NotFound."""
    content_type = content_type_for_key(key)
    if content_type is None:
        raise NotFound("Image not found.")
    try:
        return get_storage().get(key), content_type
    except ObjectNotFound as exc:
        raise NotFound("Image not found.") from exc


def public_url(*, key: str) -> str:
    """The address browsers load a stored object from: a public bucket's own, else /files/ (on the CDN when set)."""
    settings = get_settings()
    bucket = get_storage(settings).url(key) if settings.storage_backend == "s3" else None
    return bucket or cdn.absolute(f"{LOCAL_ROUTE}{quote(check_key(key))}")


def read(row: File) -> FileRead:
    """The public view of an upload, with addresses for the original and each ready variant.

    An upload the virus scan has not cleared has no address at all (its objects are not served either).
    """
    clean = row.scan_status == SCAN_CLEAN
    ready = clean and row.status == STATUS_READY
    urls = {int(width): public_url(key=key) for width, key in row.variants.items()} if ready else {}
    return FileRead(
        id=row.id,
        purpose=row.purpose,
        status=row.status,
        scan_status=row.scan_status,
        content_type=row.content_type,
        width=row.width,
        height=row.height,
        total_bytes=row.total_bytes,
        urls=dict(sorted(urls.items())),
        original_url=public_url(key=row.storage_key) if clean else "",
        created_at=clock.as_utc(row.created_at),
    )


def variant_urls(*, session: Session, file_id: uuid.UUID) -> dict[int, str]:
    """Addresses of an upload's ready WebP variants by width (empty while they are made, or for no such file)."""
    row = session.get(File, file_id)
    return read(row).urls if row is not None else {}


def usage(*, session: Session, owner: User) -> tuple[int, int]:
    """(bytes used, bytes allowed) for an owner's uploads."""
    query = select(func.coalesce(func.sum(File.total_bytes), 0)).where(File.owner_id == owner.id)
    used = int(session.exec(query).one())
    return used, get_settings().storage_quota_mb * 1_000_000


def _quota_message(used: int, quota: int) -> str:
    """Say how full the storage is and what to do."""
    return (
        f"Your storage is full ({used / 1_000_000:.1f} MB of {quota / 1_000_000:g} MB used). "
        "Delete some images or upload a smaller one."
    )


def check_purpose(purpose: str) -> str:
    """Return a known purpose or raise ValidationError."""
    if purpose not in PURPOSES:
        raise ValidationError(f"Choose what the image is for: {', '.join(PURPOSES)}.", field="purpose")
    return purpose


def upload(
    *, session: Session, owner: User, purpose: str, filename: str, data: bytes, rate_limited: bool = True
) -> FileRead:
    """Check an image (type by content, never by `filename`), store it cleaned, queue its variants.

    `rate_limited=False` is for work already limited as a whole (the photos of a contact import)."""
    check_purpose(purpose)
    if rate_limited:
        ratelimit.hit(f"upload:{owner.id}", limit=UPLOADS_PER_HOUR, window=3600)
    settings = get_settings()
    limits = {"max_pixels": settings.max_image_pixels}
    info = images.inspect(data, max_bytes=settings.max_upload_mb * 1_000_000, **limits)
    cleaned = images.encode_original(images.decode(data, **limits))
    # Lock the owner's row (PostgreSQL) so two parallel uploads cannot both squeeze under the quota.
    session.exec(select(User.id).where(User.id == owner.id).with_for_update()).first()
    used, quota = usage(session=session, owner=owner)
    held = scanning.enabled()
    # A held upload keeps the bytes as received until its scan: they count against the quota meanwhile.
    size = len(cleaned.data) + (len(data) if held else 0)
    if used + size > quota:
        raise ValidationError(_quota_message(used, quota), field="file")
    file_id = uuid.uuid4()
    key = original_key(file_id, cleaned.extension, cleaned.data)
    storage = get_storage(settings)
    if held:
        keys = scanning.hold(
            storage, file_id=file_id, key=key, raw=data, cleaned=cleaned.data, content_type=cleaned.content_type
        )
    else:
        storage.put(key, cleaned.data, cleaned.content_type)
        keys = [key]
    after_rollback(session, lambda: delete_objects(storage, keys))
    row = File(
        id=file_id,
        owner_id=owner.id,
        purpose=purpose,
        content_type=info.content_type,
        width=cleaned.width,
        height=cleaned.height,
        total_bytes=size,
        storage_key=key,
        scan_status=SCAN_PENDING if held else SCAN_CLEAN,
        # The scan job queued below holds a lease; a sweep queues the scan again only if that job is lost.
        scan_retry_at=clock.now() + scanning.LEASE if held else None,
    )
    session.add(row)
    session.flush()
    log.info(
        "user %s uploaded %s (%r, %s, %d bytes) as file %s",
        owner.id,
        purpose,
        filename[:100],
        info.content_type,
        len(data),
        file_id,
    )
    after_commit(session, lambda: (files_jobs.queue_scan if held else files_jobs.queue_variants)(file_id))
    return read(row)


def _owned(session: Session, owner: User, file_id: uuid.UUID, *, lock: bool = False) -> File:
    """The owner's upload, or NotFound (someone else's upload is reported as missing too)."""
    row = session.get(File, file_id, with_for_update=lock or None, populate_existing=lock or None)
    if row is None or row.owner_id != owner.id:
        raise NotFound("Image not found.")
    return row


def get(*, session: Session, owner: User, file_id: uuid.UUID) -> FileRead:
    """One of the owner's uploads."""
    return read(_owned(session, owner, file_id))


def read_original(*, session: Session, owner: User, file_id: uuid.UUID) -> bytes:
    """The cleaned original of one of the owner's uploads (for reading a scanned card), or NotFound.

    While the virus scan is pending this is the held copy: Pillow's re-encode of the pixels, read by our own
    code only (never served); an infected upload has nothing left to read.
    """
    row = _owned(session, owner, file_id)
    if row.scan_status == SCAN_INFECTED:
        raise NotFound("Image not found.")
    key = scanning.held_original_key(row.storage_key) if row.scan_status == SCAN_PENDING else row.storage_key
    try:
        return get_storage().get(key)
    except ObjectNotFound as exc:
        raise NotFound("Image not found.") from exc


def list_(*, session: Session, owner: User, purpose: str | None = None) -> list[FileRead]:
    """The owner's uploads, newest first, optionally of one purpose."""
    query = select(File).where(File.owner_id == owner.id, File.scan_status != SCAN_INFECTED)
    if purpose is not None:
        query = query.where(File.purpose == check_purpose(purpose))
    return [read(row) for row in session.exec(query.order_by(File.created_at.desc()))]


def delete(*, session: Session, owner: User, file_id: uuid.UUID) -> None:
    """Delete an upload; its stored objects go once the transaction commits."""
    row = _owned(session, owner, file_id, lock=True)
    _delete_rows(session, [row])


def purge_owner(*, session: Session, owner: User) -> int:
    """Delete every upload of a user and their stored objects (call before deleting the account)."""
    rows = list(session.exec(select(File).where(File.owner_id == owner.id)))
    _delete_rows(session, rows)
    return len(rows)


def _delete_rows(session: Session, rows: list[File]) -> None:
    """Delete rows now and their objects after commit (a rollback keeps both)."""
    keys = [key for row in rows for key in (row.storage_key, *row.variants.values(), *scanning.held_keys(row))]
    for row in rows:
        session.delete(row)
    session.flush()
    storage = get_storage()
    after_commit(session, lambda: delete_objects(storage, keys))


def requeue_stuck(*, session: Session, older_than: timedelta = timedelta(minutes=15)) -> int:
    """Queue the variants job again for uploads still processing after `older_than` (a lost job); returns how many."""
    cutoff = clock.now() - older_than
    query = select(File.id).where(
        File.status == STATUS_PROCESSING, File.scan_status == SCAN_CLEAN, File.created_at < cutoff
    )
    ids = list(session.exec(query.limit(500)))
    for file_id in ids:
        files_jobs.queue_variants(file_id)
    return len(ids)


def scan_due(*, session: Session) -> int:
    """Queue the virus scan of every held upload whose next try is due (scanner back, lost job); returns how many."""
    ids = scanning.claim_due(session=session)
    for file_id in ids:
        after_commit(session, lambda file_id=file_id: files_jobs.queue_scan(file_id))
    return len(ids)


def read_original_jpeg(*, session: Session, file_id: uuid.UUID) -> bytes | None:
    """A small JPEG (<= 400 px, under ~60 KB) of an upload for a vCard PHOTO, or None."""
    row = session.get(File, file_id)
    if row is None or row.status == STATUS_FAILED or row.scan_status != SCAN_CLEAN:
        return None
    storage = get_storage()
    source = row.variants.get("400") if row.status == STATUS_READY else None
    try:
        data = storage.get(source or row.storage_key)
        return images.vcard_jpeg(data, max_pixels=get_settings().max_image_pixels)
    except (ObjectNotFound, ValidationError) as exc:
        log.warning("file %s: no vCard photo: %s", file_id, exc)
        return None
