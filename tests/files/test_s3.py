"""The whole image journey on S3 (moto's server): upload, variants, addresses, deletion."""

from __future__ import annotations

import io
from urllib.parse import urlsplit

import httpx
from fastapi.testclient import TestClient
from PIL import Image

from metaic.adapters.storage import S3Storage, get_storage
from metaic.api.app import build_api
from metaic.db import session_scope
from metaic.files import service as file_service
from metaic.files.models import File
from metaic.jobs.queue import drain_local
from tests.adapters.moto_s3 import use_s3
from tests.files import imaging


def _ready(session, user, data: bytes):
    """Upload, commit, run the job; return the public view."""
    read = file_service.upload(session=session, owner=user, purpose="cover", filename="c.jpg", data=data)
    session.commit()
    drain_local()
    return file_service.get(session=session, owner=user, file_id=read.id)


def test_upload_variants_and_public_urls_on_s3(session, user, s3_bucket, monkeypatch, data_dir):
    """With a public bucket the URLs point at it and fetch the right images; nothing touches the local folder."""
    use_s3(monkeypatch, s3_bucket, public=True)
    assert isinstance(get_storage(), S3Storage)
    read = _ready(session, user, imaging.jpeg_with_gps_and_orientation())
    assert read.status == "ready" and sorted(read.urls) == [96, 400, 1200]
    base = f"{s3_bucket.endpoint_url}/{s3_bucket.name}/"
    assert read.original_url.startswith(base) and all(u.startswith(base) for u in read.urls.values())
    original = httpx.get(read.original_url)
    assert original.status_code == 200 and original.headers["content-type"] == "image/jpeg"
    image = Image.open(io.BytesIO(original.content))
    assert image.size == (200, 300) and not image.getexif()
    variant = httpx.get(read.urls[96])
    assert variant.headers["content-type"] == "image/webp"
    assert Image.open(io.BytesIO(variant.content)).size == (96, 144)
    row = session.get(File, read.id)
    assert s3_bucket.keys() == {row.storage_key, *row.variants.values()}
    assert not (data_dir / "files").exists()
    file_service.delete(session=session, owner=user, file_id=read.id)
    session.commit()
    assert s3_bucket.keys() == set()


def test_private_bucket_served_through_the_app(session, user, s3_bucket, monkeypatch):
    """Without S3_PUBLIC_BASE_URL the URLs go through /files/, which streams from the bucket."""
    use_s3(monkeypatch, s3_bucket)
    read = _ready(session, user, imaging.png(500, 250))
    assert read.original_url.startswith("http://testserver/files/img/")
    key = urlsplit(read.urls[400]).path.removeprefix("/files/")
    assert httpx.get(f"{s3_bucket.endpoint_url}/{s3_bucket.name}/{key}").status_code == 403  # the bucket is private
    client = TestClient(build_api())
    response = client.get(urlsplit(read.urls[400]).path)
    assert response.status_code == 200 and response.headers["content-type"] == "image/webp"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert Image.open(io.BytesIO(response.content)).size == (400, 200)
    assert client.get("/files/img/0123456789abcdef0123456789abcdef/400w.webp").status_code == 404
    with session_scope() as s:
        photo = file_service.read_original_jpeg(session=s, file_id=read.id)
    assert Image.open(io.BytesIO(photo)).format == "JPEG"
