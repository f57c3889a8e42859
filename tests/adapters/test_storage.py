"""The storage contract, run against the local folder and a real S3 API (moto's server)."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest

from metaic.adapters.storage import (
    InvalidKey,
    LocalStorage,
    ObjectNotFound,
    S3Storage,
    check_key,
    get_storage,
)
from metaic.config import Settings
from tests.adapters.moto_s3 import ACCESS_KEY, REGION, SECRET_KEY, S3Bucket


def _s3(bucket: S3Bucket, public_base_url: str = "") -> S3Storage:
    """An S3Storage for a moto bucket."""
    return S3Storage(
        bucket=bucket.name,
        region=REGION,
        endpoint_url=bucket.endpoint_url,
        access_key_id=ACCESS_KEY,
        secret_access_key=SECRET_KEY,
        public_base_url=public_base_url,
    )


@pytest.fixture(params=["local", "s3"])
def storage(request: pytest.FixtureRequest, tmp_path: Path):
    """Each backend in turn, empty."""
    if request.param == "local":
        return LocalStorage(tmp_path / "files", base_url="http://testserver")
    return _s3(request.getfixturevalue("s3_bucket"))


def test_put_get_roundtrip(storage):
    """Bytes come back exactly, including every byte value."""
    data = bytes(range(256)) * 100
    storage.put("img/abc/original.jpg", data, "image/jpeg")
    assert storage.get("img/abc/original.jpg") == data
    assert storage.exists("img/abc/original.jpg")
    assert storage.size("img/abc/original.jpg") == len(data)


def test_put_overwrites(storage):
    """A second put under the same key replaces the object."""
    storage.put("a/b.webp", b"first version", "image/webp")
    storage.put("a/b.webp", b"second", "image/webp")
    assert storage.get("a/b.webp") == b"second"
    assert storage.size("a/b.webp") == 6


def test_empty_object(storage):
    """An empty object is still an object."""
    storage.put("empty.bin", b"", "application/octet-stream")
    assert storage.exists("empty.bin") and storage.get("empty.bin") == b"" and storage.size("empty.bin") == 0


def test_missing_objects(storage):
    """Reading a missing key raises ObjectNotFound; deleting one is fine."""
    assert not storage.exists("nothing/here.jpg")
    with pytest.raises(ObjectNotFound):
        storage.get("nothing/here.jpg")
    with pytest.raises(ObjectNotFound):
        storage.size("nothing/here.jpg")
    storage.delete("nothing/here.jpg")


def test_delete(storage):
    """Delete removes one object and leaves its neighbours."""
    storage.put("x/1.jpg", b"one", "image/jpeg")
    storage.put("x/2.jpg", b"two", "image/jpeg")
    storage.delete("x/1.jpg")
    assert not storage.exists("x/1.jpg")
    assert storage.get("x/2.jpg") == b"two"
    storage.delete("x/1.jpg")


BAD_KEYS = [
    "",
    "/etc/passwd",
    "../secret",
    "a/../../b",
    "a/./b",
    "a//b",
    "a/",
    ".hidden",
    "a/.env",
    "..",
    "a\\..\\b",
    "C:/windows",
    "nul\x00byte",
    "space here",
    "ümlaut",
    "a?b",
    "a#b",
    "%2e%2e/x",
    "~/x",
    "x" * 513,
]


@pytest.mark.parametrize("key", BAD_KEYS)
def test_unsafe_keys_refused(storage, key):
    """Traversal, absolute paths, hidden names and odd characters never reach the backend."""
    for call in (
        lambda: storage.put(key, b"x", "text/plain"),
        lambda: storage.get(key),
        lambda: storage.exists(key),
        lambda: storage.delete(key),
        lambda: storage.size(key),
    ):
        with pytest.raises(InvalidKey):
            call()


def test_check_key_accepts_normal_keys():
    """Ordinary keys pass unchanged."""
    for key in ("img/0123abcd/original.jpg", "a", "a_b-c.d/e", "x" * 512):
        assert check_key(key) == key


def test_local_writes_stay_inside_the_root(tmp_path: Path):
    """Objects are files under the root; no temporary files are left; a symlink out of the root is refused."""
    root = tmp_path / "files"
    storage = LocalStorage(root)
    storage.put("img/k/original.png", b"png", "image/png")
    assert (root / "img" / "k" / "original.png").read_bytes() == b"png"
    assert [p.name for p in (root / "img" / "k").iterdir()] == ["original.png"]
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("secret")
    os.symlink(outside, root / "link")
    with pytest.raises(InvalidKey):
        storage.get("link/secret.txt")
    with pytest.raises(InvalidKey):
        storage.put("link/new.txt", b"x", "text/plain")
    assert not (outside / "new.txt").exists()


def test_local_delete_prunes_empty_folders(tmp_path: Path):
    """Deleting the last object of a folder removes the folder, never the root."""
    root = tmp_path / "files"
    storage = LocalStorage(root)
    storage.put("img/k/a.jpg", b"a", "image/jpeg")
    storage.delete("img/k/a.jpg")
    assert not (root / "img").exists() and root.exists()


def test_local_url_points_at_the_app_route(tmp_path: Path):
    """Local objects are served by the app under /files/."""
    storage = LocalStorage(tmp_path, base_url="https://cards.example.com/")
    assert storage.url("img/k/400w.webp") == "https://cards.example.com/files/img/k/400w.webp"


def test_s3_urls(s3_bucket: S3Bucket):
    """S3 gives a public URL only with a public base; a presigned URL fetches the object."""
    plain = _s3(s3_bucket)
    plain.put("img/k/original.jpg", b"jpeg bytes", "image/jpeg")
    assert plain.url("img/k/original.jpg") is None
    response = httpx.get(plain.presigned_url("img/k/original.jpg", expires=60))
    assert response.status_code == 200 and response.content == b"jpeg bytes"
    public = _s3(s3_bucket, public_base_url=f"{s3_bucket.endpoint_url}/{s3_bucket.name}/")
    url = public.url("img/k/original.jpg")
    assert url == f"{s3_bucket.endpoint_url}/{s3_bucket.name}/img/k/original.jpg"
    assert httpx.get(url).status_code == 403  # a private bucket refuses anonymous readers...
    s3_bucket.make_public()  # ...until the operator allows them.
    response = httpx.get(url)
    assert response.status_code == 200 and response.content == b"jpeg bytes"
    assert response.headers["content-type"] == "image/jpeg"
    assert "immutable" in response.headers["cache-control"]


def test_s3_objects_are_really_in_the_bucket(s3_bucket: S3Bucket):
    """What the adapter stores is visible to any S3 client, with its content type."""
    storage = _s3(s3_bucket)
    storage.put("img/k/96w.webp", b"webp", "image/webp")
    head = s3_bucket.client().head_object(Bucket=s3_bucket.name, Key="img/k/96w.webp")
    assert head["ContentType"] == "image/webp" and head["ContentLength"] == 4
    storage.delete("img/k/96w.webp")
    assert s3_bucket.keys() == set()


def test_s3_missing_bucket_is_an_error_not_a_missing_object(moto_endpoint: str):
    """A wrong bucket name is a configuration error, not ObjectNotFound."""
    storage = S3Storage(
        bucket="no-such-bucket-here",
        region=REGION,
        endpoint_url=moto_endpoint,
        access_key_id=ACCESS_KEY,
        secret_access_key=SECRET_KEY,
    )
    with pytest.raises(Exception) as info:
        storage.put("a.jpg", b"x", "image/jpeg")
    assert not isinstance(info.value, ObjectNotFound)


def test_get_storage_follows_settings(tmp_path: Path, s3_bucket: S3Bucket):
    """The backend comes from STORAGE_BACKEND; S3 without a bucket is refused; clients are reused."""
    local = get_storage(Settings(_env_file=None, METAIC_DATA_DIR=tmp_path, PUBLIC_BASE_URL="http://h"))
    assert isinstance(local, LocalStorage) and local.root == tmp_path / "files"
    assert local.url("a.jpg") == "http://h/files/a.jpg"
    s3_settings = Settings(
        _env_file=None,
        METAIC_DATA_DIR=tmp_path,
        STORAGE_BACKEND="s3",
        S3_BUCKET=s3_bucket.name,
        S3_REGION=REGION,
        S3_ENDPOINT_URL=s3_bucket.endpoint_url,
        S3_ACCESS_KEY_ID=ACCESS_KEY,
        S3_SECRET_ACCESS_KEY=SECRET_KEY,
    )
    remote = get_storage(s3_settings)
    assert isinstance(remote, S3Storage) and remote.bucket == s3_bucket.name
    assert get_storage(s3_settings) is remote
    remote.put("a.jpg", b"x", "image/jpeg")
    assert s3_bucket.keys() == {"a.jpg"}
    with pytest.raises(ValueError, match="S3_BUCKET must be set"):
        get_storage(Settings(_env_file=None, METAIC_DATA_DIR=tmp_path, STORAGE_BACKEND="s3"))


def test_storage_backend_setting_accepts_only_known_backends(tmp_path: Path):
    """A typo in STORAGE_BACKEND fails at start-up."""
    import pydantic

    with pytest.raises(pydantic.ValidationError):
        Settings(_env_file=None, METAIC_DATA_DIR=tmp_path, STORAGE_BACKEND="gcs")
