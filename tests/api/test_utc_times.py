"""Issue 11 #11: every time the API answers carries its offset, as the schema's `date-time` requires.

SQLite hands stored times back without a zone; the answers must still say UTC.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlmodel import select

from metaic.auth.models import User
from metaic.contacts import history
from metaic.db import session_scope
from metaic.jobs.queue import drain_local
from metaic.notifications import flows as notification_flows
from tests.api.test_contacts_api import add, bearer

ISO_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d")
CSV = b"First Name,Last Name,E-mail 1 - Value\nAda,Lovelace,ada@engines.example.com\n"


def _times(value, where: str = "$") -> list[tuple[str, str]]:
    """Every (path, text) in a JSON answer that looks like a date and time."""
    if isinstance(value, dict):
        return [t for key, item in value.items() for t in _times(item, f"{where}.{key}")]
    if isinstance(value, list):
        return [t for i, item in enumerate(value) for t in _times(item, f"{where}[{i}]")]
    return [(where, value)] if isinstance(value, str) and ISO_TIME.match(value) else []


def _seed(client, ada: dict) -> dict:
    """A contact with a reminder, a history entry, a message and a finished import; a notification."""
    grace = add(client, ada, full_name="Grace Hopper", emails=[{"value": "grace@navy.example.com"}])
    client.post(f"/api/v1/contacts/{grace['id']}/reminders", json={"quick": "tomorrow"}, headers=ada)
    client.post(f"/api/v1/contacts/{grace['id']}/messages", json={"channel": "email", "body": "Hi"}, headers=ada)
    job = client.post(
        "/api/v1/contacts/imports", files={"file": ("c.csv", CSV, "text/csv")}, data={"format": "google"}, headers=ada
    )
    assert job.status_code == 202, job.text
    drain_local()
    with session_scope() as s:
        owner = s.exec(select(User).where(User.email == "ada@example.com")).one()
        history.log(session=s, owner=owner, contact_id=grace["id"], channel="email", subject="Hello")
        notification_flows.notify(session=s, user=owner, kind="announcement", data={"title": "Hi"})
    drain_local()
    assert client.get(f"/api/v1/contacts/imports/{job.json()['id']}", headers=ada).json()["status"] == "done"
    return {"contact": grace["id"], "job": job.json()["id"]}


def test_every_time_in_the_answers_has_an_offset(client):
    ada = bearer("ada@example.com")
    ids = _seed(client, ada)
    routes = [
        "/api/v1/me",
        "/api/v1/contacts",
        f"/api/v1/contacts/{ids['contact']}",
        f"/api/v1/contacts/{ids['contact']}/timeline",
        f"/api/v1/contacts/{ids['contact']}/reminders",
        f"/api/v1/contacts/imports/{ids['job']}",
        "/api/v1/templates",
        "/api/v1/messages",
        "/api/v1/notifications",
        "/api/v1/files",
        "/api/v1/conversations",
        "/api/v1/me/security-events",
    ]
    seen, naive = 0, []
    for route in routes:
        response = client.get(route, headers=ada)
        assert response.status_code == 200, (route, response.text)
        for path, text in _times(response.json()):
            seen += 1
            if datetime.fromisoformat(text.replace("Z", "+00:00")).utcoffset() != timedelta(0):
                naive.append((route, path, text))
    assert naive == []
    assert seen >= 10  # created_at and friends were really looked at
