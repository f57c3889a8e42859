"""The public card on a phone: at 360 and 390 px no template scrolls sideways and no section is cut, even with
long names, words, URLs and emails; one clear primary action (Save contact), the sign-in save a quiet link."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from metaic.auth import service as user_service
from metaic.cards import service as card_service
from metaic.cards import versions
from metaic.db import engine_for
from tests.cards.helpers import PASSWORD, rich

LONG = "Supercalifragilisticexpialidocious-Wissenschaftsministeriumsangelegenheiten"
TEMPLATES = ("classic", "modern", "bold", "minimal")


def _everything_long(template: str) -> dict:
    """A card with every section filled and long text in each: words, URLs, emails, addresses, prices."""
    doc = rich(
        name=f"Maximiliana Konstantinopoulou-{LONG}",
        headline=f"Chief {LONG} Officer",
        bio="https://example.com/" + "a" * 120 + "\n" + LONG * 2,
        theme={"template": template, "color": "#0ea5e9", "font": "serif"},
        interests=[LONG[:40], "Poetry"],
    )
    doc["contacts"] = [
        {"kind": "phone", "label": "Mobile", "value": "+44 20 7946 0958", "preferred": True},
        {
            "kind": "email",
            "label": "Work",
            "value": "maximiliana.konstantinopoulou.department@extraordinarily-long-domain-name.example.com",
        },
        {"kind": "address", "label": "Office", "value": f"Unit 42, {LONG} Straße 1234\n10115 Berlin\nGermany"},
    ]
    doc["business"]["address"] = f"{LONG} Straße 12, 10115 Berlin, Germany"
    doc["business"]["website"] = "https://www.very-long-subdomain-name.example.com/" + "path-segment/" * 8
    doc["services"][0].update(title=LONG, price_range="£100,000-£200,000 per year")
    doc["works"][0]["title"] = LONG
    doc["socials"].append({"kind": "custom", "url": "https://example.com/" + "b" * 100, "label": LONG[:60]})
    doc["networking"]["industries"] = [LONG[:60], "Computing"]
    return doc


@pytest.fixture(scope="module")
def long_cards(app_server) -> dict[str, str]:
    """One published card per template, full of long text; template -> slug."""
    slugs = {}
    with Session(engine_for(app_server.database_url)) as session:
        owner = user_service.create(
            session=session, email="mobile-owner@example.com", password=PASSWORD, name="Owner", verified=True
        )
        for template in TEMPLATES:
            card = card_service.create(session=session, owner=owner, name=f"Long {template}")
            card_service.save_draft(session=session, owner=owner, card_id=card.id, content=_everything_long(template))
            # Snapshot only: the flow's follow-ups belong to the app's process, not to this test process,
            # and no contact has been saved from these cards yet.
            versions.snapshot_draft(session=session, owner=owner, card_id=card.id)
            slugs[template] = card.slug
        session.commit()
    return slugs


# Everything that sticks out to the right of the viewport, by selector, and the page's own scroll width.
OVERFLOW = """() => {
  const out = [...document.querySelectorAll('main *')]
    .filter(e => e.getBoundingClientRect().right > innerWidth + 0.5 && e.getClientRects().length)
    .map(e => e.tagName.toLowerCase() + '.' + [...e.classList].join('.'));
  return {scroll: document.documentElement.scrollWidth, inner: innerWidth, out: out.slice(0, 5)};
}"""


@pytest.mark.parametrize("width", [360, 390])
def test_no_template_scrolls_sideways_on_a_phone(app_server, browser, long_cards, width):
    page = browser.new_page(viewport={"width": width, "height": 780}, device_scale_factor=2, is_mobile=True)
    try:
        for template, slug in long_cards.items():
            page.goto(f"{app_server.base_url}/c/{slug}")
            found = page.evaluate(OVERFLOW)
            assert found["scroll"] <= found["inner"], (template, found)
            assert found["out"] == [], (template, found)
    finally:
        page.close()


def test_save_contact_is_the_one_primary_action(app_server, browser, long_cards):
    page = browser.new_page(viewport={"width": 360, "height": 780})
    try:
        page.goto(f"{app_server.base_url}/c/{long_cards['classic']}")
        primary = page.locator(".cta a.save")
        assert primary.count() == 1 and primary.get_attribute("href").endswith(".vcf")
        sign_in = page.locator(".keep a.keep-link")
        assert sign_in.inner_text() == "Sign in to save"
        big, quiet = primary.bounding_box(), sign_in.bounding_box()
        assert quiet["height"] < big["height"] / 2  # a line of text, not a second button
        assert page.locator(".cta .keep-btn").count() == 0
    finally:
        page.close()
