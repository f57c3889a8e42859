"""`/api/v1/ai/conversations`: CRUD, the answer as Server-Sent Events, retry, confirm, owners apart."""

from __future__ import annotations

import json

from metaic.auth import api_tokens
from metaic.auth.models import User
from metaic.db import session_scope
from tests.ai.chat_helpers import book

BASE = "/api/v1/ai/conversations"


def bearer(user_id) -> dict:
    """An access-token header for an account."""
    with session_scope() as s:
        pair = api_tokens.issue(session=s, user=s.get(User, user_id))
    return {"Authorization": f"Bearer {pair.access_token}"}


def events(body: str) -> list[tuple[str, dict]]:
    """(event name, data) of every Server-Sent Event in a body."""
    found = []
    for block in body.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines())
        found.append((lines["event"], json.loads(lines["data"])))
    return found


def test_ask_streams_the_answer_as_server_sent_events_and_stores_it(client):
    """meta, the text, done; the conversation then holds the question and the answer with its source link."""
    ids = book()
    ada = bearer(ids["owner"])
    made = client.post(BASE, json={}, headers=ada)
    assert made.status_code == 201, made.text
    cid = made.json()["id"]
    answer = client.post(f"{BASE}/{cid}/messages", json={"text": "Who is Grace Hopper?"}, headers=ada)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/event-stream")
    found = events(answer.text)
    assert [name for name, _ in found] == ["meta", "delta", "done"]
    assert found[0][1]["sources"][0]["url"] == f"/contacts/view?id={ids['grace']}"
    assert found[-1][1]["message"]["content"] == found[1][1]["text"]
    detail = client.get(f"{BASE}/{cid}", headers=ada).json()
    assert detail["title"] == "Who is Grace Hopper?"
    assert [(m["role"], m["content"][:20]) for m in detail["messages"]] == [
        ("user", "Who is Grace Hopper?"),
        ("assistant", found[1][1]["text"][:20]),
    ]


def test_rename_list_delete_and_validation(client):
    """PATCH renames, GET lists newest first, DELETE removes; empty questions and titles are refused."""
    ids = book()
    ada = bearer(ids["owner"])
    first = client.post(BASE, json={"title": "First"}, headers=ada).json()["id"]
    second = client.post(BASE, json={}, headers=ada).json()["id"]
    assert client.patch(f"{BASE}/{second}", json={"title": "Second"}, headers=ada).json()["title"] == "Second"
    assert client.patch(f"{BASE}/{second}", json={"title": "  "}, headers=ada).status_code == 422
    assert [c["title"] for c in client.get(BASE, headers=ada).json()] == ["Second", "First"]
    assert client.post(f"{BASE}/{first}/messages", json={"text": ""}, headers=ada).status_code == 422
    assert client.post(f"{BASE}/{first}/retry", headers=ada).status_code == 409
    assert client.delete(f"{BASE}/{first}", headers=ada).status_code == 204
    assert client.get(f"{BASE}/{first}", headers=ada).status_code == 404
    assert [c["title"] for c in client.get(BASE, headers=ada).json()] == ["Second"]


def test_confirm_runs_a_proposal_once_and_retry_replaces_the_answer(client):
    """The reminder exists after confirm (409 the second time); retry answers the same question again."""
    ids = book()
    ada = bearer(ids["owner"])
    cid = client.post(BASE, json={}, headers=ada).json()["id"]
    streamed = events(client.post(f"{BASE}/{cid}/messages", json={"text": "Remind me to call Marie"}, headers=ada).text)
    [action] = streamed[0][1]["actions"]
    assert action["label"] == "Remind me to follow up with Marie Curie tomorrow"
    url = f"{BASE}/{cid}/actions/{action['id']}/confirm"
    assert client.get(f"/api/v1/contacts/{ids['marie']}/reminders", headers=ada).json() == []
    done = client.post(url, headers=ada)
    assert done.status_code == 200 and done.json()["status"] == "done"
    assert len(client.get(f"/api/v1/contacts/{ids['marie']}/reminders", headers=ada).json()) == 1
    assert client.post(url, headers=ada).status_code == 409
    again = events(client.post(f"{BASE}/{cid}/retry", headers=ada).text)
    assert again[-1][0] == "done"
    roles = [m["role"] for m in client.get(f"{BASE}/{cid}", headers=ada).json()["messages"]]
    assert roles == ["user", "assistant"]


def test_another_owner_gets_404_everywhere_and_anonymous_401(client):
    """Eve can do nothing with Ada's conversation; nobody signed out can list."""
    ada_ids, eve_ids = book(), book("eve@example.com", "Eve")
    ada, eve = bearer(ada_ids["owner"]), bearer(eve_ids["owner"])
    cid = client.post(BASE, json={}, headers=ada).json()["id"]
    streamed = events(client.post(f"{BASE}/{cid}/messages", json={"text": "Remind me to call Marie"}, headers=ada).text)
    action_id = streamed[0][1]["actions"][0]["id"]
    for method, path, body in (
        ("get", f"{BASE}/{cid}", None),
        ("patch", f"{BASE}/{cid}", {"title": "x"}),
        ("post", f"{BASE}/{cid}/messages", {"text": "Who is Marie Curie?"}),
        ("post", f"{BASE}/{cid}/retry", None),
        ("post", f"{BASE}/{cid}/actions/{action_id}/confirm", None),
        ("delete", f"{BASE}/{cid}", None),
    ):
        answer = client.request(method.upper(), path, json=body, headers=eve)
        assert answer.status_code == 404, path
    assert client.get(BASE, headers=eve).json() == []
    assert client.get(BASE).status_code == 401
    assert len(client.get(f"{BASE}/{cid}", headers=ada).json()["messages"]) == 2
