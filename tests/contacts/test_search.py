"""Search, filters, sort and pagination; a page of 10,000 contacts costs a fixed number of queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import insert

from metaic.contacts import history, reminders, service, tags
from metaic.contacts.models import SavedContact
from metaic.contacts.schemas import ContactFilters
from metaic.core import clock
from metaic.core.errors import ValidationError
from tests.contacts.helpers import count_queries, make_user


def _names(page) -> list[str]:
    """The names on a page."""
    return [c.full_name for c in page.items]


@pytest.fixture
def book(session):
    """An owner with four contacts of different sources, stages, events and tags."""
    owner = make_user(session)
    other = make_user(session, "other@example.com")
    made = {}
    for name, extra in (
        (
            "Ada Lovelace",
            {
                "company": "Engines",
                "event": "PyCon",
                "stage": "client",
                "tags": ["vip"],
                "emails": [{"value": "ada@engines.example.com"}],
            },
        ),
        ("Charles Babbage", {"company": "Engines", "event": "pycon", "source": "import"}),
        ("Grace Hopper", {"company": "Navy", "stage": "warm", "phones": [{"value": "+1 202 555 0143"}]}),
        ("alan turing", {"company": "Bletchley", "tags": ["vip", "math"]}),
    ):
        made[name] = service.create(session=session, owner=owner, data={"full_name": name, **extra})
        clock.advance(timedelta(minutes=1))
    service.create(session=session, owner=other, data={"full_name": "Ada Other", "company": "Engines"})
    return owner, made


def test_sort_by_name_created_and_last_contacted(session, book):
    owner, made = book
    assert _names(service.list_(session=session, owner=owner)) == [
        "Ada Lovelace",
        "alan turing",
        "Charles Babbage",
        "Grace Hopper",
    ]
    assert _names(service.list_(session=session, owner=owner, sort="-created"))[0] == "alan turing"
    history.log(session=session, owner=owner, contact_id=made["Grace Hopper"].id, channel="email")
    assert _names(service.list_(session=session, owner=owner, sort="-last_contacted"))[0] == "Grace Hopper"
    with pytest.raises(ValidationError):
        service.list_(session=session, owner=owner, sort="random")


def test_search_and_filters(session, book):
    owner, _ = book
    page = service.list_(session=session, owner=owner, filters={"query": "engines"})
    assert (page.total, sorted(_names(page))) == (2, ["Ada Lovelace", "Charles Babbage"])
    # Emails and phones are encrypted: the database finds them whole (blind index), in any written form.
    assert _names(service.list_(session=session, owner=owner, filters={"query": "+1 (202) 555-0143"})) == [
        "Grace Hopper"
    ]
    assert _names(service.list_(session=session, owner=owner, filters={"query": "ADA@engines.example.com"})) == [
        "Ada Lovelace"
    ]
    assert service.list_(session=session, owner=owner, filters={"query": "ada@engines"}).total == 0
    assert service.list_(session=session, owner=owner, filters={"query": "100%"}).total == 0
    vip = next(t for t in tags.list_tags(session=session, owner=owner) if t.name == "vip")
    assert _names(service.list_(session=session, owner=owner, filters={"tag_id": vip.id})) == [
        "Ada Lovelace",
        "alan turing",
    ]
    assert _names(service.list_(session=session, owner=owner, filters={"source": "import"})) == ["Charles Babbage"]
    assert _names(service.list_(session=session, owner=owner, filters={"stage": "warm"})) == ["Grace Hopper"]
    assert _names(service.list_(session=session, owner=owner, filters=ContactFilters(event="PYCON"))) == [
        "Ada Lovelace",
        "Charles Babbage",
    ]


def test_reminder_due_filter(session, book):
    owner, made = book
    reminders.set_reminder(session=session, owner=owner, contact_id=made["Grace Hopper"].id, quick="tomorrow")
    assert service.list_(session=session, owner=owner, filters={"reminder_due": True}).total == 0
    clock.advance(timedelta(days=1, minutes=1))
    assert _names(service.list_(session=session, owner=owner, filters={"reminder_due": True})) == ["Grace Hopper"]


def test_pagination(session, book):
    owner, _ = book
    first = service.list_(session=session, owner=owner, limit=3)
    second = service.list_(session=session, owner=owner, limit=3, offset=3)
    assert (first.total, len(first.items), _names(second)) == (4, 3, ["Grace Hopper"])
    with pytest.raises(ValidationError):
        service.list_(session=session, owner=owner, limit=0)


def bulk_contacts(session, owner_id, count: int) -> None:
    """Insert `count` contacts in one statement (tests and the benchmark)."""
    now = clock.now()
    rows = []
    for i in range(count):
        name = f"Person {i:05d}"
        rows.append(
            SavedContact(
                owner_id=owner_id,
                full_name=name,
                company=f"Company {i % 97}",
                sort_name=name.lower(),
                search_text=f"{name} company {i % 97}".lower(),
                stage=("new", "warm", "client", "partner")[i % 4],
                event=f"event {i % 10}",
                created_at=now,
                updated_at=now,
            ).model_dump()
        )
    session.execute(insert(SavedContact), rows)
    session.flush()


def test_a_page_of_ten_thousand_contacts_costs_three_queries(session):
    owner = make_user(session)
    bulk_contacts(session, owner.id, 10_000)
    with count_queries(session) as statements:
        page = service.list_(
            session=session,
            owner=owner,
            filters={"query": "company 5", "stage": "warm"},
            sort="name",
            limit=50,
            offset=100,
        )
    # every word must appear somewhere: "company" always does, "5" in the name or the company
    assert page.total == sum(1 for i in range(10_000) if i % 4 == 1 and "5" in f"{i:05d} {i % 97}")
    assert len(page.items) == 50
    # the page, the count, and the tags of the page's contacts
    assert len(statements) == 3, statements
