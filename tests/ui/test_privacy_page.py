"""/privacy says what is counted and what is never kept, with this site's retention setting."""

from __future__ import annotations

import json

from metaic.config import get_settings
from metaic.ui.pages.privacy import privacy_page
from metaic.ui.state.privacy import PrivacyState
from tests.ui.support import run, state


def test_page_names_every_promise():
    rendered = json.dumps(privacy_page().render(), default=str, ensure_ascii=False)
    for words in (
        "No cookies",
        "IP address",
        "user-agent",
        "changes every day",
        "Do Not Track",
        "Global Privacy",
        "time zone",
        "retention-days",
    ):
        assert words in rendered, words


def test_retention_comes_from_the_settings(sqlite_db, monkeypatch):
    monkeypatch.setenv("ANALYTICS_RAW_RETENTION_DAYS", "45")
    get_settings.cache_clear()
    page = state(PrivacyState, None, "/privacy")
    run(page.load())
    assert page.retention_days == 45
