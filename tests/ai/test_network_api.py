"""The `/api/v1/ai/network` edge: suggestions, introductions step by step, the digest and its email switch."""

from __future__ import annotations

from metaic.ai import corpus
from metaic.auth.models import User
from metaic.db import session_scope
from tests.ai.helpers import add_contact
from tests.ai.test_api import account

BASE = "/api/v1/ai/network"


def _book(ids: dict) -> tuple[str, str]:
    """Ana (raising) and Ben (invests) in the account's book; returns their ids."""
    corpus.forget()
    with session_scope() as s:
        owner = s.get(User, ids["user"])
        ana = add_contact(
            s,
            owner,
            full_name="Ana Founder",
            emails=[{"label": "", "value": "ana@example.com"}],
            note="She is raising a seed round.",
        )
        ben = add_contact(
            s,
            owner,
            full_name="Ben Angel",
            emails=[{"label": "", "value": "ben@example.com"}],
            note="Angel investor in seed rounds.",
        )
        return str(ana.id), str(ben.id)


def test_suggestions_and_introductions_over_the_api(client):
    """Suggestions carry kind and reason; an introduction goes ask first, ask second, introduce; others get 404."""
    ada, ids = account("ada@example.com")
    ana, ben = _book(ids)
    found = client.get(f"{BASE}/suggestions", headers=ada)
    assert found.status_code == 200, found.text
    assert [(s["kind"], s["name"]) for s in found.json()] == [("contact", "Ben Angel")]
    assert found.json()[0]["reason"].startswith("offers angel investor in seed rounds")

    listed = client.get(f"{BASE}/introductions", headers=ada).json()
    assert [(p["first_id"], p["second_id"]) for p in listed["suggested"]] == [(ana, ben)] and listed["open"] == []
    started = client.post(f"{BASE}/introductions", json={"first_id": ana, "second_id": ben}, headers=ada)
    assert started.status_code == 200, started.text
    body = started.json()
    assert body["step"] == "ask_first" and body["compose"]["to"] == "ana@example.com"
    intro = body["introduction"]["id"]
    again = client.post(f"{BASE}/introductions", json={"first_id": ana, "second_id": ben}, headers=ada)
    assert again.status_code == 409
    nxt = client.post(f"{BASE}/introductions/{intro}/answer", json={"agreed": True}, headers=ada).json()
    assert nxt["step"] == "ask_second" and nxt["compose"]["to"] == "ben@example.com"
    draft = client.get(f"{BASE}/introductions/{intro}/draft", params={"step": "ask_first"}, headers=ada)
    assert draft.status_code == 200 and draft.json()["compose"]["contact_id"] == ana
    early = client.get(f"{BASE}/introductions/{intro}/draft", params={"step": "introduce_first"}, headers=ada)
    assert early.status_code == 409

    eve, _ = account("eve@example.com", "Eve")
    assert client.post(f"{BASE}/introductions/{intro}/answer", json={"agreed": True}, headers=eve).status_code == 404
    theirs = client.post(f"{BASE}/introductions", json={"first_id": ana, "second_id": ben}, headers=eve)
    assert theirs.status_code == 404
    assert client.get(f"{BASE}/suggestions", headers=eve).json() == []
    assert client.get(f"{BASE}/suggestions").status_code == 401


def test_digest_and_its_email_switch(client):
    """The digest answers with its three sections; the email switch is off until turned on."""
    ada, _ = account("ada@example.com")
    week = client.get(f"{BASE}/digest", headers=ada)
    assert week.status_code == 200, week.text
    assert set(week.json()) == {"week", "follow_up", "quiet", "returning"}
    assert client.get(f"{BASE}/digest/settings", headers=ada).json() == {"email": False}
    assert client.put(f"{BASE}/digest/settings", json={"email": True}, headers=ada).json() == {"email": True}
    assert client.get(f"{BASE}/digest/settings", headers=ada).json() == {"email": True}
