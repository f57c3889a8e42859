"""Every link the app sends opens a real page.

Each kind of notification is produced through the flow that really sends it, delivered on every channel
(in-app, email, SMS, WhatsApp, push), and every link it carries is followed: a Reflex page must be
registered on the app at that path and read the query parameters the link passes; anything else is
requested from the app's HTTP routes (redirects followed) and must answer. The account emails are
followed the same way. The share-back notification once linked to `/contacts/{id}`, a 404.
"""

from __future__ import annotations

import inspect
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlmodel import select

from metaic.admin import data_export
from metaic.ai import digest
from metaic.analytics import weekly
from metaic.auth import flows as auth_flows
from metaic.communication import inbound
from metaic.communication.models import SENT, ScheduledMessage
from metaic.config import get_settings
from metaic.contacts import enrichment, reminders, sharing
from metaic.contacts import flows as contact_flows
from metaic.contacts import service as contact_service
from metaic.core import clock, links
from metaic.jobs.queue import drain_local
from metaic.messaging import service as messaging
from metaic.moderation import flows as moderation
from metaic.moderation import reports
from metaic.notifications import flows, kinds, preferences, subscriptions
from metaic.notifications.models import CHANNELS, Notification
from tests.contacts.helpers import publish_card
from tests.notifications.conftest import PASSWORD, make_user
from tests.notifications.link_following import URL_IN_TEXT, email_links, follow, http_route, pages
from tests.support.fake_providers import Browser

TEMPLATES = Path(__file__).resolve().parents[2] / "metaic" / "templates"


def _texts(outbox, channel: str) -> list[str]:
    """Every SMS or WhatsApp message written to the outbox."""
    drain_local()
    return [p.read_text(encoding="utf-8") for p in sorted((outbox.folder / channel).glob("*.txt"))]


# --- the producers: each makes a notification of its kind for `owner` through the flow that sends it ---
# Each returns the query the link must carry to name the right record (None: no particular record).


def _share_back(session, owner):
    """A visitor leaves their details on the owner's public card."""
    card = publish_card(session, owner)
    contact = sharing.share_back(
        session=session,
        slug=card.slug,
        name="Vera Visitor",
        email="vera@example.com",
        phone="",
        company="Visits Ltd",
        note="",
        consent=True,
        consent_text="I agree to share my details.",
        ip="203.0.113.9",
    )
    return {"id": [str(contact.id)]}


def _card_saved(session, owner):
    """A signed-in visitor saves the owner's card to their own contacts."""
    card = publish_card(session, owner)
    enrichment.save_from_card(session=session, saver=make_user(session, "saver@example.com"), slug=card.slug)


def _reminder(session, owner):
    """A follow-up reminder comes due."""
    contact = contact_service.create(session=session, owner=owner, data={"full_name": "Grace Hopper"})
    reminders.set_reminder(session=session, owner=owner, contact_id=contact.id, quick="tomorrow", note="Call")
    clock.advance(timedelta(days=1, minutes=1))
    assert reminders.fire_due(session=session) == 1
    return {"id": [str(contact.id)]}


def _import(session, owner):
    """A contact import job finishes."""
    vcard = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada Lovelace\r\nEMAIL:ada@example.org\r\nEND:VCARD\r\n"
    contact_flows.start_import(session=session, owner=owner, filename="ada.vcf", data=vcard, format="auto")
    session.commit()
    drain_local()


def _direct_message(session, owner):
    """Another MetaIC user writes to the owner in the app."""
    other = make_user(session, "grace@example.com", name="Grace")
    # The owner saved Grace, so Grace may write to them.
    contact_service.create(session=session, owner=owner, data={"emails": [{"value": other.email}]})
    chat = messaging.start_with_user(session=session, user=other, other_user_id=owner.id)
    messaging.send(session=session, user=other, conversation_id=chat.id, body="Lunch on Friday?")
    return {"c": [str(chat.id)]}


def _reply(session, owner):
    """A contact answers a WhatsApp message the owner sent from MetaIC."""
    contact = contact_service.create(
        session=session, owner=owner, data={"full_name": "Ada Lovelace", "phones": [{"value": "+12025550143"}]}
    )
    sent = ScheduledMessage(
        owner_id=owner.id,
        contact_id=contact.id,
        channel="whatsapp",
        to="+12025550143",
        body="Hello",
        send_at=clock.now(),
        status=SENT,
        provider_id="SM1",
    )
    session.add(sent)
    session.flush()
    inbound.record_reply(
        session=session, channel="whatsapp", sender="whatsapp:+12025550143", body="Thanks!", provider_id="SMr1"
    )
    return {"id": [str(contact.id)]}


def _notify(kind: str, data: dict):
    """Kinds nothing in the app sends on its own yet (operators, the CLI): the one notify() flow."""

    def produce(session, owner):
        """Notify the owner."""
        flows.notify(session=session, user=owner, kind=kind, data=data)

    produce.__doc__ = f"notify(kind={kind!r})"
    return produce


def _weekly_report(session, owner):
    """The weekly analytics report of an owner who switched it on."""
    weekly.send_one(session=session, user=owner, now=clock.now() + timedelta(days=7))
    return {"period": ["7d"]}


def _weekly_insights(session, owner):
    """The weekly insights digest of an owner with someone to follow up."""
    contact_service.create(session=session, owner=owner, data={"full_name": "Grace Hopper"})
    assert digest.send_one(session=session, user=owner, now=clock.now() + timedelta(days=7)) is not None


def _takedown(session, owner):
    """An admin takes one of the owner's reported cards down (the notice links to its appeal form)."""
    card = publish_card(session, owner)
    admin = make_user(session, "root@example.com", name="Root")
    admin.role = "admin"
    about = reports.ReportedCard(card_id=card.id, owner_id=owner.id, slug=card.slug, name=card.name)
    reports.submit(session=session, card=about, reason="spam")
    moderation.take_down(session=session, actor=admin, card_id=card.id, reason="Sells counterfeit goods.")


PRODUCERS = {
    "share_back": ("contact_shared", _share_back),
    "card_saved": ("contact_shared", _card_saved),
    "reminder": ("reminder", _reminder),
    "import": ("job_finished", _import),
    "direct_message": ("message", _direct_message),
    "reply": ("message", _reply),
    "security": ("security", _notify("security", {"event": "new sign-in"})),
    "card_activity": ("card_activity", _notify("card_activity", {"card": "Main", "action": "viewed"})),
    "announcement": ("announcement", _notify("announcement", {"title": "New", "body": "Themes are here."})),
    "test": ("test", _notify("test", {"text": "It works."})),
    "weekly_report": ("weekly_report", _weekly_report),
    "weekly_insights": ("weekly_insights", _weekly_insights),
    "takedown": ("moderation", _takedown),
}


def test_every_kind_of_notification_is_followed():
    assert {kind for kind, _ in PRODUCERS.values()} == set(kinds.KINDS)


def _notes(session, owner, kind: str) -> list[Notification]:
    """The owner's notifications of a kind, read fresh."""
    session.expire_all()
    return list(session.exec(select(Notification).where(Notification.user_id == owner.id, Notification.kind == kind)))


def _reachable_everywhere(session, owner, kind: str, push_service) -> Browser:
    """Switch every channel on for `kind` and subscribe a browser to push; returns the browser."""
    preferences.update(
        session=session,
        user=owner,
        channels={kind: dict.fromkeys(CHANNELS, True)},
        quiet_start=None,
        quiet_end=None,
    )
    browser = Browser()
    subscriptions.subscribe(
        session=session, user=owner, endpoint=f"{push_service.url}/push/1", p256dh=browser.p256dh, auth=browser.auth
    )
    return browser


@pytest.mark.parametrize("producer", PRODUCERS)
def test_each_notification_links_to_the_page_it_names(producer, session, outbox, push_service):
    kind, produce = PRODUCERS[producer]
    owner = make_user(session, "owner@example.com", name="Owner", phone="+14155550100")
    browser = _reachable_everywhere(session, owner, kind, push_service)
    wanted = produce(session, owner)
    session.commit()
    drain_local()
    [note] = _notes(session, owner, kind)
    in_app = note.url
    assert in_app, f"the {kind} notification links nowhere"
    [email], [sms], [whatsapp] = outbox.emails(owner.email), _texts(outbox, "sms"), _texts(outbox, "whatsapp")
    sent = {
        "in-app": [in_app],
        "email": email_links(email),
        "sms": URL_IN_TEXT.findall(sms),
        "whatsapp": URL_IN_TEXT.findall(whatsapp),
        "push": [browser.decrypt(request.body)["url"] for _path, request, _claims in push_service.received],
    }
    for channel, found in sent.items():
        assert found, f"no link in the {channel} {kind} notification"
        for url in found:
            follow(url)
    # The notification's own link, on every channel, opens the same page on the same record.
    target = follow(in_app)
    assert follow(sent["sms"][-1]) == follow(sent["whatsapp"][-1]) == follow(sent["push"][0]) == target
    assert target in [follow(url) for url in sent["email"]]
    if wanted is not None:
        assert target[1] == wanted, f"{in_app} does not name the record"


def test_the_contact_link_is_the_contact_page(session, outbox, push_service):
    """The page a shared contact opens is the one that shows a contact (not /contacts/{id}, a 404)."""
    owner = make_user(session, "owner@example.com")
    wanted = _share_back(session, owner)
    session.commit()
    [note] = _notes(session, owner, "contact_shared")
    assert follow(note.url) == ("/contacts/view", wanted)
    assert note.url == links.contact(wanted["id"][0])


@pytest.mark.parametrize("language", kinds.LANGUAGES)
def test_notification_emails_in_every_language_link_to_real_pages(language, session, outbox):
    owner = make_user(session, "owner@example.com", language=language)
    flows.notify(session=session, user=owner, kind="security", data={"event": "new sign-in"})
    session.commit()
    [message] = outbox.emails(owner.email)
    found = email_links(message)
    # The button, its text twin, unsubscribe (header, link, text) and settings (link, text).
    assert len(found) >= 7, found
    landed = [follow(url) for url in found]
    assert {path for path, _query in landed} == {"/account", "/notifications", "/notifications/unsubscribe"}
    assert ("/account", {"tab": ["security"]}) in landed  # the button opens the security tab


def test_every_notification_template_language_is_exercised():
    on_disk = {p.name for p in (TEMPLATES / "notifications").iterdir() if p.is_dir()}
    assert on_disk == set(kinds.LANGUAGES)


def _signup(session):
    """A new account: the verification email."""
    auth_flows.signup(session=session, email="new@example.com", password=PASSWORD, name="New")


def _forgot(session):
    """A reset request: the reset email."""
    make_user(session, "new@example.com")
    auth_flows.request_password_reset(session=session, email="new@example.com")


def _known(session):
    """A sign-up with an address that has an account: the "you already have one" notice."""
    make_user(session, "new@example.com")
    auth_flows.signup(session=session, email="new@example.com", password=PASSWORD, name="New")


def _changed(session):
    """A password change: the warning email."""
    user = make_user(session, "new@example.com")
    auth_flows.change_password(
        session=session, user=user, current_password=PASSWORD, new_password="Another-Horse-43", current_token=None
    )


def _exported(session):
    """ "Download my data": the email with the signed link (signed out, it lands on sign-in, which comes back)."""
    data_export.request(session=session, user=make_user(session, "new@example.com"))


# Each account email -> the page its link lands on, and the query that page is left with (None: any).
ACCOUNT_EMAILS = {
    "verify_email": (_signup, "/email-verified", {"status": ["ok"]}),
    "reset_password": (_forgot, "/reset-password", None),
    "password_changed": (_changed, "/forgot-password", {}),
    "account_exists": (_known, "/login", {}),
    "data_export": (_exported, "/login", None),
}


def test_every_account_email_template_is_followed():
    on_disk = {p.stem for p in (TEMPLATES / "email").glob("*.txt")}
    assert on_disk == set(ACCOUNT_EMAILS)


@pytest.mark.parametrize("template", ACCOUNT_EMAILS)
def test_account_email_links_open_their_page(template, session, outbox):
    produce, page, query = ACCOUNT_EMAILS[template]
    produce(session)
    session.commit()
    [message] = outbox.emails("new@example.com")
    found = email_links(message)
    assert found, f"no link in the {template} email"
    for url in found:
        landed = follow(url)
        assert landed[0] == page and (query is None or landed[1] == query), f"{url} -> {landed}"


def test_every_link_builder_opens_a_page():
    """Each builder in core/links.py gives a path the app serves, with parameters its page reads."""
    builders = {
        name: fn
        for name, fn in inspect.getmembers(links, inspect.isfunction)
        if fn.__module__ == links.__name__ and not name.startswith("_") and name != "absolute"
    }
    assert {"contact", "conversation", "card_builder", "notification_settings"} <= set(builders)
    for name, fn in builders.items():
        url = fn(*["x1"] * len(inspect.signature(fn).parameters))
        path, query = urlsplit(url).path, parse_qs(urlsplit(url).query)
        if path in pages():
            assert set(query) <= pages()[path], f"links.{name}() -> {url}: the page never reads it"
        else:
            assert http_route(path), f"links.{name}() -> {url} opens nothing"
    assert links.absolute("/contacts") == f"{get_settings().public_base_url.rstrip('/')}/contacts"
    assert links.absolute("https://elsewhere.example/x") == "https://elsewhere.example/x"
