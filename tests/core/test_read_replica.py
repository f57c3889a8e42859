"""DATABASE_REPLICA_URL: dashboards and exports read from the replica; an unreachable replica falls back."""

from __future__ import annotations

from fastapi.testclient import TestClient

from metaic.api.app import build_api
from metaic.auth import api_tokens
from metaic.auth import service as user_service
from metaic.cards import service as card_service
from metaic.config import get_settings
from metaic.db import read_session_scope, session_scope


def _owner_with_a_card() -> dict:
    """A bearer header for an account with one card, written to the primary."""
    with session_scope() as s:
        user = user_service.create(session=s, email="rr@example.com", password="Correct-Horse-42", verified=True)
        card_service.create(session=s, owner=user, name="Replica Reader")
        return {"Authorization": f"Bearer {api_tokens.issue(session=s, user=user).access_token}"}


def test_reads_go_to_the_replica_and_fall_back_when_it_is_down(sqlite_db, postgres_url, monkeypatch):
    """The primary here is SQLite, the replica an (empty) PostgreSQL database: what the dashboard lists tells which."""
    headers = _owner_with_a_card()
    client = TestClient(build_api())
    assert [c["name"] for c in client.get("/api/v1/analytics/dashboard", headers=headers).json()["cards"]] == [
        "Replica Reader"
    ]
    monkeypatch.setenv("DATABASE_REPLICA_URL", postgres_url)
    get_settings.cache_clear()
    with read_session_scope() as s:
        assert s.get_bind().dialect.name == "postgresql"
    answer = client.get("/api/v1/analytics/dashboard", headers=headers)
    assert answer.status_code == 200 and answer.json()["cards"] == []  # read on the replica, not yet replicated
    monkeypatch.setenv("DATABASE_REPLICA_URL", "postgresql+psycopg://postgres@127.0.0.1:1/none")
    get_settings.cache_clear()
    with read_session_scope() as s:
        assert s.get_bind().dialect.name == "sqlite"
    assert len(client.get("/api/v1/analytics/dashboard", headers=headers).json()["cards"]) == 1


def test_a_read_session_never_commits(sqlite_db):
    """Work done in a read session is rolled back at its end."""
    with read_session_scope() as s:
        user_service.create(session=s, email="ghost@example.com", password="Correct-Horse-42", verified=True)
    with session_scope() as s:
        assert user_service.get_by_email(session=s, email="ghost@example.com") is None
