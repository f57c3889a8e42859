"""`/api/v1/reports`: reporting a card without an account, through the API."""

from __future__ import annotations

from sqlmodel import select

from metaic.db import session_scope
from metaic.moderation.models import CardReport
from tests.cards.fixtures import client  # noqa: F401 - the phone-browser client
from tests.moderation.helpers import people, published


def _reports() -> list[CardReport]:
    """Every stored report."""
    with session_scope() as s:
        return list(s.exec(select(CardReport)))


def test_the_report_api(client):  # noqa: F811
    _admin, owner = people()
    card_id, slug = published(owner)
    reasons = client.get("/api/v1/reports/reasons").json()
    assert {"key": "spam", "label": "Spam or scam"} in reasons
    made = client.post("/api/v1/reports", json={"slug": slug, "reason": "impersonation", "details": "Not Ada."})
    assert made.status_code == 201 and made.json()["status"] == "open"
    bad = client.post("/api/v1/reports", json={"slug": slug, "reason": "meh"})
    assert bad.status_code == 422 and "reason" in bad.text
    assert client.post("/api/v1/reports", json={"slug": "nobody-here", "reason": "spam"}).status_code == 404
    assert [r.card_id for r in _reports()] == [card_id]
