"""The communication HTTP edge: templates, previews, sending now or later, cancelling, owners kept apart."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from metaic.communication import jobs
from metaic.core import clock
from metaic.jobs.local import reset_local
from metaic.jobs.queue import drain_local
from tests.api.test_contacts_api import add, bearer
from tests.support.http import problem

TEMPLATES = "/api/v1/templates"
GRACE = "grace@navy.example.com"


def _grace(client: TestClient, headers: dict, **fields) -> dict:
    """A contact with an email address and a phone number."""
    data = {
        "full_name": "Grace Hopper",
        "first_name": "Grace",
        "last_name": "Hopper",
        "company": "US Navy",
        "emails": [{"label": "work", "value": GRACE}],
        "phones": [{"label": "mobile", "value": "+12025550143"}],
    }
    return add(client, headers, **{**data, **fields})


def _utc(text: str) -> bool:
    """Whether an ISO time in a response carries the UTC offset."""
    return datetime.fromisoformat(text).utcoffset() == timedelta(0)


def _messages(contact: dict) -> str:
    """The messages address of a contact."""
    return f"/api/v1/contacts/{contact['id']}/messages"


def _send(client: TestClient, headers: dict, contact: dict, **fields) -> dict:
    """Queue a message over HTTP and return it."""
    response = client.post(
        _messages(contact), json={"channel": "email", "subject": "Hi", "body": "Hello", **fields}, headers=headers
    )
    assert response.status_code == 201, response.text
    assert response.headers["location"] == f"/api/v1/messages/{response.json()['id']}"
    return response.json()


def test_defaults_appear_on_first_use(client):
    ada = bearer("ada@example.com")
    listed = client.get(TEMPLATES, headers=ada)
    assert listed.status_code == 200, listed.text
    assert [t["name"] for t in listed.json()] == ["Follow-up", "Introduction", "Nice to meet you"]
    first = listed.json()[0]
    assert "owner_id" not in first and _utc(first["created_at"])
    assert len(client.get(TEMPLATES, headers=ada).json()) == 3  # not added twice


def test_template_crud(client):
    """Create (201 + Location), read, patch, delete (204), then 404; a taken name is a 409."""
    ada = bearer("ada@example.com")
    created = client.post(
        TEMPLATES,
        json={
            "name": "Thanks",
            "subject": "Thanks {{ contact.first_name }}",
            "body": "Thank you, {{ contact.first_name }}!",
        },
        headers=ada,
    )
    assert created.status_code == 201, created.text
    made = created.json()
    url = f"{TEMPLATES}/{made['id']}"
    assert created.headers["location"] == url and made["channel"] == "email" and "owner_id" not in made
    assert client.get(url, headers=ada).json()["body"] == "Thank you, {{ contact.first_name }}!"
    patched = client.patch(url, json={"channel": "whatsapp", "body": "Thanks!"}, headers=ada)
    assert patched.status_code == 200, patched.text
    assert (patched.json()["channel"], patched.json()["name"], patched.json()["body"]) == (
        "whatsapp",
        "Thanks",
        "Thanks!",
    )
    clash = problem(client.post(TEMPLATES, json={"name": "thanks", "body": "x"}, headers=ada), 409)
    assert "name" in clash["errors"]
    client.post(TEMPLATES, json={"name": "Other", "body": "x"}, headers=ada)
    assert "name" in problem(client.patch(url, json={"name": "OTHER"}, headers=ada), 409)["errors"]
    assert client.delete(url, headers=ada).status_code == 204
    problem(client.get(url, headers=ada), 404)
    problem(client.delete(url, headers=ada), 404)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"body": "Hi {{ contact.first_name "}, "body"),
        ({"body": "Hi {{ contact.nickname }}"}, "body"),
        ({"subject": "{% for %}", "body": "ok"}, "subject"),
        ({"body": "{{ ''.__class__ }}"}, "body"),
        ({"body": "   "}, "body"),
        ({"channel": "fax", "body": "ok"}, "channel"),
    ],
)
def test_bad_templates_are_problems_naming_the_field(client, fields, field):
    ada = bearer("ada@example.com")
    body = problem(client.post(TEMPLATES, json={"name": "Bad", **fields}, headers=ada), 422)
    assert field in body["errors"], body
    made = client.post(TEMPLATES, json={"name": "Good", "body": "fine"}, headers=ada).json()
    if field != "channel":
        patched = client.patch(f"{TEMPLATES}/{made['id']}", json=fields, headers=ada)
        assert field in problem(patched, 422)["errors"]


def test_preview_from_a_template_and_from_text(client):
    ada = bearer("ada@example.com")
    grace = _grace(client, ada)
    url = f"{_messages(grace)}/preview"
    template = client.post(
        TEMPLATES,
        json={
            "name": "Hello",
            "subject": "For {{ contact.company }}",
            "body": "Dear {{ contact.first_name }} {{ contact.last_name }}",
        },
        headers=ada,
    ).json()
    from_template = client.post(url, json={"template_id": template["id"]}, headers=ada)
    assert from_template.status_code == 200, from_template.text
    assert from_template.json() == {"subject": "For US Navy", "body": "Dear Grace Hopper"}
    from_text = client.post(
        url, json={"subject": "Hi {{ contact.first_name }}", "body": "Hello {{ contact.first_name }}!"}, headers=ada
    )
    assert from_text.json() == {"subject": "Hi Grace", "body": "Hello Grace!"}
    assert "body" in problem(client.post(url, json={"body": "{{ contact.age }}"}, headers=ada), 422)["errors"]
    assert "body" in problem(client.post(url, json={}, headers=ada), 422)["errors"]


def test_send_now_is_delivered_and_shows_on_the_timeline(client, outbox):
    ada = bearer("ada@example.com")
    grace = _grace(client, ada)
    sent = _send(client, ada, grace, subject="Nice to meet you", body="Hi Grace,\n\nGreat to meet you.")
    assert sent["status"] == "queued" and sent["to"] == GRACE and "owner_id" not in sent
    drain_local()
    [email] = outbox.emails(to=GRACE)
    assert email["Subject"] == "Nice to meet you" and "Great to meet you." in outbox.body(email)
    after = client.get(f"/api/v1/messages/{sent['id']}", headers=ada).json()
    assert after["status"] == "sent" and after["error"] == "" and _utc(after["send_at"])
    [entry] = client.get(f"/api/v1/contacts/{grace['id']}/timeline", headers=ada).json()
    assert (entry["channel"], entry["direction"], entry["subject"]) == ("email", "outbound", "Nice to meet you")
    # a sent message can no longer be cancelled
    assert "status" in problem(client.post(f"/api/v1/messages/{sent['id']}/cancel", headers=ada), 409)["errors"]


def test_sending_fills_the_variables_like_the_compose_dialog(client, outbox):
    ada = bearer("ada@example.com")
    grace = _grace(client, ada)
    sent = _send(client, ada, grace, subject="Hi {{ contact.first_name }}", body="Dear {{ contact.first_name }},")
    assert (sent["subject"], sent["body"]) == ("Hi Grace", "Dear Grace,")
    bad = client.post(_messages(grace), json={"channel": "email", "body": "{{ contact.nickname }}"}, headers=ada)
    assert "body" in problem(bad, 422)["errors"]


def test_send_later_stays_queued_and_can_be_cancelled(client, outbox):
    ada = bearer("ada@example.com")
    grace = _grace(client, ada)
    later = (clock.now() + timedelta(hours=3)).isoformat()
    try:
        queued = _send(client, ada, grace, subject="Later", send_at=later)
        drain_local()
        url = f"/api/v1/messages/{queued['id']}"
        assert client.get(url, headers=ada).json()["status"] == "queued" and outbox.emails() == []
        cancelled = client.post(f"{url}/cancel", headers=ada)
        assert cancelled.status_code == 200, cancelled.text
        assert cancelled.json()["status"] == "canceled"
        assert client.post(f"{url}/cancel", headers=ada).json()["status"] == "canceled"  # idempotent
        clock.advance(timedelta(hours=4))  # past its time (the access token expires too: no HTTP after this)
        assert jobs.deliver_due() == 0 and jobs.deliver(queued["id"]) == "canceled"
        drain_local()
        assert outbox.emails() == []
        clock.reset()
        assert client.get(f"/api/v1/contacts/{grace['id']}/timeline", headers=ada).json() == []
    finally:
        reset_local()  # forget the timer of the in-process worker


def test_naive_send_at_and_bad_channel_are_refused(client):
    ada = bearer("ada@example.com")
    grace = _grace(client, ada)
    naive = (clock.now() + timedelta(hours=1)).replace(tzinfo=None).isoformat()
    body = {"channel": "email", "body": "Hello", "send_at": naive}
    assert "send_at" in problem(client.post(_messages(grace), json=body, headers=ada), 422)["errors"]
    body = {"channel": "fax", "body": "Hello"}
    assert "channel" in problem(client.post(_messages(grace), json=body, headers=ada), 422)["errors"]


def test_contact_without_email_is_a_problem_on_to(client):
    ada = bearer("ada@example.com")
    nobody = add(client, ada, full_name="No Mail", phones=[{"label": "mobile", "value": "+12025550143"}])
    refused = client.post(_messages(nobody), json={"channel": "email", "subject": "Hi", "body": "Hello"}, headers=ada)
    assert "to" in problem(refused, 422)["errors"]
    assert client.get(_messages(nobody), headers=ada).json() == []


def test_listing_messages(client, outbox):
    ada = bearer("ada@example.com")
    grace, alan = (
        _grace(client, ada),
        _grace(
            client,
            ada,
            full_name="Alan Turing",
            first_name="Alan",
            emails=[{"label": "work", "value": "alan@example.com"}],
        ),
    )
    first = _send(client, ada, grace, body="one")
    clock.advance(timedelta(seconds=1))
    second = _send(client, ada, alan, body="two")
    clock.advance(timedelta(seconds=1))
    third = _send(client, ada, grace, body="three")
    drain_local()
    everything = client.get("/api/v1/messages", headers=ada).json()
    assert [m["id"] for m in everything] == [third["id"], second["id"], first["id"]]
    assert [m["id"] for m in client.get("/api/v1/messages", params={"limit": 2}, headers=ada).json()] == [
        third["id"],
        second["id"],
    ]
    assert [m["id"] for m in client.get(_messages(grace), headers=ada).json()] == [third["id"], first["id"]]
    problem(client.get("/api/v1/messages", params={"limit": 0}, headers=ada), 422)


def test_owners_are_kept_apart(client, outbox):
    """User B gets 404 for A's templates, contacts and messages, and sees none of them in lists."""
    ada, bob = bearer("ada@example.com"), bearer("bob@example.com")
    grace = _grace(client, ada)
    template = client.post(TEMPLATES, json={"name": "Mine", "body": "Hi"}, headers=ada).json()
    message = _send(client, ada, grace)
    drain_local()
    t_url, m_url = f"{TEMPLATES}/{template['id']}", f"/api/v1/messages/{message['id']}"
    problem(client.get(t_url, headers=bob), 404)
    problem(client.patch(t_url, json={"name": "Theirs"}, headers=bob), 404)
    problem(client.delete(t_url, headers=bob), 404)
    problem(client.get(m_url, headers=bob), 404)
    problem(client.post(f"{m_url}/cancel", headers=bob), 404)
    problem(client.get(_messages(grace), headers=bob), 404)
    problem(client.post(_messages(grace), json={"channel": "email", "body": "x"}, headers=bob), 404)
    problem(client.post(f"{_messages(grace)}/preview", json={"body": "x"}, headers=bob), 404)
    bobs = _grace(client, bob)
    problem(client.post(f"{_messages(bobs)}/preview", json={"template_id": template["id"]}, headers=bob), 404)
    assert client.get("/api/v1/messages", headers=bob).json() == []
    assert "Mine" not in [t["name"] for t in client.get(TEMPLATES, headers=bob).json()]
    assert client.get(t_url, headers=ada).status_code == 200 and client.get(m_url, headers=ada).status_code == 200


def test_signing_in_is_required(client):
    problem(client.get(TEMPLATES), 401)
    problem(client.get("/api/v1/messages"), 401)
