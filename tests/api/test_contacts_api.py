"""The contacts HTTP edge: CRUD, the page, filters, owners kept apart, hostile input as problem details."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient

from metaic.auth import api_tokens, sessions
from metaic.auth import service as user_service
from metaic.db import session_scope
from tests.support.http import PROBLEM, problem

ORIGIN = {"Origin": "http://testserver"}
BASE = "/api/v1/contacts"


def bearer(email: str) -> dict:
    """An Authorization header for a new account."""
    with session_scope() as s:
        user = user_service.create(session=s, email=email, password="Correct-Horse-42", verified=True)
        pair = api_tokens.issue(session=s, user=user)
    return {"Authorization": f"Bearer {pair.access_token}"}


def add(client: TestClient, headers: dict, **fields) -> dict:
    """Create a contact over HTTP and return it."""
    response = client.post(BASE, json=fields, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def test_crud_round_trip(client):
    """Create (201 + Location), read, patch, list, delete (204), then 404."""
    ada = bearer("ada@example.com")
    made = add(
        client,
        ada,
        full_name="Grace Hopper",
        company="US Navy",
        tags=["vip"],
        emails=[{"label": "work", "value": "Grace@Navy.example.com"}],
        phones=[{"label": "mobile", "value": "+1 202 555 0143"}],
    )
    assert made["emails"][0]["value"] == "grace@navy.example.com" and made["phones"][0]["value"] == "+12025550143"
    assert [t["name"] for t in made["tags"]] == ["vip"] and "owner_id" not in made
    url = f"{BASE}/{made['id']}"
    created = client.post(BASE, json={"full_name": "Alan Turing"}, headers=ada)
    assert created.headers["location"] == f"{BASE}/{created.json()['id']}"
    assert client.get(url, headers=ada).json()["company"] == "US Navy"
    patched = client.patch(url, json={"stage": "client", "company": "Navy"}, headers=ada)
    assert patched.status_code == 200, patched.text
    assert patched.json()["stage"] == "client" and patched.json()["full_name"] == "Grace Hopper"
    page = client.get(BASE, params={"sort": "-name"}, headers=ada).json()  # by first name
    assert page["total"] == 2 and [c["full_name"] for c in page["items"]] == ["Grace Hopper", "Alan Turing"]
    assert client.delete(url, headers=ada).status_code == 204
    problem(client.get(url, headers=ada), 404)
    assert client.get(BASE, headers=ada).json()["total"] == 1


def test_filters_and_pages(client):
    """query, stage, source, event, tag_id and reminder_due filter; limit/offset page; total counts all."""
    ada = bearer("ada@example.com")
    grace = add(client, ada, full_name="Grace Hopper", company="Navy", event="PyCon", stage="warm", tags=["vip"])
    add(client, ada, full_name="Alan Turing", company="Bletchley", source="import")
    add(client, ada, full_name="Ada Byron", company="Analytical", event="pycon")
    count = lambda **params: client.get(BASE, params=params, headers=ada).json()["total"]  # noqa: E731
    assert count(query="hopper navy") == 1 and count(query="zzz") == 0
    assert count(stage="warm") == 1 and count(source="import") == 1 and count(event="PyCon") == 2
    assert count(tag_id=grace["tags"][0]["id"]) == 1 and count(reminder_due=True) == 0
    response = client.post(f"{BASE}/{grace['id']}/reminders", json={"due_at": "2000-01-01T00:00:00Z"}, headers=ada)
    assert response.status_code == 201, response.text
    assert count(reminder_due=True) == 1
    page = client.get(BASE, params={"limit": 2, "offset": 1, "sort": "name"}, headers=ada).json()
    assert page["total"] == 3 and (page["limit"], page["offset"]) == (2, 1)
    assert [c["full_name"] for c in page["items"]] == ["Alan Turing", "Grace Hopper"]


def test_cookie_needs_same_origin_and_no_credentials_is_401(client):
    """A browser session works with its Origin; a cross-site write is refused; nobody signed in gets 401."""
    problem(client.get(BASE), 401)
    with session_scope() as s:
        user = user_service.create(session=s, email="ada@example.com", password="Correct-Horse-42", verified=True)
        token = sessions.create(session=s, user=user, remember=False, activated=True)
    client.cookies.set(sessions.COOKIE_NAME, token)
    assert client.post(BASE, json={"full_name": "Grace"}, headers=ORIGIN).status_code == 201
    problem(client.post(BASE, json={"full_name": "Eve"}, headers={"Origin": "https://evil.example"}), 403)
    assert client.get(BASE).json()["total"] == 1


def _other_owner_calls(contact: str, tag: str, reminder: str, merge: str, job: str, mine: str) -> list:
    """Every route family, aimed at ids that belong to someone else (`mine` is the caller's own contact)."""
    return [
        ("get", f"{BASE}/{contact}", None),
        ("patch", f"{BASE}/{contact}", {"company": "Hacked"}),
        ("delete", f"{BASE}/{contact}", None),
        ("get", f"{BASE}/{contact}/timeline", None),
        ("get", f"{BASE}/{contact}/reminders", None),
        ("post", f"{BASE}/{contact}/reminders", {"quick": "tomorrow"}),
        ("post", f"{BASE}/reminders/{reminder}/done", None),
        ("post", f"{BASE}/reminders/{reminder}/snooze", {"until": "2999-01-01T00:00:00Z"}),
        ("post", f"{BASE}/merge", {"keep_id": mine, "drop_id": contact}),
        ("post", f"{BASE}/merges/{merge}/undo", None),
        ("patch", f"{BASE}/tags/{tag}", {"name": "mine now"}),
        ("delete", f"{BASE}/tags/{tag}", None),
        ("post", f"{BASE}/tags/merge", {"keep_id": tag, "drop_id": tag}),
        ("get", f"{BASE}/imports/{job}", None),
    ]


def check_isolation(client: TestClient) -> None:
    """A second user gets 404 for every id of the first, sees none of their data, and changes nothing."""
    ada, bob = bearer("ada@example.com"), bearer("bob@example.com")
    grace = add(client, ada, full_name="Grace Hopper", tags=["vip"], emails=[{"value": "grace@example.com"}])
    twin = add(client, ada, full_name="Grace Hopper", emails=[{"value": "grace@example.com"}])
    merged = client.post(f"{BASE}/merge", json={"keep_id": grace["id"], "drop_id": twin["id"]}, headers=ada).json()
    reminder = client.post(f"{BASE}/{grace['id']}/reminders", json={"quick": "next_week"}, headers=ada).json()
    job = client.post(
        f"{BASE}/imports",
        files={"file": ("a.vcf", b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:X\r\nEND:VCARD\r\n", "text/vcard")},
        headers=ada,
    )
    assert job.status_code == 202, job.text
    bobs = add(client, bob, full_name="Bob Own")
    for method, url, body in _other_owner_calls(
        grace["id"], grace["tags"][0]["id"], reminder["id"], merged["merge_id"], job.json()["id"], bobs["id"]
    ):
        response = client.request(method, url, json=body, headers=bob)
        assert problem(response, 404)["detail"], f"{method} {url}"
    assert [c["id"] for c in client.get(BASE, headers=bob).json()["items"]] == [bobs["id"]]
    assert client.get(f"{BASE}/tags", headers=bob).json() == []
    assert client.get(f"{BASE}/duplicates", headers=bob).json() == []
    export = client.get(f"{BASE}/export", params={"format": "vcard"}, headers=bob)
    assert b"Bob Own" in export.content and b"Grace" not in export.content
    mine = client.get(f"{BASE}/{grace['id']}", headers=ada).json()
    assert mine["company"] == "" and [t["name"] for t in mine["tags"]] == ["vip"]
    reminders = client.get(f"{BASE}/{grace['id']}/reminders", headers=ada).json()
    assert [(r["id"], r["status"]) for r in reminders] == [(reminder["id"], "pending")]


def test_owners_only_see_their_own_on_each_database(client):
    """Every route family keeps owners apart, on SQLite and PostgreSQL, where NUL bytes must not reach the database."""
    check_isolation(client)
    carol = bearer("carol@example.com")
    made = add(client, carol, full_name="Nul\x00 Person", note="line\x00one\nline two", tags=["t\x00ag"])
    assert made["full_name"] == "Nul Person" and [t["name"] for t in made["tags"]] == ["tag"]
    for params in ({"query": "nul\x00"}, {"event": "\x00"}, {"query": "50%_\\"}):
        assert client.get(BASE, params=params, headers=carol).status_code == 200, params
    assert client.get(BASE, params={"query": "nul person"}, headers=carol).json()["total"] == 1


HOSTILE_QUERIES = [
    {"limit": -1},
    {"limit": 0},
    {"limit": 10_000},
    {"limit": "abc"},
    {"offset": -5},
    {"offset": "1.5"},
    {"sort": "password"},
    {"sort": "name; DROP TABLE contacts"},
    {"sort": "x" * 5000},
    {"query": "q" * 5000},
    {"event": "e" * 5000},
    {"tag_id": "not-a-uuid"},
    {"source": "martian"},
    {"stage": "best-friend"},
    {"reminder_due": "perhaps"},
]


@pytest.mark.parametrize("params", HOSTILE_QUERIES)
def test_bad_list_parameters_are_problems(client, params):
    """Unknown sorts, bad numbers, huge strings and bad ids in the query string are 422s, never 500s."""
    ada = bearer("ada@example.com")
    body = problem(client.get(BASE, params=params, headers=ada), 422)
    assert set(body["errors"]) & set(params) or any(k in str(body["errors"]) for k in params)


HOSTILE_BODIES = [
    {"full_name": 123},
    {"full_name": "n" * 10_000},
    {"note": "x" * 6000},
    {"emails": "a@b.c"},
    {"emails": [{"value": "not an email"}]},
    {"phones": [{"value": "call me maybe"}]},
    {"emails": [{"value": f"u{i}@example.com"} for i in range(50)]},
    {"stage": "enemy"},
    {"strength": 9},
    {"met_on": "yesterday"},
    {"links": [{"value": "javascript:alert(1)"}]},
    {"tags": ["t" * 500]},
    {"photo_file_id": "nope"},
    {"stage": {"$ne": ""}},
    {"strength": "3; DROP TABLE x"},
]


@pytest.mark.parametrize("body", HOSTILE_BODIES)
def test_bad_contact_bodies_are_problems(client, body):
    """Wrong types, huge strings and bad values on create and on patch are 422 problem details."""
    ada = bearer("ada@example.com")
    problem(client.post(BASE, json=body, headers=ada), 422)
    made = add(client, ada, full_name="Grace Hopper")
    problem(client.patch(f"{BASE}/{made['id']}", json=body, headers=ada), 422)
    assert client.get(f"{BASE}/{made['id']}", headers=ada).json()["full_name"] == "Grace Hopper"


@pytest.mark.parametrize(
    "method,path",
    [
        ("get", "/nope"),
        ("patch", "/123"),
        ("delete", "/../tags"),
        ("get", "/%00/timeline"),
        ("post", "/reminders/xyz/done"),
        ("post", "/merges/1/undo"),
        ("patch", "/tags/zzz"),
        ("get", "/imports/1"),
    ],
)
def test_bad_ids_are_problems(client, method, path):
    """Malformed ids in the path are 4xx problem details."""
    ada = bearer("ada@example.com")
    response = client.request(method, BASE + path, json={}, headers=ada)
    assert 400 <= response.status_code < 500, response.text
    assert response.headers["content-type"].startswith(PROBLEM)


def test_not_json_and_missing_bodies_are_problems(client):
    """A body that is not JSON, or none at all, is a 422."""
    ada = bearer("ada@example.com")
    problem(client.post(BASE, content=b"{not json", headers={**ada, "Content-Type": "application/json"}), 422)
    problem(client.post(f"{BASE}/merge", headers=ada), 422)
    problem(client.post(f"{BASE}/{uuid.uuid4()}/reminders", json={"quick": "someday"}, headers=ada), 422)
