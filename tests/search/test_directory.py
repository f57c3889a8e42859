"""The people directory: opt-in only, the published snapshot only, gone on unpublish, delete and account deletion."""

from __future__ import annotations

import time

import pytest

from metaic.admin import accounts, user_actions
from metaic.auth.models import ROLE_ADMIN
from metaic.cards import flows as card_flows
from metaic.cards import service as card_service
from metaic.cards import versions
from metaic.core.errors import NotFound, ValidationError
from metaic.db import session_scope
from metaic.search import service, whoosh_store
from tests.search.conftest import PASSWORD, make_user
from tests.search.helpers import card_content, listed_card


def slugs(query="", viewer=None, **facets):
    """Names on the first directory page."""
    with session_scope() as s:
        page = service.directory(session=s, query=query, facets=facets, page=1, viewer=viewer)
        return sorted(i["name"] for i in page.items)


def indexed_ids():
    """Ids the cards index holds right now."""
    whoosh_store.forget_searchers()
    return {d["id"] for d in whoosh_store.searcher("cards").all_stored_fields()}


def test_off_by_default_members_and_public_listings(users, wait):
    """A published card is not listed until its owner opts in; anonymous visitors see only "public" listings."""
    a, b = users
    with session_scope() as s:
        quiet = card_service.create(session=s, owner=a, name="Quiet Person")
        card_service.save_draft(session=s, owner=a, card_id=quiet.id, content=card_content("Quiet Person"))
        card_flows.publish(session=s, owner=a, card_id=quiet.id)
        assert quiet.directory_listing == "off"
    listed_card(a, "Public Paula")
    listed_card(b, "Member Max", listing="members")
    wait()
    assert slugs() == ["Public Paula"]
    assert slugs(viewer=b) == ["Member Max", "Public Paula"]
    assert slugs("quiet", viewer=b) == []


def test_only_published_public_cards_and_the_published_version(users, wait):
    """Unlisted/private cards never enter; a draft edit is not searchable until it is published."""
    a, _ = users
    listed_card(a, "Hidden Hana", visibility="unlisted")
    listed_card(a, "Private Pia", visibility="private")
    live = listed_card(a, "Draft Dora", offer="Pottery lessons")
    wait()
    assert slugs(viewer=a) == ["Draft Dora"]
    with session_scope() as s:
        card_service.save_draft(session=s, owner=a, card_id=live, content=card_content("Draft Dora", offer="Sailing"))
    wait()
    assert slugs("sailing") == [] and slugs("pottery") == ["Draft Dora"]


def test_unpublish_delete_and_account_deletion_remove_within_seconds(users, wait):
    """Each removal leaves the index (and the results) right after the job runs."""
    a, b = users
    first = listed_card(a, "Una Publish")
    second = listed_card(a, "Del Card")
    listed_card(b, "Gone Account")
    wait()
    assert len(indexed_ids()) == 3
    started = time.monotonic()
    with session_scope() as s:
        versions.unpublish(session=s, owner=a, card_id=first)
    wait()
    assert slugs("una") == [] and str(first) not in indexed_ids()
    with session_scope() as s:
        card_service.delete(session=s, owner=a, card_id=second)
    wait()
    assert slugs("del") == [] and str(second) not in indexed_ids()
    with session_scope() as s:
        accounts.delete_account(session=s, user=s.get(type(b), b.id), password=PASSWORD)
    wait()
    assert slugs("gone") == [] and len(indexed_ids()) == 0
    assert time.monotonic() - started < 10


def test_listing_setter_checks_value_and_owner(users, wait):
    """A bad value is a ValidationError; another owner's card is NotFound; "off" removes it."""
    a, b = users
    card = listed_card(a, "Opt Out")
    wait()
    with session_scope() as s, pytest.raises(ValidationError):
        card_service.set_directory_listing(session=s, owner=a, card_id=card, value="everyone")
    with session_scope() as s, pytest.raises(NotFound):
        card_service.set_directory_listing(session=s, owner=b, card_id=card, value="off")
    with session_scope() as s:
        card_service.set_directory_listing(session=s, owner=a, card_id=card, value="off")
    wait()
    assert slugs() == [] and indexed_ids() == set()


def test_search_facets_typos_and_paging(users, wait):
    """Words AND together, typos are forgiven, facets count and filter, pages split the results."""
    a, b = users
    listed_card(a, "Marie Curie", industry="Science", address="Paris, France", open_to=["mentoring"])
    listed_card(a, "Pierre Curie", industry="Science", address="Paris, France", open_to=["investing"])
    listed_card(b, "Ada Lovelace", industry="Computing", address="London, United Kingdom", open_to=["hiring"])
    wait()
    assert slugs("curie") == ["Marie Curie", "Pierre Curie"]
    assert slugs("marie curie") == ["Marie Curie"]
    assert slugs("Maria Cutie") == ["Marie Curie"]
    assert slugs("science paris") == ["Marie Curie", "Pierre Curie"]
    assert slugs("curie", open_to="investing") == ["Pierre Curie"]
    with session_scope() as s:
        page = service.directory(session=s, query="", facets={}, page=1, per_page=2)
        assert page.total == 3 and len(page.items) == 2
        industries = {f["value"]: f["count"] for f in page.facets["industry"]}
        assert industries == {"Science": 2, "Computing": 1}
        assert {f["value"]: f["count"] for f in page.facets["city"]} == {"Paris": 2, "London": 1}
        second = service.directory(session=s, query="", facets={}, page=2, per_page=2)
        assert len(second.items) == 1 and second.items[0]["name"] not in {i["name"] for i in page.items}
        item = service.directory(session=s, query="ada", facets={}, page=1).items[0]
        assert item["title_parts"] == [{"text": "Ada", "hit": True}, {"text": " Lovelace", "hit": False}]
        assert item["slug"] and item["city"] == "London" and item["open_to"] == ["hiring"]
        with pytest.raises(ValidationError):
            service.directory(session=s, query="", facets={"owner": "x"}, page=1)
        assert service.autocomplete(session=s, owner=b, field="industry", prefix="sci") == ["Science"]


def test_new_member_sees_members_listing(users, wait):
    """A members-only card shows to any signed-in user, not only its owner."""
    a, _ = users
    listed_card(a, "Only Members", listing="members")
    wait()
    c = make_user("c@example.com")
    assert slugs(viewer=c) == ["Only Members"] and slugs() == []


def test_suspended_owner_leaves_the_directory_and_returns_on_reactivation(users, wait):
    """A suspended account's cards are offline, so the directory neither lists nor counts them until reactivation."""
    a, b = users
    listed_card(a, "Sus Pended", offer="Kayak tours")
    listed_card(b, "Still Here", offer="Kayak repairs")
    wait()
    with session_scope() as s:
        admin = s.get(type(a), b.id)
        admin.role = ROLE_ADMIN
        s.add(admin)
    with session_scope() as s:
        user_actions.suspend(session=s, actor=s.get(type(b), b.id), user=s.get(type(a), a.id))
    wait()
    assert slugs("kayak") == ["Still Here"]
    with session_scope() as s:
        assert service.directory(session=s, query="kayak", facets={}, page=1, viewer=None).total == 1
    with session_scope() as s:
        user_actions.reactivate(session=s, actor=s.get(type(b), b.id), user=s.get(type(a), a.id))
    wait()
    assert slugs("kayak") == ["Still Here", "Sus Pended"]


def test_facet_counts_drop_a_removed_card_at_once(users, wait):
    """Counts over the whole directory leave out a card the moment it is unpublished (not when segments merge)."""
    a, b = users
    first = listed_card(a, "Fay First", industry="Ceramics", open_to=["hiring"])
    listed_card(b, "Sam Second", industry="Ceramics", open_to=["hiring"])
    wait()
    with session_scope() as s:
        versions.unpublish(session=s, owner=a, card_id=first)
    wait()
    with session_scope() as s:
        page = service.directory(session=s, query="", facets={}, page=1, viewer=b)
    counts = {f["value"]: f["count"] for f in page.facets["industry"]}
    assert page.total == 1 and counts == {"Ceramics": 1}
    assert {f["value"]: f["count"] for f in page.facets["open_to"]} == {"hiring": 1}
