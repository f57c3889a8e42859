"""`Idempotency-Key` on creates: replay, a different body refused, a twin in flight refused, failures released."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from metaic.api.app import build_api
from metaic.auth.models import User
from metaic.core import clock
from metaic.db import session_scope
from metaic.idempotency import service
from tests.api.test_cards_api import BASE, key_for
from tests.api.test_contacts_api import bearer
from tests.support.http import problem

# POST routes answering 201/202 that take no key, and why.
NOT_CREATES = {
    "/api/v1/auth/signup": "no account yet to own a key; the answer is the same whatever happens",
    "/api/v1/auth/password-reset": "no account; sends at most one email per window anyway",
    "/api/v1/me/export": "one export at a time per account already",
    "/api/v1/webhooks/deliveries/{delivery_id}/redeliver": "an action: sending again is what it is for",
    "/api/v1/webhooks/{endpoint_id}/ping": "an action: each ping is a new test",
    "/api/v1/ai/conversations": "the AI routers' own (another area of work)",
    "/api/v1/reports": "an anonymous report of a card: no account to own a key (rate-limited instead)",
}


def _keyed(headers: dict, key: str) -> dict:
    """Headers with an Idempotency-Key."""
    return {**headers, "Idempotency-Key": key}


def _user_id(email: str) -> uuid.UUID:
    """The id of an account by email."""
    with session_scope() as s:
        return next(u.id for u in s.query(User).filter(User.email == email))


def test_a_retry_gets_the_first_answer_and_creates_nothing(client):
    """Same key, same body: the same status, body and Location, marked Idempotent-Replayed; one card exists."""
    ada = bearer("ada@example.com")
    first = client.post(BASE, json={"name": "Ada"}, headers=_keyed(ada, "card-1"))
    again = client.post(BASE, json={"name": "Ada"}, headers=_keyed(ada, "card-1"))
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again.headers["location"] == first.headers["location"]
    assert again.headers["idempotent-replayed"] == "true" and "idempotent-replayed" not in first.headers
    assert client.get(BASE, headers=ada).json()["total"] == 1
    fresh = client.post(BASE, json={"name": "Ada"}, headers=_keyed(ada, "card-2"))
    assert fresh.status_code == 201 and fresh.json()["id"] != first.json()["id"]
    assert client.post(BASE, json={"name": "Ada"}, headers=ada).status_code == 201  # no key: no memory
    assert client.get(BASE, headers=ada).json()["total"] == 3


def test_the_same_key_with_another_body_or_route_is_refused(client):
    """A key names one request: another body (or another create) under it is a 422 problem."""
    ada = bearer("ada@example.com")
    assert client.post(BASE, json={"name": "Ada"}, headers=_keyed(ada, "k")).status_code == 201
    refused = problem(client.post(BASE, json={"name": "Eve"}, headers=_keyed(ada, "k")), 422)
    assert "Idempotency-Key" in refused["errors"]
    problem(client.post("/api/v1/contacts", json={"full_name": "Ada"}, headers=_keyed(ada, "k")), 422)
    assert client.get(BASE, headers=ada).json()["total"] == 1


def test_keys_belong_to_their_owner(client):
    """Two accounts may use the same key; neither sees the other's answer."""
    ada, bob = bearer("ada@example.com"), bearer("bob@example.com")
    mine = client.post(BASE, json={"name": "Ada"}, headers=_keyed(ada, "shared"))
    theirs = client.post(BASE, json={"name": "Ada"}, headers=_keyed(bob, "shared"))
    assert mine.status_code == theirs.status_code == 201 and mine.json()["id"] != theirs.json()["id"]
    assert "idempotent-replayed" not in theirs.headers


def test_a_twin_in_flight_is_a_409(client):
    """While a request with the key runs (claimed, no answer yet), a second one is refused; later it is free."""
    ada = bearer("ada@example.com")
    digest = service.fingerprint("POST", BASE, b'{"name":"Ada"}')
    with session_scope() as s:
        service.claim(session=s, owner_id=_user_id("ada@example.com"), key="busy", request_hash=digest)
    busy = problem(client.post(BASE, content=b'{"name":"Ada"}', headers=_keyed(ada, "busy") | _json()), 409)
    assert "Idempotency-Key" in busy["errors"]
    clock.advance(service.ABANDONED_AFTER + timedelta(seconds=1))  # the first one's process died
    taken_over = client.post(BASE, content=b'{"name":"Ada"}', headers=_keyed(ada, "busy") | _json())
    assert taken_over.status_code == 201


def _json() -> dict:
    """The JSON content type header."""
    return {"Content-Type": "application/json"}


def test_concurrent_duplicates_create_once(client):
    """Eight copies at once: one card; every other answer is a replay of it or a 409."""
    ada = bearer("ada@example.com")

    def send(_: int):
        """One copy of the request."""
        return client.post(BASE, json={"name": "Ada"}, headers=_keyed(ada, "race"))

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(send, range(8)))
    created = [a for a in answers if a.status_code == 201 and "idempotent-replayed" not in a.headers]
    assert len(created) == 1
    for answer in answers:
        assert answer.status_code == 409 or answer.json()["id"] == created[0].json()["id"]
    assert client.get(BASE, headers=ada).json()["total"] == 1


def test_a_refused_request_releases_its_key(client):
    """Only successes are kept: after a 422 the corrected body may use the same key."""
    ada = bearer("ada@example.com")
    problem(client.post(BASE, json={"name": "   "}, headers=_keyed(ada, "fix-me")), 422)
    fixed = client.post(BASE, json={"name": "Ada"}, headers=_keyed(ada, "fix-me"))
    assert fixed.status_code == 201 and "idempotent-replayed" not in fixed.headers


def test_keys_expire_after_a_day(client):
    """After 24 hours the key is forgotten: the same request creates again (an API key outlives a token)."""
    ada = key_for("ada@example.com", ["cards:write"])
    first = client.post(BASE, json={"name": "Ada"}, headers=_keyed(ada, "daily")).json()
    clock.advance(service.TTL + timedelta(minutes=1))
    later = client.post(BASE, json={"name": "Ada"}, headers=_keyed(ada, "daily"))
    assert later.status_code == 201 and later.json()["id"] != first["id"]


def test_a_bad_key_is_a_422(client):
    """Keys are visible ASCII, at most 255 characters."""
    ada = bearer("ada@example.com")
    problem(client.post(BASE, json={"name": "Ada"}, headers=_keyed(ada, "two words")), 422)
    problem(client.post(BASE, json={"name": "Ada"}, headers=_keyed(ada, "k" * 256)), 422)
    assert client.get(BASE, headers=ada).json()["total"] == 0


def test_other_creates_replay_too(client):
    """Contacts, tags, reminders, templates, webhooks and API keys replay the same way; an upload too."""
    ada = bearer("ada@example.com")
    contact = client.post("/api/v1/contacts", json={"full_name": "Grace"}, headers=_keyed(ada, "c1")).json()
    for path, body in [
        ("/api/v1/contacts", {"full_name": "Grace"}),
        ("/api/v1/contacts/tags", {"name": "vip"}),
        (f"/api/v1/contacts/{contact['id']}/reminders", {"quick": "tomorrow"}),
        ("/api/v1/templates", {"name": "Hi", "subject": "Hi", "body": "Hello"}),
        ("/api/v1/webhooks", {"url": "http://127.0.0.1:9/hook", "events": ["card.published"]}),
        ("/api/v1/me/api-keys", {"name": "sync", "scopes": ["cards:read"]}),
    ]:
        key = f"k-{path}"
        first = client.post(path, json=body, headers=_keyed(ada, key))
        again = client.post(path, json=body, headers=_keyed(ada, key))
        assert first.status_code == 201, (path, first.text)
        assert again.status_code == 201 and again.json() == first.json(), path
        assert again.headers["idempotent-replayed"] == "true"
    assert client.get("/api/v1/contacts", headers=ada).json()["total"] == 2  # "c1" and the loop's one
    assert len(client.get("/api/v1/webhooks", headers=ada).json()) == 1


def test_every_create_route_takes_a_key():
    """Each documented POST answering 201/202 lists the Idempotency-Key header, unless named above with why."""
    document = build_api().openapi()
    missing = []
    for path, item in document["paths"].items():
        operation = item.get("post") or {}
        if not {"201", "202"} & set(operation.get("responses", {})) or path in NOT_CREATES:
            continue
        if not any(p.get("name") == "Idempotency-Key" for p in operation.get("parameters", [])):
            missing.append(path)
    assert missing == []
    assert "/api/v1/cards" in document["paths"] and len(document["paths"]) > 50
