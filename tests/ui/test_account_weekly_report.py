"""The weekly report switch on /account: off for a new account, stored as the notification preference."""

from __future__ import annotations

import json

from metaic.analytics import weekly
from metaic.db import session_scope
from metaic.ui.pages.account import account
from metaic.ui.state.account import AccountState
from tests.ui.support import run, signed_in, state


def _is_on(user) -> bool:
    """What the weekly report module reads for this user."""
    with session_scope() as s:
        return weekly.is_on(session=s, user=s.merge(user))


def test_switch_is_on_the_profile_tab():
    assert "weekly-report-switch" in json.dumps(account().render(), default=str)


def test_off_by_default_then_switched_on_and_off(db):
    token, ada = signed_in("ada@example.com", "Ada")
    page = state(AccountState, token, "/account")
    run(page.load())
    assert page.weekly_report is False and not _is_on(ada)
    run(page.set_weekly_report(True))
    assert page.weekly_report is True and _is_on(ada) and page.message == "Weekly report switched on."
    again = state(AccountState, token, "/account")
    run(again.load())
    assert again.weekly_report is True
    run(again.set_weekly_report(False))
    assert again.weekly_report is False and not _is_on(ada)
