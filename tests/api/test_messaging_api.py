"""The messaging HTTP edge: start, requests, send, read, unread counts; members only; bad input as problem details."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient

from metaic.auth import api_tokens
from metaic.auth import service as user_service
from metaic.db import session_scope
from tests.support.http import problem

BASE = "/api/v1/conversations"


def account(email: str, name: str = "") -> tuple[dict, str]:
    """A new account: its Authorization header and its id."""
    with session_scope() as s:
        user = user_service.create(session=s, email=email, password="Correct-Horse-42", name=name, verified=True)
        pair = api_tokens.issue(session=s, user=user)
        return {"Authorization": f"Bearer {pair.access_token}"}, str(user.id)


def knows(client: TestClient, headers: dict, email: str) -> None:
    """Save someone as a contact (then they may write to the one who saved them, and back)."""
    saved = client.post("/api/v1/contacts", json={"full_name": email, "emails": [{"value": email}]}, headers=headers)
    assert saved.status_code == 201, saved.text


def test_a_conversation_round_trip(client):
    """Start (201), send (201), list, unread, read (204), then nothing unread."""
    ada, ada_id = account("ada@example.com", "Ada Lovelace")
    grace, grace_id = account("grace@example.com", "Grace Hopper")
    knows(client, grace, "ada@example.com")
    started = client.post(BASE, json={"user_id": grace_id}, headers=ada)
    assert started.status_code == 201, started.text
    chat = started.json()
    assert chat["other_user_id"] == grace_id and chat["other_name"] == "Grace Hopper" and chat["unread"] == 0
    assert started.headers["location"] == f"{BASE}/{chat['id']}"
    sent = client.post(f"{BASE}/{chat['id']}/messages", json={"body": " Hello Grace "}, headers=ada)
    assert sent.status_code == 201, sent.text
    assert sent.json()["body"] == "Hello Grace" and sent.json()["mine"] is True
    assert client.get(f"{BASE}/unread", headers=grace).json() == {"unread": 1}
    [theirs] = client.get(BASE, headers=grace).json()
    assert theirs["id"] == chat["id"] and theirs["last_message"] == "Hello Grace" and theirs["unread"] == 1
    [message] = client.get(f"{BASE}/{chat['id']}/messages", headers=grace).json()
    assert message["mine"] is False and message["created_at"].endswith(("Z", "+00:00"))
    read = client.post(f"{BASE}/{chat['id']}/read", headers=grace)
    assert read.status_code == 204 and read.content == b""
    assert client.get(f"{BASE}/unread", headers=grace).json() == {"unread": 0}
    assert client.get(f"{BASE}/{chat['id']}", headers=grace).json()["unread"] == 0
    again = client.post(BASE, json={"user_id": ada_id}, headers=grace)
    assert again.status_code == 201 and again.json()["id"] == chat["id"]


def test_a_third_user_cannot_see_or_write_the_conversation(client):
    ada, _ = account("ada@example.com")
    grace, grace_id = account("grace@example.com")
    eve, _ = account("eve@example.com")
    knows(client, grace, "ada@example.com")
    chat = client.post(BASE, json={"user_id": grace_id}, headers=ada).json()
    problem(client.post(BASE, json={"user_id": grace_id}, headers=eve), 403)  # a stranger to both
    client.post(f"{BASE}/{chat['id']}/messages", json={"body": "secret"}, headers=ada)
    problem(client.get(f"{BASE}/{chat['id']}", headers=eve), 404)
    problem(client.get(f"{BASE}/{chat['id']}/messages", headers=eve), 404)
    problem(client.post(f"{BASE}/{chat['id']}/messages", json={"body": "hi"}, headers=eve), 404)
    problem(client.post(f"{BASE}/{chat['id']}/read", headers=eve), 404)
    assert client.get(BASE, headers=eve).json() == []
    assert client.get(f"{BASE}/unread", headers=eve).json() == {"unread": 0}


def test_start_with_a_contact(client):
    ada, _ = account("ada@example.com")
    alan, alan_id = account("alan@example.com", "Alan Turing")
    account("bob@example.com", "Bob")
    knows(client, alan, "ada@example.com")
    made = client.post(
        "/api/v1/contacts", json={"full_name": "Alan", "emails": [{"value": "alan@example.com"}]}, headers=ada
    ).json()
    offline = client.post(
        "/api/v1/contacts", json={"full_name": "Off", "emails": [{"value": "off@example.com"}]}, headers=ada
    ).json()
    unlinked = client.post(
        "/api/v1/contacts", json={"full_name": "Bob", "emails": [{"value": "bob@example.com"}]}, headers=ada
    ).json()
    started = client.post(BASE, json={"contact_id": made["id"]}, headers=ada)
    assert started.status_code == 201 and started.json()["other_user_id"] == alan_id
    no_account = problem(client.post(BASE, json={"contact_id": offline["id"]}, headers=ada), 403)
    not_linked = problem(client.post(BASE, json={"contact_id": unlinked["id"]}, headers=ada), 403)
    assert no_account == not_linked and "message request" in no_account["detail"]
    problem(client.post(BASE, json={"contact_id": str(uuid.uuid4())}, headers=ada), 404)


def test_bad_input_is_a_problem(client):
    ada, ada_id = account("ada@example.com")
    grace, grace_id = account("grace@example.com")
    knows(client, grace, "ada@example.com")
    chat = client.post(BASE, json={"user_id": grace_id}, headers=ada).json()
    assert problem(client.post(BASE, json={"user_id": ada_id}, headers=ada), 422)["errors"]["user_id"]
    problem(client.post(BASE, json={}, headers=ada), 422)
    problem(client.post(BASE, json={"user_id": grace_id, "contact_id": str(uuid.uuid4())}, headers=ada), 422)
    problem(client.post(BASE, json={"user_id": "not-a-uuid"}, headers=ada), 422)
    problem(client.post(BASE, json={"user_id": str(uuid.uuid4())}, headers=ada), 403)
    url = f"{BASE}/{chat['id']}/messages"
    assert problem(client.post(url, json={"body": "   "}, headers=ada), 422)["errors"]["body"]
    problem(client.post(url, json={"body": "x" * 5001}, headers=ada), 422)
    problem(client.post(url, json={}, headers=ada), 422)
    problem(client.post(url, content=b"{not json", headers={**ada, "Content-Type": "application/json"}), 422)
    problem(client.get(f"{BASE}/not-a-uuid", headers=ada), 422)
    problem(client.get(url, params={"limit": 0}, headers=ada), 422)
    problem(client.get(url, params={"before": str(uuid.uuid4())}, headers=ada), 404)
    problem(client.get(BASE), 401)


def test_messages_page_with_before(client):
    ada, _ = account("ada@example.com")
    grace, grace_id = account("grace@example.com")
    knows(client, grace, "ada@example.com")
    chat = client.post(BASE, json={"user_id": grace_id}, headers=ada).json()
    url = f"{BASE}/{chat['id']}/messages"
    for i in range(5):
        assert client.post(url, json={"body": f"m{i}"}, headers=ada).status_code == 201
    last = client.get(url, params={"limit": 2}, headers=ada).json()
    assert [m["body"] for m in last] == ["m3", "m4"]
    older = client.get(url, params={"limit": 2, "before": last[0]["id"]}, headers=ada).json()
    assert [m["body"] for m in older] == ["m1", "m2"]


def test_a_message_request_round_trip(client):
    """202 with the same body whoever is asked; the recipient sees it, accepts (200) or declines (204)."""
    ada, ada_id = account("ada@example.com", "Ada Lovelace")
    eve, _ = account("eve@example.com", "Eve")
    mallory, _ = account("mallory@example.com", "Mallory")
    sent = client.post(f"{BASE}/requests", json={"user_id": ada_id, "body": "Hi Ada"}, headers=eve)
    nobody = client.post(f"{BASE}/requests", json={"user_id": str(uuid.uuid4()), "body": "Hi"}, headers=eve)
    assert sent.status_code == nobody.status_code == 202
    assert sent.json() == nobody.json() == {"status": "sent", "detail": sent.json()["detail"]}
    assert client.get(BASE, headers=eve).json() == []
    [incoming] = client.get(BASE, headers=ada).json()
    assert incoming["status"] == "requested" and incoming["last_message"] == "Hi Ada"
    reply = client.post(f"{BASE}/{incoming['id']}/messages", json={"body": "Who?"}, headers=ada)
    assert problem(reply, 422)["errors"]["body"]
    problem(client.post(f"{BASE}/{incoming['id']}/accept", headers=eve), 404)
    accepted = client.post(f"{BASE}/{incoming['id']}/accept", headers=ada)
    assert accepted.status_code == 200 and accepted.json()["status"] == "open"
    assert client.post(f"{BASE}/{incoming['id']}/messages", json={"body": "Hi Eve"}, headers=ada).status_code == 201
    assert [c["status"] for c in client.get(BASE, headers=eve).json()] == ["open"]
    client.post(f"{BASE}/requests", json={"user_id": ada_id, "body": "Buy now"}, headers=mallory)
    spam = next(c for c in client.get(BASE, headers=ada).json() if c["status"] == "requested")
    declined = client.post(f"{BASE}/{spam['id']}/decline", headers=ada)
    assert declined.status_code == 204 and declined.content == b""
    assert [c["status"] for c in client.get(BASE, headers=ada).json()] == ["open"]
    problem(client.post(f"{BASE}/requests", json={"user_id": ada_id}, headers=eve), 422)
    problem(client.post(f"{BASE}/requests", json={"body": "hi"}, headers=eve), 422)
