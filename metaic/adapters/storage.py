"""Object storage: a local folder by default, S3 (or any S3-compatible service) through boto3."""

from __future__ import annotations

import os
import re
import tempfile
import threading
from pathlib import Path
from typing import Protocol
from urllib.parse import quote

from metaic.config import Settings, get_settings

# Keys are slash-separated segments of letters, digits, dots, dashes and underscores; a segment
# never starts with a dot, so `.`, `..` and hidden files are impossible by construction.
_KEY_RE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]*(/[A-Za-z0-9_][A-Za-z0-9._-]*)*")
MAX_KEY_LENGTH = 512
LOCAL_ROUTE = "/files/"


class ObjectNotFound(LookupError):
    """No object is stored under this key."""


class InvalidKey(ValueError):
    """The key is not a safe storage key (path traversal, odd characters, too long)."""


def check_key(key: str) -> str:
    """Return the key when it is safe for every backend, else raise InvalidKey."""
    if not isinstance(key, str) or len(key) > MAX_KEY_LENGTH or not _KEY_RE.fullmatch(key):
        raise InvalidKey(f"not a valid storage key: {key!r}"[:200])
    return key


class Storage(Protocol):
    """Anything that can keep bytes under a key."""

    def put(self, key: str, data: bytes, content_type: str) -> None:
        """Store (or overwrite) an object."""

    def get(self, key: str) -> bytes:
        """Return an object's bytes, or raise ObjectNotFound."""

    def delete(self, key: str) -> None:
        """Remove an object; a missing object is not an error."""

    def exists(self, key: str) -> bool:
        """True when an object is stored under the key."""

    def size(self, key: str) -> int:
        """The object's size in bytes, or raise ObjectNotFound."""

    def url(self, key: str) -> str | None:
        """A public address for the object, or None when it must be served by the app."""


class LocalStorage:
    """Objects as files under one folder; writes are atomic (temporary file, then rename)."""

    def __init__(self, root: Path, base_url: str = ""):
        self.root = Path(root)
        self.base_url = base_url.rstrip("/")

    def _path(self, key: str) -> Path:
        """The file for a key, refusing anything that would land outside the root."""
        check_key(key)
        root = self.root.resolve()
        path = (root / key).resolve()
        if not path.is_relative_to(root) or path == root:
            raise InvalidKey(f"not a valid storage key: {key!r}"[:200])
        return path

    def put(self, key: str, data: bytes, content_type: str) -> None:
        """Write the object atomically (readers never see half a file)."""
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def get(self, key: str) -> bytes:
        """Read the object."""
        path = self._path(key)
        try:
            return path.read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError) as exc:
            raise ObjectNotFound(key) from exc

    def delete(self, key: str) -> None:
        """Remove the file and any folders left empty below the root."""
        path = self._path(key)
        path.unlink(missing_ok=True)
        root = self.root.resolve()
        parent = path.parent
        while parent != root and parent.is_relative_to(root):
            try:
                parent.rmdir()
            except OSError:
                break
            parent = parent.parent

    def exists(self, key: str) -> bool:
        """True when the file exists."""
        return self._path(key).is_file()

    def size(self, key: str) -> int:
        """The file's size."""
        path = self._path(key)
        if not path.is_file():
            raise ObjectNotFound(key)
        return path.stat().st_size

    def url(self, key: str) -> str | None:
        """The app route that serves local objects."""
        check_key(key)
        return f"{self.base_url}{LOCAL_ROUTE}{quote(key)}"


class S3Storage:
    """Objects in an S3 bucket (AWS, MinIO, R2, ...), through boto3."""

    CACHE_CONTROL = "public, max-age=31536000, immutable"

    def __init__(
        self,
        *,
        bucket: str,
        region: str = "us-east-1",
        endpoint_url: str = "",
        access_key_id: str = "",
        secret_access_key: str = "",
        public_base_url: str = "",
    ):
        import boto3
        from botocore.config import Config

        if not bucket:
            raise ValueError("S3_BUCKET must be set when STORAGE_BACKEND=s3")
        self.bucket = bucket
        self.public_base_url = public_base_url.rstrip("/")
        config = Config(
            region_name=region or None,
            retries={"max_attempts": 3, "mode": "standard"},
            connect_timeout=5,
            read_timeout=30,
            # Custom endpoints (MinIO, moto, most S3 look-alikes) want path-style addresses.
            s3={"addressing_style": "path" if endpoint_url else "auto"},
        )
        self.client = boto3.client(
            "s3",
            endpoint_url=endpoint_url or None,
            config=config,
            aws_access_key_id=access_key_id or None,
            aws_secret_access_key=secret_access_key or None,
        )

    @staticmethod
    def _missing(exc: Exception) -> bool:
        """True when a botocore error means the object does not exist."""
        error = getattr(exc, "response", {}).get("Error", {})
        return str(error.get("Code")) in ("404", "NoSuchKey", "NotFound")

    def put(self, key: str, data: bytes, content_type: str) -> None:
        """Upload the object with long cache headers (keys never change content)."""
        self.client.put_object(
            Bucket=self.bucket, Key=check_key(key), Body=data, ContentType=content_type, CacheControl=self.CACHE_CONTROL
        )

    def get(self, key: str) -> bytes:
        """Download the object."""
        from botocore.exceptions import ClientError

        try:
            response = self.client.get_object(Bucket=self.bucket, Key=check_key(key))
        except ClientError as exc:
            if self._missing(exc):
                raise ObjectNotFound(key) from exc
            raise
        with response["Body"] as body:
            return body.read()

    def delete(self, key: str) -> None:
        """Delete the object (S3 answers success for a missing key too)."""
        self.client.delete_object(Bucket=self.bucket, Key=check_key(key))

    def _head(self, key: str) -> dict:
        """The object's metadata, or raise ObjectNotFound."""
        from botocore.exceptions import ClientError

        try:
            return self.client.head_object(Bucket=self.bucket, Key=check_key(key))
        except ClientError as exc:
            if self._missing(exc):
                raise ObjectNotFound(key) from exc
            raise

    def exists(self, key: str) -> bool:
        """True when the object exists."""
        try:
            self._head(key)
        except ObjectNotFound:
            return False
        return True

    def size(self, key: str) -> int:
        """The object's size."""
        return int(self._head(key)["ContentLength"])

    def url(self, key: str) -> str | None:
        """`{S3_PUBLIC_BASE_URL}/{key}` when the bucket is public (or behind a CDN), else None."""
        check_key(key)
        return f"{self.public_base_url}/{quote(key)}" if self.public_base_url else None

    def presigned_url(self, key: str, *, expires: int = 3600) -> str:
        """A time-limited GET address for a private object."""
        return self.client.generate_presigned_url(
            "get_object",
            Params={"Bucket": self.bucket, "Key": check_key(key)},
            ExpiresIn=expires,
        )


_cache: dict[tuple, Storage] = {}
_cache_lock = threading.Lock()


def get_storage(settings: Settings | None = None) -> Storage:
    """The configured storage backend (one client per distinct configuration)."""
    s = settings or get_settings()
    if s.storage_backend == "s3":
        key = (
            "s3",
            s.s3_bucket,
            s.s3_region,
            s.s3_endpoint_url,
            s.s3_access_key_id,
            s.s3_secret_access_key,
            s.s3_public_base_url,
        )
    else:
        key = ("local", str(Path(s.data_dir).resolve()), s.public_base_url)
    with _cache_lock:
        if key not in _cache:
            _cache[key] = _build(s)
        return _cache[key]


def _build(s: Settings) -> Storage:
    """Create the backend for a settings object."""
    if s.storage_backend == "s3":
        return S3Storage(
            bucket=s.s3_bucket,
            region=s.s3_region,
            endpoint_url=s.s3_endpoint_url,
            access_key_id=s.s3_access_key_id,
            secret_access_key=s.s3_secret_access_key,
            public_base_url=s.s3_public_base_url,
        )
    return LocalStorage(Path(s.data_dir) / "files", base_url=s.public_base_url)
