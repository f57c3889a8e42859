"""Card analytics: views, scans, downloads and shares recorded; bots, owners and HEAD requests are not."""

from __future__ import annotations

import pytest
from sqlmodel import select

from metaic.analytics import buffer
from metaic.analytics import service as analytics
from metaic.analytics.models import AnalyticsEvent
from metaic.auth import sessions
from metaic.cards import service as card_service
from metaic.core.errors import ValidationError
from metaic.db import session_scope
from tests.cards.fixtures import BROWSER, GOOGLEBOT
from tests.cards.helpers import make_user

ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0 Mobile Safari/537.36"
)
IPAD = (
    "Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/604.1"
)
MAC = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15"
)


def _events() -> list[AnalyticsEvent]:
    """Every recorded event, oldest first, once the buffer is flushed (requests only append to it)."""
    buffer.flush()
    with session_scope() as s:
        return list(s.exec(select(AnalyticsEvent).order_by(AnalyticsEvent.created_at)))


@pytest.mark.parametrize(
    ("ua", "bot"),
    [
        (GOOGLEBOT, True),
        ("Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", True),
        ("facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", True),
        ("WhatsApp/2.23.20.0", True),
        ("Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", True),
        ("curl/8.5.0", True),
        ("python-requests/2.32", True),
        ("", True),
        (BROWSER, False),
        (ANDROID, False),
        (IPAD, False),
        (MAC, False),
    ],
)
def test_bot_detection(ua, bot):
    assert analytics.is_bot(ua) is bot


def test_agent_classes():
    assert [analytics.agent_class(ua) for ua in (BROWSER, ANDROID, IPAD, MAC, "Lynx/2.9")] == [
        "mobile",
        "mobile",
        "tablet",
        "desktop",
        "other",
    ]
    assert analytics.referrer_host("https://www.linkedin.com/feed/?secret=1") == "www.linkedin.com"
    assert analytics.referrer_host("not a url") == ""


def test_record_and_count_on_both_databases(session):
    owner = make_user(session)
    a = card_service.create(session=session, owner=owner, name="Ada")
    b = card_service.create(session=session, owner=owner, name="Bob")
    for kind in ("view", "view", "qr_scan", "vcard_download"):
        analytics.record(session=session, card_id=a.id, kind=kind, user_agent=BROWSER)
    analytics.record(session=session, card_id=a.id, kind="share", channel="linkedin", user_agent=MAC)
    assert analytics.record(session=session, card_id=b.id, kind="view", user_agent=GOOGLEBOT) is None
    with pytest.raises(ValidationError):
        analytics.record(session=session, card_id=a.id, kind="share", channel="fax", user_agent=BROWSER)
    with pytest.raises(ValidationError):
        analytics.record(session=session, card_id=a.id, kind="like", user_agent=BROWSER)
    assert analytics.view_counts(session=session, card_ids=[a.id, b.id]) == {a.id: 3}
    stats = card_service.stats(session=session, owner=owner, card_id=a.id)
    assert (stats["views"], stats["qr_scans"], stats["vcard_downloads"], stats["shares"]) == (3, 1, 1, 1)
    assert stats["shares_by_channel"]["linkedin"] == 1
    views = {s.slug: s.view_count for s in card_service.list_(session=session, owner=owner)}
    assert views == {a.slug: 3, b.slug: 0}


def test_http_views_scans_downloads_recorded_but_not_bots(client, publish):
    slug = publish()
    client.get(f"/c/{slug}", headers={"referer": "https://www.linkedin.com/feed/update/123?x=1"})
    client.get(f"/c/{slug}?src=qr", headers={"user-agent": ANDROID})
    client.get(f"/c/{slug}.vcf")
    client.get(f"/c/{slug}", headers={"user-agent": GOOGLEBOT})
    client.get(f"/c/{slug}.vcf", headers={"user-agent": GOOGLEBOT})
    client.head(f"/c/{slug}")
    client.get("/c/no-such-card")
    events = _events()
    assert [(e.kind, e.agent, e.referrer) for e in events] == [
        ("view", "mobile", "www.linkedin.com"),
        ("qr_scan", "mobile", ""),
        ("vcard_download", "mobile", ""),
    ]


def test_owner_views_are_not_counted(client, publish, owner):
    slug = publish()
    with session_scope() as s:
        token = sessions.create(session=s, user=owner, remember=False, activated=True)
    client.get(f"/c/{slug}", cookies={sessions.COOKIE_NAME: token})
    assert _events() == []


def test_share_links_record_and_redirect(client, publish):
    slug = publish()
    wa = client.get(f"/c/{slug}/share/whatsapp", follow_redirects=False)
    assert wa.status_code == 302 and wa.headers["location"].startswith("https://wa.me/?text=")
    assert f"testserver%2Fc%2F{slug}" in wa.headers["location"]
    mail = client.get(f"/c/{slug}/share/email", follow_redirects=False)
    assert mail.headers["location"].startswith("mailto:?subject=")
    li = client.get(f"/c/{slug}/share/linkedin", follow_redirects=False)
    assert li.headers["location"].startswith("https://www.linkedin.com/sharing/share-offsite/?url=http")
    assert client.get(f"/c/{slug}/share/myspace", follow_redirects=False).status_code == 404
    client.get(f"/c/{slug}/share/whatsapp", headers={"user-agent": GOOGLEBOT}, follow_redirects=False)
    assert [(e.kind, e.channel) for e in _events()] == [
        ("share", "whatsapp"),
        ("share", "email"),
        ("share", "linkedin"),
    ]


def test_share_post_counts_without_cookies_and_is_rate_limited(client, publish):
    slug = publish()
    response = client.post(f"/c/{slug}/share", data={"channel": "copy"})
    assert response.status_code == 204
    assert (
        client.post(
            f"/c/{slug}/share", data={"channel": "native"}, headers={"accept": "text/html"}, follow_redirects=False
        ).status_code
        == 303
    )
    bad = client.post(f"/c/{slug}/share", data={"channel": "carrier-pigeon"})
    assert bad.status_code == 422 and "channel" in bad.json()["errors"]
    assert client.post("/c/nobody/share", data={"channel": "copy"}).status_code == 404
    assert [(e.kind, e.channel) for e in _events()] == [("share", "copy"), ("share", "native")]
    statuses = [client.post(f"/c/{slug}/share", data={"channel": "copy"}).status_code for _ in range(25)]
    assert 429 in statuses and statuses.count(204) < 25
