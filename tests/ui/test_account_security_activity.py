"""/account: the security tab lists the account's own sign-ins and security changes; "download my data"."""

from __future__ import annotations

import json

import pytest

from metaic.auth import flows
from metaic.core.errors import AuthenticationFailed
from metaic.db import session_scope
from metaic.jobs.queue import drain_local
from metaic.ui.components.account_security import security_tab
from metaic.ui.state.account import AccountState
from tests.ui.support import run, signed_in, state


def _attempt(email: str, password: str) -> None:
    """A sign-in attempt as the sign-in page makes it."""
    with session_scope() as s:
        try:
            flows.check_password(session=s, email=email, password=password, ip="198.51.100.20")
        except AuthenticationFailed:
            s.rollback()
            raise
        s.commit()


def test_the_section_is_on_the_security_tab():
    rendered = json.dumps(security_tab().render(), default=str)
    assert "Recent security activity" in rendered and "security-event" in rendered


def test_new_account_has_an_explained_empty_list_then_sees_only_its_own_events(db):
    token, _ = signed_in("ada@example.com", "Ada")
    signed_in("bob@example.com", "Bob")
    page = state(AccountState, token, "/account")
    run(page.load())
    assert page.security_events == []
    with pytest.raises(AuthenticationFailed):
        _attempt("ada@example.com", "not-the-password-1")
    with pytest.raises(AuthenticationFailed):
        _attempt("bob@example.com", "not-the-password-1")
    run(page.load())
    [event] = page.security_events
    assert event["what"] == "Failed sign-in (wrong password)" and event["warn"] == "yes"
    assert len(event["where"]) == 6 and "198" not in event["where"]


def test_download_my_data_is_queued_from_the_account_page_and_mailed(db, outbox):
    token, _ = signed_in("ada@example.com", "Ada")
    page = state(AccountState, token, "/account")
    run(page.load())
    run(page.request_export())
    assert page.exporting is False and "email you a download link" in page.message and not page.errors
    drain_local()
    [mail] = outbox.emails("ada@example.com")
    assert "/api/v1/me/export/download?token=" in outbox.body(mail)


def test_an_api_key_is_made_from_ticked_areas_shown_once_and_revoked(db):
    token, _ = signed_in("ada@example.com", "Ada")
    page = state(AccountState, token, "/account")
    run(page.load())
    run(page.create_api_key({"name": "Nothing ticked"}))
    assert "scopes" in page.errors and page.new_api_key == ""
    run(page.create_api_key({"name": "CRM sync", "area_contacts": "on", "area_cards": "on"}))
    assert page.new_api_key.startswith("mk_") and not page.errors
    [row] = page.api_key_rows
    assert (row["name"], row["scopes"], row["revoked"]) == ("CRM sync", "cards:read, contacts:read", "")
    run(page.revoke_api_key(row["id"]))
    assert page.api_key_rows[0]["revoked"] == "yes" and page.new_api_key == ""


def test_the_api_keys_section_renders_on_the_security_tab():
    rendered = json.dumps(security_tab().render(), default=str)
    assert "create-api-key" in rendered and "area_contacts" in rendered
