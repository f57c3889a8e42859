"""The contacts HTTP edge, continued: import jobs, export downloads, tags, reminders, duplicates and merges."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from metaic.auth.models import User
from metaic.contacts import history
from metaic.db import session_scope
from metaic.jobs.queue import drain_local
from tests.api.test_contacts_api import BASE, add, bearer
from tests.support.http import problem

PEOPLE = [
    {
        "full_name": "Grace Hopper",
        "first_name": "Grace",
        "last_name": "Hopper",
        "company": "US Navy",
        "emails": [{"label": "work", "value": "grace@navy.example.com"}, {"label": "home", "value": "g@home.example"}],
        "phones": [{"label": "mobile", "value": "+1 202 555 0143"}, {"label": "work", "value": "+44 20 7946 0958"}],
    },
    {
        "full_name": "Alan Turing",
        "first_name": "Alan",
        "last_name": "Turing",
        "emails": [{"label": "work", "value": "alan@bletchley.example"}],
        "phones": [],
    },
    {
        "full_name": "Zoë Ångström",
        "first_name": "Zoë",
        "last_name": "Ångström",
        "emails": [],
        "phones": [{"label": "mobile", "value": "+33 6 12 34 56 78"}],
    },
]


def _essentials(client: TestClient, headers: dict) -> list[tuple]:
    """(name, emails, phones) of every contact of the caller, by name."""
    items = client.get(BASE, params={"limit": 200}, headers=headers).json()["items"]
    return sorted(
        (c["full_name"], sorted(e["value"] for e in c["emails"]), sorted(p["value"] for p in c["phones"]))
        for c in items
    )


def _import(client: TestClient, headers: dict, data: bytes, fmt: str = "auto", name: str = "contacts.csv") -> dict:
    """Upload a file, run the queued job, and return the finished job."""
    response = client.post(
        f"{BASE}/imports",
        files={"file": (name, data, "application/octet-stream")},
        data={"format": fmt},
        headers=headers,
    )
    assert response.status_code == 202, response.text
    assert response.headers["location"] == f"{BASE}/imports/{response.json()['id']}"
    assert response.json()["status"] == "queued"
    drain_local()
    return client.get(response.headers["location"], headers=headers).json()


@pytest.mark.parametrize(
    "fmt,suffix,media", [("vcard", "vcf", "text/vcard"), ("google", "csv", "text/csv"), ("outlook", "csv", "text/csv")]
)
def test_export_then_import_into_an_empty_account(client, fmt, suffix, media):
    """Exporting and importing the file into a second, empty account gives back the same contacts."""
    ada, bob = bearer("ada@example.com"), bearer("bob@example.com")
    for person in PEOPLE:
        add(client, ada, **person)
    download = client.get(f"{BASE}/export", params={"format": fmt}, headers=ada)
    assert download.status_code == 200, download.text
    assert download.headers["content-type"].startswith(media)
    assert download.headers["content-disposition"] == f'attachment; filename="contacts.{suffix}"'
    job = _import(client, bob, download.content, fmt=fmt if fmt != "vcard" else "auto", name=f"contacts.{suffix}")
    assert job["status"] == "done" and (job["total"], job["processed"]) == (3, 3), job
    assert job["report"]["created"] == 3 and [r["status"] for r in job["report"]["rows"]] == ["created"] * 3
    assert _essentials(client, bob) == _essentials(client, ada)
    assert len(_essentials(client, ada)) == 3


def test_export_honours_filters(client):
    """The export takes the list filters: only matching contacts are in the file."""
    ada = bearer("ada@example.com")
    add(client, ada, full_name="Grace Hopper", stage="client")
    add(client, ada, full_name="Alan Turing")
    body = client.get(f"{BASE}/export", params={"format": "google", "stage": "client"}, headers=ada).content
    assert b"Grace" in body and b"Alan" not in body
    problem(client.get(f"{BASE}/export", params={"format": "pdf"}, headers=ada), 422)
    problem(client.get(f"{BASE}/export", params={"query": "x" * 5000}, headers=ada), 422)


def test_import_reports_row_by_row_and_merges_known_people(client):
    """A known email merges into the existing contact; a bad email is kept as written and flagged, not refused."""
    ada = bearer("ada@example.com")
    known = add(client, ada, full_name="Grace Hopper", emails=[{"value": "grace@navy.example.com"}])
    csv = (
        b"First Name,Last Name,E-mail Address,Mobile Phone\r\nGrace,Hopper,grace@navy.example.com,\r\n"
        b"Bad,Email,not-an-email,\r\nAlan,Turing,alan@example.com,+1 202 555 0100\r\n"
    )
    job = _import(client, ada, csv, fmt="outlook")
    assert job["status"] == "done", job
    rows = job["report"]["rows"]
    assert [r["status"] for r in rows] == ["merged", "created", "created"]
    assert [(f["field"], f["value"], f["kind"]) for f in rows[1]["flags"]] == [("emails", "not-an-email", "kept")]
    assert rows[0]["contact_id"] == known["id"] and (job["report"]["merged"], job["report"]["refused"]) == (1, 0)
    assert client.get(BASE, headers=ada).json()["total"] == 3


def test_import_refusals(client):
    """Over 5 MB is a 413; empty, missing or unknown-format uploads are 422s; an unreadable file fails the job."""
    ada = bearer("ada@example.com")
    big = b"BEGIN:VCARD\r\n" + b"N" * (5 * 1024 * 1024 + 10)
    problem(client.post(f"{BASE}/imports", files={"file": ("big.vcf", big)}, headers=ada), 413)
    problem(client.post(f"{BASE}/imports", files={"file": ("e.vcf", b"")}, headers=ada), 422)
    problem(client.post(f"{BASE}/imports", data={"format": "vcard"}, headers=ada), 422)
    problem(client.post(f"{BASE}/imports", json={"file": "x"}, headers=ada), 422)
    body = problem(
        client.post(f"{BASE}/imports", files={"file": ("a.vcf", b"x")}, data={"format": "pdf"}, headers=ada), 422
    )
    assert "format" in body["errors"]
    job = _import(client, ada, b"\x89PNG\r\n\x1a\n\x00\x00binary", name="photo.png")
    assert job["status"] == "failed" and job["error"] and job["report"] is None
    assert client.get(BASE, headers=ada).json()["total"] == 0


def test_tags(client):
    """Create (409 on a repeat), list, rename, recolour, merge, delete; contacts keep or move their tags."""
    ada = bearer("ada@example.com")
    vip = client.post(f"{BASE}/tags", json={"name": "VIP", "color": "red"}, headers=ada)
    assert vip.status_code == 201, vip.text
    problem(client.post(f"{BASE}/tags", json={"name": "vip"}, headers=ada), 409)
    problem(client.post(f"{BASE}/tags", json={"name": "x", "color": "plaid"}, headers=ada), 422)
    problem(client.post(f"{BASE}/tags", json={"name": "t" * 1000}, headers=ada), 422)
    grace = add(client, ada, full_name="Grace Hopper", tags=["friends"])
    friends = grace["tags"][0]["id"]
    renamed = client.patch(f"{BASE}/tags/{friends}", json={"name": "Friends!", "color": "blue"}, headers=ada)
    assert renamed.json() == {"id": friends, "name": "Friends!", "color": "blue"}
    problem(client.patch(f"{BASE}/tags/{friends}", json={"name": "VIP"}, headers=ada), 409)
    merged = client.post(f"{BASE}/tags/merge", json={"keep_id": vip.json()["id"], "drop_id": friends}, headers=ada)
    assert merged.status_code == 200, merged.text
    assert [t["name"] for t in client.get(f"{BASE}/{grace['id']}", headers=ada).json()["tags"]] == ["VIP"]
    assert [t["name"] for t in client.get(f"{BASE}/tags", headers=ada).json()] == ["VIP"]
    assert client.delete(f"{BASE}/tags/{vip.json()['id']}", headers=ada).status_code == 204
    assert client.get(f"{BASE}/{grace['id']}", headers=ada).json()["tags"] == []


def test_reminders_and_timeline(client):
    """Set by time or quick choice, snooze, done; bad choices are 422s; the timeline lists history newest first."""
    ada = bearer("ada@example.com")
    grace = add(client, ada, full_name="Grace Hopper")
    url = f"{BASE}/{grace['id']}/reminders"
    quick = client.post(url, json={"quick": "tomorrow", "note": "call\x00 her"}, headers=ada)
    assert quick.status_code == 201 and quick.json()["status"] == "pending" and quick.json()["note"] == "call her"
    problem(client.post(url, json={}, headers=ada), 422)
    problem(client.post(url, json={"quick": "tomorrow", "due_at": "2030-01-01T00:00:00Z"}, headers=ada), 422)
    problem(client.post(url, json={"due_at": "3000-01-01T00:00:00Z"}, headers=ada), 422)
    problem(client.post(url, json={"due_at": "soon"}, headers=ada), 422)
    rid = quick.json()["id"]
    problem(client.post(f"{BASE}/reminders/{rid}/snooze", json={"until": "2001-01-01T00:00:00Z"}, headers=ada), 422)
    snoozed = client.post(f"{BASE}/reminders/{rid}/snooze", json={"until": "2030-01-01T09:00:00Z"}, headers=ada)
    assert snoozed.json()["status"] == "snoozed" and snoozed.json()["due_at"].startswith("2030-01-01T09:00:00")
    assert client.post(f"{BASE}/reminders/{rid}/done", headers=ada).json()["status"] == "done"
    assert client.get(url, headers=ada).json() == []
    assert [r["id"] for r in client.get(url, params={"include_done": True}, headers=ada).json()] == [rid]
    assert client.get(f"{BASE}/{grace['id']}/timeline", headers=ada).json() == []
    with session_scope() as s:
        owner = s.exec(select(User).where(User.email == "ada@example.com")).one()
        history.log(session=s, owner=owner, contact_id=grace["id"], channel="email", subject="Hello")
    entries = client.get(f"{BASE}/{grace['id']}/timeline", headers=ada).json()
    assert [(e["channel"], e["subject"]) for e in entries] == [("email", "Hello")]
    problem(client.get(f"{BASE}/{grace['id']}/timeline", params={"limit": 0}, headers=ada), 422)


def test_duplicates_merge_and_undo(client):
    """A shared email is suggested; merge keeps the chosen fields and unions the rest; undo puts both back."""
    ada = bearer("ada@example.com")
    keep = add(client, ada, full_name="Grace Hopper", company="Navy", emails=[{"value": "grace@example.com"}])
    drop = add(
        client,
        ada,
        full_name="Grace B. Hopper",
        company="US Navy",
        emails=[{"value": "grace@example.com"}],
        phones=[{"value": "+1 202 555 0143"}],
    )
    pairs = client.get(f"{BASE}/duplicates", headers=ada).json()
    assert len(pairs) == 1 and pairs[0]["score"] == 1.0 and {pairs[0]["a"], pairs[0]["b"]} == {keep["id"], drop["id"]}
    body = {"keep_id": keep["id"], "drop_id": drop["id"], "choices": {"company": "drop"}}
    problem(client.post(f"{BASE}/merge", json={**body, "choices": {"company": "both"}}, headers=ada), 422)
    problem(client.post(f"{BASE}/merge", json={**body, "choices": {"password_hash": "drop"}}, headers=ada), 422)
    problem(client.post(f"{BASE}/merge", json={**body, "drop_id": keep["id"]}, headers=ada), 422)
    merged = client.post(f"{BASE}/merge", json=body, headers=ada)
    assert merged.status_code == 200, merged.text
    contact = merged.json()["contact"]
    assert contact["id"] == keep["id"] and contact["company"] == "US Navy" and contact["full_name"] == "Grace Hopper"
    assert [p["value"] for p in contact["phones"]] == ["+12025550143"]
    problem(client.get(f"{BASE}/{drop['id']}", headers=ada), 404)
    undo_url = f"{BASE}/merges/{merged.json()['merge_id']}/undo"
    undone = client.post(undo_url, headers=ada).json()
    assert undone["kept"]["company"] == "Navy" and undone["restored"]["id"] == drop["id"]
    assert client.get(BASE, headers=ada).json()["total"] == 2
    problem(client.post(undo_url, headers=ada), 409)
    problem(client.get(f"{BASE}/duplicates", params={"limit": -1}, headers=ada), 422)
