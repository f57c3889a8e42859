"""Issue 11 #11: page parameters past what the databases hold are a 422 problem, never a 500."""

from __future__ import annotations

import uuid

import pytest

from metaic.api.app import build_api
from metaic.api.paging import MAX_OFFSET
from metaic.contacts import search
from metaic.core.errors import ValidationError
from tests.api.test_contacts_api import bearer
from tests.contacts.helpers import make_user
from tests.support.http import problem

HUGE = "9223372036854775808"  # 2^63: one past a signed 64-bit integer


def _paged_routes() -> list[tuple[str, str]]:
    """Every documented GET under /api/v1 with an `offset` or `limit` query parameter, and that parameter."""
    found = []
    for path, operations in build_api().openapi()["paths"].items():
        params = operations.get("get", {}).get("parameters", [])
        for param in params:
            if path.startswith("/api/v1/") and param["in"] == "query" and param["name"] in ("offset", "limit"):
                found.append((path, param["name"]))
    return found


PAGED = _paged_routes()


def _url(path: str) -> str:
    """A path with its `{ids}` filled in by random UUIDs (the query is checked before the id is looked up)."""
    while "{" in path:
        start, end = path.index("{"), path.index("}")
        path = path[:start] + str(uuid.uuid4()) + path[end + 1 :]
    return path


def test_the_paged_routes_include_the_lists_with_offsets():
    assert ("/api/v1/contacts", "offset") in PAGED
    assert ("/api/v1/notifications", "offset") in PAGED
    assert ("/api/v1/contacts", "limit") in PAGED


@pytest.mark.parametrize(("path", "name"), PAGED)
@pytest.mark.parametrize("value", [HUGE, "-" + HUGE, "-1"])
def test_out_of_range_page_parameters_are_422_problems(client, path, name, value):
    headers = bearer("ada@example.com")
    body = problem(client.get(_url(path), params={name: value}, headers=headers), 422)
    assert name in body["errors"] or f"query.{name}" in body["errors"]


@pytest.mark.parametrize("path", ["/api/v1/contacts", "/api/v1/notifications"])
def test_the_largest_offset_allowed_is_an_empty_page(client, path):
    headers = bearer("ada@example.com")
    response = client.get(path, params={"offset": MAX_OFFSET}, headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["items"] == []


def test_the_contact_service_refuses_a_huge_offset_from_any_edge(session):
    """The contacts page takes its page number from the address: the service itself refuses past MAX_OFFSET."""
    owner = make_user(session)
    assert search.list_(session=session, owner=owner, offset=MAX_OFFSET).items == []
    with pytest.raises(ValidationError) as info:
        search.list_(session=session, owner=owner, offset=int(HUGE) * 50)
    assert info.value.field == "offset"
