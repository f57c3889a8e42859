"""An unknown address shows MetaIC's own page with the way back, not Reflex's bare "404: Page not found"."""

from __future__ import annotations

import json

from metaic.ui.pages.not_found import not_found


def test_the_page_explains_and_links_home_dashboard_and_directory():
    rendered = json.dumps(not_found().render(), default=str)
    assert "We could not find that page" in rendered
    for label in ("Go to your dashboard", "Go to the home page", "Browse the directory"):
        assert label in rendered
    assert r"to:\"/directory\"" in rendered  # only this page links the directory as a button


def test_the_app_registers_it_for_unknown_addresses():
    from metaic.metaic import app

    assert "404" in app._unevaluated_pages
