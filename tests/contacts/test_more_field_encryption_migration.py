"""Migration 0027 encrypts the rows already there; its downgrade puts plaintext (and the old column types) back."""

from __future__ import annotations

import pytest

from metaic import migrations
from metaic.config import get_settings
from metaic.db import dispose_engines
from tests.conftest import throwaway_postgres
from tests.contacts.encrypted_rows import SEALED, make_rows, reads_back
from tests.support.db_columns import column_length, migrate, stored_values

BEFORE = "0026_job_outbox"
WIDENED = {("users", "phone"): 20, ("phone_verifications", "phone"): 20, ("reminders", "note"): 500}
WIDENED[("ai_conversations", "title")] = 120


def _check(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows made at head, taken down to plaintext by the downgrade, encrypted again by the upgrade."""
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    ids = make_rows()

    migrate(migrations.downgrade, url, BEFORE)
    for (table, column), secret in SEALED.items():
        values = stored_values(table, column)
        assert values and all("enc1:" not in v for v in values) and any(secret in v for v in values), (table, column)
    assert {key: column_length(*key) for key in WIDENED} == WIDENED

    migrate(migrations.upgrade, url)
    for (table, column), secret in SEALED.items():
        values = stored_values(table, column)
        assert values and all(v.strip('"').startswith("enc1:") and secret not in v for v in values), (table, column)
    assert {column_length(*key) for key in WIDENED} == {None}
    reads_back(ids)
    dispose_engines()


def test_upgrade_and_downgrade_on_sqlite(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'fenc27.db'}"
    migrations.upgrade(url)
    _check(url, monkeypatch)


def test_upgrade_and_downgrade_on_postgres(monkeypatch):
    with throwaway_postgres("metaic_fenc27") as url:
        _check(url, monkeypatch)
