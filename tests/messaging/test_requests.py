"""Message requests: a stranger may ask once, the other side accepts or declines, and nobody learns who is here.

The attack (issue 11, finding 4): type any email as a contact and start a conversation; the answer told
whether an account existed, with its name and id, and the chat opened at once.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from metaic.contacts import history, sharing
from metaic.contacts import service as contact_service
from metaic.core import clock
from metaic.core.errors import NotFound, PermissionDenied, RateLimited, ValidationError
from metaic.messaging import service
from tests.contacts.helpers import card_doc, make_user, notifications, publish_card


def _people(session):
    """Ada (on MetaIC), and Eve, a stranger to her."""
    return make_user(session, "ada@example.com", "Ada Lovelace"), make_user(session, "eve@example.com", "Eve")


def _seen_by(session, user) -> tuple:
    """Everything the user's own screens show about their conversations."""
    return (
        service.list_conversations(session=session, user=user),
        service.unread_total(session=session, user=user),
        service.activity_marker(session=session, user=user),
    )


def test_a_request_looks_the_same_to_its_sender_whoever_is_behind_it(session):
    ada, eve = _people(session)
    by_email = contact_service.create(session=session, owner=eve, data={"emails": [{"value": "ada@example.com"}]})
    nobody = contact_service.create(session=session, owner=eve, data={"emails": [{"value": "nobody@example.com"}]})
    before = _seen_by(session, eve)
    answers = [
        service.request(session=session, user=eve, other_user_id=ada.id, body="Hi Ada, we met at PyCon"),
        service.request(session=session, user=eve, other_user_id=uuid.uuid4(), body="Hi"),
        service.request(session=session, user=eve, contact_id=by_email.id, body="Hi again"),
        service.request(session=session, user=eve, contact_id=nobody.id, body="Hi"),
    ]
    assert answers == [None] * 4
    assert _seen_by(session, eve) == before  # nothing tells Eve that Ada exists
    [incoming] = service.list_conversations(session=session, user=ada)
    assert (incoming.status, incoming.other_name, incoming.unread) == ("requested", "Eve", 1)
    assert incoming.last_message == "Hi Ada, we met at PyCon"  # one intro: the second request added nothing
    [note] = notifications(session, ada, "message")
    assert note.url == f"/messages?c={incoming.id}"
    for call in (service.get, service.messages, service.mark_read):
        with pytest.raises(NotFound):  # the sender cannot reach the request by its id either
            call(session=session, user=eve, conversation_id=incoming.id)
    with pytest.raises(NotFound):
        service.send(session=session, user=eve, conversation_id=incoming.id, body="Hello??")
    with pytest.raises(PermissionDenied):
        service.start_with_user(session=session, user=eve, other_user_id=ada.id)


def test_nothing_more_is_sent_until_the_request_is_accepted(session):
    ada, eve = _people(session)
    lovelace = contact_service.create(session=session, owner=eve, data={"emails": [{"value": "ada@example.com"}]})
    service.request(session=session, user=eve, contact_id=lovelace.id, body="Hi Ada")
    [incoming] = service.list_conversations(session=session, user=ada)
    assert [m.body for m in service.messages(session=session, user=ada, conversation_id=incoming.id)] == ["Hi Ada"]
    with pytest.raises(ValidationError, match="Accept"):
        service.send(session=session, user=ada, conversation_id=incoming.id, body="Who is this?")
    assert history.timeline(session=session, owner=eve, contact_id=lovelace.id) == []
    clock.advance(timedelta(seconds=1))
    opened = service.accept(session=session, user=ada, conversation_id=incoming.id)
    assert opened.status == "open" and opened.other_name == "Eve"
    [theirs] = service.list_conversations(session=session, user=eve)
    assert (theirs.id, theirs.status, theirs.other_name) == (incoming.id, "open", "Ada Lovelace")
    clock.advance(timedelta(seconds=1))
    service.send(session=session, user=ada, conversation_id=incoming.id, body="Nice to meet you")
    service.send(session=session, user=eve, conversation_id=incoming.id, body="Likewise")
    [entry] = [h for h in history.timeline(session=session, owner=eve, contact_id=lovelace.id) if h.body == "Hi Ada"]
    assert (entry.channel, entry.direction) == ("in_app", "outbound")  # the intro joins the timeline on accept
    with pytest.raises(NotFound):  # nothing left to accept
        service.accept(session=session, user=ada, conversation_id=incoming.id)


def test_a_declined_request_goes_away_and_stays_quiet(session):
    ada, eve = _people(session)
    service.request(session=session, user=eve, other_user_id=ada.id, body="Buy my course")
    [incoming] = service.list_conversations(session=session, user=ada)
    with pytest.raises(NotFound):  # only the recipient decides
        service.decline(session=session, user=eve, conversation_id=incoming.id)
    service.decline(session=session, user=ada, conversation_id=incoming.id)
    assert _seen_by(session, ada)[:2] == ([], 0)
    assert notifications(session, ada, "message")[0].read_at is not None
    service.request(session=session, user=eve, other_user_id=ada.id, body="Please?")
    assert service.list_conversations(session=session, user=ada) == []
    with pytest.raises(NotFound):
        service.messages(session=session, user=ada, conversation_id=incoming.id)
    with pytest.raises(PermissionDenied):
        service.start_with_user(session=session, user=eve, other_user_id=ada.id)


def test_the_recipient_answers_a_request_by_writing_back(session):
    ada, eve = _people(session)
    service.request(session=session, user=eve, other_user_id=ada.id, body="Hi")
    chat = service.start_with_user(session=session, user=ada, other_user_id=eve.id)
    assert chat.status == "open"
    service.send(session=session, user=eve, conversation_id=chat.id, body="Thanks for answering")


def test_a_request_to_someone_who_saved_you_is_just_a_message(session):
    ada, grace = _people(session)
    contact_service.create(session=session, owner=grace, data={"emails": [{"value": "ada@example.com"}]})
    service.request(session=session, user=ada, other_user_id=grace.id, body="Hello Grace")
    [chat] = service.list_conversations(session=session, user=grace)
    assert (chat.status, chat.last_message, chat.unread) == ("open", "Hello Grace", 1)
    assert service.list_conversations(session=session, user=ada)[0].id == chat.id


def test_a_share_back_does_not_open_a_conversation_with_the_card_owner(session):
    """The share-back form is anonymous: leaving your email on Ada's card is not Ada saving you."""
    ada, eve = _people(session)
    card = publish_card(session, ada, card_doc(name="Ada Lovelace", email="ada@example.com"))
    clock.advance(timedelta(seconds=10))
    sharing.share_back(
        session=session,
        slug=card.slug,
        name="Eve",
        email="eve@example.com",
        phone="",
        company="",
        note="",
        consent=True,
        consent_text="I agree",
        ip="203.0.113.9",
    )
    with pytest.raises(PermissionDenied):
        service.start_with_user(session=session, user=eve, other_user_id=ada.id)
    assert (
        service.contact_reach(
            session=session, user=ada, contact_id=contact_service.list_(session=session, owner=ada).items[0].id
        )
        == "request"
    )


def test_requests_are_rate_limited_whoever_they_are_for(session, monkeypatch):
    monkeypatch.setattr(service, "REQUESTS_PER_DAY", 2)
    ada, eve = _people(session)
    service.request(session=session, user=eve, other_user_id=ada.id, body="one")
    service.request(session=session, user=eve, other_user_id=uuid.uuid4(), body="two")
    for target in (ada.id, uuid.uuid4()):
        with pytest.raises(RateLimited):
            service.request(session=session, user=eve, other_user_id=target, body="three")


@pytest.mark.parametrize("body", ["", "  ", "x" * 5001])
def test_an_intro_must_be_1_to_5000_characters(session, body):
    ada, eve = _people(session)
    with pytest.raises(ValidationError) as exc:
        service.request(session=session, user=eve, other_user_id=ada.id, body=body)
    assert exc.value.field == "body"
    assert service.list_conversations(session=session, user=ada) == []
