"""A contact needs something to know them by (a name, company, email or phone) in the domain, API and UI alike."""

from __future__ import annotations

import asyncio

import pytest
from fastapi.testclient import TestClient

from metaic.api.app import build_api
from metaic.auth import api_tokens
from metaic.auth import service as user_service
from metaic.contacts import service
from metaic.contacts.store import NEEDS_IDENTITY
from metaic.core.errors import ValidationError
from metaic.db import session_scope
from metaic.ui.state.contacts import ContactsState, ContactState
from tests.contacts.helpers import make_user
from tests.support.http import problem
from tests.ui.support import contact, signed_in, state


@pytest.mark.parametrize(
    "data",
    [
        {"title": "CEO", "note": "met at the bar"},
        {"full_name": "\u200b\u200b", "company": " \u00a0"},
        {"first_name": "\u2060", "addresses": [{"value": "1 Main St"}]},
    ],
)
def test_the_domain_refuses_a_contact_with_no_identity(session, data):
    owner = make_user(session)
    with pytest.raises(ValidationError) as caught:
        service.create(session=session, owner=owner, data=data)
    assert caught.value.errors == {"full_name": NEEDS_IDENTITY}


def test_clearing_every_identity_of_a_contact_is_refused(session):
    owner = make_user(session)
    made = service.create(session=session, owner=owner, data={"full_name": "Ada", "company": "Engines"})
    with pytest.raises(ValidationError):
        service.update(session=session, owner=owner, contact_id=made.id, changes={"full_name": "\u200b", "company": ""})


def test_the_api_answers_422_with_the_field(sqlite_db):
    client = TestClient(build_api(), raise_server_exceptions=False)
    with session_scope() as s:
        user = user_service.create(session=s, email="ada@example.com", password="Correct-Horse-42", verified=True)
        headers = {"Authorization": f"Bearer {api_tokens.issue(session=s, user=user).access_token}"}
    response = client.post("/api/v1/contacts", json={"full_name": "\u200b", "title": "CEO"}, headers=headers)
    body = problem(response, 422)
    assert body["errors"] == {"full_name": NEEDS_IDENTITY}


def test_the_add_form_shows_the_message_and_stays_open(db):
    token, _user = signed_in("ada@example.com", "Ada")
    page = state(ContactsState, token, "/contacts")
    asyncio.run(page.load())
    page.set_adding(True)
    asyncio.run(page.add({"full_name": "\u200b", "company": "", "title": "CEO", "email": "", "phone": "", "event": ""}))
    assert page.errors == {"full_name": NEEDS_IDENTITY} and page.adding


def test_the_edit_form_shows_the_message(db):
    token, user = signed_in("ada@example.com", "Ada")
    cid = contact(user)
    page = state(ContactState, token, "/contacts/view", f"id={cid}")
    asyncio.run(page.load())
    asyncio.run(
        page.save_identity({"full_name": "", "company": "", "title": "", "emails": "", "phones": "", "links": ""})
    )
    assert page.errors == {"full_name": NEEDS_IDENTITY} and page.name == "Grace Hopper"
