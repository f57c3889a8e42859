"""The `/api/v1/ai` edge: preferences, writing, translation, summaries, follow-ups, suggestions, usage, owners apart."""

from __future__ import annotations

from metaic.auth import api_tokens
from metaic.auth.models import ROLE_ADMIN, User
from metaic.db import session_scope
from metaic.jobs.queue import drain_local
from tests.ai.helpers import make_card, make_user

BASE = "/api/v1/ai"


def account(email: str, name: str = "Ada Lovelace", admin: bool = False) -> tuple[dict, dict]:
    """A bearer header for a new account with one published card; returns (headers, {"user", "card"} ids)."""
    with session_scope() as s:
        user = make_user(s, email, name)
        if admin:
            user.role = ROLE_ADMIN
            s.add(user)
        card = make_card(s, user, publish=True)
        pair = api_tokens.issue(session=s, user=user)
        ids = {"user": user.id, "card": card.id}
    drain_local()
    return {"Authorization": f"Bearer {pair.access_token}"}, ids


def test_preferences_start_opted_out_and_can_be_changed(client):
    """Nobody is opted in by default; PATCH changes only what it names."""
    ada, _ = account("ada@example.com")
    got = client.get(f"{BASE}/preferences", headers=ada).json()
    assert got == {
        "external_opt_in": False,
        "strip_contact_details": True,
        "provider_configured": False,
        "model": "offline",
    }
    changed = client.patch(f"{BASE}/preferences", json={"external_opt_in": True}, headers=ada).json()
    assert changed["external_opt_in"] is True and changed["strip_contact_details"] is True


def test_write_and_translate_return_labelled_proposals_and_save_nothing(client):
    """Headline proposals and a phrase-table translation come back labelled offline; the card is unchanged."""
    ada, ids = account("ada@example.com")
    url = f"{BASE}/cards/{ids['card']}"
    written = client.post(
        f"{url}/write", json={"field": "headline", "tone": "friendly", "length": "short"}, headers=ada
    )
    assert written.status_code == 200, written.text
    body = written.json()
    assert body["source"] == "offline" and body["proposals"][0] == "Software Engineer" and body["language"] == "en"
    translated = client.post(f"{url}/translate", json={"target_language": "es"}, headers=ada).json()
    assert translated["texts"]["headline"] == "Ingeniero de software" and "bio" in translated["untranslated"]
    assert "phrase table" in translated["note"]
    assert client.post(f"{url}/write", json={"field": "title"}, headers=ada).status_code == 422
    summary = client.get(f"{url}/summary", headers=ada).json()
    assert summary["summary"].startswith("Ada Lovelace — Software Engineer")


def test_another_users_card_and_plans_are_not_found(client):
    """Eve gets 404 for Ada's card and plan; Ada's plan is still proposed afterwards."""
    ada, ids = account("ada@example.com")
    eve, _ = account("eve@example.com", "Eve")
    made = client.post(
        "/api/v1/contacts",
        json={"full_name": "Grace Hopper", "emails": [{"label": "w", "value": "g@navy.example"}]},
        headers=ada,
    )
    assert made.status_code == 201
    drain_local()
    plans = client.get(f"{BASE}/followups", headers=ada).json()
    assert [p["contact_name"] for p in plans] == ["Grace Hopper"]
    plan = plans[0]["id"]
    for method, path in (
        ("post", f"/cards/{ids['card']}/write"),
        ("get", f"/cards/{ids['card']}/summary"),
        ("get", f"/followups/{plan}"),
        ("post", f"/followups/{plan}/accept"),
        ("post", f"/followups/{plan}/dismiss"),
    ):
        answer = getattr(client, method)(
            f"{BASE}{path}", headers=eve, **({"json": {"field": "about"}} if method == "post" else {})
        )
        assert answer.status_code == 404, path
    assert client.get(f"{BASE}/followups", headers=eve).json() == []
    assert client.get(f"{BASE}/followups/{plan}", headers=ada).json()["status"] == "proposed"


def test_accept_over_http_returns_the_reminder_and_the_compose_draft(client):
    """Accept: the reminder shows in the contact's reminders and the draft names the address; accepting twice is 409."""
    ada, _ = account("ada@example.com")
    contact = client.post(
        "/api/v1/contacts",
        json={"full_name": "Grace Hopper", "emails": [{"label": "w", "value": "g@navy.example"}]},
        headers=ada,
    ).json()
    drain_local()
    plan = client.get(f"{BASE}/followups", headers=ada).json()[0]
    edited = client.patch(f"{BASE}/followups/{plan['id']}", json={"subject": "Lovely chat"}, headers=ada).json()
    assert edited["subject"] == "Lovely chat"
    accepted = client.post(f"{BASE}/followups/{plan['id']}/accept", headers=ada)
    assert accepted.status_code == 200, accepted.text
    done = accepted.json()
    assert done["compose"] == {
        "contact_id": contact["id"],
        "channel": "email",
        "to": "g@navy.example",
        "subject": "Lovely chat",
        "body": plan["body"],
    }
    reminders = client.get(f"/api/v1/contacts/{contact['id']}/reminders", headers=ada).json()
    assert [r["id"] for r in reminders] == [done["reminder"]["id"]]
    assert client.post(f"{BASE}/followups/{plan['id']}/accept", headers=ada).status_code == 409


def test_connections_usage_and_admin_totals(client):
    """Suggestions rank the match first with a reason; usage shows today's counts; totals are for admins only."""
    ada, _ = account("ada@example.com")
    for name, note in (("Vera Capital", "Angel investor writing seed cheques"), ("Pat Baker", "Bakes sourdough bread")):
        client.post("/api/v1/contacts", json={"full_name": name, "note": note}, headers=ada)
    drain_local()
    found = client.get(f"{BASE}/suggestions/connections", headers=ada).json()
    assert [s["name"] for s in found] == ["Vera Capital"]
    assert "you are looking for seed investors" in found[0]["reason"]
    mine = client.get(f"{BASE}/usage", headers=ada).json()
    assert mine["requests"] == 0 and mine["exhausted"] is False
    assert client.get(f"{BASE}/admin/usage", headers=ada).status_code == 403
    boss, _ = account("boss@example.com", "Boss", admin=True)
    totals = client.get(f"{BASE}/admin/usage", headers=boss).json()
    assert {(r["feature"], r["source"]) for r in totals} >= {("followup", "offline"), ("summary", "offline")}


def test_the_api_needs_a_signed_in_user(client):
    """No credentials: 401 on every assistant route tried."""
    for path in ("/preferences", "/followups", "/usage", "/suggestions/connections"):
        assert client.get(f"{BASE}{path}").status_code == 401
    assert isinstance(User, type)
