"""The card page's visitor forms: share-back (anonymous, honeypot, timing, limits) and save-to-contacts."""

from __future__ import annotations

import html
import re
import time
from datetime import timedelta

from metaic.auth import sessions
from metaic.cards import service as card_service
from metaic.cards.public import get_public
from metaic.contacts import search, sharing
from metaic.contacts import service as contact_service
from metaic.contacts.sharing import MAX_FORM_SECONDS, issue_form_token
from metaic.core import clock
from metaic.db import session_scope
from metaic.web import forms, public
from tests.cards.helpers import make_user

CONSENT = "I agree that Ada Lovelace may store the details above and contact me about them."


def _form(**changes) -> dict:
    """A filled share-back form whose token was issued 10 s ago."""
    return {
        "name": "Lead Person",
        "email": "lead@example.com",
        "phone": "",
        "company": "Leads Ltd",
        "note": "Let's talk",
        "consent": "1",
        "form_token": issue_form_token(now=time.time() - 10),
        "website": "",
        **changes,
    }


def _contacts(user) -> list:
    """The user's contacts."""
    with session_scope() as s:
        return search.list_(session=s, owner=user).items


def _signed_in(client, email: str = "vera@example.com"):
    """A second account signed in on the client; returns it."""
    with session_scope() as s:
        user = make_user(s, email, name="Vera Visitor")
        token = sessions.create(session=s, user=user, remember=False, activated=True)
    client.cookies.set(sessions.COOKIE_NAME, token)
    return user


def test_page_shows_the_form_with_exact_consent_text_and_a_token(client, publish):
    slug = publish()
    page = client.get(f"/c/{slug}").text
    assert f'action="/c/{slug}/share-back#share-back"' in page and 'name="form_token" value="' in page
    assert html.escape(CONSENT) in page and 'name="consent"' in page
    assert 'class="hp" aria-hidden="true"' in page and 'name="website"' in page
    stylesheet = re.search(r'<link rel="stylesheet" href="(/c/-/card\.\w+\.css)">', page).group(1)
    assert ".hp{position:absolute" in client.get(stylesheet).text  # the honeypot stays out of sight


def test_share_back_creates_a_lead_with_consent_and_thanks_the_visitor(client, publish, owner):
    slug = publish()
    response = client.post(f"/c/{slug}/share-back", data=_form(), follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == f"/c/{slug}?shared=1"
    [lead] = _contacts(owner)
    assert (lead.full_name, lead.company, lead.source, [e.value for e in lead.emails]) == (
        "Lead Person",
        "Leads Ltd",
        "share_back",
        ["lead@example.com"],
    )
    [consent] = lead.consents
    assert consent["text"] == CONSENT and consent["ip"] == "testclient" and consent["at"]
    thanks = client.get(response.headers["location"]).text
    assert "Thank you!" in thanks and 'name="form_token"' not in thanks


def test_a_stranger_naming_a_known_contact_changes_nothing_until_the_owner_adds_it(client, publish, owner):
    """The form is anonymous: typing the email of someone in the owner's book must not edit that contact."""
    with session_scope() as s:
        known = contact_service.create(
            session=s,
            owner=s.merge(owner),
            data={"full_name": "Lead Person", "emails": [{"value": "lead@example.com"}]},
        )
    slug = publish()
    form = _form(name="Impostor", phone="+34 612 345 678", note="New number, call me here")
    assert client.post(f"/c/{slug}/share-back", data=form, follow_redirects=False).status_code == 303
    [lead] = _contacts(owner)
    assert (lead.id, lead.full_name, lead.phones, lead.notes, lead.consents) == (known.id, "Lead Person", [], "", [])
    with session_scope() as s:
        [suggestion] = sharing.suggestions(session=s, owner=s.merge(owner), contact_id=known.id)
    assert [p.value for p in suggestion.phones] == ["+34612345678"] and suggestion.note == "New number, call me here"


def test_consent_text_follows_the_card_language(client, publish, owner):
    slug = publish(language="de")
    assert client.post(f"/c/{slug}/share-back", data=_form(), follow_redirects=False).status_code == 303
    [lead] = _contacts(owner)
    assert lead.consents[0]["text"].startswith("Ich bin einverstanden, dass Ada Lovelace")
    with session_scope() as s:
        card = get_public(session=s, slug=slug)
    assert html.escape(forms.consent_text(card.content)) in client.get(f"/c/{slug}").text


def test_filled_honeypot_pretends_success_and_saves_nothing(client, publish, owner):
    slug = publish()
    response = client.post(f"/c/{slug}/share-back", data=_form(website="http://spam.example"), follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == f"/c/{slug}?shared=1"
    assert _contacts(owner) == []


def test_a_form_sent_too_fast_is_refused_and_can_be_resent(client, publish, owner):
    slug = publish()
    # Shown "a minute from now": still too fast however long a busy machine takes to post it.
    ahead = issue_form_token(now=clock.now().timestamp() + 60)
    response = client.post(f"/c/{slug}/share-back", data=_form(form_token=ahead))
    assert response.status_code == 422 and "Wait a moment" in response.text
    assert 'value="Lead Person"' in response.text and _contacts(owner) == []
    clock.advance(timedelta(seconds=5))  # the re-rendered form carries a fresh token
    token = response.text.split('name="form_token" value="')[1].split('"')[0]
    assert client.post(f"/c/{slug}/share-back", data=_form(form_token=token), follow_redirects=False).status_code == 303
    assert len(_contacts(owner)) == 1


def test_missing_or_forged_token_is_refused(client, publish, owner):
    slug = publish()
    for token in ("", "forged", issue_form_token(now=time.time() - MAX_FORM_SECONDS - 5)):
        response = client.post(f"/c/{slug}/share-back", data=_form(form_token=token))
        assert response.status_code == 422 and "Reload the page" in response.text
    assert _contacts(owner) == []


def test_missing_consent_keeps_what_was_typed_and_marks_the_field(client, publish, owner):
    slug = publish()
    data = _form(consent="", phone="+44 20 7946 0958", note="Line one\nLine two")
    response = client.post(f"/c/{slug}/share-back", data=data)
    page = response.text
    assert response.status_code == 422 and response.headers["cache-control"] == "no-store"
    assert 'id="sb-consent-err">Tick the box to agree' in page and 'aria-invalid="true"' in page
    for value in (
        'value="Lead Person"',
        'value="lead@example.com"',
        'value="+44 20 7946 0958"',
        'value="Leads Ltd"',
        ">Line one\nLine two</textarea>",
    ):
        assert value in page, value
    assert " checked" not in page.split('name="consent"')[1].split(">")[0]
    assert _contacts(owner) == []


def test_email_or_phone_is_required(client, publish, owner):
    slug = publish()
    response = client.post(f"/c/{slug}/share-back", data=_form(email="", phone=""))
    assert response.status_code == 422
    assert 'id="sb-email-err">Enter an email address or a phone number.' in response.text
    assert 'id="sb-phone-err">Enter an email address or a phone number.' in response.text
    assert " checked" in response.text.split('name="consent"')[1].split(">")[0]  # the ticked box stays ticked
    assert _contacts(owner) == []


def test_typed_html_is_escaped_when_shown_again(client, publish):
    slug = publish()
    evil = '"><script>alert(1)</script>'
    response = client.post(f"/c/{slug}/share-back", data=_form(name=evil, email="", note="</textarea><b>x</b>"))
    assert response.status_code == 422
    assert "<script>alert(1)" not in response.text and "</textarea><b>" not in response.text
    assert 'value="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in response.text
    assert "&lt;/textarea&gt;&lt;b&gt;x&lt;/b&gt;</textarea>" in response.text


def test_share_back_is_rate_limited_per_ip_with_a_page(client, publish, owner):
    slug = publish()
    for i in range(sharing.SHARE_LIMIT):
        data = _form(email=f"lead{i}@example.com")
        assert client.post(f"/c/{slug}/share-back", data=data, follow_redirects=False).status_code == 303
    page = client.post(f"/c/{slug}/share-back", data=_form(email="late@example.com"))
    assert page.status_code == 429 and "text/html" in page.headers["content-type"]
    assert "Too many requests" in page.text and int(page.headers["retry-after"]) > 0
    assert len(_contacts(owner)) == sharing.SHARE_LIMIT


def test_unknown_draft_and_private_cards_are_404(client, publish, owner):
    with session_scope() as s:
        draft = card_service.create(session=s, owner=owner, name="Draft Only").slug
    private = publish(visibility="private")
    for slug in ("nobody-here", draft, private):
        response = client.post(f"/c/{slug}/share-back", data=_form())
        assert response.status_code == 404 and "Card not found" in response.text, slug
        assert client.post(f"/c/{slug}/share-back", data=_form(website="x")).status_code == 404
    assert _contacts(owner) == []


def test_anonymous_visitor_sees_sign_in_to_save_and_no_save_form(client, publish):
    slug = publish()
    page = client.get(f"/c/{slug}").text
    assert f'href="/login?next=/c/{slug}"' in page and "Sign in to save" in page
    assert f'action="/c/{slug}/save"' not in page and "Save to my contacts" not in page
    response = client.post(f"/c/{slug}/save", headers={"origin": "http://testserver"}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == f"/login?next=/c/{slug}"


def test_signed_in_save_creates_one_contact_even_twice(client, publish):
    slug = publish()
    vera = _signed_in(client)
    page = client.get(f"/c/{slug}").text
    assert f'action="/c/{slug}/save"' in page and "Save to my contacts" in page and "Sign in to save" not in page
    for _ in range(2):
        response = client.post(f"/c/{slug}/save", headers={"origin": "http://testserver"}, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == f"/c/{slug}?saved=1"
    [saved] = _contacts(vera)
    assert saved.full_name == "Ada Lovelace" and saved.source == "card"
    assert "Saved to your contacts" in client.get(f"/c/{slug}?saved=1").text


def test_save_needs_a_same_origin_request(client, publish):
    slug = publish()
    vera = _signed_in(client)
    for headers in ({"origin": "https://evil.example"}, {"referer": "https://evil.example/c/x"}, {}):
        response = client.post(f"/c/{slug}/save", headers=headers, follow_redirects=False)
        assert response.status_code == 403 and "Cross-site request refused" in response.text, headers
    assert _contacts(vera) == []
    referer = {"referer": f"http://testserver/c/{slug}"}
    assert client.post(f"/c/{slug}/save", headers=referer, follow_redirects=False).status_code == 303


def test_cache_headers_anonymous_page_is_public_and_varies_on_cookie(client, publish):
    slug = publish()
    first = client.get(f"/c/{slug}")
    assert first.headers["cache-control"].startswith("public, max-age=60") and first.headers["vary"] == "Cookie"
    etag = first.headers["etag"]
    # The token changes per render but is not in the ETag: a cached copy keeps an older (still valid) token.
    again = client.get(f"/c/{slug}", headers={"if-none-match": etag})
    assert again.status_code == 304 and again.headers["vary"] == "Cookie"
    thanks = client.get(f"/c/{slug}?shared=1")
    assert thanks.headers["etag"] != etag and thanks.headers["cache-control"].startswith("public")
    # The ETag carries the token's hour, so revalidation cannot pin a token until it expires.
    clock.advance(timedelta(seconds=forms.TOKEN_WINDOW))
    assert client.get(f"/c/{slug}", headers={"if-none-match": etag}).status_code == 200
    assert forms.TOKEN_WINDOW + 60 + 600 < MAX_FORM_SECONDS  # window + max-age + stale-while-revalidate
    assert "max-age=60, stale-while-revalidate=600" in public.CACHE_PUBLIC


def test_cache_headers_signed_in_page_is_private(client, publish):
    slug = publish()
    anonymous_etag = client.get(f"/c/{slug}").headers["etag"]
    _signed_in(client)
    response = client.get(f"/c/{slug}", headers={"if-none-match": anonymous_etag})
    assert response.status_code == 200 and "Save to my contacts" in response.text
    assert response.headers["cache-control"] == "private, no-cache" and response.headers["vary"] == "Cookie"
    assert response.headers["etag"] != anonymous_etag
