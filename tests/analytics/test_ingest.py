"""Ingest: each kind counted once, bots dropped, DNT counted without a hash, daily salts unlinkable, the beacon."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import select

from metaic.analytics import buffer, visitors
from metaic.analytics.models import KINDS, AnalyticsEvent, AnalyticsSalt
from metaic.auth import sessions
from metaic.core import clock
from metaic.db import session_scope
from tests.analytics.helpers import FIREFOX, IPHONE, at, owner_with_card, visit
from tests.cards.fixtures import GOOGLEBOT


def _events() -> list[AnalyticsEvent]:
    """Every stored event."""
    with session_scope() as s:
        return list(s.exec(select(AnalyticsEvent).order_by(AnalyticsEvent.created_at)))


def test_each_kind_is_counted_once_even_when_the_flush_is_retried(db):
    _, card = owner_with_card()
    for kind in KINDS:
        visit(card, kind, channel="whatsapp" if kind == "share" else None, target="wallet" if kind == "custom" else "")
    batch = buffer._take()
    for _ in range(2):  # written, then the same batch offered again after a lost acknowledgement
        with session_scope() as s:
            rows, _ = buffer._rows(s, batch)
            buffer._insert_ignoring_duplicates(s, rows)
    assert sorted(e.kind for e in _events()) == sorted(KINDS)


def test_dimensions_are_parsed_at_flush_and_nothing_identifying_is_stored(db):
    _, card = owner_with_card()
    visit(
        card,
        ua=FIREFOX,
        address="198.51.100.4",
        referrer="https://www.linkedin.com/feed/update/123?trk=secret",
        query="utm_source=newsletter&utm_medium=email&utm_campaign=Launch",
        accept_language="fr-BE,fr;q=0.9",
    )
    visit(card, "qr_scan", query="src=qr-badge")
    buffer.flush()
    view, scan = _events()
    assert (view.source, view.utm_source, view.utm_medium, view.utm_campaign) == (
        "email",
        "newsletter",
        "email",
        "launch",
    )
    assert (view.agent, view.browser, view.country, view.language) == ("desktop", "Firefox", "BE", "fr")
    assert view.referrer == "www.linkedin.com"
    assert (scan.source, scan.variant, scan.agent, scan.browser) == ("qr", "badge", "mobile", "Safari")
    stored = " ".join(str(v) for e in _events() for v in e.model_dump().values())
    assert "198.51.100.4" not in stored and "Gecko" not in stored and "trk=secret" not in stored
    assert len(view.visitor) == 16


def test_bots_are_dropped_and_dnt_or_gpc_is_counted_without_a_hash(db):
    _, card = owner_with_card()
    visit(card, ua=GOOGLEBOT)
    visit(card, ua="")
    visit(card, address="192.0.2.1", private=True)
    visit(card, address="192.0.2.2")
    assert buffer.flush() == 2
    assert sorted(e.visitor is None for e in _events()) == [False, True]


def test_same_visitor_same_day_one_hash_next_day_another_and_old_salts_are_deleted(db):
    _, card = owner_with_card()
    at("2026-03-04 09:00")
    visit(card, address="192.0.2.9")
    visit(card, address="192.0.2.9")
    visit(card, address="192.0.2.10")
    buffer.flush()
    at("2026-03-05 09:00")
    visit(card, address="192.0.2.9")
    buffer.flush()
    first, again, other, next_day = (e.visitor for e in _events())
    assert first == again != other
    assert next_day != first
    with session_scope() as s:
        old_salt = s.get(AnalyticsSalt, clock.now().date() - timedelta(days=1)).salt
    assert visitors.visitor_hash(old_salt, "192.0.2.9", IPHONE) == first
    at("2026-03-06 09:00")
    with session_scope() as s:
        assert visitors.rotate(session=s) == 1  # the 4th's salt; the 5th's is kept for late flushes
        days = set(s.execute(sa.select(AnalyticsSalt.__table__.c.day)).scalars())
    assert [d.isoformat() for d in sorted(days)] == ["2026-03-05"]
    # With the salt gone no one can tell whether a hash of the 4th belongs to a given address.
    visit(card, address="192.0.2.9")
    buffer.flush()
    assert _events()[-1].visitor not in {first, next_day}


def test_the_beacon_sets_the_country_of_the_visitors_recent_views(db):
    _, card = owner_with_card()
    visit(card, address="192.0.2.20", accept_language="en")
    visit(card, address="192.0.2.21", accept_language="en-US")
    buffer.flush()
    visit(card, "beacon", address="192.0.2.20", target="Europe/Paris")
    visit(card, "beacon", address="192.0.2.21", target="Etc/UTC")  # names no country: the region stays
    assert buffer.flush() == 0  # a beacon is not an event
    assert sorted(e.country for e in _events()) == ["FR", "US"]


def test_owners_own_views_and_clicks_are_not_counted_a_strangers_are(client, owner, publish):
    slug = publish()
    with session_scope() as s:
        token = sessions.create(session=s, user=owner, remember=False, activated=True)
    assert client.get(f"/c/{slug}", cookies={sessions.COOKIE_NAME: token}).status_code == 200
    assert (
        client.get(f"/c/{slug}/l/s0", cookies={sessions.COOKIE_NAME: token}, follow_redirects=False).status_code == 302
    )
    buffer.flush()
    assert _events() == []
    client.get(f"/c/{slug}/l/s0", follow_redirects=False)
    buffer.flush()
    assert [e.kind for e in _events()] == ["link_click"]


def test_odd_characters_in_a_custom_event_name_are_stored_as_sent(db):
    """COPY's text format escapes tabs, newlines and backslashes; a written batch and a retried one keep them."""
    _, card = owner_with_card()
    odd = "wallet\tC:\\pass\nnäme 名片 \\N"
    visit(card, "custom", target=odd)
    batch = buffer._take()
    for _ in range(2):
        with session_scope() as s:
            rows, _ = buffer._rows(s, batch)
            buffer._insert_ignoring_duplicates(s, rows)
    assert [e.target for e in _events()] == [odd[:200]]
