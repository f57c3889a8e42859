"""Migration 0025 encrypts the rows already there and hashes their identities; its downgrade puts plaintext back."""

from __future__ import annotations

import pyotp
import pytest
import sqlalchemy as sa

from metaic import migrations
from metaic.auth import mfa
from metaic.auth.models import User
from metaic.config import get_settings
from metaic.contacts import dedupe, service, store
from metaic.db import dispose_engines, get_engine, session_scope
from tests.conftest import throwaway_postgres
from tests.contacts.helpers import make_user
from tests.support.db_columns import migrate

BEFORE = "0024_file_scan"
EMAIL, PHONE, NOTE = "ada@engines.example.com", "+442079460958", "Met at the Analytical Society"


def _raw(table: str, column: str) -> list[str]:
    """Every stored value of a column as text (JSON as its JSON text), in no particular order."""
    t = sa.table(table, sa.column(column))
    with get_engine().connect() as conn:
        return [v for (v,) in conn.execute(sa.select(sa.cast(t.c[column], sa.Text))) if v not in (None, "", "[]")]


def _check(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows made at head, taken down to plaintext by the downgrade, encrypted again by the upgrade."""
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    with session_scope() as s:
        owner = make_user(s, "owner@example.com")
        secret = mfa.start_enrolment(session=s, user=owner)
        mfa.confirm_enrolment(session=s, user=owner, code=pyotp.TOTP(secret).now())
        data = {"full_name": "Ada", "emails": [{"value": EMAIL}], "phones": [{"value": PHONE}], "note": NOTE}
        first = service.create(session=s, owner=owner, data=data)
        service.create(session=s, owner=owner, data={"full_name": "Countess", "emails": [{"value": EMAIL.upper()}]})
        owner_id, first_id = owner.id, first.id

    migrate(migrations.downgrade, url, BEFORE)
    assert sorted(_raw("contact_identities", "value")) == sorted([EMAIL, EMAIL, PHONE])
    assert _raw("users", "mfa_secret") == [secret] and _raw("saved_contacts", "notes") == [NOTE]
    assert any(EMAIL in v for v in _raw("saved_contacts", "emails"))

    migrate(migrations.upgrade, url)
    for table, column in (("saved_contacts", "emails"), ("saved_contacts", "notes"), ("users", "mfa_secret")):
        assert all("enc1:" in v and EMAIL not in v and NOTE not in v for v in _raw(table, column)), (table, column)
    digests = _raw("contact_identities", "value_hash")
    assert store.identity_hash(owner_id, "email", EMAIL) in digests and len(digests) == 3
    with session_scope() as s:
        owner = s.get(User, owner_id)
        read = service.get(session=s, owner=owner, contact_id=first_id)
        assert (read.emails[0].value, read.phones[0].value, read.notes) == (EMAIL, PHONE, NOTE)
        assert mfa.verify(session=s, user=owner, code=pyotp.TOTP(secret).now())
        [pair] = dedupe.find_duplicates(session=s, owner=owner)
        assert pair.reasons == [f"same email {EMAIL}"]
    dispose_engines()


def test_upgrade_and_downgrade_on_sqlite(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'fenc.db'}"
    migrations.upgrade(url)
    _check(url, monkeypatch)


def test_upgrade_and_downgrade_on_postgres(monkeypatch):
    with throwaway_postgres("metaic_fenc") as url:
        _check(url, monkeypatch)
