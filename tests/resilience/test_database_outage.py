"""PostgreSQL going away under load: clean 503s with Retry-After, no half-written rows, recovery without a restart."""

from __future__ import annotations

import threading
import time

import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlmodel import Session

from metaic.api.app import build_api
from metaic.auth import api_tokens
from metaic.auth import service as user_service
from metaic.cards import flows, service
from metaic.contacts.models import SavedContact
from metaic.db import get_engine, session_scope
from tests.cards.fixtures import BROWSER
from tests.cards.helpers import make_user, rich
from tests.support.http import PROBLEM

CONTACTS = "/api/v1/contacts"
HTML = {"Accept": "text/html,application/xhtml+xml", "User-Agent": BROWSER}


def _bearer(email: str) -> dict:
    """An Authorization header for a new verified account."""
    with session_scope() as s:
        user = user_service.create(session=s, email=email, password="Correct-Horse-42", verified=True)
        pair = api_tokens.issue(session=s, user=user)
    return {"Authorization": f"Bearer {pair.access_token}"}


def _published_card() -> str:
    """A published card's slug (its page is not cached yet)."""
    with session_scope() as s:
        owner = make_user(s)
        card = service.create(session=s, owner=owner, name="Ada")
        service.save_draft(session=s, owner=owner, card_id=card.id, content=rich())
        flows.publish(session=s, owner=owner, card_id=card.id)
        return card.slug


def _contact(n: int) -> dict:
    """A contact with children rows (an identity per email and phone, a tag link)."""
    return {
        "full_name": f"Load {n}",
        "emails": [{"label": "work", "value": f"load{n}@example.com"}],
        "phones": [{"label": "mobile", "value": f"+34 612 {n:06d}"}],
        "tags": ["load"],
    }


def _assert_unavailable(response, *, html: bool) -> None:
    """A clean 503: Retry-After, a problem document or a small page, no traceback."""
    assert response.status_code == 503, response.text
    assert int(response.headers["retry-after"]) > 0
    assert "Traceback" not in response.text and "sqlalchemy" not in response.text.lower()
    if html:
        assert response.headers["content-type"].startswith("text/html")
        assert "try again" in response.text.lower()
    else:
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["status"] == 503 and response.json()["type"].endswith("/service_unavailable")


def _load(stop: threading.Event, start: int, results: list[tuple[int, int]]) -> None:
    """As an account of its own, create contacts (below the per-minute limit) until told to stop."""
    headers = _bearer(f"load{start}@example.com")
    client = TestClient(build_api(), raise_server_exceptions=False)
    n = start
    while not stop.is_set() and n < start + 50:
        results.append((n, client.post(CONTACTS, json=_contact(n), headers=headers).status_code))
        n += 1
        time.sleep(0.02)


def test_database_outage_under_load_fails_cleanly_and_recovers(pg_proxy):
    """Before: 201s. Cut: only 201 or 503 (API problems, HTML page), never 500. After: 201 at once, rows whole."""
    headers = _bearer("main-load@example.com")
    slug = _published_card()
    client = TestClient(build_api(), raise_server_exceptions=False)
    assert client.post(CONTACTS, json=_contact(0), headers=headers).status_code == 201

    stop, results = threading.Event(), []
    workers = [threading.Thread(target=_load, args=(stop, 1000 * (i + 1), results)) for i in range(3)]
    for worker in workers:
        worker.start()
    time.sleep(0.5)
    pg_proxy.cut()
    time.sleep(0.3)
    _assert_unavailable(client.post(CONTACTS, json=_contact(1), headers=headers), html=False)
    _assert_unavailable(client.get(CONTACTS, headers=headers), html=False)
    _assert_unavailable(client.get(f"/c/{slug}", headers=HTML), html=True)
    time.sleep(0.5)
    pg_proxy.restore()
    time.sleep(0.5)
    stop.set()
    for worker in workers:
        worker.join(timeout=30)

    statuses = {status for _, status in results}
    assert statuses <= {201, 503}, statuses
    assert 503 in statuses and 201 in statuses
    # Back without restarting the app: the pool's pre-ping replaces the killed connections.
    assert client.post(CONTACTS, json=_contact(2), headers=headers).status_code == 201
    assert client.get(f"/c/{slug}", headers=HTML).status_code == 200
    _assert_whole_rows(created={n for n, status in results if status == 201} | {0, 2}, tried={n for n, _ in results})


def _assert_whole_rows(*, created: set[int], tried: set[int]) -> None:
    """Every 201 is stored, nothing outside what was tried is, and each stored contact has all its rows."""
    with get_engine().connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT c.full_name, "
                "(SELECT count(*) FROM contact_identities i WHERE i.contact_id = c.id), "
                "(SELECT count(*) FROM contact_tags t WHERE t.contact_id = c.id) "
                "FROM saved_contacts c"
            )
        ).all()
    stored = {int(name.removeprefix("Load ")) for name, _, _ in rows}
    assert created <= stored <= created | tried
    assert all(identities == 2 and tags == 1 for _, identities, tags in rows), rows


def test_a_commit_that_fails_is_never_answered_as_a_success(pg_proxy):
    """The request's transaction commits before the answer is sent: a commit lost with the connection is a 503.

    (Committed after the response, a client got 201 for a contact that was never stored.)
    """
    headers = _bearer("commit@example.com")
    client = TestClient(build_api(), raise_server_exceptions=False)

    def connection_lost(session) -> None:
        """The server goes away just as the request commits."""
        if session.info.get("contact_posted") and not session.in_nested_transaction():  # not a savepoint
            raise sa.exc.OperationalError("COMMIT", {}, Exception("server closed the connection unexpectedly"))

    def mark(session, _flush_context, _instances) -> None:
        """Only the session that stores the contact loses its commit."""
        if any(isinstance(row, SavedContact) for row in session.new):
            session.info["contact_posted"] = True

    sa.event.listen(Session, "before_commit", connection_lost)
    sa.event.listen(Session, "before_flush", mark)
    try:
        response = client.post(CONTACTS, json=_contact(7), headers=headers)
    finally:
        sa.event.remove(Session, "before_commit", connection_lost)
        sa.event.remove(Session, "before_flush", mark)
    _assert_unavailable(response, html=False)
    with get_engine().connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM saved_contacts")).scalar() == 0
