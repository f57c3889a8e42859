"""The report form and the appeal page over HTTP, the takedown's 410, the cache purge and the report API."""

from __future__ import annotations

import re
import time

import pytest
from sqlmodel import select

from metaic.auth import sessions
from metaic.auth.models import User
from metaic.db import session_scope
from metaic.moderation import flows, reports
from metaic.moderation.models import CardReport
from metaic.web.card_cache import cache
from tests.admin.helpers import make
from tests.cards.fixtures import client  # noqa: F401 - the phone-browser client
from tests.moderation.helpers import people, published, report

ORIGIN = {"origin": "http://testserver"}
REASON = "Sells counterfeit goods to visitors."


def _form(slug: str, **changes) -> dict:
    """A filled report form whose token was issued 10 s ago."""
    return {
        "reason": "spam",
        "details": "Fake watches.",
        "contact_email": "",
        "form_token": reports.issue_token(slug, now=time.time() - 10),
        "website": "",
        **changes,
    }


@pytest.fixture(autouse=True)
def _no_redirects(client):  # noqa: F811
    """Show each answer as it is: the tests read the 303s themselves."""
    client.follow_redirects = False


def _reports() -> list[CardReport]:
    """Every stored report."""
    with session_scope() as s:
        return list(s.exec(select(CardReport)))


def _take_down(admin: User, owner: User, card_id, slug: str):
    """Report the card and take it down as `admin`; returns the takedown."""
    report(card_id, owner, slug, ip="192.0.2.99")
    with session_scope() as s:
        takedown = flows.take_down(session=s, actor=s.get(User, admin.id), card_id=card_id, reason=REASON)
        s.commit()
        s.refresh(takedown)
        s.expunge(takedown)
        return takedown


def _sign_in(client, user: User) -> None:  # noqa: F811
    """Put a live session cookie for `user` on the client."""
    with session_scope() as s:
        token = sessions.create(session=s, user=s.get(User, user.id), remember=False, activated=True)
        s.commit()
    client.cookies.set(sessions.COOKIE_NAME, token)


def test_every_card_links_to_its_report_form_and_stays_cached(client):  # noqa: F811
    _admin, owner = people()
    _card_id, slug = published(owner)
    page = client.get(f"/c/{slug}")
    assert f'href="/c/{slug}/report" rel="nofollow" style="white-space:nowrap">Report this card</a>' in page.text
    if cache.get(f"/c/{slug}") is None:  # the summary job after publishing may have dropped the first copy
        client.get(f"/c/{slug}")
    assert cache.get(f"/c/{slug}") is not None  # the page with the link is the cached page
    form = client.get(f"/c/{slug}/report")
    assert form.status_code == 200 and form.headers["cache-control"] == "no-store"
    assert 'name="form_token"' in form.text and form.text.count('type="radio" name="reason"') == 7
    assert client.get("/c/nobody-here/report").status_code == 404


def test_a_report_is_stored_and_thanked(client):  # noqa: F811
    _admin, owner = people()
    card_id, slug = published(owner)
    sent = client.post(f"/c/{slug}/report", data=_form(slug, contact_email="vera@example.com"), headers=ORIGIN)
    assert sent.status_code == 303 and sent.headers["location"] == f"/c/{slug}/report?sent=1"
    [row] = _reports()
    assert (row.card_id, row.reason, row.contact_email, row.status) == (card_id, "spam", "vera@example.com", "open")
    thanks = client.get(sent.headers["location"])
    assert "Thank you for your report" in thanks.text and f'href="/c/{slug}"' in thanks.text


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"reason": ""}, "reason", "Choose what is wrong with this card."),
        ({"reason": "other", "details": "bad"}, "details", "at least 10 characters"),
        ({"contact_email": "vera@"}, "contact_email", "Enter a valid email address"),
        ({"form_token": ""}, "form", "This form is not valid"),
        ({"form_token": "fresh"}, "form", "That was quick!"),
        ({"form_token": "other-card"}, "form", "This form is not valid"),
    ],
)
def test_mistakes_come_back_on_the_form_with_what_to_fix(client, changes, field, message):  # noqa: F811
    _admin, owner = people()
    _card_id, slug = published(owner)
    changes = dict(changes)  # the parameter is shared by both databases' runs
    if changes.get("form_token") == "fresh":
        changes["form_token"] = reports.issue_token(slug, now=time.time() + 60)  # load-proof "just now"
    elif changes.get("form_token") == "other-card":
        changes["form_token"] = reports.issue_token("someone-else", now=time.time() - 10)
    page = client.post(f"/c/{slug}/report", data=_form(slug, **changes), headers=ORIGIN)
    assert page.status_code == 422 and message in page.text
    if field != "form":
        assert re.search(rf'id="r-[a-z]+-err">[^<]*{re.escape(message)}', page.text)
    assert (changes.get("details") or "Fake watches.") in page.text  # what the visitor typed stays
    assert _reports() == []


def test_a_form_shown_again_keeps_the_time_it_was_first_shown(client):  # noqa: F811
    _admin, owner = people()
    _card_id, slug = published(owner)
    first = reports.issue_token(slug, now=time.time() + 60)  # load-proof "just shown": every send now is "quick"
    page = client.post(f"/c/{slug}/report", data=_form(slug, reason="", form_token=first), headers=ORIGIN)
    assert page.status_code == 422 and f'value="{first}"' in page.text
    quick = client.post(f"/c/{slug}/report", data=_form(slug, form_token=first), headers=ORIGIN)
    assert "That was quick!" in quick.text and f'value="{first}"' in quick.text
    forged = client.post(f"/c/{slug}/report", data=_form(slug, reason="", form_token="x"), headers=ORIGIN)
    assert 'value="x"' not in forged.text and 'name="form_token"' in forged.text


def test_posts_from_other_sites_and_bots_are_refused(client):  # noqa: F811
    _admin, owner = people()
    _card_id, slug = published(owner)
    foreign = client.post(f"/c/{slug}/report", data=_form(slug), headers={"origin": "https://evil.example"})
    assert foreign.status_code == 403
    bot = client.post(f"/c/{slug}/report", data=_form(slug, website="http://spam.example"), headers=ORIGIN)
    assert bot.status_code == 303 and _reports() == []


def test_reports_are_rate_limited_per_address(client):  # noqa: F811
    _admin, owner = people()
    _card_id, slug = published(owner)
    answers = [client.post(f"/c/{slug}/report", data=_form(slug), headers=ORIGIN).status_code for _ in range(6)]
    assert answers == [303] * 5 + [429]
    assert len(_reports()) == 5


def test_a_taken_down_card_answers_410_at_once_and_leaves_the_cache(client):  # noqa: F811
    admin, owner = people()
    card_id, slug = published(owner)
    # The card's summary job (run after publishing) may drop the first cached copy: read until one is kept.
    for _ in range(5):
        assert client.get(f"/c/{slug}").status_code == 200
        if cache.get(f"/c/{slug}") is not None:
            break
    assert cache.get(f"/c/{slug}") is not None
    _take_down(admin, owner, card_id, slug)
    assert cache.get(f"/c/{slug}") is None
    gone = client.get(f"/c/{slug}")
    assert gone.status_code == 410 and "Card removed" in gone.text and "broke MetaIC" in gone.text
    assert client.get(f"/c/{slug}.vcf").status_code == 404
    assert client.get(f"/c/{slug}/report").status_code == 404


def test_the_owner_appeals_from_the_notice(client):  # noqa: F811
    admin, owner = people()
    card_id, slug = published(owner)
    takedown = _take_down(admin, owner, card_id, slug)
    address = f"/appeals/{takedown.id}"
    assert client.get(address).headers["location"] == f"/login?next={address}"
    _sign_in(client, owner)
    notice = client.get(address)
    assert notice.status_code == 200 and REASON in notice.text and 'action="/appeals/' in notice.text
    assert client.post(address, data={"text": "They are real watches."}).status_code == 403  # no Origin
    short = client.post(address, data={"text": "no"}, headers=ORIGIN)
    assert short.status_code == 422 and "at least 10 characters" in short.text
    sent = client.post(address, data={"text": "They are real watches."}, headers=ORIGIN)
    assert sent.status_code == 303
    after = client.get(sent.headers["location"])
    assert "Waiting for review" in after.text and "They are real watches." in after.text
    assert 'action="/appeals/' not in after.text
    _sign_in(client, make("eve@example.com"))
    assert client.get(address).status_code == 404
