"""In-app messaging: one conversation per pair, unread counts, notifications, contact timelines, members only."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from metaic.contacts import enrichment, history
from metaic.contacts import service as contact_service
from metaic.core import clock
from metaic.core.errors import NotFound, PermissionDenied, ValidationError
from metaic.db import get_engine
from metaic.messaging import service
from metaic.schema import metadata
from tests.contacts.helpers import card_doc, count_queries, make_user, notifications, publish_card

TABLES = ("conversations", "conversation_members", "direct_messages")


def _pair(session):
    """Two accounts, Ada and Grace; Ada is in Grace's contacts (so Ada may write to Grace, and Grace to Ada)."""
    ada, grace = (
        make_user(session, "ada@example.com", "Ada Lovelace"),
        make_user(session, "grace@example.com", "Grace Hopper"),
    )
    contact_service.create(
        session=session, owner=grace, data={"full_name": "Ada Lovelace", "emails": [{"value": "ada@example.com"}]}
    )
    return ada, grace


def _talk(session, sender, recipient, *bodies: str):
    """Start the pair's conversation and send `bodies` from `sender`, one second apart."""
    chat = service.start_with_user(session=session, user=sender, other_user_id=recipient.id)
    for body in bodies:
        clock.advance(timedelta(seconds=1))
        service.send(session=session, user=sender, conversation_id=chat.id, body=body)
    return chat


def test_migration_matches_the_messaging_models(db):
    with get_engine().connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = [d for d in compare_metadata(context, metadata) if any(f"'{t}'" in repr(d) for t in TABLES)]
    assert diff == []
    assert set(TABLES) <= set(metadata.tables)


def test_one_conversation_per_pair_whoever_starts_it(session):
    ada, grace = _pair(session)
    first = service.start_with_user(session=session, user=ada, other_user_id=grace.id)
    again = service.start_with_user(session=session, user=ada, other_user_id=str(grace.id))
    theirs = service.start_with_user(session=session, user=grace, other_user_id=ada.id)
    assert first.id == again.id == theirs.id
    assert (first.other_user_id, first.other_name, first.other_initials) == (grace.id, "Grace Hopper", "GH")
    assert (theirs.other_user_id, theirs.other_name) == (ada.id, "Ada Lovelace")
    assert (first.last_message, first.last_at, first.unread) == ("", None, 0)
    assert [c.id for c in service.list_conversations(session=session, user=ada)] == [first.id]


def _refusal(session, user, other_id) -> str:
    """The words of the refusal to start a conversation."""
    with pytest.raises(PermissionDenied) as exc:
        service.start_with_user(session=session, user=user, other_user_id=other_id)
    return exc.value.message


def test_no_conversation_with_yourself_and_nobody_looks_like_a_stranger(session):
    ada, grace = _pair(session)
    eve = make_user(session, "eve@example.com", "Eve")
    with pytest.raises(ValidationError) as exc:
        service.start_with_user(session=session, user=ada, other_user_id=ada.id)
    assert exc.value.field == "user_id"
    with pytest.raises(NotFound):
        service.start_with_user(session=session, user=ada, other_user_id="not-a-uuid")
    stranger = _refusal(session, ada, eve.id)
    assert _refusal(session, ada, uuid.uuid4()) == stranger  # no account: the very same answer
    grace.is_active = False
    session.add(grace)
    session.flush()
    assert _refusal(session, ada, grace.id) == stranger


def test_only_the_person_who_saved_you_may_be_written_to_at_once(session):
    ada, grace = _pair(session)
    eve = make_user(session, "eve@example.com", "Eve")
    # Eve types Ada's address into her own book: that is Eve's doing, not Ada's, so it opens nothing.
    contact_service.create(session=session, owner=eve, data={"emails": [{"value": "ada@example.com"}]})
    _refusal(session, eve, ada.id)
    assert service.list_conversations(session=session, user=ada) == []
    # Grace saved Ada: Ada may write to her, and Grace (who chose to save Ada) may write to Ada.
    chat = service.start_with_user(session=session, user=ada, other_user_id=grace.id)
    assert service.start_with_user(session=session, user=grace, other_user_id=ada.id).id == chat.id
    # Ada saved Eve back: now Eve may write to Ada.
    contact_service.create(session=session, owner=ada, data={"emails": [{"value": "eve@example.com"}]})
    assert service.start_with_user(session=session, user=eve, other_user_id=ada.id).other_user_id == ada.id
    assert service.list_conversations(session=session, user=eve)[0].status == "open"


def test_starting_conversations_is_rate_limited(session, monkeypatch):
    from metaic.core.errors import RateLimited

    monkeypatch.setattr(service, "STARTS_PER_HOUR", 3)
    ada, grace = _pair(session)
    for _ in range(2):
        service.start_with_user(session=session, user=ada, other_user_id=grace.id)
    _refusal(session, ada, uuid.uuid4())
    with pytest.raises(RateLimited):
        service.start_with_user(session=session, user=ada, other_user_id=grace.id)


def test_send_counts_unread_for_the_recipient_until_read(session):
    ada, grace = _pair(session)
    chat = _talk(session, ada, grace, "Hello Grace", "  Are you free\non Friday?  ")
    assert service.unread_total(session=session, user=grace) == 2
    assert service.unread_total(session=session, user=ada) == 0
    mine = service.get(session=session, user=ada, conversation_id=chat.id)
    assert (mine.unread, mine.last_message, mine.last_message_mine) == (0, "Are you free on Friday?", True)
    [theirs] = service.list_conversations(session=session, user=grace)
    assert (theirs.unread, theirs.last_message_mine, theirs.other_name) == (2, False, "Ada Lovelace")
    assert theirs.last_at is not None and theirs.last_at.utcoffset() == timedelta(0)
    service.mark_read(session=session, user=grace, conversation_id=chat.id)
    assert service.unread_total(session=session, user=grace) == 0
    clock.advance(timedelta(seconds=1))
    service.send(session=session, user=grace, conversation_id=chat.id, body="Friday works")
    assert service.unread_total(session=session, user=ada) == 1
    assert service.unread_total(session=session, user=grace) == 0
    texts = [(m.body, m.mine) for m in service.messages(session=session, user=grace, conversation_id=chat.id)]
    assert texts == [("Hello Grace", False), ("Are you free\non Friday?", False), ("Friday works", True)]


def test_activity_marker_changes_on_messages_and_reads(session):
    ada, grace = _pair(session)
    chat = _talk(session, ada, grace)
    before = service.activity_marker(session=session, user=grace)
    clock.advance(timedelta(seconds=1))
    service.send(session=session, user=ada, conversation_id=chat.id, body="Ping")
    after_message = service.activity_marker(session=session, user=grace)
    service.mark_read(session=session, user=grace, conversation_id=chat.id)
    after_read = service.activity_marker(session=session, user=grace)
    assert len({before, after_message, after_read}) == 3
    assert service.activity_marker(session=session, user=grace) == after_read


def test_send_notifies_the_recipient_in_app(session):
    ada, grace = _pair(session)
    chat = _talk(session, ada, grace, "x" * 300)
    [note] = notifications(session, grace, "message")
    assert note.title == "New message from Ada Lovelace"
    assert note.body.startswith("xxx") and len(note.body) <= 141
    assert note.url == f"/messages?c={chat.id}" and note.read_at is None
    assert notifications(session, ada, "message") == []
    service.mark_read(session=session, user=grace, conversation_id=chat.id)
    session.refresh(note)
    assert note.read_at is not None  # reading the conversation clears its bell notifications


def test_messages_go_on_both_sides_contact_timelines(session):
    ada, grace = _pair(session)
    card = publish_card(session, grace, card_doc(name="Grace Hopper", email="grace@navy.example.com"))
    by_card = enrichment.save_from_card(session=session, saver=ada, slug=card.slug)
    by_email = contact_service.create(
        session=session, owner=grace, data={"full_name": "Ada", "emails": [{"value": "ADA@example.com"}]}
    )
    stranger = contact_service.create(
        session=session, owner=grace, data={"full_name": "Someone else", "emails": [{"value": "x@example.com"}]}
    )
    _talk(session, ada, grace, "Hi from Ada")
    [out] = history.timeline(session=session, owner=ada, contact_id=by_card.id)
    [inn] = history.timeline(session=session, owner=grace, contact_id=by_email.id)
    assert (out.channel, out.direction, out.body) == ("in_app", "outbound", "Hi from Ada")
    assert (inn.channel, inn.direction, inn.body) == ("in_app", "inbound", "Hi from Ada")
    assert history.timeline(session=session, owner=grace, contact_id=stranger.id) == []
    assert contact_service.get(session=session, owner=ada, contact_id=by_card.id).last_contacted_at is not None


def test_only_members_see_or_write_a_conversation(session):
    ada, grace = _pair(session)
    eve = make_user(session, "eve@example.com", "Eve")
    chat = _talk(session, ada, grace, "Private")
    for call in (service.get, service.messages, service.mark_read):
        with pytest.raises(NotFound):
            call(session=session, user=eve, conversation_id=chat.id)
    with pytest.raises(NotFound):
        service.send(session=session, user=eve, conversation_id=chat.id, body="Let me in")
    for bad in (uuid.uuid4(), "nope", ""):
        with pytest.raises(NotFound):
            service.get(session=session, user=ada, conversation_id=bad)
    assert service.list_conversations(session=session, user=eve) == []
    assert service.unread_total(session=session, user=eve) == 0


@pytest.mark.parametrize("body", ["", "   \n\t ", "x" * 5001])
def test_message_body_must_be_1_to_5000_characters(session, body):
    ada, grace = _pair(session)
    chat = _talk(session, ada, grace)
    with pytest.raises(ValidationError) as exc:
        service.send(session=session, user=ada, conversation_id=chat.id, body=body)
    assert exc.value.field == "body"
    assert service.messages(session=session, user=ada, conversation_id=chat.id) == []
    sent = service.send(session=session, user=ada, conversation_id=chat.id, body="y" * 5000)
    assert len(sent.body) == 5000 and sent.mine


def test_start_with_contact_finds_the_account_by_card_or_email(session):
    ada, grace = _pair(session)
    alan = make_user(session, "alan@example.com", "Alan Turing")
    contact_service.create(session=session, owner=alan, data={"emails": [{"value": "ada@example.com"}]})
    card = publish_card(session, grace, card_doc(name="Grace Hopper", email="hopper@navy.example.com"))
    by_card = enrichment.save_from_card(session=session, saver=ada, slug=card.slug)
    by_email = contact_service.create(
        session=session, owner=ada, data={"full_name": "Alan", "emails": [{"value": "Alan@Example.com"}]}
    )
    offline = contact_service.create(
        session=session, owner=ada, data={"full_name": "Offline Person", "emails": [{"value": "off@example.com"}]}
    )
    stranger = make_user(session, "turing@example.com", "Not Alan")
    unlinked = contact_service.create(session=session, owner=ada, data={"emails": [{"value": stranger.email}]})
    phone_only = contact_service.create(session=session, owner=ada, data={"phones": [{"value": "+34612345678"}]})
    reach = {c.id: service.contact_reach(session=session, user=ada, contact_id=c.id) for c in (by_card, by_email)}
    assert set(reach.values()) == {"open"}  # both have Ada in their contacts
    # With or without an account behind it, a contact who did not save Ada can only get a request.
    assert service.contact_reach(session=session, user=ada, contact_id=offline.id) == "request"
    assert service.contact_reach(session=session, user=ada, contact_id=unlinked.id) == "request"
    assert service.contact_reach(session=session, user=ada, contact_id=phone_only.id) == ""
    assert service.list_conversations(session=session, user=ada) == []  # looking up starts nothing
    assert service.start_with_contact(session=session, user=ada, contact_id=by_card.id).other_user_id == grace.id
    assert service.start_with_contact(session=session, user=ada, contact_id=by_email.id).other_user_id == alan.id
    refusals = set()
    for contact in (offline, unlinked, phone_only):
        with pytest.raises(PermissionDenied) as exc:
            service.start_with_contact(session=session, user=ada, contact_id=contact.id)
        refusals.add(exc.value.message)
    assert len(refusals) == 1  # no account and an account that did not save Ada: one answer
    with pytest.raises(NotFound):  # someone else's contact
        service.start_with_contact(session=session, user=grace, contact_id=by_email.id)


def test_messages_page_backwards_with_before(session):
    ada, grace = _pair(session)
    chat = _talk(session, ada, grace, *[f"m{i}" for i in range(7)])
    last = service.messages(session=session, user=ada, conversation_id=chat.id, limit=3)
    assert [m.body for m in last] == ["m4", "m5", "m6"]
    older = service.messages(session=session, user=grace, conversation_id=chat.id, limit=3, before=last[0].id)
    assert [m.body for m in older] == ["m1", "m2", "m3"]
    oldest = service.messages(session=session, user=ada, conversation_id=chat.id, limit=3, before=older[0].id)
    assert [m.body for m in oldest] == ["m0"]
    with pytest.raises(NotFound):
        service.messages(session=session, user=ada, conversation_id=chat.id, before=uuid.uuid4())


def test_listing_conversations_takes_the_same_queries_for_1_or_5(session):
    ada = make_user(session, "ada@example.com", "Ada")

    def queries() -> int:
        with count_queries(session) as statements:
            found = service.list_conversations(session=session, user=ada)
        return len(statements), len(found)

    others = [make_user(session, f"u{i}@example.com", f"User {i}") for i in range(5)]
    for other in others:  # Ada saved them, so they may write to her
        contact_service.create(session=session, owner=ada, data={"emails": [{"value": other.email}]})
    _talk(session, others[0], ada, "hi")
    one = queries()
    for other in others[1:]:
        _talk(session, other, ada, "hello", "again")
    five = queries()
    assert one == (1, 1) and five == (1, 5)
    newest = service.list_conversations(session=session, user=ada)
    assert [c.other_user_id for c in newest] == [o.id for o in reversed(others)]
    assert [c.unread for c in newest] == [2, 2, 2, 2, 1]


def test_a_flood_of_messages_is_refused_for_a_while(session, monkeypatch):
    from metaic.core.errors import RateLimited

    monkeypatch.setattr(service, "MESSAGES_PER_MINUTE", 2)
    ada, grace = _pair(session)
    chat = _talk(session, ada, grace, "one", "two")
    with pytest.raises(RateLimited):
        service.send(session=session, user=ada, conversation_id=chat.id, body="three")
    service.send(session=session, user=grace, conversation_id=chat.id, body="the other side may still answer")
    assert [m.body for m in service.messages(session=session, user=ada, conversation_id=chat.id)][-1].startswith("the")
