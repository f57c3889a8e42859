"""Uploaded images live at content-hashed addresses: immutable for a year, on the CDN when one is configured."""

from __future__ import annotations

import hashlib
import re
import uuid
from urllib.parse import urlsplit

from fastapi.testclient import TestClient

from metaic.adapters.storage import get_storage
from metaic.api.app import build_api
from metaic.auth import service as user_service
from metaic.config import get_settings
from metaic.db import session_scope
from metaic.files import service as file_service
from metaic.files import variants
from metaic.jobs.queue import drain_local
from tests.adapters.moto_s3 import use_s3
from tests.files import imaging

IMMUTABLE = "public, max-age=31536000, immutable"
HASHED = re.compile(r"/files/img/[0-9a-f]{32}/([0-9a-f]{16})/(?:original|\d+w)\.(?:jpg|png|webp)")


def _uploaded(data: bytes, email: str = "ada@example.com"):
    """Upload an image as a new account, let the variants job run; the public view once ready."""
    with session_scope() as s:
        user = user_service.create(session=s, email=email, password="Correct-Horse-42", verified=True)
        read = file_service.upload(session=s, owner=user, purpose="cover", filename="c.jpg", data=data)
    drain_local()
    with session_scope() as s:
        return file_service.get(session=s, owner=user, file_id=read.id)


def _use_cdn(monkeypatch, base: str = "https://cdn.example.net") -> str:
    """Put the app behind a CDN."""
    monkeypatch.setenv("CDN_BASE_URL", base)
    get_settings.cache_clear()
    return base


def test_every_address_names_the_hash_of_its_bytes(sqlite_db):
    read = _uploaded(imaging.noisy_jpeg(1600, 900))
    client = TestClient(build_api())
    for url in [read.original_url, *read.urls.values()]:
        match = HASHED.search(urlsplit(url).path)
        assert match, url
        body = client.get(urlsplit(url).path).content
        assert match.group(1) == hashlib.sha256(body).hexdigest()[:16]


def test_new_content_gets_a_new_name():
    file_id = uuid.uuid4()
    assert file_service.original_key(file_id, "jpg", b"one") != file_service.original_key(file_id, "jpg", b"two")
    assert variants.variant_key(file_id, 400, b"one") != variants.variant_key(file_id, 400, b"two")
    assert variants.variant_key(file_id, 400, b"one") == variants.variant_key(file_id, 400, b"one")


def test_hashed_addresses_are_immutable_for_a_year(sqlite_db):
    read = _uploaded(imaging.jpeg(800, 600))
    client = TestClient(build_api())
    for url in [read.original_url, read.urls[400]]:
        assert HASHED.search(url), url
        response = client.get(urlsplit(url).path)
        assert response.status_code == 200 and response.headers["cache-control"] == IMMUTABLE
        again = client.get(urlsplit(url).path, headers={"if-none-match": response.headers["etag"]})
        assert again.status_code == 304


def test_addresses_from_before_hashing_still_answer_with_a_short_cache(sqlite_db):
    """Cards and emails published before content hashing keep their pictures (a day's cache, not a year's)."""
    file_id = uuid.uuid4()
    key = file_service.original_key(file_id, "jpg")
    assert key == f"img/{file_id.hex}/original.jpg"
    get_storage().put(key, imaging.jpeg(), "image/jpeg")
    response = TestClient(build_api()).get(f"/files/{key}")
    assert response.status_code == 200 and response.headers["content-type"] == "image/jpeg"
    assert response.headers["cache-control"] == "public, max-age=86400"


def test_cdn_base_prefixes_every_image_address(sqlite_db, monkeypatch):
    base = _use_cdn(monkeypatch, "https://cdn.example.net/metaic/")
    read = _uploaded(imaging.jpeg(800, 600))
    assert get_settings().cdn_base_url == "https://cdn.example.net/metaic"
    for url in [read.original_url, *read.urls.values()]:
        assert url.startswith(base.rstrip("/") + "/files/img/") and HASHED.search(url), url
    # The CDN pulls the same path from the app.
    path = urlsplit(read.urls[96]).path.removeprefix("/metaic")
    assert TestClient(build_api()).get(path).headers["cache-control"] == IMMUTABLE


def test_without_a_cdn_addresses_stay_on_the_public_base_url(sqlite_db):
    read = _uploaded(imaging.jpeg(800, 600))
    assert read.original_url.startswith("http://testserver/files/img/")


def test_a_public_bucket_address_wins_over_the_cdn(sqlite_db, s3_bucket, monkeypatch):
    """S3_PUBLIC_BASE_URL names where the bucket is read from (itself often a CDN): the app is not in the way."""
    use_s3(monkeypatch, s3_bucket, public=True)
    _use_cdn(monkeypatch)
    read = _uploaded(imaging.jpeg(800, 600))
    assert read.original_url.startswith(f"{s3_bucket.endpoint_url}/{s3_bucket.name}/img/")
    key = read.urls[400].split(f"/{s3_bucket.name}/", 1)[1]
    assert HASHED.fullmatch(f"/files/{key}")


def test_a_private_bucket_is_served_through_the_app_behind_the_cdn(sqlite_db, s3_bucket, monkeypatch):
    use_s3(monkeypatch, s3_bucket)
    base = _use_cdn(monkeypatch)
    read = _uploaded(imaging.jpeg(800, 600))
    assert read.urls[400].startswith(f"{base}/files/img/")
    response = TestClient(build_api()).get(urlsplit(read.urls[400]).path)
    assert response.status_code == 200 and response.headers["cache-control"] == IMMUTABLE


def test_a_cdn_base_url_must_be_an_address(monkeypatch):
    for bad in ("cdn.example.net", "ftp://cdn.example.net", "https://cdn.example.net/?v=1"):
        monkeypatch.setenv("CDN_BASE_URL", bad)
        get_settings.cache_clear()
        try:
            get_settings()
        except ValueError as exc:
            assert "CDN_BASE_URL" in str(exc)
        else:
            raise AssertionError(f"{bad!r} was accepted")
