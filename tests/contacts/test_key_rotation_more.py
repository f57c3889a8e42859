"""`keys rotate` covers every encrypted column (0027's too, whatever the CLI imported) and every run is audited."""

from __future__ import annotations

import json
import subprocess
import sys

import sqlalchemy as sa
from sqlmodel import select

from metaic.admin import field_keys
from metaic.audit.models import AuditEvent
from metaic.cli import main
from metaic.config import get_settings
from metaic.core import fieldcrypt
from metaic.db import get_engine, session_scope
from tests.contacts.encrypted_rows import SEALED, make_rows, reads_back

FIRST, SECOND = (fieldcrypt.generate_key() for _ in range(2))


def _use(monkeypatch, keys: str) -> None:
    """Configure FIELD_ENCRYPTION_KEYS."""
    monkeypatch.setenv("FIELD_ENCRYPTION_KEYS", keys)
    get_settings.cache_clear()


def _id(key: str) -> str:
    """The key id of a key."""
    return fieldcrypt.key_id(fieldcrypt.decode_key(key))


def _key_ids(table: str, column: str) -> set[str]:
    """The key ids of a column's stored values ("plain" for unencrypted ones)."""
    t = sa.table(table, sa.column(column))
    with get_engine().connect() as conn:
        values = [v for (v,) in conn.execute(sa.select(sa.cast(t.c[column], sa.Text))) if v not in (None, "", "[]")]
    return {v.strip('"').split(":")[1] if "enc1:" in v else "plain" for v in values}


def _audit() -> list[AuditEvent]:
    """Every audit entry, oldest first."""
    with session_scope() as s:
        return list(s.exec(select(AuditEvent).order_by(AuditEvent.created_at, AuditEvent.id)))


def _no_key_in(event: AuditEvent) -> None:
    """No configured key appears in any field of an audit entry."""
    text = json.dumps(event.model_dump(), default=str)
    assert FIRST not in text and SECOND not in text


def test_rotate_moves_the_new_columns_and_is_audited(db, monkeypatch, capsys):
    _use(monkeypatch, FIRST)
    ids = make_rows()
    _use(monkeypatch, f"{SECOND},{FIRST}")
    stale = dict(field_keys.status())
    assert all(stale[f"{t}.{c}"] for t, c in SEALED), stale
    assert main(["keys", "rotate", "--batch", "2"]) == 0
    out = capsys.readouterr().out
    for table, column in SEALED:
        assert f"{table}.{column}: {stale[f'{table}.{column}']} re-encrypted" in out
        assert _key_ids(table, column) == {_id(SECOND)}, (table, column)
    _use(monkeypatch, SECOND)  # the old key gone: everything still reads
    reads_back(ids)
    [event] = _audit()
    assert (event.action, event.category, event.target_type, event.target_id) == (
        "keys.rotated",
        "security",
        "field_keys",
        _id(SECOND),
    )
    after = json.loads(event.after)
    assert after["keys"] == [_id(SECOND), _id(FIRST)] and after["re_encrypted"] == sum(stale.values())
    assert after["columns"]["webhook_deliveries.payload"] == stale["webhook_deliveries.payload"]
    assert event.actor_id is None and event.device.startswith("command line: ")
    assert f"{sum(stale.values())} re-encrypted" in event.detail
    _no_key_in(event)


def test_a_stopped_rotation_is_audited_with_what_it_did(db, monkeypatch):
    _use(monkeypatch, FIRST)
    make_rows()
    _use(monkeypatch, SECOND)  # FIRST forgotten: the first encrypted value stops the run
    assert main(["keys", "rotate"]) == 1
    [event] = _audit()
    assert event.action == "keys.rotation_stopped" and event.target_id == _id(SECOND)
    after = json.loads(event.after)
    assert f"encrypted with key {_id(FIRST)}, which is not in FIELD_ENCRYPTION_KEYS" in after["stopped"]
    assert after["keys"] == [_id(SECOND)] and event.detail.startswith("Stopped after ")
    _no_key_in(event)


def test_the_rotation_command_sees_every_encrypted_column():
    """A fresh process running `keys rotate` knows every encrypted column of the schema, not only those it imported."""
    script = (
        "from metaic.admin import field_keys\n"
        "seen = {t.name for t in field_keys.targets()}\n"
        "import metaic.schema\n"
        "print(sorted({t.name for t in field_keys.targets()} - seen))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120)
    assert done.stdout.strip() == "[]"
    assert {f"{t}.{c}" for t, c in SEALED} <= {t.name for t in field_keys.targets()}
