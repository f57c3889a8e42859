"""Duplicates from normalised emails/phones and fuzzy names; merge moves everything; undo restores exactly."""

from __future__ import annotations

from datetime import timedelta

import pytest

from metaic.contacts import dedupe, history, reminders, service, store
from metaic.contacts.models import SavedContact
from metaic.core import clock
from metaic.core.errors import Conflict, NotFound, ValidationError
from tests.contacts.helpers import make_user


def _add(session, owner, name, **fields):
    """A manual contact."""
    return service.create(session=session, owner=owner, data={"full_name": name, **fields})


def _pair_ids(pairs) -> set[frozenset]:
    """The pairs as unordered id sets."""
    return {frozenset((p.a, p.b)) for p in pairs}


def test_same_email_in_another_case_is_a_duplicate(session):
    owner = make_user(session)
    a = _add(session, owner, "Ada Lovelace", emails=[{"value": "Ada@Engines.example.com"}])
    b = _add(session, owner, "A. King", emails=[{"value": "ada@ENGINES.example.com"}])
    [pair] = dedupe.find_duplicates(session=session, owner=owner)
    assert _pair_ids([pair]) == {frozenset((a.id, b.id))}
    assert pair.score == 1.0 and pair.reasons == ["same email ada@engines.example.com"]


def test_same_phone_in_different_formats_is_a_duplicate(session):
    owner = make_user(session)
    owner.timezone = "America/New_York"  # (202) 555-0143 is read in the account's country
    a = _add(session, owner, "Grace", phones=[{"value": "(202) 555-0143"}])
    b = _add(session, owner, "G. Hopper", phones=[{"value": "+1 202.555.0143"}])
    pairs = dedupe.find_duplicates(session=session, owner=owner)
    assert _pair_ids(pairs) == {frozenset((a.id, b.id))}
    assert pairs[0].reasons == ["same phone +12025550143"]


def test_same_name_different_company_is_not_suggested(session):
    owner = make_user(session)
    _add(session, owner, "John Smith", company="Acme", emails=[{"value": "john@acme.example.com"}])
    _add(session, owner, "John Smith", company="Globex", emails=[{"value": "jsmith@globex.example.com"}])
    assert dedupe.find_duplicates(session=session, owner=owner) == []


def test_similar_name_same_company_high_and_missing_company_low(session):
    owner = make_user(session)
    a = _add(session, owner, "Jon Smith", company="Acme Inc")
    b = _add(session, owner, "John Smith", company="acme inc")
    c = _add(session, owner, "Smith John")
    pairs = {frozenset((p.a, p.b)): p for p in dedupe.find_duplicates(session=session, owner=owner)}
    assert pairs[frozenset((a.id, b.id))].score >= 0.7
    assert pairs[frozenset((b.id, c.id))].score <= 0.55
    assert pairs[frozenset((b.id, c.id))].reasons == ["similar name"]


def test_duplicates_are_per_owner(session):
    owner, other = make_user(session), make_user(session, "other@example.com")
    _add(session, owner, "Ada", emails=[{"value": "ada@example.org"}])
    _add(session, other, "Ada", emails=[{"value": "ada@example.org"}])
    assert dedupe.find_duplicates(session=session, owner=owner) == []


def _state(session, contact_id) -> dict:
    """Everything about a contact that a merge touches, for exact comparison."""
    row = session.get(SavedContact, contact_id)
    session.refresh(row)
    read = store.read_one(session=session, contact=row).model_dump()
    read["reminders"] = sorted(
        str(r.id)
        for r in reminders.list_for(
            session=session, owner=_owner(session, row), contact_id=contact_id, include_done=True
        )
    )
    read["history"] = sorted(
        str(h.id) for h in history.timeline(session=session, owner=_owner(session, row), contact_id=contact_id)
    )
    return read


def _owner(session, row):
    """The owner of a contact row."""
    from metaic.auth.models import User

    return session.get(User, row.owner_id)


def test_merge_unions_and_moves_then_undo_restores_exactly(session):
    owner = make_user(session)
    keep = _add(
        session,
        owner,
        "Ada Lovelace",
        company="",
        title="Analyst",
        notes="",
        emails=[{"label": "work", "value": "ada@engines.example.com"}],
        tags=["vip"],
        stage="warm",
    )
    drop = _add(
        session,
        owner,
        "Ada King",
        company="Engines",
        title="Countess",
        note="Met at the salon",
        emails=[{"value": "ADA@engines.example.com"}, {"value": "ada@home.example.com"}],
        phones=[{"value": "+44 20 7946 0958"}],
        tags=["london"],
        event="Salon",
    )
    reminders.set_reminder(session=session, owner=owner, contact_id=drop.id, quick="tomorrow", note="call")
    history.log(
        session=session,
        owner=owner,
        contact_id=drop.id,
        channel="email",
        subject="Hi",
        at=clock.now() - timedelta(days=1),
    )
    before = {keep.id: _state(session, keep.id), drop.id: _state(session, drop.id)}

    record = dedupe.merge(session=session, owner=owner, keep_id=keep.id, drop_id=drop.id, choices={"title": "drop"})
    merged = service.get(session=session, owner=owner, contact_id=keep.id)
    assert [e.value for e in merged.emails] == ["ada@engines.example.com", "ada@home.example.com"]
    assert [p.value for p in merged.phones] == ["+442079460958"]
    assert (merged.full_name, merged.company, merged.title, merged.stage, merged.event) == (
        "Ada Lovelace",
        "Engines",
        "Countess",
        "warm",
        "Salon",
    )
    assert merged.notes == "Met at the salon"
    assert [t.name for t in merged.tags] == ["london", "vip"]
    assert len(reminders.list_for(session=session, owner=owner, contact_id=keep.id)) == 1
    assert [h.subject for h in history.timeline(session=session, owner=owner, contact_id=keep.id)] == ["Hi"]
    with pytest.raises(NotFound):
        service.get(session=session, owner=owner, contact_id=drop.id)
    assert dedupe.find_duplicates(session=session, owner=owner) == []

    dedupe.undo_merge(session=session, owner=owner, merge_id=record.id)
    session.expire_all()
    assert {keep.id: _state(session, keep.id), drop.id: _state(session, drop.id)} == before
    assert len(dedupe.find_duplicates(session=session, owner=owner)) == 1  # the shared email again
    with pytest.raises(Conflict):
        dedupe.undo_merge(session=session, owner=owner, merge_id=record.id)


def test_merge_rules(session):
    owner, other = make_user(session), make_user(session, "other@example.com")
    a, b = _add(session, owner, "A"), _add(session, owner, "B")
    with pytest.raises(ValidationError):
        dedupe.merge(session=session, owner=owner, keep_id=a.id, drop_id=a.id)
    with pytest.raises(ValidationError) as err:
        dedupe.merge(session=session, owner=owner, keep_id=a.id, drop_id=b.id, choices={"owner_id": "drop"})
    assert "owner_id" in err.value.errors
    record = dedupe.merge(session=session, owner=owner, keep_id=a.id, drop_id=b.id)
    with pytest.raises(NotFound):
        dedupe.undo_merge(session=session, owner=other, merge_id=record.id)
