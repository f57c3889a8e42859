"""Personal API keys: shown once, limited to their scopes per area and access, revocable, last use recorded."""

from __future__ import annotations

from sqlmodel import select

from metaic.audit.models import AuditEvent
from metaic.auth import api_keys
from metaic.auth import service as user_service
from metaic.db import session_scope

PASSWORD = "Correct-Horse-9-battery"


def _token(client, email: str) -> dict:
    """A fresh verified account's access-token headers."""
    with session_scope() as s:
        user_service.create(session=s, email=email, password=PASSWORD, name="K", verified=True)
        s.commit()
    answer = client.post("/api/v1/auth/token", json={"email": email, "password": PASSWORD})
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def _key(client, headers: dict, scopes: list[str]) -> tuple[str, dict]:
    """A new key with `scopes`; returns (id, headers using it)."""
    made = client.post("/api/v1/me/api-keys", json={"name": "sync", "scopes": scopes}, headers=headers)
    assert made.status_code == 201, made.text
    return made.json()["id"], {"Authorization": f"Bearer {made.json()['key']}"}


def test_a_read_only_key_reads_its_area_and_nothing_else(client):
    ada = _token(client, "ada@example.com")
    _, key = _key(client, ada, ["contacts:read"])
    assert client.get("/api/v1/contacts", headers=key).status_code == 200
    assert client.post("/api/v1/contacts", json={"full_name": "Grace"}, headers=key).status_code == 403
    assert client.get("/api/v1/notifications", headers=key).status_code == 403
    # Keys never reach the account, token or admin routes, whatever their scopes.
    for path in ("/api/v1/me", "/api/v1/me/api-keys", "/api/v1/admin/audit", "/api/v1/ai/admin/usage"):
        assert client.get(path, headers=key).status_code == 403, path


def test_a_write_key_writes_and_reads(client):
    ada = _token(client, "ada@example.com")
    _, key = _key(client, ada, ["contacts:write"])
    made = client.post("/api/v1/contacts", json={"full_name": "Grace Hopper"}, headers=key)
    assert made.status_code == 201
    assert [c["full_name"] for c in client.get("/api/v1/contacts", headers=key).json()["items"]] == ["Grace Hopper"]


def test_the_key_is_shown_once_revocable_and_audited(client):
    ada, bob = _token(client, "ada@example.com"), _token(client, "bob@example.com")
    key_id, key = _key(client, ada, ["contacts:read"])
    client.get("/api/v1/contacts", headers=key)
    [listed] = client.get("/api/v1/me/api-keys", headers=ada).json()
    assert listed["key"] is None and listed["prefix"].startswith("mk_") and listed["last_used_at"]
    assert client.delete(f"/api/v1/me/api-keys/{key_id}", headers=bob).status_code == 404
    assert client.delete(f"/api/v1/me/api-keys/{key_id}", headers=ada).json()["revoked_at"]
    assert client.get("/api/v1/contacts", headers=key).status_code == 401
    assert client.get("/api/v1/contacts", headers={"Authorization": "Bearer mk_not-a-real-key"}).status_code == 401
    with session_scope() as s:
        actions = set(s.exec(select(AuditEvent.action)).all())
    assert {"api_key.created", "api_key.revoked"} <= actions


def test_bad_scopes_are_refused_with_the_field(client):
    ada = _token(client, "ada@example.com")
    for scopes in (["contacts:admin"], ["users:read"], []):
        answer = client.post("/api/v1/me/api-keys", json={"name": "x", "scopes": scopes}, headers=ada)
        assert answer.status_code == 422, scopes


def test_required_scope_reads_the_area_and_the_method():
    assert api_keys.required_scope("/api/v1/contacts/abc/tags", "GET") == "contacts:read"
    assert api_keys.required_scope("/api/v1/contacts", "POST") == "contacts:write"
    assert api_keys.required_scope("/api/v1/auth/token", "POST") is None
    assert api_keys.required_scope("/api/v1/me/export", "POST") is None
