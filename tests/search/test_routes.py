"""The HTTP edges: /api/v1/search, autocomplete, /api/v1/directory, clicks, and the /directory page."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from metaic.api.app import build_api
from metaic.auth import api_tokens
from metaic.contacts import service as contact_service
from metaic.db import session_scope
from tests.search.helpers import listed_card


@pytest.fixture
def http(users) -> TestClient:
    """The app's HTTP edge (the index fixture has pointed the data folder at this test's own)."""
    return TestClient(build_api(), raise_server_exceptions=False)


def bearer(user) -> dict:
    """An Authorization header for `user`."""
    with session_scope() as s:
        return {"Authorization": f"Bearer {api_tokens.issue(session=s, user=user).access_token}"}


def test_search_and_autocomplete_are_per_user(http, users, wait):
    """The API answers the caller's own data only; anonymous callers get a 401 problem."""
    a, b = users
    with session_scope() as s:
        contact_service.create(session=s, owner=a, data={"full_name": "Orla Okafor", "company": "Oak Ltd"})
    wait()
    found = http.get("/api/v1/search", params={"q": "orla"}, headers=bearer(a)).json()
    assert found["groups"][0]["hits"][0]["title"] == "Orla Okafor" and found["groups"][0]["kind"] == "contact"
    assert http.get("/api/v1/search", params={"q": "orla"}, headers=bearer(b)).json()["groups"] == []
    assert http.get("/api/v1/search", params={"q": "orla"}).status_code == 401
    suggest = http.get("/api/v1/search/autocomplete", params={"field": "company", "prefix": "oa"}, headers=bearer(a))
    assert suggest.json() == {"suggestions": ["Oak Ltd"]}
    bad = http.get("/api/v1/search/autocomplete", params={"field": "email", "prefix": "o"}, headers=bearer(a))
    assert bad.status_code == 422 and bad.headers["content-type"].startswith("application/problem+json")
    # A click on a known search counts; the endpoint never says whether the id existed.
    click = {"query_id": found["query_id"], "position": 1, "kind": "contact"}
    assert http.post("/api/v1/search/clicks", json=click).status_code == 204
    assert http.post("/api/v1/search/clicks", json={**click, "position": 0}).status_code == 422


def test_directory_api_anonymous_and_signed_in(http, users, wait):
    """Anonymous callers see public listings; signed-in ones members listings too; facets come along."""
    a, b = users
    listed_card(a, "Open Olga", industry="Design")
    listed_card(a, "Member Mia", listing="members", industry="Design")
    wait()
    anonymous = http.get("/api/v1/directory").json()
    assert [i["name"] for i in anonymous["items"]] == ["Open Olga"] and anonymous["total"] == 1
    assert anonymous["facets"]["industry"] == [{"value": "Design", "label": "Design", "count": 1}]
    signed_in = http.get("/api/v1/directory", headers=bearer(b)).json()
    assert {i["name"] for i in signed_in["items"]} == {"Open Olga", "Member Mia"}
    assert http.get("/api/v1/directory", params={"open_to": "everything"}).status_code == 422


def test_directory_page_is_html_paged_and_public_only(http, users, wait):
    """/directory renders on the server, pages with links, highlights matches and hides members listings."""
    a, _ = users
    for n in range(23):
        listed_card(a, f"Person {n:02d} Pagewalker")
    listed_card(a, "Secret Member", listing="members")
    wait()
    first = http.get("/directory")
    assert first.status_code == 200 and first.headers["content-type"].startswith("text/html")
    assert "Secret Member" not in first.text and first.text.count('class="person"') == 20
    assert 'href="/directory?page=2"' in first.text and "23 people" in first.text
    second = http.get("/directory", params={"page": 2})
    assert second.text.count('class="person"') == 3 and 'rel="prev"' in second.text
    hit = http.get("/directory", params={"q": "person 07"})
    assert "<mark>Person</mark> <mark>07</mark>" in hit.text and hit.headers["x-robots-tag"] == "noindex"
    assert re.search(r'href="/c/[^"]+"', hit.text)
    empty = http.get("/directory", params={"q": "zzzz-nobody"})
    assert "Nobody matches" in empty.text
    assert http.get("/directory", params={"open_to": "nonsense"}).status_code == 400
