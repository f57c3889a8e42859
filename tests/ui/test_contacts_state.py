"""The contact pages' states: the list always shows the filters in its address; values kept as written are marked."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import timedelta

from metaic.contacts import imports, reminders
from metaic.contacts.schemas import ContactDraft, LabeledValue, ParsedRow
from metaic.core import clock
from metaic.db import session_scope
from metaic.ui.pages.contacts import contact_view, contacts_page
from metaic.ui.state.contacts import ContactsState, ContactState
from tests.ui.support import contact, signed_in, state


def run(event):
    """Run an async event handler to its end and return what it returned."""
    return asyncio.run(event)


def test_pages_build():
    for built in (contacts_page(), contact_view()):
        assert json.dumps(built.render(), default=str)


def test_a_reload_with_an_empty_search_box_shows_everyone(fresh_index):
    token, user = signed_in("ada@example.com", "Ada")
    contact(user)
    contact(user, full_name="Alan Turing", emails=[{"label": "", "value": "alan@example.com"}])
    fresh_index()
    page = state(ContactsState, token, "/contacts")
    run(page.load())
    assert page.total == 2
    drawn = page.filters_drawn
    shown = run(page.search({"query": "grace", "sort": "name"}))
    assert page.total == 1 and "replaceState" in json.dumps(shown, default=str)
    assert page._address() == "/contacts?q=grace"
    # Applying a search does not redraw the form (what the user types next is kept)...
    assert page.filters_drawn == drawn
    # ...a reload of /contacts does (the same tab state survives, as Reflex keeps it): the address has no filter.
    run(page.load())
    assert (page.query, page.total, [r["name"] for r in page.rows]) == ("", 2, ["Alan Turing", "Grace Hopper"])
    assert page.filters_drawn == drawn + 1


def test_the_address_sets_the_filters(fresh_index):
    token, user = signed_in("ada@example.com", "Ada")
    contact(user, stage="warm")
    contact(user, full_name="Alan Turing", emails=[{"label": "", "value": "alan@example.com"}])
    fresh_index()
    page = state(ContactsState, token, "/contacts", "q=turing&stage=bogus&sort=-created")
    run(page.load())
    assert (page.query, page.stage, page.sort, page.total) == ("turing", "", "-created", 1)
    warm = state(ContactsState, token, "/contacts", "stage=warm&page=1")
    run(warm.load())
    assert ([r["name"] for r in warm.rows], warm.page, warm._address()) == (["Grace Hopper"], 0, "/contacts?stage=warm")


def test_snooze_is_the_domain_rule_a_day_after_it_was_due(db):
    token, user = signed_in("ada@example.com", "Ada")
    cid = contact(user)
    due = clock.now() + timedelta(days=3)
    with session_scope() as s:
        reminder = reminders.set_reminder(session=s, owner=s.merge(user), contact_id=uuid.UUID(cid), due_at=due)
    page = state(ContactState, token, "/contacts/view", f"id={cid}")
    run(page.load())
    run(page.snooze(str(reminder.id)))
    with session_scope() as s:
        [after] = reminders.list_for(session=s, owner=s.merge(user), contact_id=uuid.UUID(cid))
    assert after.status == "snoozed" and abs(after.due_at - (due + timedelta(days=1))) < timedelta(seconds=1)


def test_values_kept_as_written_carry_a_badge(db):
    token, user = signed_in("ada@example.com", "Ada")
    with session_scope() as s:
        draft = ContactDraft(
            full_name="Sam Lee",
            phones=[LabeledValue(value="(415) 555-0100"), LabeledValue(value="+44 20 7946 0958")],
            birthday="spring 1990",
        )
        report = imports.import_drafts(session=s, owner=s.merge(user), rows=[ParsedRow(row=1, draft=draft)])
    page = state(ContactState, token, "/contacts/view", f"id={report.rows[0].contact_id}")
    run(page.load())
    assert [(p["value"], p["badge"]) for p in page.phones] == [
        ("(415) 555-0100", "kept as written"),
        ("+442079460958", ""),
    ]
    assert page.birthday[0]["badge"] == "kept as written" and page.phones[0]["why"]
    assert "value-flag" in json.dumps(contact_view().render(), default=str)


def test_a_load_again_for_the_same_address_keeps_the_form_a_new_address_redraws_it(fresh_index):
    """A reconnect re-runs on_load: the search box being typed in must not be redrawn (and emptied) for it."""
    token, user = signed_in("ada@example.com", "Ada")
    contact(user)
    fresh_index()
    page = state(ContactsState, token, "/contacts", "q=hopper")
    run(page.load())
    drawn = page.filters_drawn
    run(page.load())  # the same address again
    assert page.filters_drawn == drawn and page.query == "hopper"
    other = state(ContactsState, token, "/contacts", "stage=warm")
    other.filters_drawn, other.query = drawn, "hopper"
    run(other.load())  # the address says something else: the form is drawn again with it
    assert other.filters_drawn == drawn + 1 and (other.query, other.stage) == ("", "warm")
