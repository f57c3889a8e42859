"""The rules for when and what a message sends live in the domain, so the compose dialog and the API agree."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from metaic.api.app import build_api
from metaic.communication import service, templates
from metaic.communication.models import ScheduledMessage
from metaic.core import clock
from metaic.core.errors import ValidationError
from metaic.db import session_scope
from metaic.jobs.local import reset_local
from metaic.ui.state.compose import ComposeState
from tests.api.test_contacts_api import bearer
from tests.communication.test_service import _contact
from tests.contacts.helpers import make_user
from tests.support.http import problem
from tests.ui.support import contact as ui_contact
from tests.ui.support import run, signed_in, state


def _send(session, owner, contact, send_at):
    """Queue an email to the contact at `send_at`."""
    return service.send(
        session=session,
        owner=owner,
        contact_id=contact.id,
        channel="email",
        subject="Hi",
        body="Hello",
        send_at=send_at,
    )


def test_a_time_clearly_in_the_past_is_refused_a_moment_ago_goes_now(session, outbox):
    owner = make_user(session)
    contact = _contact(session, owner)
    with pytest.raises(ValidationError) as refused:
        _send(session, owner, contact, clock.now() - timedelta(days=1))
    assert refused.value.errors == {"send_at": "Choose a time in the future."}
    moment_ago = clock.now() - timedelta(minutes=1)  # a minute picker and a slow click
    message = _send(session, owner, contact, moment_ago)
    assert clock.as_utc(message.send_at) > moment_ago  # moved up to now
    with pytest.raises(ValidationError, match="a year ahead"):
        _send(session, owner, contact, clock.now() + timedelta(days=400))


def test_a_local_send_time_must_be_readable():
    with pytest.raises(ValidationError) as unreadable:
        service.local_send_time("", "Asia/Shanghai")
    assert unreadable.value.errors == {"send_at": "Choose a date and time."}
    assert service.local_send_time("2030-05-01T09:00", "Asia/Shanghai").isoformat() == "2030-05-01T01:00:00+00:00"


def test_whatsapp_has_no_subject_in_templates_and_previews(session):
    owner = make_user(session)
    contact = _contact(session, owner)
    saved = templates.create(
        session=session,
        owner=owner,
        name="Ping",
        channel="whatsapp",
        subject="Dropped",
        body="Hi {{ contact.first_name }}",
    )
    assert saved.subject == ""
    assert templates.preview(
        session=session, owner=owner, contact_id=contact.id, subject="Typed", body="Hi", channel="whatsapp"
    ) == ("", "Hi")
    assert templates.sample_preview(subject="Typed", body="Hi", sender=owner, channel="whatsapp")[0] == ""
    assert templates.sample_preview(subject="Typed", body="Hi", sender=owner)[0] == "Typed"


def test_the_api_and_the_compose_dialog_refuse_the_same_past_time(db, outbox):
    client = TestClient(build_api(), raise_server_exceptions=False)
    ada = bearer("ada@example.com")
    grace = client.post(
        "/api/v1/contacts",
        json={"full_name": "Grace", "emails": [{"label": "", "value": "g@navy.example"}]},
        headers=ada,
    ).json()
    yesterday = (clock.now() - timedelta(days=1)).isoformat()
    body = {"channel": "email", "body": "Hello", "send_at": yesterday}
    refused = problem(client.post(f"/api/v1/contacts/{grace['id']}/messages", json=body, headers=ada), 422)
    assert refused["errors"] == {"send_at": "Choose a time in the future."}

    token, user = signed_in("bo@example.com", "Bo", timezone="Europe/Paris")
    compose = state(ComposeState, token, "/contacts/view", f"id={ui_contact(user)}")
    run(compose.open_compose("email"))
    compose.set_when("later")
    local_yesterday = clock.to_local(clock.now() - timedelta(days=1), "Europe/Paris")
    compose.set_send_at(local_yesterday.strftime("%Y-%m-%dT%H:%M"))
    run(compose.send())
    assert compose.errors == refused["errors"] and compose.composing
    compose.set_send_at("")
    run(compose.send())
    assert compose.errors == {"send_at": "Choose a date and time."}
    with session_scope() as s:
        assert s.exec(select(ScheduledMessage)).all() == []
    reset_local()
