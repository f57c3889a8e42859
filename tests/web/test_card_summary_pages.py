"""The card summary where visitors meet it: og:description of the public page (cached) and the directory results."""

from __future__ import annotations

import html
import re
import uuid

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from metaic.ai import jobs as ai_jobs
from metaic.ai.models import CardSummaryText
from metaic.api.app import build_api
from metaic.cards import flows
from metaic.cards import service as card_service
from metaic.db import session_scope
from metaic.jobs.queue import drain_local
from metaic.web.fastpath import public_card_fastpath
from tests.ai.helpers import CARD, make_user
from tests.cards.fixtures import BROWSER
from tests.ui.search_support import fresh_index  # noqa: F401 - the fixture


@pytest.fixture
def fast(db: str) -> TestClient:
    """The HTTP app as production serves it: the cached fast path in front of the routes."""
    client = TestClient(public_card_fastpath(build_api()), raise_server_exceptions=False)
    client.headers["user-agent"] = BROWSER
    return client


def _publish(listing: str = "off") -> tuple[str, str]:
    """Ada's card published (and listed when asked) with its summary job done; returns (slug, card id)."""
    with session_scope() as s:
        ada = make_user(s)
        card = card_service.create(session=s, owner=ada, name=CARD["name"])
        card_service.save_draft(session=s, owner=ada, card_id=card.id, content=CARD)
        if listing != "off":
            card_service.set_directory_listing(session=s, owner=ada, card_id=card.id, value=listing)
        flows.publish(session=s, owner=ada, card_id=card.id)
        slug, card_id = card.slug, str(card.id)
    drain_local()
    return slug, card_id


def _meta(page: str, name: str) -> str:
    """The content of a meta tag."""
    found = re.search(rf'<meta (?:property|name)="{re.escape(name)}" content="([^"]*)"', page)
    return html.unescape(found.group(1)) if found else ""


def _summary(card_id: str) -> CardSummaryText:
    """The stored summary row."""
    with session_scope() as s:
        return s.exec(select(CardSummaryText).where(CardSummaryText.card_id == uuid.UUID(card_id))).one()


def test_og_description_is_the_summary_and_a_new_summary_replaces_the_cached_page(fast):
    slug, card_id = _publish()
    summary = _summary(card_id).text
    assert summary.startswith("Ada Lovelace") and "\n" in summary
    page = fast.get(f"/c/{slug}")
    assert page.status_code == 200
    one_line = " ".join(summary.split())
    assert _meta(page.text, "og:description") == one_line == _meta(page.text, "description")
    assert _meta(page.text, "twitter:description") == one_line and CARD["bio"] not in _meta(page.text, "description")

    with session_scope() as s:
        row = s.get(CardSummaryText, _summary(card_id).card_id)
        row.text = "Ada Lovelace, engineer.\nPipelines for startups."
        s.add(row)
    assert _meta(fast.get(f"/c/{slug}").text, "og:description") == one_line  # still the cached page
    ai_jobs.summarize_card(card_id)  # the job announces what it wrote: every process drops its copy
    fresh = fast.get(f"/c/{slug}")
    assert _meta(fresh.text, "og:description") == "Ada Lovelace, engineer. Pipelines for startups."
    assert fresh.headers["etag"] != page.headers["etag"]


def test_without_a_summary_the_page_describes_the_card_by_its_bio(fast):
    slug, card_id = _publish()
    with session_scope() as s:
        s.delete(s.get(CardSummaryText, _summary(card_id).card_id))
    page = fast.get(f"/c/{slug}?src=link")
    assert _meta(page.text, "og:description") == CARD["bio"]


def test_directory_results_show_each_cards_summary(fresh_index, client):  # noqa: F811 - the fixture
    slug, card_id = _publish(listing="public")
    fresh_index()
    summary = _summary(card_id).text
    listed = client.get("/directory")
    assert listed.status_code == 200 and f"/c/{slug}" in listed.text
    assert html.escape(summary.split("\n")[1]) in listed.text and 'class="summary"' in listed.text
    api = client.get("/api/v1/directory").json()
    assert [item["summary"] for item in api["items"]] == [summary]
