"""Manual contacts: validation and normalisation, updates, deletes, tags, history, and per-owner access."""

from __future__ import annotations

import uuid

import pytest

from metaic.contacts import history, service, store, tags
from metaic.contacts.models import ContactIdentity
from metaic.core.errors import Conflict, NotFound, ValidationError
from tests.contacts.helpers import make_user


def _create(session, owner, **fields):
    """A manual contact with some defaults."""
    data = {"full_name": "Ada Lovelace", "company": "Engines", **fields}
    return service.create(session=session, owner=owner, data=data)


def test_create_normalises_emails_phones_and_links(session):
    owner = make_user(session)
    owner.timezone = "America/New_York"  # (202) 555-0143 is read in the account's country
    contact = _create(
        session,
        owner,
        emails=[{"label": "work", "value": " Ada@Engines.Example.COM "}],
        phones=[{"label": "mobile", "value": "(202) 555-0143"}, {"value": "+44 20 7946 0958"}],
        links=[{"value": "ada.example.com"}],
        tags=["VIP", "london"],
        met_on="2026-11-01",
        event="PyCon",
        stage="warm",
        strength=4,
    )
    read = service.get(session=session, owner=owner, contact_id=contact.id)
    assert [e.value for e in read.emails] == ["ada@engines.example.com"]
    assert [p.value for p in read.phones] == ["+12025550143", "+442079460958"]
    assert [link.value for link in read.links] == ["https://ada.example.com"]
    assert [t.name for t in read.tags] == ["london", "VIP"]
    assert (read.event, read.stage, read.strength, str(read.met_on)) == ("PyCon", "warm", 4, "2026-11-01")
    identities = session.exec(ContactIdentity.__table__.select().where(ContactIdentity.contact_id == contact.id)).all()
    # The blind index: one digest per normalised value, never the value itself.
    assert {(i.kind, i.value_hash) for i in identities} == {
        ("email", store.identity_hash(owner.id, "email", "ada@engines.example.com")),
        ("phone", store.identity_hash(owner.id, "phone", "+12025550143")),
        ("phone", store.identity_hash(owner.id, "phone", "+442079460958")),
    }


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"emails": [{"value": "not-an-email"}]}, "emails.0"),
        ({"phones": [{"value": "+1 12"}]}, "phones.0"),
        ({"links": [{"value": "javascript:alert(1)"}]}, "links.0"),
        ({"strength": 9}, "strength"),
        ({"stage": "enemy"}, "stage"),
        ({"full_name": "", "company": ""}, "full_name"),
    ],
)
def test_create_refuses_bad_fields(session, fields, field):
    owner = make_user(session)
    with pytest.raises(ValidationError) as err:
        _create(session, owner, **fields)
    assert field in err.value.errors


def test_name_is_built_from_first_and_last(session):
    owner = make_user(session)
    contact = service.create(session=session, owner=owner, data={"first_name": "Alan", "last_name": "Turing"})
    assert contact.full_name == "Alan Turing" and contact.sort_name == "alan turing"


def test_update_changes_only_given_fields(session):
    owner = make_user(session)
    contact = _create(session, owner, title="Analyst", notes="", tags=["a"])
    service.update(
        session=session,
        owner=owner,
        contact_id=contact.id,
        changes={"title": "Countess", "emails": [{"value": "ADA@x.example.com"}], "tags": ["b"]},
    )
    read = service.get(session=session, owner=owner, contact_id=contact.id)
    assert (read.title, read.company, read.emails[0].value) == ("Countess", "Engines", "ada@x.example.com")
    assert [t.name for t in read.tags] == ["b"]
    with pytest.raises(ValidationError) as err:
        service.update(session=session, owner=owner, contact_id=contact.id, changes={"phones": [{"value": "x"}]})
    assert "phones.0" in err.value.errors


def test_delete_removes_the_contact(session):
    owner = make_user(session)
    contact = _create(session, owner)
    service.delete(session=session, owner=owner, contact_id=contact.id)
    with pytest.raises(NotFound):
        service.get(session=session, owner=owner, contact_id=contact.id)


def test_another_owners_contact_is_not_found_everywhere(session):
    from metaic.contacts import dedupe, enrichment, reminders

    owner, other = make_user(session), make_user(session, "other@example.com")
    contact = _create(session, owner)
    calls = [
        lambda: service.get(session=session, owner=other, contact_id=contact.id),
        lambda: service.update(session=session, owner=other, contact_id=contact.id, changes={"title": "x"}),
        lambda: service.delete(session=session, owner=other, contact_id=contact.id),
        lambda: history.log(session=session, owner=other, contact_id=contact.id, channel="email"),
        lambda: history.timeline(session=session, owner=other, contact_id=contact.id),
        lambda: reminders.set_reminder(session=session, owner=other, contact_id=contact.id, quick="tomorrow"),
        lambda: enrichment.enrich(session=session, owner=other, contact_id=contact.id),
        lambda: enrichment.card_details(session=session, owner=other, contact_id=contact.id),
        lambda: dedupe.merge(session=session, owner=other, keep_id=contact.id, drop_id=_create(session, other).id),
        lambda: service.get(session=session, owner=owner, contact_id=uuid.uuid4()),
        lambda: service.get(session=session, owner=owner, contact_id="not-a-uuid"),
    ]
    for call in calls:
        with pytest.raises(NotFound):
            call()
    assert service.list_(session=session, owner=other).total == 1  # only the one `other` made
    assert service.get(session=session, owner=owner, contact_id=contact.id).title == ""


def test_tags_rename_recolour_merge_and_owner_scope(session):
    owner, other = make_user(session), make_user(session, "other@example.com")
    a = _create(session, owner, tags=["Client"])
    b = _create(session, owner, full_name="Bob", tags=["customer", "Client"])
    client = next(t for t in tags.list_tags(session=session, owner=owner) if t.name == "Client")
    customer = next(t for t in tags.list_tags(session=session, owner=owner) if t.name == "customer")
    renamed = tags.update_tag(session=session, owner=owner, tag_id=client.id, name="Clients", color="green")
    assert (renamed.name, renamed.color) == ("Clients", "green")
    with pytest.raises(Conflict):
        tags.update_tag(session=session, owner=owner, tag_id=customer.id, name="clients")
    with pytest.raises(ValidationError):
        tags.update_tag(session=session, owner=owner, tag_id=customer.id, color="chartreuse")
    with pytest.raises(NotFound):
        tags.update_tag(session=session, owner=other, tag_id=customer.id, name="mine")
    tags.merge_tags(session=session, owner=owner, keep_id=client.id, drop_id=customer.id)
    assert [t.name for t in tags.list_tags(session=session, owner=owner)] == ["Clients"]
    for contact in (a, b):
        assert [t.name for t in service.get(session=session, owner=owner, contact_id=contact.id).tags] == ["Clients"]
    assert tags.list_tags(session=session, owner=other) == []


def test_history_timeline_and_last_contacted(session):
    owner = make_user(session)
    contact = _create(session, owner)
    history.log(session=session, owner=owner, contact_id=contact.id, channel="email", subject="Hello")
    history.log(
        session=session, owner=owner, contact_id=contact.id, channel="phone", direction="inbound", subject="Called back"
    )
    entries = history.timeline(session=session, owner=owner, contact_id=contact.id)
    assert {e.subject for e in entries} == {"Hello", "Called back"}
    assert service.get(session=session, owner=owner, contact_id=contact.id).last_contacted_at is not None
    with pytest.raises(ValidationError):
        history.log(session=session, owner=owner, contact_id=contact.id, channel="pigeon")
