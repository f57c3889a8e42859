"""The file service on SQLite and PostgreSQL: uploads, refusals, quota, variants, ownership, deletion."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from sqlmodel import func, select

from metaic.adapters.storage import get_storage
from metaic.admin import accounts
from metaic.auth import service as user_service
from metaic.config import get_settings
from metaic.core.errors import NotFound, ValidationError
from metaic.db import session_scope
from metaic.files import images
from metaic.files import jobs as files_jobs
from metaic.files import service as file_service
from metaic.files.models import File
from metaic.jobs.queue import drain_local
from tests.files import imaging


def _stored(key: str) -> bytes:
    """An object as the configured storage holds it."""
    return get_storage().get(key)


def _row(file_id) -> File:
    """The row as another transaction sees it."""
    with session_scope() as s:
        return s.get(File, file_id)


def _upload(session, owner, data: bytes, *, purpose: str = "avatar", filename: str = "photo.jpg"):
    """Upload and commit, then let the background variants job run."""
    read = file_service.upload(session=session, owner=owner, purpose=purpose, filename=filename, data=data)
    session.commit()
    drain_local()
    return read


def _file_count(session) -> int:
    """Rows in the files table."""
    return session.exec(select(func.count()).select_from(File)).one()


def test_png_named_jpg_is_accepted_as_png(session, user):
    """The type comes from the content: a PNG called .jpg is a PNG (and a transparent one stays PNG)."""
    read = file_service.upload(
        session=session, owner=user, purpose="logo", filename="logo.jpg", data=imaging.png(120, 60, alpha=True)
    )
    assert read.content_type == "image/png" and (read.width, read.height) == (120, 60)
    assert read.status == "processing" and read.urls == {}
    assert read.original_url.endswith(".png") and read.original_url.startswith("http://testserver/files/img/")
    row = session.get(File, read.id)
    assert Image.open(io.BytesIO(_stored(row.storage_key))).format == "PNG"


def test_exif_gps_stripped_and_rotation_applied(session, user):
    """After upload nothing of the EXIF (GPS, camera, orientation) is stored, and the image is upright."""
    read = _upload(session, user, imaging.jpeg_with_gps_and_orientation())
    assert (read.width, read.height) == (200, 300)
    row = _row(read.id)
    assert row.status == "ready"
    for key in (row.storage_key, *row.variants.values()):
        data = _stored(key)
        image = Image.open(io.BytesIO(data))
        assert not image.getexif() and "exif" not in image.info, key
        assert imaging.CAMERA_MAKE.encode() not in data and b"Exif" not in data
        assert image.width < image.height  # portrait, as the camera meant it
    assert Image.open(io.BytesIO(_stored(row.storage_key))).size == (200, 300)


REFUSALS = {
    "truncated jpeg": (imaging.truncated_jpeg(), "damaged or incomplete"),
    "20000x20000 bomb": (imaging.png_bomb(), "megapixels"),
    "svg with script": (imaging.SVG_WITH_SCRIPT, "not an image we accept"),
    "html named png": (imaging.HTML_PAGE, "not an image we accept"),
    "empty": (b"", "The file is empty"),
}


@pytest.mark.parametrize("case", REFUSALS)
def test_refusals_store_nothing(session, user, data_dir, case):
    """Hostile or broken files are refused with a clear message; no row, no stored object."""
    data, message = REFUSALS[case]
    filename = "page.png" if case == "html named png" else "upload.svg" if "svg" in case else "photo.jpg"
    with pytest.raises(ValidationError) as info:
        file_service.upload(session=session, owner=user, purpose="avatar", filename=filename, data=data)
    assert message in info.value.message and info.value.field == "file"
    assert _file_count(session) == 0
    assert not (data_dir / "files").exists() or not any((data_dir / "files").rglob("*.*"))


def test_over_size_limit_from_settings(session, user, monkeypatch):
    """MAX_UPLOAD_MB is read from the environment; a bigger file is refused with 413."""
    monkeypatch.setenv("MAX_UPLOAD_MB", "1")
    get_settings.cache_clear()
    data = imaging.noisy_jpeg(1000, 1000)
    with pytest.raises(images.FileTooLarge, match="the limit is 1 MB"):
        file_service.upload(session=session, owner=user, purpose="cover", filename="big.jpg", data=data)
    monkeypatch.setenv("MAX_UPLOAD_MB", "3")
    get_settings.cache_clear()
    read = file_service.upload(session=session, owner=user, purpose="cover", filename="big.jpg", data=data)
    assert read.width == 1000


def test_unknown_purpose_refused(session, user):
    """The purpose is one of avatar, cover, logo, work."""
    with pytest.raises(ValidationError) as info:
        file_service.upload(session=session, owner=user, purpose="banner", filename="a.jpg", data=imaging.jpeg())
    assert info.value.field == "purpose" and "avatar, cover, logo, work" in info.value.message


def test_quota_exceeded_has_a_clear_message(session, user, other, monkeypatch):
    """Over the per-user quota: a message with what is used and what is allowed; others are unaffected."""
    monkeypatch.setenv("STORAGE_QUOTA_MB", "1")
    get_settings.cache_clear()
    first = _upload(session, user, imaging.noisy_jpeg(600, 600, seed=1), purpose="work")
    used, quota = file_service.usage(session=session, owner=user)
    assert quota == 1_000_000 and used == _row(first.id).total_bytes > 500_000
    with pytest.raises(ValidationError) as info:
        file_service.upload(
            session=session, owner=user, purpose="work", filename="b.jpg", data=imaging.noisy_jpeg(800, 800, seed=2)
        )
    expected = (
        f"Your storage is full ({used / 1_000_000:.1f} MB of 1 MB used). Delete some images or upload a smaller one."
    )
    assert info.value.message == expected
    assert (
        file_service.upload(
            session=session, owner=other, purpose="work", filename="b.jpg", data=imaging.noisy_jpeg(800, 800, seed=2)
        ).status
        == "processing"
    )
    file_service.delete(session=session, owner=user, file_id=first.id)
    assert file_service.usage(session=session, owner=user)[0] == 0
    assert (
        file_service.upload(
            session=session, owner=user, purpose="work", filename="b.jpg", data=imaging.noisy_jpeg(800, 800, seed=2)
        ).status
        == "processing"
    )


def test_variants_made_in_the_background(session, user):
    """After the job: ready, WebP variants at 96/400/1200 px, and the bytes of every object counted."""
    read = _upload(session, user, imaging.jpeg(2000, 1000), purpose="cover")
    with session_scope() as s:
        ready = file_service.get(session=s, owner=user, file_id=read.id)
    assert ready.status == "ready" and sorted(ready.urls) == [96, 400, 1200]
    row = _row(read.id)
    sizes = {}
    for width, key in row.variants.items():
        image = Image.open(io.BytesIO(_stored(key)))
        assert image.format == "WEBP" and ready.urls[int(width)].endswith(key)
        sizes[int(width)] = image.size
    assert sizes == {96: (96, 48), 400: (400, 200), 1200: (1200, 600)}
    storage = get_storage()
    stored = {row.storage_key, *row.variants.values()}
    assert row.total_bytes == sum(storage.size(k) for k in stored)
    assert file_service.usage(session=session, owner=user)[0] == row.total_bytes
    assert ready.best_url(300) == ready.urls[400] and ready.best_url(5000) == ready.urls[1200]


def test_small_image_never_upscaled(session, user):
    """An 80 px image keeps 80 px in every variant, stored once."""
    read = _upload(session, user, imaging.png(80, 50))
    row = _row(read.id)
    assert len(set(row.variants.values())) == 1
    assert Image.open(io.BytesIO(_stored(row.variants["1200"]))).size == (80, 50)


def test_job_waits_for_commit_and_rollback_removes_the_object(session, user):
    """Nothing is queued before commit; a rolled-back upload leaves no stored object behind."""
    read = file_service.upload(session=session, owner=user, purpose="avatar", filename="a.jpg", data=imaging.jpeg())
    drain_local()
    key = re.search(r"/files/(.+)$", read.original_url).group(1)
    assert get_storage().exists(key)
    session.rollback()
    drain_local()
    assert not get_storage().exists(key)
    assert _row(read.id) is None


def test_job_is_idempotent(session, user):
    """Running the job again changes nothing; a missing upload or original is handled."""
    read = _upload(session, user, imaging.jpeg(1300, 900))
    before = _row(read.id)
    contents = {k: _stored(k) for k in before.variants.values()}
    assert files_jobs.make_variants(str(read.id)) == "ready"
    after = _row(read.id)
    assert (after.variants, after.total_bytes, after.status) == (before.variants, before.total_bytes, "ready")
    assert {k: _stored(k) for k in after.variants.values()} == contents
    # Lost variants are made again.
    get_storage().delete(before.variants["400"])
    assert files_jobs.make_variants(read.id) == "ready"
    assert _stored(before.variants["400"]) == contents[before.variants["400"]]
    assert files_jobs.make_variants("00000000-0000-4000-8000-000000000000") == "gone"


def test_job_marks_failed_when_the_original_is_gone(session, user):
    """No original to work from: the upload is marked failed."""
    read = file_service.upload(session=session, owner=user, purpose="avatar", filename="a.jpg", data=imaging.jpeg())
    get_storage().delete(session.get(File, read.id).storage_key)
    session.commit()
    drain_local()
    assert _row(read.id).status == "failed"


def test_stuck_uploads_are_queued_again(session, user):
    """An upload whose job was lost (a process died between commit and enqueue) gets its variants later."""
    from datetime import timedelta

    from metaic.core import clock

    row = File(
        owner_id=user.id,
        purpose="avatar",
        content_type="image/jpeg",
        width=640,
        height=480,
        total_bytes=1,
        storage_key="",
    )
    row.storage_key = file_service.original_key(row.id, "jpg")
    get_storage().put(row.storage_key, imaging.jpeg(), "image/jpeg")
    session.add(row)
    session.commit()
    assert file_service.requeue_stuck(session=session) == 0  # too recent to call stuck
    clock.advance(timedelta(minutes=16))
    assert file_service.requeue_stuck(session=session) == 1
    drain_local()
    assert _row(row.id).status == "ready" and sorted(_row(row.id).variants, key=int) == ["96", "400", "1200"]


def test_ownership(session, user, other):
    """Someone else's upload is 'not found' for get and delete, and absent from their list."""
    read = _upload(session, user, imaging.jpeg())
    with pytest.raises(NotFound):
        file_service.get(session=session, owner=other, file_id=read.id)
    with pytest.raises(NotFound):
        file_service.delete(session=session, owner=other, file_id=read.id)
    assert file_service.list_(session=session, owner=other) == []
    assert [f.id for f in file_service.list_(session=session, owner=user)] == [read.id]
    assert file_service.list_(session=session, owner=user, purpose="cover") == []
    assert file_service.get(session=session, owner=user, file_id=read.id).id == read.id


def test_delete_removes_every_stored_object(session, user):
    """Deleting an upload removes its row and, after commit, its original and variants."""
    read = _upload(session, user, imaging.jpeg(1500, 1000))
    row = _row(read.id)
    keys = [row.storage_key, *row.variants.values()]
    storage = get_storage()
    assert all(storage.exists(k) for k in keys)
    file_service.delete(session=session, owner=user, file_id=read.id)
    assert all(storage.exists(k) for k in keys)  # not before the commit...
    session.commit()
    assert not any(storage.exists(k) for k in keys)
    with pytest.raises(NotFound):
        file_service.get(session=session, owner=user, file_id=read.id)


def test_rolled_back_delete_keeps_the_objects(session, user):
    """A delete that rolls back leaves the row and the objects in place."""
    read = _upload(session, user, imaging.jpeg())
    key = _row(read.id).storage_key
    file_service.delete(session=session, owner=user, file_id=read.id)
    session.rollback()
    assert get_storage().exists(key) and _row(read.id) is not None


def test_purge_owner_and_account_cascade(session, user):
    """purge_owner removes everything of a user; deleting an account removes its rows too."""
    a = _upload(session, user, imaging.jpeg())
    b = _upload(session, user, imaging.png(), purpose="logo")
    keys = [k for r in (a, b) for k in (_row(r.id).storage_key, *_row(r.id).variants.values())]
    assert file_service.purge_owner(session=session, owner=user) == 2
    session.commit()
    assert not any(get_storage().exists(k) for k in keys)
    _upload(session, user, imaging.jpeg())
    user_service.delete(session=session, user=user, password="Correct-Horse-42")
    session.commit()
    assert _file_count(session) == 0


def test_deleting_an_account_removes_its_stored_images(session, user):
    """The account deletion flow purges the objects too, not only the rows; a wrong password keeps both."""
    read = _upload(session, user, imaging.jpeg())
    session.commit()
    key = _row(read.id).storage_key
    with pytest.raises(ValidationError):
        accounts.delete_account(session=session, user=user, password="wrong")
    session.rollback()
    assert get_storage().exists(key) and _row(read.id) is not None
    accounts.delete_account(session=session, user=user, password="Correct-Horse-42")
    session.commit()
    assert not get_storage().exists(key) and _file_count(session) == 0


def test_vcard_photo(session, user):
    """A small JPEG for vCards, before and after the variants exist; None for unknown ids."""
    read = file_service.upload(
        session=session, owner=user, purpose="avatar", filename="a.png", data=imaging.noisy_jpeg(1200, 1600)
    )
    processing = file_service.read_original_jpeg(session=session, file_id=read.id)
    session.commit()
    drain_local()
    ready = file_service.read_original_jpeg(session=session, file_id=read.id)
    for data in (processing, ready):
        image = Image.open(io.BytesIO(data))
        assert image.format == "JPEG" and max(image.size) <= 400 and len(data) <= 60_000
        assert image.size[0] < image.size[1]
    import uuid

    assert file_service.read_original_jpeg(session=session, file_id=uuid.uuid4()) is None


def test_upload_rate_limited(session, user, monkeypatch):
    """A burst of uploads from one account is slowed down."""
    from metaic.core.errors import RateLimited

    monkeypatch.setattr(file_service, "UPLOADS_PER_HOUR", 2)
    for _ in range(2):
        file_service.upload(session=session, owner=user, purpose="work", filename="a.jpg", data=imaging.jpeg(20, 20))
    with pytest.raises(RateLimited):
        file_service.upload(session=session, owner=user, purpose="work", filename="a.jpg", data=imaging.jpeg(20, 20))
