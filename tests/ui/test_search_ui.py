"""The global search box, the admin search report and the builder's directory setting, driven as a tab would."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

from metaic.cards import service as card_service
from metaic.core import clock
from metaic.db import session_scope
from metaic.search import service as search_service
from metaic.ui.components.layout import top_bar
from metaic.ui.pages.admin_search import admin_search
from metaic.ui.state.admin_search import AdminSearchState, report_rows
from metaic.ui.state.builder import BuilderState
from metaic.ui.state.search import SearchState
from tests.ui.support import contact, run, signed_in, state

DAY = timedelta(days=1)


def _hits(page: SearchState) -> list[tuple[str, str]]:
    """(group label, title text) of every shown result."""
    return [(g.label, "".join(p.text for p in h.title_parts)) for g in page.groups for h in g.hits]


def test_the_top_bar_has_the_search_box_and_its_shortcuts():
    bar = top_bar()
    rendered = json.dumps(bar.render(), default=str)
    assert "global-search" in rendered and "search-open-mobile" in rendered
    assert any("metaicSearchKeys" in hook for hook in bar._get_all_hooks())
    # Matched runs are React text children: a name like "<img onerror=…>" is shown, never parsed.
    assert "dangerouslySetInnerHTML" not in str(bar) and "mark" in str(bar)


def test_typing_shows_my_matches_grouped_and_highlighted_never_someone_elses(fresh_index):
    token, ada = signed_in("ada@example.com", "Ada")
    _other_token, bob = signed_in("bob@example.com", "Bob")
    contact(ada, full_name="Grace Hopper", company="US Navy")
    contact(bob, full_name="Grace Kelly", company="Monaco")
    fresh_index()
    page = state(SearchState, token, "/dashboard")

    run(page.typed("g"))  # one letter: nothing is searched yet
    assert (page.groups, page.shown, page.loading) == ([], "", False)

    run(page.typed("grace"))
    assert page.shown == "grace" and not page.loading and page.query_id
    assert _hits(page) == [("Contacts", "Grace Hopper")]
    [hit] = page.groups[0].hits
    assert [p.text for p in hit.title_parts if p.hit] == ["Grace"]
    assert hit.position == 1 and hit.url.startswith("/contacts/view?id=")

    run(page.typed("zzqx"))
    assert page.groups == [] and page.shown == "zzqx"
    # Another page starts with an empty, closed box.
    page.new_page()
    assert (page.query, page.shown, page.is_open) == ("", "", False)


def test_choosing_a_result_records_the_click_and_goes_there(fresh_index):
    token, ada = signed_in("ada@example.com", "Ada")
    cid = contact(ada, full_name="Grace Hopper")
    fresh_index()
    page = state(SearchState, token, "/dashboard")
    run(page.typed("hopper"))
    [hit] = page.groups[0].hits
    went = run(page.pick(hit.position, hit.kind, hit.url))
    assert f"/contacts/view?id={cid}" in json.dumps(went, default=str)
    assert not page.is_open
    with session_scope() as s:
        report = search_service.query_report(session=s, since=clock.now() - DAY, until=clock.now() + DAY)
    assert [(r["position"], r["clicks"]) for r in report["ctr_by_position"] if r["clicks"]] == [(1, 1)]


def test_a_signed_out_tab_is_sent_to_sign_in(db):
    page = state(SearchState, None, "/contacts")
    events = run(page.typed("grace"))
    assert "/login?next=/contacts" in json.dumps(events, default=str) and page.groups == []


def test_the_search_report_is_for_admins_only(db):
    token, _user = signed_in("ada@example.com", "Ada")
    page = state(AdminSearchState, token, "/admin/search")
    run(page.load())
    assert page.denied and page.top == []
    assert "Only administrators" in json.dumps(admin_search().render(), default=str)


def test_the_search_report_shows_the_chosen_period(fresh_index):
    token, admin = signed_in("root@example.com", "Root")
    contact(admin, full_name="Grace Hopper")
    with session_scope() as s:  # after contact(), which merges the account object it was given
        s.merge(admin).role = "admin"
    fresh_index()
    box = state(SearchState, token, "/dashboard")
    run(box.typed("grace"))
    run(box.typed("nobodyatall"))
    page = state(AdminSearchState, token, "/admin/search", "days=30")
    run(page.load())
    assert not page.denied and page.days == 30
    assert {r["query"] for r in page.top} == {"grace", "nobodyatall"}
    assert [r["query"] for r in page.no_results] == ["nobodyatall"]
    run(page.set_period("90"))
    assert page.days == 90 and page.top
    run(page.set_period("12"))
    assert page.days == 7


def test_report_rows_are_strings_with_rates_as_percentages():
    top, empty, ctr = report_rows(
        {
            "top": [{"query": "ada", "count": 3, "avg_results": 2.5}],
            "no_results": [{"query": "zz", "count": 2}],
            "ctr_by_position": [
                {"position": 1, "impressions": 4, "clicks": 1, "ctr": 0.25},
                {"position": 2, "impressions": 0, "clicks": 0, "ctr": 0},
            ],
        }
    )
    assert top == [{"query": "ada", "count": "3", "avg_results": "2.5"}]
    assert empty == [{"query": "zz", "count": "2"}]
    assert ctr == [{"position": "1", "impressions": "4", "clicks": "1", "ctr": "25.0%", "bar": "25.0%"}]


def test_the_directory_setting_is_saved_for_the_card(db):
    token, ada = signed_in("ada@example.com", "Ada")
    with session_scope() as s:
        card = card_service.create(session=s, owner=s.merge(ada), name="Ada Lovelace")
        card_id = str(card.id)
    page = state(BuilderState, token, "/cards/edit", f"id={card_id}")
    run(page.load())
    assert page.directory_listing == "off"
    run(page.set_directory_listing("members"))
    assert page.directory_listing == "members"
    with session_scope() as s:
        assert card_service.get_owned(session=s, owner=s.merge(ada), card_id=uuid.UUID(card_id)).directory_listing == (
            "members"
        )
    run(page.set_directory_listing("everyone"))
    assert page.directory_listing == "members" and page.errors


def test_the_builder_suggests_industries_and_companies_as_you_type(fresh_index):
    token, ada = signed_in("ada@example.com", "Ada")
    contact(ada, full_name="Grace Hopper", company="Fintech Partners")
    with session_scope() as s:
        card_id = str(card_service.create(session=s, owner=s.merge(ada), name="Ada Lovelace").id)
    fresh_index()
    page = state(BuilderState, token, "/cards/edit", f"id={card_id}")
    run(page.load())
    page.set_business("industry", "Financial technology")
    run(page.save())
    run(page.suggest("industry", "fin"))
    assert page.industry_suggestions == ["Financial technology"]
    run(page.suggest("company", "fint"))
    assert page.company_suggestions == ["Fintech Partners"]
    # One letter asks for nothing; an unknown field is ignored.
    run(page.suggest("industry", "f"))
    run(page.suggest("password", "fin"))
    assert page.industry_suggestions == []
