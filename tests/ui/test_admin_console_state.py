"""/admin, /admin/users, a user's page and /admin/audit: admins see and act, everyone else is refused."""

from __future__ import annotations

import json

from metaic.auth import sessions
from metaic.auth.models import User
from metaic.db import session_scope
from metaic.ui.pages.admin import admin_overview
from metaic.ui.pages.admin_audit import admin_audit
from metaic.ui.pages.admin_user import admin_user
from metaic.ui.pages.admin_users import admin_users
from metaic.ui.state.admin import AdminOverviewState, fmt_bytes
from metaic.ui.state.admin_audit import AdminAuditState, changes
from metaic.ui.state.admin_user import AdminUserState
from metaic.ui.state.admin_users import AdminUsersState
from tests.contacts.helpers import publish_card
from tests.ui.support import run, signed_in, state


def _admin(email: str = "root@example.com") -> str:
    """A signed-in administrator; returns the session token."""
    token, user = signed_in(email, "Root")
    with session_scope() as s:
        row = s.get(User, user.id)
        row.role = "admin"
        s.add(row)
    return token


def test_pages_build_with_their_parts():
    for build, names in (
        (admin_overview, ("admin-nav", "health", "tile-signups", "chart-growth", "deliveries", "figure-storage")),
        (admin_users, ("user-search", "filter-role", "filter-mfa", "users-table", "bulk-confirm", "users-empty")),
        (admin_user, ("user-status", "action-suspend", "action-confirm", "user-cards", "user-history")),
        (admin_audit, ("audit-search", "audit-action", "audit-period", "audit-export", "audit-empty")),
    ):
        rendered = json.dumps(build().render(), default=str)
        for name in names:
            assert name in rendered, (build.__name__, name)


def test_overview_shows_figures_and_health(db):
    token = _admin()
    _t, ada = signed_in("ada@example.com", "Ada")
    with session_scope() as s:
        publish_card(s, s.merge(ada))
    page = state(AdminOverviewState, token, "/admin")
    run(page.load())
    assert not page.denied and page.failed == "" and not page.loading
    assert page.tiles["signups"]["value"] == "2" and page.figures["accounts"] == "2"
    names = {h["name"]: h for h in page.health}
    assert names["Database"]["status"] == "ok" and names["Migrations"]["status"] == "ok"
    assert {"Search index", "Outbox and providers"} <= set(names)
    assert all(h["fix"] for h in page.health if h["status"] != "ok")
    assert fmt_bytes(0) == "0 B" and fmt_bytes(1536) == "1.5 KB" and fmt_bytes(5 * 1024**3) == "5.0 GB"


def test_non_admins_are_refused_on_every_page(db):
    token, ada = signed_in("ada@example.com", "Ada")
    for cls, path in (
        (AdminOverviewState, "/admin"),
        (AdminUsersState, "/admin/users"),
        (AdminAuditState, "/admin/audit"),
    ):
        page = state(cls, token, path)
        run(page.load())
        assert page.denied, path
    page = state(AdminUserState, token, "/admin/users/view", f"id={ada.id}")
    run(page.load())
    assert page.denied and page.user == {}


def test_users_search_filters_and_bulk_suspend_with_confirmation(db):
    token = _admin()
    ada_token, ada = signed_in("ada@example.com", "Ada")
    signed_in("bob@example.com", "Bob")
    page = state(AdminUsersState, token, "/admin/users")
    run(page.load())
    assert page.total == 3 and page.page_label == "1–3 of 3"
    run(page.search({"q": "ada"}))
    assert [r["email"] for r in page.rows] == ["ada@example.com"] and page.filtered
    page.toggle(str(ada.id), True)
    page.ask("suspend")
    assert page.pending_label == "Suspend" and "offline" in page.pending_warning
    page.set_reason("spam")
    events = json.dumps(run(page.confirm()), default=str)
    assert "done for 1 account" in events and page.selected == [] and page.pending == ""
    assert page.rows[0]["status"] == "suspended"
    with session_scope() as s:
        assert sessions.resolve(session=s, token=ada_token) is None
    run(page.search({"q": ""}))
    run(page.set_filter("status", "active"))
    assert page.total == 2 and page.status == "active"
    run(page.set_filter("status", "all"))
    assert page.total == 3 and page.status == ""
    run(page.set_filter("mfa", "no"))
    run(page.clear())
    assert page.total == 3 and not page.filtered


def test_a_users_page_acts_and_refuses_demoting_the_last_admin(db):
    token = _admin()
    with session_scope() as s:
        root = s.exec(User.__table__.select().where(User.email == "root@example.com")).first()
    _t, ada = signed_in("ada@example.com", "Ada")
    page = state(AdminUserState, token, "/admin/users/view", f"id={ada.id}")
    run(page.load())
    assert page.user["email"] == "ada@example.com" and page.user["status"] == "active"
    page.ask("suspend")
    page.set_text("fake card")
    run(page.confirm())
    assert page.user["status"] == "suspended" and page.events[0]["what"] == "Account suspended by an admin"
    page.ask("reactivate")
    run(page.confirm())
    assert page.user["status"] == "active"
    own = state(AdminUserState, token, "/admin/users/view", f"id={root.id}")
    run(own.load())
    own.ask("make_user")
    refused = json.dumps(run(own.confirm()), default=str)
    assert "At least one admin must remain." in refused and not own.denied and own.user["role"] == "admin"
    missing = state(AdminUserState, token, "/admin/users/view", "id=nope")
    run(missing.load())
    assert missing.user == {} and not missing.denied


def test_audit_page_searches_filters_and_exports(db):
    token = _admin()
    _t, ada = signed_in("ada@example.com", "Ada")
    users_page = state(AdminUserState, token, "/admin/users/view", f"id={ada.id}")
    run(users_page.load())
    users_page.ask("make_admin")
    run(users_page.confirm())
    page = state(AdminAuditState, token, "/admin/audit", f"q={ada.id}")
    run(page.load())
    assert page.period == "all"
    changed = [r for r in page.rows if r["code"] == "admin.role_changed"]
    assert changed and changed[0]["changes"] == 'role: "user" → "admin"' and changed[0]["actor"] == "root@example.com"
    run(page.set_action("admin.user_suspended"))
    assert page.rows == []
    download = json.dumps(run(page.export()), default=str)
    assert "metaic-audit-" in download and "text/csv" in download
    assert changes('{"active": true, "role": "user"}', '{"active": false, "role": "user"}') == "active: true → false"
