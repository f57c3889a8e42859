"""/admin/analytics: platform numbers for admins only, over a period, with a CSV export."""

from __future__ import annotations

import json

from metaic.auth.models import User
from metaic.db import session_scope
from metaic.ui.pages.admin_analytics import admin_analytics
from metaic.ui.state.admin_analytics import AdminAnalyticsState
from tests.contacts.helpers import publish_card
from tests.ui.support import run, signed_in, state


def _admin(email: str = "root@example.com"):
    """A signed-in administrator; returns the session token."""
    token, user = signed_in(email, "Root")
    with session_scope() as s:
        row = s.get(User, user.id)
        row.role = "admin"
        s.add(row)
    return token


def test_page_builds_with_tiles_and_charts():
    rendered = json.dumps(admin_analytics().render(), default=str)
    for name in (
        "tile-signups",
        "tile-jobs_failed",
        "active-daily",
        "chart-growth",
        "chart-operations",
        "ops-note",
        "admin-export",
    ):
        assert name in rendered, name


def test_admins_see_platform_numbers(db):
    token = _admin()
    _ada_token, ada = signed_in("ada@example.com", "Ada")
    with session_scope() as s:
        publish_card(s, s.merge(ada))
    page = state(AdminAnalyticsState, token, "/admin/analytics", "period=7d")
    run(page.load())
    assert not page.denied and page.failed == "" and page.period == "7d"
    assert page.tiles["signups"]["value"] == "2" and page.tiles["cards_published"]["value"] == "1"
    assert len(page.series) == 7 and sum(row["signups"] for row in page.series) == 2
    assert page.active["daily"] == "2"
    assert page.ops_note.startswith("Jobs failed: notification deliveries") and "30 days" in page.ops_note
    run(page.set_period("custom"))  # the shared period picker: custom waits for its dates
    assert page.custom and page.start != "" and page.end != ""  # the shown range, ready to edit
    run(page.apply_dates({"start": "2026-11-01", "end": "2026-11-30"}))
    assert page.period == "custom" and len(page.series) == 30 and page.range_label != ""
    download = json.dumps(run(page.export()), default=str)
    assert "metaic-platform-custom-" in download and "text/csv" in download


def test_other_users_are_refused(db):
    token, _ada = signed_in("ada@example.com", "Ada")
    page = state(AdminAnalyticsState, token, "/admin/analytics")
    run(page.load())
    assert page.denied and page.tiles == {}
    refused = json.dumps(run(page.export()), default=str)
    assert "Only administrators may do this." in refused and "text/csv" not in refused
