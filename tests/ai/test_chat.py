"""Ask MetaIC's service: grounded offline answers with links, languages, history, rename/delete, actions."""

from __future__ import annotations

import pytest
from sqlmodel import select

from metaic.ai import chat
from metaic.ai.chat_models import AiConversation, AiMessage
from metaic.auth.models import User
from metaic.contacts import reminders, tags
from metaic.core.errors import Conflict, NotFound, ValidationError
from metaic.db import session_scope
from tests.ai.chat_helpers import answer_of, ask, book

# Grounding reads the search index: each test gets its own (an earlier test's index state once hid contacts).
pytestmark = pytest.mark.usefixtures("fresh_index")


def test_who_is_answers_from_the_contact_with_a_link_to_it(db):
    """Role, meeting and notes come from the contact; the answer links to /contacts/view?id=… and names it a source."""
    ids = book()
    _, events = ask(ids["owner"], "Who is Grace Hopper?")
    assert [e["type"] for e in events] == ["meta", "delta", "done"]
    stored = answer_of(events)
    url = f"/contacts/view?id={ids['grace']}"
    assert f"[Grace Hopper]({url})" in stored["content"]
    assert "Rear Admiral, Navy Labs" in stored["content"] and "COBOL vendor" in stored["content"]
    assert "Web Summit in Lisbon on 2026-11-03" in stored["content"]
    assert stored["sources"][0] == {"kind": "contact", "id": str(ids["grace"]), "title": "Grace Hopper", "url": url}
    assert stored["engine"] == "offline" and "offline assistant" in stored["note"]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Where did I meet Grace?", "You met Grace Hopper at Web Summit in Lisbon on 2026-11-03."),
        ("¿Dónde conocí a Grace Hopper?", "Conociste a Grace Hopper en Web Summit en Lisbon el 2026-11-03."),
        ("Où ai-je rencontré Grace Hopper ?", "Vous avez rencontré Grace Hopper à Web Summit à Lisbon le 2026-11-03."),
        ("Wo habe ich Grace Hopper getroffen?", "Sie haben Grace Hopper auf der Web Summit in Lisbon am 2026-11-03"),
    ],
)
def test_where_did_i_meet_answers_in_the_questions_language(db, question, expected):
    """The meeting fields fill the template of the language the question was asked in."""
    ids = book()
    _, events = ask(ids["owner"], question)
    assert expected in answer_of(events)["content"]


def test_who_works_at_lists_only_that_companys_contacts(db):
    """Both Navy Labs people, linked; nobody from elsewhere."""
    ids = book()
    _, events = ask(ids["owner"], "Who works at Navy Labs?")
    text = answer_of(events)["content"]
    assert f"(/contacts/view?id={ids['grace']})" in text and f"(/contacts/view?id={ids['alan']})" in text
    assert "Curie" not in text and "Pauling" not in text
    _, events = ask(ids["owner"], "¿Quién trabaja en Acme?")
    assert answer_of(events)["content"] == "Ninguno de tus contactos trabaja en Acme."


def test_not_followed_up_lists_contacts_and_proposes_a_reminder_that_runs_only_on_confirm(db):
    """Nobody was contacted yet: all four are listed; the reminder exists only after confirming, and only once."""
    ids = book()
    conversation_id, events = ask(ids["owner"], "Who have I not followed up with?")
    stored = answer_of(events)
    assert "Grace Hopper" in stored["content"] and "Marie Curie" in stored["content"]
    [action] = stored["actions"]
    assert action["kind"] == "reminder" and action["status"] == "proposed"
    assert events[0]["actions"] == [{k: action[k] for k in ("id", "kind", "label", "status")}]
    with session_scope() as s:
        owner = s.get(User, ids["owner"])
        assert reminders.list_for(session=s, owner=owner) == []
        done = chat.confirm_action(session=s, owner=owner, conversation_id=conversation_id, action_id=action["id"])
        assert done.status == "done" and done.result["url"] == f"/contacts/view?id={ids['grace']}"
        assert [r.contact_id for r in reminders.list_for(session=s, owner=owner)] == [ids["grace"]]
        with pytest.raises(Conflict):
            chat.confirm_action(session=s, owner=owner, conversation_id=conversation_id, action_id=action["id"])
    _, events = ask(ids["owner"], "Who have I not followed up with?")
    assert "Grace Hopper" not in answer_of(events)["content"]  # a reminder is pending now


def test_draft_and_tag_proposals(db):
    """A draft comes back for compose (nothing sent); a tag lands on exactly the contacts named."""
    ids = book()
    conversation_id, events = ask(ids["owner"], "Draft a message to Marie Curie")
    [draft] = answer_of(events)["actions"]
    _, events = ask(ids["owner"], "Tag everyone at Navy Labs as Navy", conversation_id)
    [tagging] = answer_of(events)["actions"]
    assert tagging["label"] == "Tag Alan Turing, Grace Hopper as “Navy”"
    with session_scope() as s:
        owner = s.get(User, ids["owner"])
        made = chat.confirm_action(session=s, owner=owner, conversation_id=conversation_id, action_id=draft["id"])
        assert made.result["body"].startswith("Hi Marie") and made.result["contact_id"] == str(ids["marie"])
        chat.confirm_action(session=s, owner=owner, conversation_id=conversation_id, action_id=tagging["id"])
        assert {t.name for t in tags.list_tags(session=s, owner=owner)} == {"Navy"}
        assert tags.tag_ids_of(session=s, contact_id=ids["grace"]) and tags.tag_ids_of(
            session=s, contact_id=ids["alan"]
        )
        assert not tags.tag_ids_of(session=s, contact_id=ids["marie"])


def test_what_did_someone_say_and_free_questions_use_notes(db):
    """A free question finds the note by its words; an unknown person is said to be unknown."""
    ids = book()
    _, events = ask(ids["owner"], "Anyone who knows COBOL vendors?")
    stored = answer_of(events)
    assert "Grace Hopper" in stored["content"] and stored["sources"][0]["id"] == str(ids["grace"])
    _, events = ask(ids["owner"], "What did Grace Hopper say?")
    assert answer_of(events)["content"] == "I found no message from Grace Hopper."
    _, events = ask(ids["owner"], "Who is Zed Nobody?")
    assert answer_of(events)["content"] == "I could not find Zed Nobody among your contacts."


def test_conversations_keep_history_and_can_be_renamed_and_deleted(db):
    """Titled by the first question; messages in order; rename and delete; empty questions refused."""
    ids = book()
    conversation_id, _ = ask(ids["owner"], "Who is Grace Hopper?")
    ask(ids["owner"], "Where did I meet her?", conversation_id)
    with session_scope() as s:
        owner = s.get(User, ids["owner"])
        detail = chat.get(session=s, owner=owner, conversation_id=conversation_id)
        assert detail.title == "Who is Grace Hopper?"
        assert [m.role for m in detail.messages] == ["user", "assistant", "user", "assistant"]
        assert chat.rename(session=s, owner=owner, conversation_id=conversation_id, title="  Grace  ").title == "Grace"
        with pytest.raises(ValidationError):
            chat.ask(session=s, owner=owner, conversation_id=conversation_id, text="   ")
        assert [c.title for c in chat.list_(session=s, owner=owner)] == ["Grace"]
        chat.delete_(session=s, owner=owner, conversation_id=conversation_id)
        assert s.exec(select(AiMessage)).all() == [] and s.exec(select(AiConversation)).all() == []


def test_owners_are_kept_apart(db):
    """Eve cannot read, rename, delete, ask or confirm in Ada's conversation; her answers never use Ada's book."""
    ada = book()
    eve = book("eve@example.com", "Eve")
    conversation_id, events = ask(ada["owner"], "Who have I not followed up with?")
    action_id = answer_of(events)["actions"][0]["id"]
    with session_scope() as s:
        owner = s.get(User, eve["owner"])
        for call in (
            lambda: chat.get(session=s, owner=owner, conversation_id=conversation_id),
            lambda: chat.rename(session=s, owner=owner, conversation_id=conversation_id, title="mine"),
            lambda: chat.delete_(session=s, owner=owner, conversation_id=conversation_id),
            lambda: chat.ask(session=s, owner=owner, conversation_id=conversation_id, text="hi"),
            lambda: chat.confirm_action(session=s, owner=owner, conversation_id=conversation_id, action_id=action_id),
        ):
            with pytest.raises(NotFound):
                call()
        assert chat.list_(session=s, owner=owner) == []
    _, events = ask(eve["owner"], "Who is Grace Hopper?")
    assert f"id={eve['grace']}" in answer_of(events)["content"] and str(ada["grace"]) not in str(events)
