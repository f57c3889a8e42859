"""The contact list on the search service: typo-tolerant search, best match first, filters with counts."""

from __future__ import annotations

import asyncio
import json

from metaic.ui.components.contacts_list import filters_bar
from metaic.ui.state.contacts import ContactsState
from tests.ui.support import contact, signed_in, state


def run(event):
    """Run an async event handler to its end and return what it returned."""
    return asyncio.run(event)


def _book(reindex):
    """Ada's book: two warm contacts (one met at PyCon), one new; Bob's contact is also warm (all indexed)."""
    token, ada = signed_in("ada@example.com", "Ada")
    _bob_token, bob = signed_in("bob@example.com", "Bob")
    contact(ada, full_name="Grace Hopper", company="US Navy", stage="warm", event="PyCon")
    contact(ada, full_name="Alan Turing", emails=[{"label": "", "value": "alan@example.com"}])
    contact(ada, full_name="Katherine Johnson", emails=[], stage="warm")
    contact(bob, full_name="Grace Kelly", emails=[], stage="warm")
    reindex()
    return token


def test_filters_show_their_counts_for_my_book_only(fresh_index):
    page = state(ContactsState, _book(fresh_index), "/contacts")
    run(page.load())
    assert page.total == 3
    labels = {o["value"]: o["label"] for o in page.stage_options}
    assert (labels["warm"], labels["new"], labels["client"]) == ("Warm (2)", "New (1)", "Client (0)")
    assert [o["value"] for o in page.event_options] == ["PyCon"] and "(1)" in page.event_options[0]["label"]
    assert "filter-due-label" in json.dumps(filters_bar().render(), default=str)


def test_a_misspelt_search_finds_the_person_best_match_first(fresh_index):
    page = state(ContactsState, _book(fresh_index), "/contacts")
    run(page.load())
    assert page.sort == "name"
    shown = run(page.search({"query": "Grase Hoper", "sort": "name"}))
    assert [r["name"] for r in page.rows] == ["Grace Hopper"]
    # A newly typed search sorts by best match, and that default stays out of the address.
    assert page.sort == "relevance" and page._address() == "/contacts?q=Grase+Hoper"
    assert "replaceState" in json.dumps(shown, default=str)
    # Counts follow the search: only Grace is left, and she is warm.
    assert {o["value"]: o["label"] for o in page.stage_options}["warm"] == "Warm (1)"


def test_a_chosen_order_is_kept_and_a_cleared_search_goes_back_to_names(fresh_index):
    page = state(ContactsState, _book(fresh_index), "/contacts")
    run(page.load())
    run(page.search({"query": "grace", "sort": "-created"}))
    assert page.sort == "-created" and page._address() == "/contacts?q=grace&sort=-created"
    run(page.search({"query": "", "sort": "relevance"}))
    assert page.sort == "name" and page.total == 3 and page._address() == "/contacts"
    page.choose_sort("bogus")
    assert page.sort == "name"


def test_the_address_can_ask_for_best_match(fresh_index):
    page = state(ContactsState, _book(fresh_index), "/contacts", "q=turing&sort=relevance")
    run(page.load())
    assert (page.sort, [r["name"] for r in page.rows], page._address()) == (
        "relevance",
        ["Alan Turing"],
        "/contacts?q=turing",
    )
