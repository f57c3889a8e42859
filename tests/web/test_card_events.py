"""Counted card edges: link redirects (own links only), QR variants, the beacon, leads; the API's owner check."""

from __future__ import annotations

import time

from sqlmodel import select

from metaic.analytics import buffer
from metaic.analytics.models import AnalyticsEvent
from metaic.auth import api_tokens
from metaic.auth import service as user_service
from metaic.contacts.sharing import issue_form_token
from metaic.db import session_scope


def _events() -> list[AnalyticsEvent]:
    """Stored events after a flush, oldest first."""
    buffer.flush()
    with session_scope() as s:
        return list(s.exec(select(AnalyticsEvent).order_by(AnalyticsEvent.created_at)))


def test_links_redirect_to_the_cards_own_http_targets_only_and_count_the_click(client, publish):
    slug = publish(works=[{"title": "Note G", "link": "https://example.com/note-g"}, {"title": "No link"}])
    page = client.get(f"/c/{slug}").text
    assert f'href="/c/{slug}/l/w0" title="https://example.com/note-g"' in page
    assert "/l/w1" not in page
    click = client.get(f"/c/{slug}/l/w0", follow_redirects=False)
    assert (click.status_code, click.headers["location"]) == (302, "https://example.com/note-g")
    assert "no-store" in click.headers["cache-control"]
    for key in ("w1", "w9", "s99", "x0", "https:%2F%2Fevil.example"):
        assert client.get(f"/c/{slug}/l/{key}", follow_redirects=False).status_code == 404, key
    assert client.get(f"/c/{slug}/l/w0?to=https://evil.example", follow_redirects=False).headers["location"] == (
        "https://example.com/note-g"
    )
    clicks = [e for e in _events() if e.kind == "link_click"]
    assert [e.target for e in clicks] == ["https://example.com/note-g"] * 2


def test_a_qr_variant_counts_as_a_scan_with_its_variant_and_the_qr_encodes_it(client, publish):
    slug = publish()
    client.get(f"/c/{slug}")  # fills the cache: the scan below is answered by the fast path
    client.get(f"/c/{slug}?src=qr-badge", headers={"accept-language": "es-MX"})
    scan = [e for e in _events() if e.kind == "qr_scan"]
    assert [(e.source, e.variant, e.country, e.language) for e in scan] == [("qr", "badge", "MX", "es")]
    assert client.get(f"/c/{slug}/qr.svg?variant=Bad Name!").status_code == 422
    assert client.get(f"/c/{slug}/qr.svg?variant=badge").status_code == 200


def test_the_beacon_gives_the_views_a_country_and_dnt_views_count_without_a_hash(client, publish):
    slug = publish()
    client.get(f"/c/{slug}")
    assert client.post(f"/c/{slug}/b?tz=America/Toronto").status_code == 204
    client.get(f"/c/{slug}", headers={"dnt": "1"})
    client.get(f"/c/{slug}", headers={"sec-gpc": "1"})
    views = _events()
    assert len(views) == 3
    assert views[0].country == "CA" and views[0].visitor is not None
    assert [v.visitor for v in views[1:]] == [None, None]


def test_a_share_back_counts_a_lead(client, publish):
    slug = publish()
    form = {
        "name": "Lead",
        "email": "lead@example.com",
        "consent": "1",
        "form_token": issue_form_token(now=time.time() - 10),
    }
    assert client.post(f"/c/{slug}/share-back", data=form, follow_redirects=False).status_code == 303
    assert [e.kind for e in _events()] == ["lead"]


def _bearer(email: str) -> dict:
    """An Authorization header for a new account."""
    with session_scope() as s:
        user = user_service.create(session=s, email=email, password="Correct-Horse-42", verified=True)
        pair = api_tokens.issue(session=s, user=user)
    return {"Authorization": f"Bearer {pair.access_token}"}


def test_the_analytics_api_keeps_owners_to_their_own_cards(client, owner, publish):
    slug = publish()
    client.get(f"/c/{slug}")
    buffer.flush()
    with session_scope() as s:
        ada = {"Authorization": f"Bearer {api_tokens.issue(session=s, user=owner).access_token}"}
    mine = client.get("/api/v1/analytics/dashboard?period=7d", headers=ada).json()
    card_id = mine["cards"][0]["id"]
    assert mine["totals"]["views"]["value"] == 1
    bo = _bearer("bo@example.com")
    theirs = client.get("/api/v1/analytics/dashboard?period=7d", headers=bo).json()
    assert theirs["totals"]["views"]["value"] == 0 and theirs["cards"] == []
    for path in ("dashboard", "live", "export.csv"):
        assert client.get(f"/api/v1/analytics/{path}?card_id={card_id}", headers=bo).status_code == 404, path
    assert client.get(f"/api/v1/analytics/live?card_id={card_id}", headers=ada).json() == {"visitors": 1, "minutes": 5}
    daily = client.get(f"/api/v1/analytics/export.csv?card_id={card_id}", headers=ada)
    assert daily.headers["content-type"].startswith("text/csv") and ",view,,,1" in daily.text
    raw = client.get("/api/v1/analytics/export.csv?rows=raw", headers=ada)
    assert raw.status_code == 200 and raw.text.count("\n") == 2 and "testclient" not in raw.text
    assert client.get("/api/v1/analytics/dashboard?period=custom", headers=ada).status_code == 422
    assert client.get("/api/v1/admin/analytics", headers=ada).status_code == 403
    assert client.get("/api/v1/analytics/dashboard").status_code == 401
