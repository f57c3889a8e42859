"""The Reflex states behind compose, templates and messages, driven against the database like a browser would."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlmodel import select

from metaic.communication.models import ScheduledMessage
from metaic.core import clock
from metaic.db import session_scope
from metaic.messaging import service as messaging
from metaic.ui.components.compose import reach_out
from metaic.ui.pages.messages import messages_page
from metaic.ui.pages.templates import templates_page
from metaic.ui.state.compose import ComposeState
from metaic.ui.state.messages import MessagesState, live_view
from metaic.ui.state.templates import TemplatesState
from tests.ui.support import contact as _contact
from tests.ui.support import run
from tests.ui.support import signed_in as _signed_in
from tests.ui.support import state as _state


def test_pages_build():
    rendered = json.dumps([reach_out().render(), templates_page().render(), messages_page().render()], default=str)
    for name in (
        "compose-email",
        "compose-send",
        "compose-save-template",
        "preview-body",
        "compose-send-at",
        "new-template",
        "template-save",
        "message-input",
        "message-send",
        "no-conversations",
    ):
        assert name in rendered, name


def test_compose_previews_refuses_bad_variables_and_schedules(db, outbox):
    token, ada = _signed_in("ada@example.com", "Ada", timezone="Asia/Shanghai")
    cid = _contact(ada)
    state = _state(ComposeState, token, "/contacts/view", f"id={cid}")
    run(state.open_compose("email"))
    assert state.composing and state.recipient == "grace@navy.example" and state.can_email
    assert state.template_id and "Hi Grace," in state.preview_body and "{{" not in state.preview_body

    run(state.edit_body("Hi {{ contact.nickname }}"))
    assert state.preview_error == "Unknown variable: contact.nickname" and state.preview_body == ""
    run(state.send())
    assert state.composing  # refused: still open, nothing queued
    with session_scope() as s:
        assert s.exec(select(ScheduledMessage)).all() == []

    run(state.edit_body("Hi {{ contact.full_name }}, from {{ me.name }}"))
    state.set_when("later")
    state.set_send_at("2001-01-01T09:00")
    run(state.send())
    assert state.errors == {"send_at": "Choose a time in the future."}
    local = clock.to_local(clock.now() + timedelta(days=2), "Asia/Shanghai").replace(second=0, microsecond=0)
    state.set_send_at(local.strftime("%Y-%m-%dT%H:%M"))
    run(state.send())
    assert not state.composing and state.has_pending
    with session_scope() as s:
        message = s.exec(select(ScheduledMessage)).one()
        assert message.body == "Hi Grace Hopper, from Ada" and message.status == "queued"
        assert clock.as_utc(message.send_at) == local.astimezone(clock.UTC)
    assert state.messages[0]["when"] == local.strftime("%d %b %Y %H:%M")

    run(state.cancel_message(state.messages[0]["id"]))
    assert state.messages[0]["status"] == "canceled" and not state.has_pending


def test_compose_saves_what_was_written_as_a_template(db, outbox):
    token, ada = _signed_in("ada@example.com", "Ada")
    state = _state(ComposeState, token, "/contacts/view", f"id={_contact(ada)}")
    run(state.open_compose("email"))
    run(state.edit_subject("Coffee, {{ contact.first_name }}?"))
    run(state.edit_body("Hi {{ contact.first_name }}, coffee next week?"))
    state.set_new_template_name("Coffee")
    run(state.save_as_template())
    chosen = next(t for t in state.template_options if t["id"] == state.template_id)
    assert chosen["name"] == "Coffee" and state.new_template_name == "" and not state.errors
    state.set_new_template_name("coffee")
    run(state.save_as_template())
    assert state.errors == {"name": "You already have a template with this name."}
    with session_scope() as s:
        from metaic.communication import templates

        saved = next(t for t in templates.list_(session=s, owner=s.merge(ada)) if t.name == "Coffee")
        assert saved.body == "Hi {{ contact.first_name }}, coffee next week?"


def test_compose_for_whatsapp_needs_a_phone(db, outbox):
    token, ada = _signed_in("ada@example.com", "Ada")
    state = _state(ComposeState, token, "/contacts/view", f"id={_contact(ada)}")
    run(state.open_compose("whatsapp"))
    assert state.channel == "whatsapp" and state.recipient == "" and not state.can_whatsapp


def test_compose_on_someone_elses_contact_shows_an_error(db, outbox):
    _token, ada = _signed_in("ada@example.com", "Ada")
    bob_token, _bob = _signed_in("bob@example.com", "Bob")
    state = _state(ComposeState, bob_token, "/contacts/view", f"id={_contact(ada)}")
    run(state.open_compose("email"))
    assert not state.composing and state.errors


def test_templates_page_creates_edits_and_refuses_duplicates(db):
    token, _ada = _signed_in("ada@example.com", "Ada")
    state = _state(TemplatesState, token, "/templates")
    run(state.load())
    assert [r["name"] for r in state.rows] == ["Follow-up", "Introduction", "Nice to meet you"]
    run(state.start(""))
    state.set_name("Thanks")
    run(state.edit_subject("Thanks, {{ contact.first_name }}"))
    assert state.sample_subject == "Thanks, Ada"
    run(state.edit_body("{{ oops"))
    assert state.sample_error.startswith("Template error")
    run(state.save())
    assert state.editing and "body" in state.errors
    run(state.edit_body("Thank you for your time."))
    run(state.save())
    assert not state.editing and "Thanks" in [r["name"] for r in state.rows]
    run(state.start(state.rows[0]["id"]))
    state.set_name("Thanks")
    run(state.save())
    assert state.errors == {"name": "You already have a template with this name."}
    state.ask_delete(state.rows[0]["id"])
    run(state.delete())
    assert len(state.rows) == 3


def test_messages_open_send_and_live_view_marks_only_the_open_thread_read(db, outbox):
    ada_token, ada = _signed_in("ada@example.com", "Ada")
    bob_token, bob = _signed_in("bob@example.com", "Bob")
    _contact(ada, full_name="Bob", emails=[{"label": "", "value": "bob@example.com"}])
    with session_scope() as s:
        conv = messaging.start_with_user(session=s, user=s.merge(bob), other_user_id=ada.id)
        messaging.send(session=s, user=s.merge(bob), conversation_id=conv.id, body="Hello Ada")
    assert live_view(ada_token, "")["unread"] == 1  # not open: stays unread
    state = _state(MessagesState, ada_token, "/messages", f"c={conv.id}")
    run(state.load())
    assert state.active_name == "Bob" and [m["body"] for m in state.thread] == ["Hello Ada"]
    assert state.unread_total == 0 and state.conversations[0]["unread"] == ""
    run(state.send({"body": "Hi Bob!"}))
    assert [m["mine"] for m in state.thread] == ["", "1"]
    bob_view = live_view(bob_token, "")
    assert bob_view["unread"] == 1 and bob_view["conversations"][0]["last"] == "Hi Bob!"
    assert live_view(None, "") is None
    outsider = _state(MessagesState, _signed_in("eve@example.com", "Eve")[0], "/messages", f"c={conv.id}")
    run(outsider.load())
    assert outsider.active_id == "" and outsider.thread == [] and outsider.errors
