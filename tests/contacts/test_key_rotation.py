"""Key rotation: old rows stay readable under a new key, `keys rotate` moves them all (resumably), the old key goes."""

from __future__ import annotations

import re

import pyotp
import pytest
import sqlalchemy as sa

from metaic.admin import field_keys
from metaic.auth import mfa
from metaic.auth.models import User
from metaic.cli import main
from metaic.config import get_settings
from metaic.contacts import service, store
from metaic.contacts.models import SavedContact
from metaic.core import fieldcrypt
from metaic.db import get_engine, session_scope
from tests.contacts.helpers import make_user

FIRST, SECOND, THIRD = (fieldcrypt.generate_key() for _ in range(3))
COUNT = 7


def _use(monkeypatch, keys: str, blind: str = "") -> None:
    """Configure FIELD_ENCRYPTION_KEYS (and BLIND_INDEX_KEY)."""
    monkeypatch.setenv("FIELD_ENCRYPTION_KEYS", keys)
    monkeypatch.setenv("BLIND_INDEX_KEY", blind)
    get_settings.cache_clear()


def _book(monkeypatch) -> tuple:
    """Under FIRST: an owner with MFA and COUNT contacts (email, phone, note), plus one note stored in plaintext."""
    _use(monkeypatch, FIRST)
    with session_scope() as s:
        owner = make_user(s, "ada@example.com")
        secret = mfa.start_enrolment(session=s, user=owner)
        mfa.confirm_enrolment(session=s, user=owner, code=pyotp.TOTP(secret).now())
        for i in range(COUNT):
            data = {
                "full_name": f"Person {i}",
                "emails": [{"value": f"p{i}@example.com"}],
                "phones": [{"value": f"+4420794600{i:02d}"}],
                "note": f"note {i}",
            }
            service.create(session=s, owner=owner, data=data)
    plain = sa.table("saved_contacts", sa.column("full_name"), sa.column("notes", sa.Text()))
    with get_engine().begin() as conn:  # a row written before encryption was turned on
        conn.execute(plain.update().where(plain.c.full_name == "Person 0").values(notes="legacy plain note"))
    return owner.id, secret


def _prefixes() -> set[str]:
    """The key ids of every stored note, MFA secret and email list ("plain" for unencrypted)."""
    found = set()
    with get_engine().connect() as conn:
        for table, column in (("saved_contacts", "notes"), ("saved_contacts", "emails"), ("users", "mfa_secret")):
            t = sa.table(table, sa.column(column))
            for (text,) in conn.execute(sa.select(sa.cast(t.c[column], sa.Text))):
                if text not in (None, "", "[]"):
                    found.add(text.strip('"').split(":")[1] if "enc1:" in text else "plain")
    return found


def _everything_reads(owner_id, secret) -> None:
    """Every contact and the MFA secret decrypt to what was stored."""
    with session_scope() as s:
        rows = s.exec(sa.select(SavedContact).order_by(SavedContact.full_name)).scalars().all()
        assert [c.notes for c in rows] == ["legacy plain note", *(f"note {i}" for i in range(1, COUNT))]
        assert [c.emails[0]["value"] for c in rows] == [f"p{i}@example.com" for i in range(COUNT)]
        user = s.get(User, owner_id)
        assert user.mfa_secret == secret and mfa.verify(session=s, user=user, code=pyotp.TOTP(secret).now())


def _id(key: str) -> str:
    """The key id of a key."""
    return fieldcrypt.key_id(fieldcrypt.decode_key(key))


def test_rotation_moves_every_value_to_the_new_key_and_the_old_key_can_go(db, monkeypatch):
    owner_id, secret = _book(monkeypatch)
    assert _prefixes() == {_id(FIRST), "plain"}
    _use(monkeypatch, f"{SECOND},{FIRST}")
    _everything_reads(owner_id, secret)  # old rows readable with the old key second
    stale = dict(field_keys.status())
    assert (stale["saved_contacts.notes"], stale["users.mfa_secret"], stale["contact_suggestions.note"]) == (
        COUNT,
        1,
        0,
    )
    seen = []
    done = field_keys.rotate(progress=lambda column, n, total: seen.append((column, n, total)), batch=3)
    assert done["saved_contacts.emails"] == COUNT and done["saved_contacts.notes"] == COUNT
    assert [s for s in seen if s[0] == "saved_contacts.notes"] == [
        ("saved_contacts.notes", n, COUNT) for n in (3, 6, 7)
    ]
    assert _prefixes() == {_id(SECOND)} and not field_keys.any_left()
    _use(monkeypatch, SECOND)  # the old key removed
    _everything_reads(owner_id, secret)
    assert field_keys.rotate()["saved_contacts.notes"] == 0  # nothing left: a second run rewrites nothing


def test_an_interrupted_rotation_resumes_where_it_stopped(db, monkeypatch):
    owner_id, secret = _book(monkeypatch)
    _use(monkeypatch, f"{SECOND},{FIRST}")

    before = dict(field_keys.status())
    first = []

    def stop_after_first_batch(column, done, total):
        first.append((column, done))
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        field_keys.rotate(progress=stop_after_first_batch, batch=2)
    [(column, done)] = first
    left = dict(field_keys.status())
    assert left[column] == before[column] - done and done > 0  # the first batch was committed
    assert left["saved_contacts.notes"] == COUNT and sum(left.values()) == sum(before.values()) - done
    field_keys.rotate(batch=2)
    assert not field_keys.any_left()
    _use(monkeypatch, SECOND)
    _everything_reads(owner_id, secret)


def test_rotating_without_the_old_key_stops_with_a_clear_message(db, monkeypatch, capsys):
    _book(monkeypatch)
    _use(monkeypatch, SECOND)
    assert main(["keys", "rotate"]) == 1
    err = capsys.readouterr().err
    assert f"encrypted with key {_id(FIRST)}, which is not in FIELD_ENCRYPTION_KEYS" in err
    assert "run the command again to resume" in err and FIRST not in err and SECOND not in err


def test_cli_generates_rotates_with_progress_and_reports_status(db, monkeypatch, capsys):
    assert main(["keys", "generate"]) == 0
    key = capsys.readouterr().out.strip()
    assert len(fieldcrypt.decode_key(key)) == 32
    owner_id, secret = _book(monkeypatch)
    _use(monkeypatch, f"{key},{FIRST}")
    assert main(["keys", "status"]) == 1
    assert re.search(rf"^saved_contacts\.notes +{COUNT} to rotate$", capsys.readouterr().out, flags=re.M)
    assert main(["keys", "rotate", "--batch", "4"]) == 0
    out, err = capsys.readouterr()
    assert f"saved_contacts.notes: {COUNT} re-encrypted" in out and "users.mfa_secret: 1 re-encrypted" in out
    assert re.search(rf"saved_contacts\.notes +4/{COUNT} .*saved_contacts\.notes +{COUNT}/{COUNT} ", err)
    assert main(["keys", "status"]) == 0
    _use(monkeypatch, key)
    _everything_reads(owner_id, secret)


def test_a_new_blind_index_key_needs_the_digests_rebuilt(db, monkeypatch):
    owner_id, _ = _book(monkeypatch)
    wanted = [{"value": "P3@example.com"}]

    def found():
        with session_scope() as s:
            contact = store.find_by_identity(session=s, owner_id=owner_id, emails=wanted, phones=[])
            return contact.full_name if contact else None

    assert found() == "Person 3"
    _use(monkeypatch, FIRST, blind=THIRD)
    assert found() is None  # digests made with the old blind index key no longer match
    assert main(["keys", "rotate", "--blind-index"]) == 0
    assert found() == "Person 3"
