"""The signed-in top bar (issue 14): five links and a "More" menu, the current page marked, every page on phones."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import reflex as rx

from metaic.ui.components.layout import app_nav, is_current, user_menu

TOP = ["/dashboard", "/cards", "/analytics", "/contacts", "/messages"]
UNDER_MORE = ["/network", "/assistant", "/templates", "/directory"]


def _walk(component: rx.Component) -> Iterator[rx.Component]:
    """The component and everything inside it."""
    yield component
    for child in getattr(component, "children", None) or []:
        yield from _walk(child)


def _text(component: rx.Component) -> str:
    """The rendered component as one searchable string."""
    return json.dumps(component.render(), default=str)


def _goes_to(component: rx.Component, href: str) -> bool:
    """Whether the component links to `href` (client routing or a full page load)."""
    text = _text(component)
    return f'to:\\"{href}\\"' in text or f'href:\\"{href}\\"' in text


def _menu_rows(component: rx.Component) -> list[rx.Component]:
    """The rows of every dropdown menu inside the component."""
    return [c for c in _walk(component) if type(c).__name__ == "DropdownMenuItem"]


def test_the_bar_shows_five_links_and_puts_the_rest_under_more():
    children = app_nav().children
    links = [c for c in children if type(c).__name__ != "DropdownMenuRoot"]
    [more] = [c for c in children if type(c).__name__ == "DropdownMenuRoot"]

    assert len(links) == 5, "a sixth top link crowds the bar at 1024 px: put it under More"
    assert [next(h for h in TOP if _goes_to(link, h)) for link in links] == TOP
    assert '\\"nav-more\\"' in _text(more)
    rows = _menu_rows(more)
    assert [next(h for h in UNDER_MORE if _goes_to(row, h)) for row in rows] == UNDER_MORE
    # The ids the browser tests click keep their names, wherever the link now sits.
    rendered = _text(app_nav())
    for element_id in ("nav-cards", "nav-analytics", "nav-contacts", "nav-messages", "nav-messages-count"):
        assert f'\\"{element_id}\\"' in rendered
    for element_id in ("nav-network", "nav-assistant", "nav-directory"):
        assert f'\\"{element_id}\\"' in _text(more)


def test_the_link_to_the_page_shown_is_marked_current():
    for link in app_nav().children:
        assert '\\"aria-current\\"' in _text(link) or '\\"data-current\\"' in _text(link)
    # A page under a section (a contact, the card scanner) marks its section.
    [contacts] = [c for c in app_nav().children if _goes_to(c, "/contacts")]
    assert 'startsWith(\\"/contacts/\\")' in _text(contacts)


def test_phones_reach_every_page_from_the_account_menu():
    rows = _menu_rows(user_menu())
    for href in TOP + UNDER_MORE:
        [row] = [r for r in rows if _goes_to(r, href)]
        shown = [str(v) for v in row.style["display"]]
        assert shown[0] != '"none"' and shown[2] == '"none"', f"{href}: on phones only, the bar has it from 768 px"
    assert any(_goes_to(r, "/account") and "display" not in r.style for r in rows)
    assert '\\"sign-out\\"' in _text(user_menu())


def test_menu_rows_are_plain_anchors_that_open():
    # A Radix menu item hands its child an array of children; rx.link's own Slot refuses that and the page crashes
    # ("Slot failed to slot onto its children") as soon as the menu opens.
    for row in _menu_rows(app_nav()) + _menu_rows(user_menu()):
        if str(row.as_child) == "true":
            [child] = row.children
            assert type(child).__name__ in ("ReactRouterLink", "A"), type(child).__name__


def _marked(href: str, path: str) -> bool:
    """Run the compiled "is this the current page" expression of `href` in Node, on `path`."""
    script = (
        "const pyAnd = (a, b) => a && b(); const pyOr = (a, b) => a || b();\n"
        f"const reflex___state____state = {{rx_router_url_rx_state_: {{path: {json.dumps(path)}}}}};\n"
        f"process.stdout.write(String(Boolean({is_current(href)!s})));"
    )
    node = Path(sys.executable).with_name("node")
    out = subprocess.run([str(node), "-e", script], capture_output=True, text=True, timeout=60, check=True)
    return out.stdout == "true"


def test_a_page_is_marked_under_its_own_row_only():
    """/admin/users belongs to the Admin console; /admin/jobs to Background jobs, not to both."""
    wanted = {
        ("/admin", "/admin"): True,
        ("/admin", "/admin/users/42"): True,
        ("/admin", "/admin/jobs"): False,
        ("/admin", "/admin/search"): False,
        ("/admin/jobs", "/admin/jobs"): True,
        ("/contacts", "/contacts/view"): True,
        ("/contacts", "/contactsx"): False,
    }
    assert {case: _marked(*case) for case in wanted} == wanted
