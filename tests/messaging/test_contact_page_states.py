"""The contact page as a tab drives it: Message for people who saved you, a request for everyone else, and
share-back suggestions the owner adds or ignores."""

from __future__ import annotations

import re

from metaic.contacts import sharing
from metaic.db import session_scope
from metaic.messaging import service as messaging
from metaic.ui.state.contacts import ContactState
from tests.contacts.helpers import card_doc, publish_card
from tests.ui.support import contact, run, signed_in, state


def _page(token: str, contact_id: str) -> ContactState:
    """The contact page of `contact_id`, loaded."""
    page = state(ContactState, token, "/contacts/view", f"id={contact_id}")
    run(page.load())
    return page


def test_the_page_offers_the_same_request_whether_or_not_an_account_exists(db):
    eve_token, eve = signed_in("eve@example.com", "Eve")
    _, ada = signed_in("ada@example.com", "Ada")
    member = contact(eve, full_name="Ada", emails=[{"label": "", "value": "ada@example.com"}])
    nobody = contact(eve, full_name="Nobody", emails=[{"label": "", "value": "nobody@example.com"}])
    phone_only = contact(eve, full_name="Phone", emails=[], phones=[{"label": "", "value": "+34612345678"}])
    pages = {cid: _page(eve_token, cid) for cid in (member, nobody, phone_only)}
    assert [p.reach for p in pages.values()] == ["request", "request", ""]
    toasts = []
    for cid in (member, nobody):
        page = pages[cid]
        page.set_requesting(True)
        toasts.append(re.sub(r"0x[0-9a-f]+", "", str(run(page.send_request({"body": "Hi, we met at PyCon"})))))
        assert page.requesting is False and page.errors == {}
    assert toasts[0] == toasts[1] and messaging.REQUEST_SENT in toasts[0]
    with session_scope() as s:
        [incoming] = messaging.list_conversations(session=s, user=s.merge(ada))
        assert (incoming.status, incoming.last_message) == ("requested", "Hi, we met at PyCon")
        assert messaging.list_conversations(session=s, user=s.merge(eve)) == []


def test_an_empty_request_shows_its_error_and_keeps_the_dialog_open(db):
    token, eve = signed_in("eve@example.com", "Eve")
    page = _page(token, contact(eve))
    page.set_requesting(True)
    run(page.send_request({"body": "   "}))
    assert page.requesting is True and page.errors["body"]


def test_message_opens_the_conversation_with_someone_who_saved_you(db):
    ada_token, ada = signed_in("ada@example.com", "Ada")
    _, grace = signed_in("grace@example.com", "Grace")
    contact(grace, full_name="Ada", emails=[{"label": "", "value": "ada@example.com"}])
    page = _page(ada_token, contact(ada, emails=[{"label": "", "value": "grace@example.com"}]))
    assert page.reach == "open"


def test_share_back_suggestions_are_shown_and_added_or_ignored(db):
    token, ada = signed_in("ada@example.com", "Ada")
    cid = contact(ada, full_name="Grace Hopper", emails=[{"label": "", "value": "grace@example.com"}])
    with session_scope() as s:
        card = publish_card(s, s.merge(ada), card_doc(name="Ada", email="ada@example.com"))
        slug = card.slug
    for phone, ip in (("+34 612 345 678", "203.0.113.1"), ("+34 699 000 111", "203.0.113.2")):
        with session_scope() as s:
            sharing.share_back(
                session=s,
                slug=slug,
                name="G",
                email="grace@example.com",
                phone=phone,
                company="",
                note="new number",
                consent=True,
                consent_text="I agree",
                ip=ip,
            )
    page = _page(token, cid)
    assert page.phones == [] and len(page.suggestions) == 2
    newest, oldest = page.suggestions
    assert newest["values"] == "grace@example.com · +34699000111" and newest["card"] == f"/c/{slug}"
    run(page.ignore_suggestion(newest["id"]))
    assert page.phones == [] and [x["id"] for x in page.suggestions] == [oldest["id"]]
    run(page.add_suggestion(oldest["id"]))
    assert [p["value"] for p in page.phones] == ["+34612345678"] and page.suggestions == []
    assert page.notes == "new number"


def test_the_recipient_accepts_or_declines_a_request_on_the_messages_page(db):
    from metaic.ui.state.messages import MessagesState

    ada_token, ada = signed_in("ada@example.com", "Ada")
    _, eve = signed_in("eve@example.com", "Eve")
    _, mallory = signed_in("mallory@example.com", "Mallory")
    with session_scope() as s:
        messaging.request(session=s, user=s.merge(eve), other_user_id=ada.id, body="Hi Ada, we met at PyCon")
    with session_scope() as s:
        messaging.request(session=s, user=s.merge(mallory), other_user_id=ada.id, body="Buy my course")
        [spam, hello] = messaging.list_conversations(session=s, user=s.merge(ada))
    page = state(MessagesState, ada_token, "/messages", f"c={hello.id}")
    run(page.load())
    assert [c["status"] for c in page.conversations] == ["requested", "requested"]
    assert (page.active_status, page.active_name) == ("requested", "Eve")
    assert [m["body"] for m in page.thread] == ["Hi Ada, we met at PyCon"]
    run(page.send({"body": "Who is this?"}))  # refused until accepted
    assert [m["body"] for m in page.thread] == ["Hi Ada, we met at PyCon"]
    run(page.accept())
    assert page.active_status == "open"
    run(page.send({"body": "Hello Eve"}))
    assert [m["body"] for m in page.thread] == ["Hi Ada, we met at PyCon", "Hello Eve"]
    run(page.open(str(spam.id)))
    assert page.active_status == "requested"
    run(page.decline())
    assert page.active_id == "" and [c["name"] for c in page.conversations] == ["Eve"]
