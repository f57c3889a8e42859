"""Contacts search: typos, accents, CJK, phone digits, prefixes, ranking, filters and facets, owners apart."""

from __future__ import annotations

from metaic.contacts import service as contact_service
from metaic.contacts import tags as contact_tags
from metaic.db import session_scope
from metaic.search import service


def add(owner, **fields):
    """Create a contact for `owner` (committed) and return its id."""
    with session_scope() as s:
        return contact_service.create(session=s, owner=owner, data=fields).id


def names(owner, query, **kwargs):
    """Full names of the owner's contacts found for `query`."""
    with session_scope() as s:
        page = service.find_contacts(
            session=s,
            owner=owner,
            query=query,
            filters=kwargs.pop("filters", {}),
            sort=kwargs.pop("sort", ""),
            limit=kwargs.pop("limit", 50),
            offset=kwargs.pop("offset", 0),
        )
        return [c.full_name for c in page.items]


def test_typos_accents_prefix_cjk_and_phone_digits(users, wait):
    """Jurgen Muler finds Jürgen Müller; part of a CJK name finds it; any 3+ digit run finds the phone."""
    a, _ = users
    add(
        a,
        full_name="Jürgen Müller",
        company="Bäckerei Müller GmbH",
        phones=[{"label": "m", "value": "+44 20 7946 0958"}],
    )
    add(a, full_name="山田太郎", company="東京電力")
    add(a, full_name="Zoë Ångström", company="Nordic AB")
    add(a, full_name="Grace Hopper", company="US Navy")
    wait()
    assert names(a, "Jurgen Muler") == ["Jürgen Müller"]
    assert names(a, "JÜRGEN") == ["Jürgen Müller"]
    assert names(a, "zoe angstrom") == ["Zoë Ångström"]
    assert names(a, "ångs") == ["Zoë Ångström"]  # prefix on the last word
    assert names(a, "Gra") == ["Grace Hopper"]
    assert names(a, "田太") == ["山田太郎"]
    assert names(a, "東京") == ["山田太郎"]
    assert names(a, "7946") == ["Jürgen Müller"]
    assert names(a, "020 7946 0958") == ["Jürgen Müller"]
    assert names(a, "+44 20 7946") == ["Jürgen Müller"]
    assert names(a, "nobody-like-this") == []


def test_name_and_company_matches_rank_first(users, wait):
    """A word in the name or company outranks the same word in notes or the event."""
    a, _ = users
    add(a, full_name="Sam Jones", company="Acme", note="met at the Kepler dinner, loves Kepler")
    add(a, full_name="Kepler Smith", company="Orbit Ltd")
    add(a, full_name="Lee Park", company="Kepler Labs")
    wait()
    found = names(a, "kepler")
    assert found[-1] == "Sam Jones" and set(found[:2]) == {"Kepler Smith", "Lee Park"}


def test_filters_facets_sorts_and_paging(users, wait):
    """Facets count the matches per stage/source/tag/event; filters narrow; sorts and paging apply."""
    a, _ = users
    add(a, full_name="Ana Lima", stage="warm", event="Web Summit", tags=["vip"])
    add(a, full_name="Ana Costa", stage="client", event="Web Summit")
    add(a, full_name="Ana Silva", stage="warm", tags=["vip"])
    add(a, full_name="Bruno Dias", stage="warm")
    wait()
    with session_scope() as s:
        page = service.find_contacts(session=s, owner=a, query="ana", filters={}, sort="", limit=50, offset=0)
        assert page.total == 3
        stage = {f["value"]: f["count"] for f in page.facets["stage"]}
        assert stage == {"warm": 2, "client": 1}
        assert {f["label"]: f["count"] for f in page.facets["tag"]} == {"vip": 2}
        assert page.facets["event"] == [{"value": "Web Summit", "label": "Web Summit", "count": 2}]
        warm = service.find_contacts(
            session=s, owner=a, query="ana", filters={"stage": "warm"}, sort="name", limit=1, offset=1
        )
        assert warm.total == 2 and [c.full_name for c in warm.items] == ["Ana Silva"]
        # A facet counts what choosing another of its values would give: the stage facet ignores the stage filter.
        assert {f["value"] for f in warm.facets["stage"]} == {"warm", "client"}
        tag_id = page.facets["tag"][0]["value"]
        tagged = service.find_contacts(
            session=s, owner=a, query="", filters={"tag_id": tag_id}, sort="name", limit=50, offset=0
        )
        assert [c.full_name for c in tagged.items] == ["Ana Lima", "Ana Silva"]


def test_empty_query_lists_like_the_contact_book(users, wait):
    """With no query, find_contacts gives the rows, order and total contacts.service.list_ gives."""
    a, _ = users
    for name in ("Carla", "Abel", "Bea"):
        add(a, full_name=name)
    wait()
    with session_scope() as s:
        listed = contact_service.list_(session=s, owner=a, sort="-name", limit=2, offset=1)
        found = service.find_contacts(session=s, owner=a, query="", filters={}, sort="-name", limit=2, offset=1)
        assert [c.id for c in found.items] == [c.id for c in listed.items] and found.total == listed.total == 3


def test_another_owner_never_shows_in_results_counts_facets_or_autocomplete(users, wait):
    """B searching for A's contact's exact name, company, phone and tag finds nothing of A's."""
    a, b = users
    add(
        a,
        full_name="Secret Person",
        company="Hidden Corp",
        tags=["private-tag"],
        event="A Event",
        phones=[{"label": "m", "value": "+1 202 555 0143"}],
    )
    add(b, full_name="Public Person", company="Open Corp")
    wait()
    for query in ("secret", "hidden", "5550143", "private-tag", "Secret Persn"):
        with session_scope() as s:
            page = service.find_contacts(session=s, owner=b, query=query, filters={}, sort="", limit=50, offset=0)
            assert page.items == [] and page.total == 0, query
            assert all(f["count"] == 0 for facet in page.facets.values() for f in facet), query
            assert "private-tag" not in str(page.facets)
    with session_scope() as s:
        everything = service.find_contacts(session=s, owner=b, query="person", filters={}, sort="", limit=50, offset=0)
        assert [c.full_name for c in everything.items] == ["Public Person"]
        assert "A Event" not in str(everything.facets)
        for field, prefix in (("name", "sec"), ("company", "hid"), ("tag", "priv")):
            assert service.autocomplete(session=s, owner=b, field=field, prefix=prefix) == []
        assert service.autocomplete(session=s, owner=a, field="name", prefix="séc") == ["Secret Person"]
        assert service.autocomplete(session=s, owner=a, field="company", prefix="hid") == ["Hidden Corp"]
        assert service.autocomplete(session=s, owner=a, field="tag", prefix="priv") == ["private-tag"]


def test_edits_deletes_merges_and_tag_renames_reach_the_index(users, wait):
    """The index follows the book: an edit, a delete and a renamed tag are found (or not) right after."""
    a, _ = users
    first = add(a, full_name="Old Name", tags=["alpha"])
    wait()
    with session_scope() as s:
        contact_service.update(session=s, owner=a, contact_id=first, changes={"full_name": "Fresh Name"})
    wait()
    assert names(a, "fresh") == ["Fresh Name"] and names(a, "old") == []
    with session_scope() as s:
        tag = contact_tags.list_tags(session=s, owner=a)[0]
        contact_tags.update_tag(session=s, owner=a, tag_id=tag.id, name="omega")
    wait()
    assert names(a, "omega") == ["Fresh Name"]
    with session_scope() as s:
        contact_service.delete(session=s, owner=a, contact_id=first)
    wait()
    assert names(a, "fresh") == []
