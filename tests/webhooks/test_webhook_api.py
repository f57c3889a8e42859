"""`/api/v1/webhooks` over HTTP: the secret shown once, problem details for bad input, 404 across users, a ping."""

from __future__ import annotations

from metaic.auth import service as user_service
from metaic.db import session_scope
from metaic.jobs.queue import drain_local
from metaic.webhooks import signing
from tests.support.fake_providers import FakeServer

PASSWORD = "Correct-Horse-9-battery"


def _token(client, email: str) -> dict:
    """Authorization headers of a fresh verified account."""
    with session_scope() as s:
        user_service.create(session=s, email=email, password=PASSWORD, name="T", verified=True)
        s.commit()
    answer = client.post("/api/v1/auth/token", json={"email": email, "password": PASSWORD})
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def test_endpoint_life_over_the_api(client):
    receiver = FakeServer(lambda rec: (204, {}, b""))
    try:
        ada, bob = _token(client, "ada@example.com"), _token(client, "bob@example.com")
        bad = client.post("/api/v1/webhooks", json={"url": "ftp://x", "events": ["contact.created"]}, headers=ada)
        assert bad.status_code == 422 and "url" in bad.json()["errors"]
        unknown = client.post("/api/v1/webhooks", json={"url": receiver.url, "events": ["nope"]}, headers=ada)
        assert unknown.status_code == 422
        made = client.post("/api/v1/webhooks", json={"url": receiver.url, "events": ["lead.captured"]}, headers=ada)
        assert made.status_code == 201 and made.json()["secret"].startswith("whsec_")
        endpoint_id, secret = made.json()["id"], made.json()["secret"]
        [listed] = client.get("/api/v1/webhooks", headers=ada).json()
        assert listed["secret"] is None and listed["events"] == ["lead.captured"]
        assert client.get("/api/v1/webhooks", headers=bob).json() == []
        for method, path in (
            ("patch", f"/api/v1/webhooks/{endpoint_id}"),
            ("get", f"/api/v1/webhooks/{endpoint_id}/deliveries"),
            ("post", f"/api/v1/webhooks/{endpoint_id}/ping"),
            ("delete", f"/api/v1/webhooks/{endpoint_id}"),
        ):
            kwargs = {"json": {"enabled": False}} if method == "patch" else {}
            assert getattr(client, method)(path, headers=bob, **kwargs).status_code == 404, path
        assert client.post(f"/api/v1/webhooks/{endpoint_id}/ping", headers=ada).status_code == 202
        drain_local()
        [request] = receiver.requests
        assert request.json()["type"] == "ping" and signing.verify(
            secret, request.body, request.headers["metaic-signature"]
        )
        [delivery] = client.get(f"/api/v1/webhooks/{endpoint_id}/deliveries", headers=ada).json()
        assert (delivery["status"], delivery["response_code"]) == ("succeeded", 204)
        rotated = client.post(f"/api/v1/webhooks/{endpoint_id}/secret", headers=ada).json()["secret"]
        assert rotated != secret
        assert client.delete(f"/api/v1/webhooks/{endpoint_id}", headers=ada).status_code == 204
        assert client.get("/api/v1/webhooks", headers=ada).json() == []
    finally:
        receiver.close()
