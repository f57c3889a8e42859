"""The public custom-event endpoint: allow-listed names, view rules, limits, own origins only, batched."""

from __future__ import annotations

from sqlmodel import select

from metaic.analytics import buffer, reports
from metaic.analytics.models import AnalyticsEvent
from metaic.auth import sessions
from metaic.db import session_scope
from metaic.web import card_events
from tests.cards.fixtures import GOOGLEBOT

OURS = "http://testserver"  # PUBLIC_BASE_URL's origin in tests


def _events() -> list[tuple[str, str, str | None]]:
    """(kind, name, visitor hash) of every stored event after a flush."""
    buffer.flush()
    with session_scope() as s:
        rows = s.exec(select(AnalyticsEvent).order_by(AnalyticsEvent.created_at))
        return [(e.kind, e.target, e.visitor) for e in rows]


def test_an_allow_listed_event_is_queued_not_written_and_counted_once(client, publish, owner):
    slug = publish()
    answer = client.post(f"/c/{slug}/e?event=wallet_apple", headers={"origin": OURS})
    assert answer.status_code == 202 and answer.headers["access-control-allow-origin"] == OURS
    assert answer.headers["cache-control"] == "no-store"
    with session_scope() as s:
        assert s.exec(select(AnalyticsEvent)).all() == []  # nothing written on the request
    assert buffer.pending_count() == 1
    ((kind, name, visitor),) = _events()
    assert (kind, name) == ("custom", "wallet_apple") and visitor  # a daily hash, not an address
    with session_scope() as s:
        stored = " ".join(str(v) for e in s.exec(select(AnalyticsEvent)) for v in e.model_dump().values())
    assert "testclient" not in stored  # the TestClient's peer address is never stored
    with session_scope() as s:
        period = reports.period_from("today")
        found = reports.owner_dashboard(session=s, owner=owner, card_id=None, period=period)
    assert found["totals"]["wallet"]["value"] == 1


def test_unknown_names_bots_dnt_and_the_owner(client, publish, owner):
    slug = publish()
    bad = client.post(f"/c/{slug}/e?event=drop_table")
    assert bad.status_code == 422 and "wallet_apple" in bad.json()["detail"]
    assert client.post("/c/nobody/e?event=call").status_code == 404
    assert client.post(f"/c/{slug}/e?event=call", headers={"user-agent": GOOGLEBOT}).status_code == 202
    assert client.post(f"/c/{slug}/e?event=directions", headers={"dnt": "1"}).status_code == 202
    with session_scope() as s:
        token = sessions.create(session=s, user=owner, remember=False, activated=True)
    mine = client.post(f"/c/{slug}/e?event=wallet_google", cookies={sessions.COOKIE_NAME: token})
    assert mine.status_code == 202
    assert _events() == [("custom", "directions", None)]  # the bot dropped, DNT unhashed, the owner not counted


def test_other_origins_are_refused_and_get_no_cors_headers(client, publish):
    slug = publish()
    evil = {"origin": "https://evil.example"}
    refused = client.post(f"/c/{slug}/e?event=wallet_apple", headers=evil)
    assert refused.status_code == 403 and "access-control-allow-origin" not in refused.headers
    preflight = client.options(f"/c/{slug}/e", headers={**evil, "access-control-request-method": "POST"})
    assert preflight.status_code == 403 and "access-control-allow-origin" not in preflight.headers
    ours = client.options(f"/c/{slug}/e", headers={"origin": OURS, "access-control-request-method": "POST"})
    assert ours.status_code == 204 and ours.headers["access-control-allow-origin"] == OURS
    assert _events() == []


def test_events_are_limited_per_address_and_card(client, publish, monkeypatch):
    slug = publish()
    statuses = [client.post(f"/c/{slug}/e?event=call").status_code for _ in range(32)]
    assert statuses.count(202) == 30 and statuses[-1] == 429
    assert len(_events()) == 30
    other = publish()
    monkeypatch.setattr(card_events, "EVENT_LIMIT", (1000, 60))
    monkeypatch.setattr(card_events, "CARD_EVENT_LIMIT", (5, 60))  # every address together
    statuses = [client.post(f"/c/{other}/e?event=call").status_code for _ in range(7)]
    assert statuses == [202] * 5 + [429] * 2
