"""The global search box: grouped hits with highlights and links; nothing of another user's private data."""

from __future__ import annotations

from sqlmodel import select

from metaic.cards import service as card_service
from metaic.communication import templates as message_templates
from metaic.contacts import service as contact_service
from metaic.db import session_scope
from metaic.messaging import service as messaging
from metaic.search import service
from metaic.search.models import SearchQuery
from tests.search.conftest import make_user


def everything(owner, query):
    """{kind: [(hit kind, title, url)]} of a global search."""
    with session_scope() as s:
        found = service.search_everything(session=s, owner=owner, query=query)
    return {g.kind: [(h.kind, h.title, h.url) for h in g.hits] for g in found.groups}, found


def test_groups_in_order_with_highlights_and_links(users, wait):
    """Contacts, cards, messages and notes, templates: each hit says where it opens and which words matched."""
    a, _ = users
    with session_scope() as s:
        contact = contact_service.create(
            session=s, owner=a, data={"full_name": "Nova Quinn", "note": "Talked about the nova telescope"}
        )
        card = card_service.create(session=s, owner=a, name="Nova Card")
        message_templates.create(session=s, owner=a, name="Nova intro", channel="email", subject="Hi", body="Hello")
    wait()
    groups, found = everything(a, "nova")
    assert list(groups) == ["contact", "card", "message", "template"] and len(found.query_id) == 32
    assert groups["contact"] == [("contact", "Nova Quinn", f"/contacts/view?id={contact.id}")]
    assert groups["card"] == [("card", "Nova Card", f"/cards/edit?id={card.id}")]
    assert groups["message"] == [("note", "Nova Quinn", f"/contacts/view?id={contact.id}")]
    assert groups["template"] == [("template", "Nova intro", "/templates")]
    labels = [g.label for g in found.groups]
    assert labels == ["Contacts", "Cards", "Messages and notes", "Templates"]
    note = found.groups[2].hits[0]
    assert {"text": "nova", "hit": True} in note.snippet_parts
    assert found.groups[0].hits[0].title_parts[0] == {"text": "Nova", "hit": True}
    empty, _ = everything(a, "   ")
    assert empty == {}


def test_messages_reach_both_members_and_nobody_else(users, wait):
    """A message is found by its sender and recipient; a third user finds none of it, nor their notes."""
    a, b = users
    c = make_user("c@example.com", "Cy Third")
    with session_scope() as s:
        data = {"full_name": "Ann Owner", "emails": [{"value": "a@example.com"}]}
        contact_service.create(session=s, owner=b, data=data)
    with session_scope() as s:
        chat = messaging.start_with_user(session=s, user=a, other_user_id=b.id)
        messaging.send(session=s, user=a, conversation_id=chat.id, body="the zeppelin launch is at noon")
    with session_scope() as s:
        contact_service.create(session=s, owner=a, data={"full_name": "Zed", "note": "zeppelin collector"})
    wait()
    mine, _ = everything(a, "zeppelin")
    theirs, _ = everything(b, "zeppelin")
    assert ("message", "You", f"/messages?c={chat.id}") in mine["message"]
    assert [k for k, _, _ in mine["message"]].count("note") == 1
    assert theirs["message"] == [("message", "Ann Owner", f"/messages?c={chat.id}")]
    assert everything(c, "zeppelin")[0] == {} and everything(c, "zed")[0] == {}
    assert "contact" not in everything(b, "zed")[0]


def test_queries_are_logged_without_user_or_address(users, wait):
    """Each search leaves a normalised query row with its result count and hour, and no user id."""
    a, _ = users
    with session_scope() as s:
        contact_service.create(session=s, owner=a, data={"full_name": "Logged Person"})
    wait()
    _, found = everything(a, "  LOGGED   Pérson ")
    everything(a, "nothing-matches-this")
    columns = set(SearchQuery.model_fields)
    assert not {"user_id", "owner_id", "ip", "ip_address"} & columns
    with session_scope() as s:
        rows = {r.query: r for r in s.exec(select(SearchQuery)).all()}
    assert rows["logged person"].results == 1 and rows["logged person"].query_id == found.query_id
    assert rows["nothing-matches-this"].results == 0
    assert rows["logged person"].bucket.minute == 0 and rows["logged person"].scope == "everything"
