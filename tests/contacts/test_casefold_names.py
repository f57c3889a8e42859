"""Issue 11 #11: tag and template names that differ only in (non-ASCII) case are one name: a 409, never a 500."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from metaic import migrations
from metaic.communication import templates
from metaic.contacts import service as contact_service
from metaic.contacts import tags
from metaic.core.errors import Conflict
from metaic.core.models import name_key
from tests.api.test_contacts_api import bearer
from tests.conftest import throwaway_postgres
from tests.contacts.helpers import make_user
from tests.support.http import problem

# Each pair folds to one key; SQLite's lower() (ASCII only) tells every one of them apart.
SAME = [("Ölmez", "Ölmez"), ("Ölmez", "ÖLMEZ"), ("ölmez", "ÖLMEZ"), ("Straße", "STRASSE"), ("Ａｄａ", "ada")]


@pytest.mark.parametrize(("first", "second"), SAME)
def test_name_key_folds_unicode_case_and_width(first, second):
    assert name_key(first) == name_key(second)
    assert name_key("Ölmez") != name_key("Olmez")  # accents still count


@pytest.mark.parametrize(("first", "second"), SAME)
def test_api_answers_409_for_a_taken_template_name(client, first, second):
    ada = bearer("ada@example.com")
    assert client.post("/api/v1/templates", json={"name": first, "body": "Hi"}, headers=ada).status_code == 201
    body = problem(client.post("/api/v1/templates", json={"name": second, "body": "Hi"}, headers=ada), 409)
    assert "name" in body["errors"]
    other = client.post("/api/v1/templates", json={"name": "Other", "body": "Hi"}, headers=ada).json()
    renamed = client.patch(f"/api/v1/templates/{other['id']}", json={"name": second}, headers=ada)
    assert "name" in problem(renamed, 409)["errors"]


@pytest.mark.parametrize(("first", "second"), SAME)
def test_api_answers_409_for_a_taken_tag_name(client, first, second):
    ada = bearer("ada@example.com")
    assert client.post("/api/v1/contacts/tags", json={"name": first}, headers=ada).status_code == 201
    body = problem(client.post("/api/v1/contacts/tags", json={"name": second}, headers=ada), 409)
    assert "name" in body["errors"]
    other = client.post("/api/v1/contacts/tags", json={"name": "Other"}, headers=ada).json()
    renamed = client.patch(f"/api/v1/contacts/tags/{other['id']}", json={"name": second}, headers=ada)
    assert "name" in problem(renamed, 409)["errors"]


def test_tag_names_from_imports_land_on_one_tag(session):
    owner = make_user(session)
    contact = contact_service.create(session=session, owner=owner, data={"full_name": "Deniz Ölmez"})
    tags.set_names(session=session, owner_id=owner.id, contact_id=contact.id, names=["Ölmez", "ÖLMEZ", "ölmez"])
    listed = tags.list_tags(session=session, owner=owner)
    assert [t.name for t in listed] == ["Ölmez"]
    assert tags.tag_ids_of(session=session, contact_id=contact.id) == [listed[0].id]


def test_renaming_a_template_to_its_own_name_in_another_case_is_allowed(session):
    owner = make_user(session)
    made = templates.create(session=session, owner=owner, name="ölmez", body="Hi")
    assert templates.update(session=session, owner=owner, template_id=made.id, name="ÖLMEZ").name == "ÖLMEZ"
    with pytest.raises(Conflict):
        templates.create(session=session, owner=owner, name="Ölmez", body="Hi")


def _old_rows(url: str) -> uuid.UUID:
    """At the revision before the keys: one owner with tags and templates that differ only in case."""
    migrations.downgrade(url, "0011_msg_requests_suggestions")
    engine = sa.create_engine(url)
    owner = uuid.uuid4()
    now = "2026-01-01 00:00:00+00:00"
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO users (id, email, name, role, is_active, timezone, language, created_at) "
                "VALUES (:id, 'old@example.com', 'Old', 'user', TRUE, 'UTC', 'en', :now)"
            ),
            {"id": _id(url, owner), "now": now},
        )
        for name in ("Ölmez", "ölmez", "Ölmez (2)"):
            conn.execute(
                sa.text("INSERT INTO tags (id, owner_id, name, color, created_at) VALUES (:id, :o, :n, 'gray', :now)"),
                {"id": _id(url), "o": _id(url, owner), "n": name, "now": now},
            )
            conn.execute(
                sa.text(
                    "INSERT INTO message_templates (id, owner_id, name, channel, subject, body, created_at, "
                    "updated_at) VALUES (:id, :o, :n, 'email', '', 'Hi', :now, :now)"
                ),
                {"id": _id(url), "o": _id(url, owner), "n": name, "now": now},
            )
    engine.dispose()
    return owner


def _id(url: str, value: uuid.UUID | None = None) -> str:
    """A UUID as each database stores it (SQLite: 32 hex digits)."""
    value = value or uuid.uuid4()
    return value.hex if url.startswith("sqlite") else str(value)


def _after_upgrade(url: str) -> None:
    """Upgrade; no name is lost, each key is unique, and a later look-alike was given a free name."""
    migrations.upgrade(url)
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        for table in ("tags", "message_templates"):
            rows = conn.execute(sa.text(f"SELECT name, name_key FROM {table} ORDER BY name")).all()  # noqa: S608
            names = {r[0] for r in rows}
            # "Ölmez (2)" keeps its name; of "Ölmez" and "ölmez" one stays and the other becomes "(3)".
            assert names in ({"Ölmez", "ölmez (3)", "Ölmez (2)"}, {"ölmez", "Ölmez (3)", "Ölmez (2)"})
            assert sorted(r[1] for r in rows) == sorted(name_key(n) for n in names)
    engine.dispose()


def test_migration_keeps_every_name_and_renames_look_alikes_on_sqlite(tmp_path):
    url = f"sqlite:///{tmp_path / 'keys.db'}"
    migrations.upgrade(url)
    _old_rows(url)
    _after_upgrade(url)


def test_migration_keeps_every_name_and_renames_look_alikes_on_postgres():
    with throwaway_postgres("metaic_keys") as url:
        _old_rows(url)
        _after_upgrade(url)
