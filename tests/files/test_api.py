"""The files HTTP edge: upload, read, delete, the /files/ route, limits, traversal, problem details."""

from __future__ import annotations

import asyncio
import io
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from metaic.api.app import build_api
from metaic.auth import api_tokens, sessions
from metaic.auth import service as user_service
from metaic.config import get_settings
from metaic.db import session_scope
from metaic.jobs.queue import drain_local
from tests.files import imaging
from tests.support.http import problem

ORIGIN = {"Origin": "http://testserver"}


def _account(email: str = "ada@example.com"):
    """A committed account and a browser session token for it."""
    with session_scope() as s:
        user = user_service.create(session=s, email=email, password="Correct-Horse-42", verified=True)
        token = sessions.create(session=s, user=user, remember=False, activated=True)
    return user, token


def _signed_in(client: TestClient, email: str = "ada@example.com"):
    """Sign the client in with the session cookie; returns the user."""
    user, token = _account(email)
    client.cookies.set(sessions.COOKIE_NAME, token)
    return user


def _bearer(email: str) -> dict:
    """An Authorization header for a new account."""
    with session_scope() as s:
        user = user_service.create(session=s, email=email, password="Correct-Horse-42", verified=True)
        pair = api_tokens.issue(session=s, user=user)
    return {"Authorization": f"Bearer {pair.access_token}"}


def _post(
    client: TestClient,
    data: bytes,
    *,
    filename: str = "photo.jpg",
    purpose: str = "avatar",
    headers: dict | None = None,
    content_type: str = "image/jpeg",
):
    """POST a multipart upload."""
    return client.post(
        "/api/v1/files",
        files={"file": (filename, data, content_type)},
        data={"purpose": purpose},
        headers=ORIGIN if headers is None else headers,
    )


def test_upload_with_cookie(client):
    """A signed-in browser uploads: 201, Location, the public view with addresses."""
    _signed_in(client)
    response = _post(client, imaging.jpeg(800, 600))
    assert response.status_code == 201, response.text
    body = response.json()
    assert response.headers["location"] == f"/api/v1/files/{body['id']}"
    assert body["status"] == "processing" and body["content_type"] == "image/jpeg"
    assert (body["width"], body["height"]) == (800, 600) and body["purpose"] == "avatar"
    assert not {"owner_id", "storage_key"} & body.keys()
    drain_local()
    ready = client.get(f"/api/v1/files/{body['id']}").json()
    assert ready["status"] == "ready" and sorted(ready["urls"], key=int) == ["96", "400", "1200"]
    image = client.get(urlsplit(ready["urls"]["400"]).path)
    assert image.status_code == 200 and Image.open(io.BytesIO(image.content)).size == (400, 300)


def test_upload_with_bearer_token_needs_no_origin(client):
    """API clients with a bearer token upload without an Origin header."""
    response = _post(client, imaging.png(), headers=_bearer("api@example.com"))
    assert response.status_code == 201, response.text
    assert response.json()["content_type"] == "image/png"


def test_unauthenticated_and_cross_site_refused(client):
    """No credentials: 401; a cookie from another site: 403; nothing stored."""
    problem(_post(client, imaging.jpeg()), 401)
    _signed_in(client)
    problem(_post(client, imaging.jpeg(), headers={"Origin": "https://evil.example"}), 403)
    problem(_post(client, imaging.jpeg(), headers={}), 403)
    assert client.get("/api/v1/files").json() == []


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (imaging.SVG_WITH_SCRIPT, "logo.svg"),
        (imaging.HTML_PAGE, "photo.png"),
        (imaging.truncated_jpeg(), "a.jpg"),
        (b"", "empty.jpg"),
    ],
)
def test_bad_files_get_422(client, data, filename):
    """Wrong or broken content: 422 problem details naming the file field."""
    _signed_in(client)
    body = problem(_post(client, data, filename=filename), 422)
    assert "file" in body["errors"] and body["detail"]


def test_missing_fields_and_wrong_bodies(client):
    """No file, no purpose, a JSON body or a bad purpose: 422 with the fields named."""
    _signed_in(client)
    body = problem(client.post("/api/v1/files", data={"x": "y"}, headers=ORIGIN), 422)
    assert {"file", "purpose"} <= body["errors"].keys()
    body = problem(client.post("/api/v1/files", json={"file": "x"}, headers=ORIGIN), 422)
    assert {"file", "purpose"} <= body["errors"].keys()
    body = problem(_post(client, imaging.jpeg(), purpose="banner"), 422)
    assert "purpose" in body["errors"]
    response = client.post(
        "/api/v1/files", headers={**ORIGIN, "content-type": "multipart/form-data; boundary=x"}, content=b"--x\r\nbroken"
    )
    assert 400 <= response.status_code < 500


def test_too_big_is_413(client, monkeypatch):
    """Over MAX_UPLOAD_MB: 413, whether the body is far over (cut off early) or just over (checked)."""
    monkeypatch.setenv("MAX_UPLOAD_MB", "1")
    get_settings.cache_clear()
    _signed_in(client)
    body = problem(_post(client, b"\xff\xd8\xff" + b"\x00" * 3_000_000), 413)
    assert "1 MB" in body["detail"]
    just_over = imaging.noisy_jpeg(1000, 1000)
    assert 1_000_000 < len(just_over) < 2_000_000
    body = problem(_post(client, just_over), 413)
    assert "the limit is 1 MB" in body["detail"]


def test_huge_streamed_body_is_not_read_to_the_end(sqlite_db, monkeypatch):
    """A chunked body with no Content-Length is cut off just past the cap (we stop reading it)."""
    monkeypatch.setenv("MAX_UPLOAD_MB", "1")
    get_settings.cache_clear()
    headers = _bearer("stream@example.com")
    app = build_api()
    chunk = b"\x00" * 65_536
    state = {"chunks": 0, "messages": []}

    async def receive() -> dict:
        state["chunks"] += 1
        if state["chunks"] > 16_000:  # 1 GB: we would never get here
            return {"type": "http.request", "body": b"", "more_body": False}
        return {"type": "http.request", "body": chunk, "more_body": True}

    async def send(message: dict) -> None:
        state["messages"].append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/v1/files",
        "raw_path": b"/api/v1/files",
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"testserver"),
            (b"content-type", b"multipart/form-data; boundary=x"),
            (b"transfer-encoding", b"chunked"),
            (b"authorization", headers["Authorization"].encode()),
        ],
        "client": ("127.0.0.1", 1234),
        "server": ("testserver", 80),
    }
    asyncio.run(app(scope, receive, send))
    start = next(m for m in state["messages"] if m["type"] == "http.response.start")
    assert start["status"] == 413
    assert state["chunks"] * len(chunk) <= 2_000_000 + len(chunk) * 2


def test_get_and_delete_are_owner_only(client):
    """Another user gets 404 for get and delete; the owner deletes (204) and the objects go."""
    other = TestClient(build_api(), raise_server_exceptions=False)
    _signed_in(other, "bob@example.com")
    _signed_in(client)
    created = _post(client, imaging.jpeg()).json()
    drain_local()
    ready = client.get(f"/api/v1/files/{created['id']}").json()
    problem(other.get(f"/api/v1/files/{created['id']}"), 404)
    problem(other.delete(f"/api/v1/files/{created['id']}", headers=ORIGIN), 404)
    problem(client.get("/api/v1/files/not-a-uuid"), 422)
    paths = [urlsplit(u).path for u in (ready["original_url"], *ready["urls"].values())]
    assert all(client.get(p).status_code == 200 for p in paths)
    assert client.delete(f"/api/v1/files/{created['id']}", headers=ORIGIN).status_code == 204
    problem(client.get(f"/api/v1/files/{created['id']}"), 404)
    assert all(client.get(p).status_code == 404 for p in paths)


def test_list_and_usage(client):
    """The caller's images and storage use."""
    _signed_in(client)
    _post(client, imaging.jpeg(), purpose="avatar")
    _post(client, imaging.png(), purpose="logo")
    drain_local()
    assert {f["purpose"] for f in client.get("/api/v1/files").json()} == {"avatar", "logo"}
    assert [f["purpose"] for f in client.get("/api/v1/files?purpose=logo").json()] == ["logo"]
    usage = client.get("/api/v1/files/usage").json()
    assert usage["used_bytes"] > 0 and usage["quota_bytes"] == 200_000_000


def test_served_files_have_safe_headers(client):
    """Stored images come with their real type, nosniff, a sandbox CSP and long caching; ETags give 304."""
    _signed_in(client)
    created = _post(client, imaging.png(64, 64), filename="fake.jpg").json()
    drain_local()
    ready = client.get(f"/api/v1/files/{created['id']}").json()
    original = client.get(urlsplit(ready["original_url"]).path)
    assert original.status_code == 200 and original.headers["content-type"] == "image/jpeg"
    assert original.headers["x-content-type-options"] == "nosniff"
    assert "immutable" in original.headers["cache-control"] and "max-age=31536000" in original.headers["cache-control"]
    assert "sandbox" in original.headers["content-security-policy"]
    variant = client.get(urlsplit(ready["urls"]["96"]).path)
    assert variant.headers["content-type"] == "image/webp" and variant.content[8:12] == b"WEBP"
    again = client.get(urlsplit(ready["urls"]["96"]).path, headers={"If-None-Match": variant.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    head = client.head(urlsplit(ready["urls"]["96"]).path)
    assert head.status_code == 200 and head.headers["content-type"] == "image/webp" and head.content == b""
    # Served without signing in: they are public card assets.
    assert TestClient(build_api()).get(urlsplit(ready["urls"]["96"]).path).status_code == 200


TRAVERSALS = [
    "/files/../../etc/passwd",
    "/files/..%2f..%2fetc%2fpasswd",
    "/files/%2e%2e/%2e%2e/etc/passwd",
    "/files/img/../../secret.txt",
    "/files/img/%2e%2e/%2e%2e/secret.txt",
    "/files/..%2fsecret.txt",
    "/files/%2fetc%2fpasswd",
    "/files//etc/passwd",
    "/files/secret.txt",
    "/files/../secret.txt",
    "/files/img/0123456789abcdef0123456789abcdef/..%2f..%2f..%2fsecret.txt",
    "/files/%00",
    "/files/",
    "/files/img/0123456789abcdef0123456789abcdef/original.jpg",
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_path_traversal_refused(client, data_dir, path):
    """Nothing outside the stored images is reachable, however the path is spelled."""
    (data_dir / "secret.txt").write_text("TOP SECRET")
    (data_dir / "files").mkdir(exist_ok=True)
    (data_dir / "files" / "secret.txt").write_text("TOP SECRET")
    response = client.get(path)
    assert response.status_code in (404, 400), (path, response.status_code)
    assert b"TOP SECRET" not in response.content and b"root:" not in response.content


def test_openapi_describes_the_upload(client):
    """The multipart body is documented for API clients."""
    spec = client.get("/api/v1/openapi.json").json()
    body = spec["paths"]["/api/v1/files"]["post"]["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert body["required"] == ["file", "purpose"] and "work" in body["properties"]["purpose"]["enum"]
