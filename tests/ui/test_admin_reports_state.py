"""/admin/reports: admins see reports grouped by card and act on them; everyone else is refused."""

from __future__ import annotations

import json

from metaic.auth.models import User
from metaic.cards.public import get_public
from metaic.db import session_scope
from metaic.moderation import flows
from metaic.ui.pages.admin_analytics import admin_analytics
from metaic.ui.pages.admin_jobs import admin_jobs
from metaic.ui.pages.admin_reports import admin_reports
from metaic.ui.pages.admin_search import admin_search
from metaic.ui.state.admin_reports import AdminReportsState
from tests.moderation.helpers import published, report
from tests.ui.support import run, signed_in, state


def _admin() -> str:
    """A signed-in administrator; returns the session token."""
    token, user = signed_in("root@example.com", "Root")
    with session_scope() as s:
        row = s.get(User, user.id)
        row.role = "admin"
        s.add(row)
    return token


def _online(slug: str) -> bool:
    """Whether the public page shows the card."""
    with session_scope() as s:
        return get_public(session=s, slug=slug) is not None


def test_the_console_pages_show_the_tab_row_with_reports():
    rendered = json.dumps(admin_reports().render(), default=str)
    for name in ("admin-nav", "reports-view", "reports-summary", "reports-empty", "blocked-terms", "dialog-confirm"):
        assert name in rendered, name
    for build in (admin_jobs, admin_analytics, admin_search):
        page = json.dumps(build().render(), default=str)
        assert "admin-nav" in page and "/admin/reports" in page, build.__name__


def test_non_admins_are_refused(db):
    token, _ada = signed_in("ada@example.com", "Ada")
    page = state(AdminReportsState, token, "/admin/reports")
    run(page.load())
    assert page.denied and page.cases == []


def test_an_admin_takes_a_reported_card_down_then_grants_the_appeal(db):
    token = _admin()
    _t, ada = signed_in("ada@example.com", "Ada")
    card_id, slug = published(ada)
    report(card_id, ada, slug)
    report(card_id, ada, slug, reason="impersonation", ip="203.0.113.9")
    page = state(AdminReportsState, token, "/admin/reports")
    run(page.load())
    [case] = page.cases
    assert (case["slug"], case["open"], case["owner"], case["state"]) == (slug, "2", "ada@example.com", "online")
    assert case["reasons"] == "Pretends to be someone else, Spam or scam"
    assert page.counts == {"reports": 2, "cards": 1, "appeals": 0}
    page.ask("take_down", case["card_id"], "", case["name"])
    assert page.dialog_info[0] == "Take this card down" and not page.can_confirm
    page.set_text("Sells counterfeit goods.")
    assert page.can_confirm
    said = json.dumps(run(page.confirm()), default=str)
    assert "Card taken down" in said and not _online(slug) and page.cases == []
    run(page.set_view("resolved"))
    [handled] = page.cases
    assert handled["state"] == "offline" and handled["takedown_reason"] == "Sells counterfeit goods."
    with session_scope() as s:
        flows.appeal(session=s, owner=s.get(User, ada.id), takedown_id=handled["takedown_id"], text="They are real.")
        s.commit()
    run(page.set_view("open"))
    [appealed] = page.cases
    assert appealed["appeal"] == "pending" and page.counts["appeals"] == 1
    page.ask("grant", appealed["card_id"], appealed["takedown_id"], appealed["name"])
    run(page.confirm())
    assert _online(slug) and page.cases == []


def test_dismissing_and_the_blocked_words_list(db):
    token = _admin()
    _t, ada = signed_in("ada@example.com", "Ada")
    card_id, slug = published(ada)
    report(card_id, ada, slug)
    page = state(AdminReportsState, token, "/admin/reports")
    run(page.load())
    run(page.dismiss(page.cases[0]["card_id"]))
    assert page.cases == [] and _online(slug)
    page.set_term_kind("slug")
    run(page.add_term({"term": "Billing"}))
    assert page.terms == [{"id": page.terms[0]["id"], "kind": "slug", "term": "billing"}]
    refused = json.dumps(run(page.add_term({"term": "billing"})), default=str)
    assert "on the list already" in refused
    run(page.remove_term(page.terms[0]["id"]))
    assert page.terms == []
