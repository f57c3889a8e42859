"""Migrations 0028 and 0029 encrypt the notifications and reply excerpts already there (their downgrades put
plaintext back), and `keys rotate` moves them to a new key, whatever the command imported."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from metaic import migrations
from metaic.admin import field_keys
from metaic.cli import main
from metaic.config import get_settings
from metaic.core import fieldcrypt
from metaic.db import dispose_engines, get_engine
from metaic.schema import metadata
from tests.conftest import throwaway_postgres
from tests.notifications.encrypted_rows import MESSAGE_TITLE, REMINDER_TITLE, SEALED, make_rows, reads_back
from tests.support.db_columns import column_length, migrate, stored_values

BEFORE = "0027_more_field_encryption"
BEFORE_TITLES = "0028_encrypt_notifications"
TITLE = ("notifications", "title")
FIRST, SECOND = (fieldcrypt.generate_key() for _ in range(2))

pytestmark = pytest.mark.usefixtures("outbox")


def _check(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows made at head, taken down to plaintext by the downgrade, encrypted again by the upgrade."""
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    ids = make_rows()

    migrate(migrations.downgrade, url, BEFORE)
    for (table, column), secrets in SEALED.items():
        values = stored_values(table, column)
        assert values and all("enc1:" not in v for v in values), (table, column, values)
        assert all(any(secret in v for v in values) for secret in secrets), (table, column, values)
    assert column_length("webhook_deliveries", "response_excerpt") == 300

    migrate(migrations.upgrade, url)
    for (table, column), secrets in SEALED.items():
        values = stored_values(table, column)
        assert values and all(v.strip('"').startswith("enc1:") for v in values), (table, column, values)
        assert not any(secret in v for secret in secrets for v in values), (table, column, values)
    assert column_length("webhook_deliveries", "response_excerpt") is None
    reads_back(ids)
    dispose_engines()


def _check_titles(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """0029 alone: its downgrade puts plain titles back in VARCHAR(200), its upgrade encrypts them into TEXT."""
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    ids = make_rows()

    migrate(migrations.downgrade, url, BEFORE_TITLES)
    titles = stored_values(*TITLE)
    assert sorted(titles) == sorted([REMINDER_TITLE, MESSAGE_TITLE])
    assert column_length(*TITLE) == 200
    assert all(v.startswith("enc1:") for v in stored_values("notifications", "body"))  # 0028's work stays

    migrate(migrations.upgrade, url)
    titles = stored_values(*TITLE)
    assert len(titles) == 2 and all(v.startswith("enc1:") for v in titles), titles
    assert not any(name in v for name in ("Grace Hopper", "from Bob") for v in titles), titles
    assert column_length(*TITLE) is None
    reads_back(ids)
    dispose_engines()


def test_title_upgrade_and_downgrade_on_sqlite(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'fenc29.db'}"
    migrations.upgrade(url)
    _check_titles(url, monkeypatch)


def test_title_upgrade_and_downgrade_on_postgres(monkeypatch):
    with throwaway_postgres("metaic_fenc29") as url:
        _check_titles(url, monkeypatch)


def test_the_migrated_tables_match_the_models(db):
    """After `upgrade heads`, the two tables' columns and types are what the models say (TEXT for the excerpt)."""
    with get_engine().connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        tables = ("'notifications'", "'webhook_deliveries'")
        diff = [d for d in compare_metadata(context, metadata) if any(t in repr(d) for t in tables)]
    assert diff == []


def test_upgrade_and_downgrade_on_sqlite(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'fenc28.db'}"
    migrations.upgrade(url)
    _check(url, monkeypatch)


def test_upgrade_and_downgrade_on_postgres(monkeypatch):
    with throwaway_postgres("metaic_fenc28") as url:
        _check(url, monkeypatch)


def _use(monkeypatch, keys: str) -> None:
    """Configure FIELD_ENCRYPTION_KEYS."""
    monkeypatch.setenv("FIELD_ENCRYPTION_KEYS", keys)
    get_settings.cache_clear()


def _key_ids(table: str, column: str) -> set[str]:
    """The key ids of a column's stored values ("plain" for unencrypted ones)."""
    return {v.strip('"').split(":")[1] if "enc1:" in v else "plain" for v in stored_values(table, column)}


def test_rotate_moves_notifications_and_reply_excerpts_to_the_new_key(db, monkeypatch, capsys):
    _use(monkeypatch, FIRST)
    ids = make_rows()
    _use(monkeypatch, f"{SECOND},{FIRST}")
    stale = dict(field_keys.status())
    assert {key: stale[".".join(key)] for key in SEALED} == {
        ("notifications", "body"): 2,
        ("notifications", "data"): 2,
        ("notifications", "title"): 2,
        ("webhook_deliveries", "response_excerpt"): 1,
    }
    assert main(["keys", "rotate", "--batch", "1"]) == 0
    out = capsys.readouterr().out
    second = fieldcrypt.key_id(fieldcrypt.decode_key(SECOND))
    for table, column in SEALED:
        assert f"{table}.{column}: {stale[f'{table}.{column}']} re-encrypted" in out
        assert _key_ids(table, column) == {second}, (table, column)
    _use(monkeypatch, SECOND)  # the old key gone: everything still reads
    reads_back(ids)


def test_the_rotation_command_sees_the_notification_columns():
    """A fresh process importing only the rotation code knows the notification columns (the CLI imports no more)."""
    script = "import json\nfrom metaic.admin import field_keys as f\nprint(json.dumps([t.name for t in f.targets()]))"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120)
    names = set(json.loads(done.stdout))
    assert {f"{table}.{column}" for table, column in SEALED} <= names
