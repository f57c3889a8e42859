"""docs/api.md and the README name only addresses the app really serves."""

from __future__ import annotations

import re

from tests.deploy.chart import ROOT
from tests.deploy.routes import all_paths

DOCS = ("docs/api.md", "docs/architecture.md", "README.md", "CONTRIBUTING.md")
_ADDRESS = re.compile(r"(?<![a-z0-9.])/(?:api/v1|auth|c)/[A-Za-z0-9_./{}$-]*[A-Za-z0-9_}]")


def _pattern(template: str) -> re.Pattern:
    """A route template as a regular expression (`{x}` or `{x:path}` match a segment or more)."""
    parts = re.split(r"\{[^}]+\}", template)
    return re.compile("^" + "[^/]+(?:/[^/]+)*?".join(re.escape(part) for part in parts) + "$")


def test_every_documented_address_is_a_route():
    """Each /api/v1, /auth and /c address in the docs matches a route (variables in any spelling)."""
    routes = [_pattern(path) for path in all_paths() | {"/api/v1/openapi.json", "/api/v1/docs"}]
    documented = set()
    for name in DOCS:
        for address in _ADDRESS.findall((ROOT / name).read_text()):
            concrete = re.sub(r"\{[^}]*\}|\$[A-Z_]+", "x", address)
            documented.add(address)
            assert any(route.match(concrete) for route in routes), f"{name} names {address}, which no route serves"
    assert "/api/v1/postman.json" in documented and "/api/v1/contacts/export" in documented


def test_a_made_up_address_would_be_caught():
    """The matcher is strict: a path no route serves matches nothing."""
    routes = [_pattern(path) for path in all_paths()]
    assert not any(route.match("/api/v1/gadgets/x/publish") for route in routes)
    assert any(route.match("/api/v1/contacts/x/reminders") for route in routes)
