"""`/api/v1/cards`: every route, owners kept apart, API-key scopes, the builder's rules, ETags (both databases)."""

from __future__ import annotations

import pytest

from metaic.auth import api_keys
from metaic.auth import service as user_service
from metaic.contacts import enrichment
from metaic.contacts import service as contact_service
from metaic.db import session_scope
from metaic.jobs.queue import drain_local
from tests.api.test_contacts_api import bearer
from tests.support.http import problem

BASE = "/api/v1/cards"


def make(client, headers: dict, name: str = "Ada Lovelace", **extra) -> dict:
    """Create a card over HTTP and return it."""
    answer = client.post(BASE, json={"name": name, **extra}, headers=headers)
    assert answer.status_code == 201, answer.text
    assert answer.headers["location"] == f"{BASE}/{answer.json()['id']}" and answer.headers["etag"]
    return answer.json()


def key_for(email: str, scopes: list[str]) -> dict:
    """An Authorization header with a personal API key of a new account."""
    with session_scope() as s:
        user = user_service.create(session=s, email=email, password="Correct-Horse-42", verified=True)
        _row, key = api_keys.create(session=s, owner=user, name="script", scopes=scopes)
    return {"Authorization": f"Bearer {key}"}


def test_create_read_list_delete(client):
    """201 + Location, a draft with the account email, listed with status and paging, deleted to 404."""
    ada = bearer("ada@example.com")
    card = make(client, ada)
    assert card["status"] == "draft" and card["slug"] and card["content"]["name"] == "Ada Lovelace"
    assert card["content"]["contacts"][0]["value"] == "ada@example.com" and card["created_at"].endswith("Z")
    make(client, ada, name="Ada at work", content={"headline": "Engineer", "interests": ["chess"]})
    page = client.get(BASE, params={"limit": 1}, headers=ada).json()
    assert page["total"] == 2 and page["limit"] == 1 and len(page["items"]) == 1
    assert page["items"][0]["name"] == "Ada at work" and page["items"][0]["headline"] == "Engineer"
    assert client.get(BASE, params={"offset": 1}, headers=ada).json()["items"][0]["name"] == "Ada Lovelace"
    assert client.get(BASE, params={"status": "published"}, headers=ada).json()["total"] == 0
    assert client.delete(f"{BASE}/{card['id']}", headers=ada).status_code == 204
    problem(client.get(f"{BASE}/{card['id']}", headers=ada), 404)
    problem(client.get(BASE, params={"limit": 0}, headers=ada), 422)


def test_whole_and_partial_updates_use_the_builders_rules(client):
    """PUT replaces the draft, PATCH the fields given (and address, visibility); invalid input is a 422 per field."""
    ada = bearer("ada@example.com")
    card = make(client, ada)
    url = f"{BASE}/{card['id']}"
    whole = {**card["content"], "headline": "Analyst", "socials": [{"kind": "github", "url": "github.com/ada"}]}
    put = client.put(url, json=whole, headers=ada)
    assert put.status_code == 200, put.text
    assert put.json()["content"]["socials"][0]["url"] == "https://github.com/ada"  # normalised as the builder does
    patch = client.patch(url, json={"bio": "First programmer.", "slug": "ada-l", "visibility": "unlisted"}, headers=ada)
    body = patch.json()
    assert body["content"]["bio"] == "First programmer." and body["content"]["headline"] == "Analyst"
    assert body["slug"] == "ada-l" and body["visibility"] == "unlisted"
    refused = problem(client.patch(url, json={"interests": ["x" * 41]}, headers=ada), 422)
    assert "interests.0" in refused["errors"]
    problem(client.patch(url, json={"visibility": "everyone"}, headers=ada), 422)
    other = make(client, ada, name="Second")
    problem(client.patch(f"{BASE}/{other['id']}", json={"slug": "ada-l"}, headers=ada), 409)


@pytest.mark.parametrize(
    ("section", "body", "check"),
    [
        ("profile", {"name": "Ada L.", "headline": "Analyst"}, lambda c: c["headline"] == "Analyst"),
        (
            "business",
            {"name": "Engines Ltd", "industry": "Computing"},
            lambda c: c["business"]["name"] == "Engines Ltd",
        ),
        (
            "theme",
            {"template": "classic", "color": "#0f766e", "font": "inter"},
            lambda c: c["theme"]["color"] == "#0f766e",
        ),
        ("services", {"items": [{"title": "Advice"}]}, lambda c: c["services"][0]["title"] == "Advice"),
        (
            "contacts",
            {"items": [{"kind": "phone", "value": "+44 20 7946 0958"}]},
            lambda c: c["contacts"][0]["kind"] == "phone",
        ),
        (
            "socials",
            {"items": [{"kind": "linkedin", "url": "https://linkedin.com/in/ada"}]},
            lambda c: len(c["socials"]) == 1,
        ),
        (
            "works",
            {"items": [{"title": "Note G", "link": "https://example.com/g"}]},
            lambda c: c["works"][0]["title"] == "Note G",
        ),
        ("interests", {"items": ["chess", "poetry"]}, lambda c: c["interests"] == ["chess", "poetry"]),
        (
            "networking",
            {"offer": "Analysis", "open_to": ["mentoring"]},
            lambda c: c["networking"]["open_to"] == ["mentoring"],
        ),
    ],
)
def test_each_section_is_replaced_alone(client, section, body, check):
    """PUT /cards/{id}/<section> changes that section and keeps the others."""
    ada = bearer(f"ada-{section}@example.com")
    card = make(client, ada, content={"bio": "Kept.", "interests": ["maths"]})
    answer = client.put(f"{BASE}/{card['id']}/{section}", json=body, headers=ada)
    assert answer.status_code == 200, answer.text
    content = answer.json()["content"]
    assert check(content) and (section == "profile" or content["bio"] == "Kept.")
    assert section == "interests" or content["interests"] == ["maths"]


def test_section_limits_are_the_documents(client):
    """A list over the card's limit is refused before anything is saved."""
    ada = bearer("ada@example.com")
    card = make(client, ada)
    refused = problem(client.put(f"{BASE}/{card['id']}/interests", json={"items": ["x"] * 31}, headers=ada), 422)
    assert "items" in refused["errors"]


def test_publish_unpublish_versions_and_restore(client):
    """Publishing makes version 1 live, a change and publish make 2; restoring 1 puts it back in the draft."""
    ada = bearer("ada@example.com")
    card = make(client, ada, content={"headline": "First"})
    url = f"{BASE}/{card['id']}"
    first = client.post(f"{url}/publish", headers=ada)
    assert first.status_code == 200, first.text
    assert first.json()["number"] == 1 and first.json()["is_live"]
    assert client.get(f"/c/{card['slug']}").status_code == 200
    client.patch(url, json={"headline": "Second"}, headers=ada)
    assert client.get(url, headers=ada).json()["status"] == "changed"
    assert client.post(f"{url}/publish", headers=ada).json()["number"] == 2
    versions = client.get(f"{url}/versions", headers=ada).json()
    assert versions["total"] == 2 and [v["number"] for v in versions["items"]] == [2, 1]
    restored = client.post(f"{url}/versions/1/restore", headers=ada).json()
    assert restored["content"]["headline"] == "First" and restored["status"] == "changed"
    problem(client.post(f"{url}/versions/9/restore", headers=ada), 404)
    off = client.post(f"{url}/unpublish", headers=ada).json()
    assert off["status"] == "draft" and client.get(f"/c/{card['slug']}").status_code == 404


def test_a_republish_over_the_api_refreshes_contacts_saved_from_the_card(client):
    """The API publishes through the cards flow: people who saved the card get the new details."""
    ada = bearer("ada@example.com")
    card = make(client, ada, content={"headline": "Engineer"})
    url = f"{BASE}/{card['id']}"
    assert client.post(f"{url}/publish", headers=ada).status_code == 200
    with session_scope() as s:
        vera = user_service.create(session=s, email="vera@example.com", password="Correct-Horse-42", verified=True)
        saved = enrichment.save_from_card(session=s, saver=vera, slug=card["slug"]).id
    client.patch(url, json={"headline": "Chief Engineer"}, headers=ada)
    assert client.post(f"{url}/publish", headers=ada).json()["number"] == 2
    drain_local()  # the refresh job the flow queued after its commit
    with session_scope() as s:
        vera = user_service.get_by_email(session=s, email="vera@example.com")
        assert contact_service.get(session=s, owner=vera, contact_id=saved).title == "Chief Engineer"


def test_publishing_an_incomplete_draft_names_the_fields(client):
    """The publish rules are the builder's: a work without a title cannot go live."""
    ada = bearer("ada@example.com")
    card = make(client, ada, content={"works": [{"description": "No title yet"}]})
    refused = problem(client.post(f"{BASE}/{card['id']}/publish", headers=ada), 422)
    assert any(key.startswith("works.0") for key in refused["errors"])


def test_one_owner_cannot_reach_anothers_card(client):
    """Every route answers 404 for a card of someone else, and changes nothing."""
    ada, eve = bearer("ada@example.com"), bearer("eve@example.com")
    card = make(client, ada)
    url = f"{BASE}/{card['id']}"
    for method, path, body in [
        ("GET", url, None),
        ("PUT", url, card["content"]),
        ("PATCH", url, {"headline": "Hacked"}),
        ("PUT", f"{url}/profile", {"name": "Eve"}),
        ("POST", f"{url}/publish", None),
        ("POST", f"{url}/unpublish", None),
        ("GET", f"{url}/versions", None),
        ("POST", f"{url}/versions/1/restore", None),
        ("DELETE", url, None),
    ]:
        problem(client.request(method, path, json=body, headers=eve), 404)
    assert client.get(BASE, headers=eve).json()["total"] == 0
    assert client.get(url, headers=ada).json()["content"]["headline"] == ""
    problem(client.get(BASE), 401)


def test_api_key_scopes(client):
    """cards:read lists and reads but cannot write; cards:write can; a contacts key cannot touch cards."""
    reader = key_for("ada@example.com", ["cards:read"])
    assert client.get(BASE, headers=reader).status_code == 200
    problem(client.post(BASE, json={"name": "Ada"}, headers=reader), 403)
    writer = key_for("bob@example.com", ["cards:write"])
    card = make(client, writer, name="Bob")
    assert client.post(f"{BASE}/{card['id']}/publish", headers=writer).status_code == 200
    assert client.get(f"{BASE}/{card['id']}", headers=writer).status_code == 200
    contacts_only = key_for("cy@example.com", ["contacts:write"])
    problem(client.get(BASE, headers=contacts_only), 403)


def test_etags_give_304_and_412(client):
    """GET carries a strong ETag; If-None-Match answers 304 until a change; a stale If-Match is refused."""
    ada = bearer("ada@example.com")
    card = make(client, ada)
    url = f"{BASE}/{card['id']}"
    first = client.get(url, headers=ada)
    tag = first.headers["etag"]
    assert tag.startswith('"') and not tag.startswith("W/")
    unchanged = client.get(url, headers={**ada, "If-None-Match": tag})
    assert unchanged.status_code == 304 and unchanged.headers["etag"] == tag and not unchanged.content
    changed = client.patch(url, json={"headline": "New"}, headers={**ada, "If-Match": tag})
    assert changed.status_code == 200 and changed.headers["etag"] != tag
    stale = problem(client.patch(url, json={"headline": "Lost"}, headers={**ada, "If-Match": tag}), 412)
    assert stale["type"].endswith("/precondition_failed")
    problem(client.put(f"{url}/bio-less", json={}, headers=ada), 404)  # no such section
    problem(client.put(f"{url}/profile", json={"name": "X"}, headers={**ada, "If-Match": tag}), 412)
    assert client.get(url, headers={**ada, "If-None-Match": tag}).status_code == 200
    assert client.get(url, headers=ada).json()["content"]["headline"] == "New"
    current = changed.headers["etag"]
    assert client.put(f"{url}/profile", json={"name": "Ada"}, headers={**ada, "If-Match": current}).status_code == 200
