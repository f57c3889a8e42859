"""A real S3 API for tests: moto's threaded server on 127.0.0.1, one bucket per test."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import boto3
import pytest
from moto.server import ThreadedMotoServer

REGION = "us-east-1"
ACCESS_KEY = "test-access-key"
SECRET_KEY = "test-secret-key"


@dataclass(frozen=True)
class S3Bucket:
    """A bucket on the moto server and the address to reach it."""

    endpoint_url: str
    name: str

    def client(self):
        """A boto3 client for the server (to look behind the adapter's back)."""
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
        )

    def make_public(self) -> None:
        """Allow anonymous reads with a bucket policy, as an operator does for a public bucket."""
        statement = {
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": f"arn:aws:s3:::{self.name}/*",
        }
        policy = json.dumps({"Version": "2012-10-17", "Statement": [statement]})
        self.client().put_bucket_policy(Bucket=self.name, Policy=policy)

    def keys(self) -> set[str]:
        """Every key in the bucket."""
        pages = self.client().get_paginator("list_objects_v2").paginate(Bucket=self.name)
        return {item["Key"] for page in pages for item in page.get("Contents", [])}


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """Start moto's S3 server on a free local port for the whole run."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_bucket(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> S3Bucket:
    """A fresh, empty bucket; AWS variables from the machine are hidden so nothing reaches real AWS."""
    for name in (
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_S3",
    ):
        monkeypatch.delenv(name, raising=False)
    bucket = S3Bucket(endpoint_url=moto_endpoint, name=f"metaic-test-{uuid.uuid4().hex[:12]}")
    bucket.client().create_bucket(Bucket=bucket.name)
    return bucket


def use_s3(monkeypatch: pytest.MonkeyPatch, bucket: S3Bucket, *, public: bool = False) -> None:
    """Point the app's settings at a bucket (optionally with a public base URL)."""
    from metaic.config import get_settings

    monkeypatch.setenv("STORAGE_BACKEND", "s3")
    monkeypatch.setenv("S3_BUCKET", bucket.name)
    monkeypatch.setenv("S3_REGION", REGION)
    monkeypatch.setenv("S3_ENDPOINT_URL", bucket.endpoint_url)
    monkeypatch.setenv("S3_ACCESS_KEY_ID", ACCESS_KEY)
    monkeypatch.setenv("S3_SECRET_ACCESS_KEY", SECRET_KEY)
    monkeypatch.setenv("S3_PUBLIC_BASE_URL", f"{bucket.endpoint_url}/{bucket.name}" if public else "")
    if public:
        bucket.make_public()
    get_settings.cache_clear()
