"""No page of the app scrolls sideways on a 360 px phone, nor cuts text off at its right edge (issue 9): every
registered page, signed out, as a member with long real-world data (card, contacts, a thread, notifications,
analytics) and as an admin, with every tab of the builder and the account settings opened. One run lists every
offending page with what sticks out."""

from __future__ import annotations

import contextlib
import os
import re
from dataclasses import asdict, dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from sqlmodel import Session

from metaic.analytics import service as analytics_service
from metaic.auth import service as user_service
from metaic.auth.models import ROLE_ADMIN
from metaic.cards import service as card_service
from metaic.communication import templates as template_service
from metaic.contacts import service as contact_service
from metaic.db import engine_for
from metaic.messaging import service as messaging
from metaic.moderation import reports
from metaic.notifications import flows as notification_flows
from tests.cards.helpers import rich
from tests.contacts.helpers import publish_card
from tests.e2e.helpers import sign_in

pytestmark = pytest.mark.e2e
PASSWORD = "Narrow-Screens-Everywhere-26"
OWNER, FRIEND, ADMIN = "sideways.owner@example.com", "sideways.friend@example.com", "sideways.admin@example.com"
WIDTH = 360
LONG = "Wissenschaftsministeriumsangelegenheitenkoordinationsstelle"
LONG_URL = "https://www.very-long-subdomain-name.example.com/" + "path-segment/" * 8
LONG_EMAIL = "maximiliana.konstantinopoulou.department@extraordinarily-long-domain-name.example.com"
# Set to a folder to keep full-page screenshots of every page checked, at 360 and 1280 px.
SHOTS = os.environ.get("METAIC_SIDEWAYS_SCREENSHOTS", "")
IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 Safari/604.1"


@dataclass
class Seeded:
    """Ids of what the pages show."""

    owner_id: str
    card_id: str
    slug: str
    contact_id: str
    conversation_id: str


def _card_doc() -> dict:
    """A card with every section filled and long words, URLs and emails in each."""
    doc = rich(
        name=f"{LONG} Konstantinopoulou",
        headline=f"Chief {LONG} Officer",
        bio=LONG_URL + "\n" + LONG * 2,
        interests=[LONG[:40], "Poetry"],
    )
    doc["contacts"][1]["value"] = LONG_EMAIL
    doc["business"].update(name=f"{LONG} GmbH", website=LONG_URL, address=f"{LONG} Straße 12, 10115 Berlin")
    doc["services"][0].update(title=LONG, price_range="£100,000-£200,000 per year")
    doc["works"][0]["title"] = LONG
    doc["networking"].update(looking_for=f"{LONG} partners", offer=f"{LONG} advice", industries=[LONG])
    return doc


def _contact(name: str, email: str, company: str, phone: str = "+44 20 7946 0958") -> dict:
    """A contact as its owner would type it."""
    return {
        "full_name": name,
        "company": company,
        "title": f"Head of {LONG}",
        "emails": [{"label": "Work", "value": email}],
        "phones": [{"label": "Mobile", "value": phone}],
        "links": [{"label": "Site", "value": LONG_URL}],
        "note": f"Met at the {LONG} summit; see {LONG_URL}",
        "tags": [LONG[:30], "conference"],
    }


def _seed_people(session, owner, friend) -> str:
    """The owner's contacts (the friend, a near duplicate pair, a long email); returns the friend's contact id."""
    data = _contact(friend.name, FRIEND, f"{LONG} International Holdings", phone="+49 30 901820")
    friend_contact = contact_service.create(session=session, owner=owner, data=data)
    for name in ("Zoë Dupré-Lefèvre-Konstantinopoulou", "Zoe Dupre-Lefevre-Konstantinopoulou"):
        contact_service.create(session=session, owner=owner, data=_contact(name, LONG_EMAIL, f"{LONG} AG"))
    return str(friend_contact.id)


def _seed_activity(session, owner, friend, card) -> str:
    """A thread both ways, notifications, a template, analytics events and a report; returns the thread id."""
    friend_side = {"full_name": owner.name, "emails": [{"label": "", "value": OWNER}]}
    contact_service.create(session=session, owner=friend, data=friend_side)  # so the owner may write first
    chat = messaging.start_with_user(session=session, user=owner, other_user_id=friend.id)
    messaging.send(session=session, user=owner, conversation_id=chat.id, body=f"Here is the deck: {LONG_URL}")
    messaging.send(session=session, user=friend, conversation_id=chat.id, body=f"Thanks! {LONG} {LONG_EMAIL}")
    notification_flows.notify(
        session=session, user=owner, kind="announcement", data={"title": f"New: {LONG}", "body": LONG_URL}
    )
    template_service.create(
        session=session, owner=owner, name=f"Follow-up {LONG[:40]}", subject=f"Re: {LONG}", body=f"Hi, {LONG_URL}"
    )
    for kind, referrer in (("view", LONG_URL), ("qr_scan", ""), ("save", "https://www.linkedin.com/"), ("view", "")):
        analytics_service.record(session=session, card_id=card.id, kind=kind, user_agent=IPHONE, referrer=referrer)
    reported = reports.ReportedCard(card_id=card.id, owner_id=owner.id, slug=card.slug, name=card.name)
    reports.submit(session=session, card=reported, reason="other", details=f"{LONG} {LONG_URL}", ip="203.0.113.9")
    return str(chat.id)


@pytest.fixture(scope="module")
def seeded(app_server) -> Seeded:
    """A member with long real-world data, a friend they talk to, and an admin."""
    with Session(engine_for(app_server.database_url)) as session:
        make = lambda email, name, **kw: user_service.create(  # noqa: E731
            session=session, email=email, password=PASSWORD, name=name, verified=True, **kw
        )
        owner = make(OWNER, f"Maximiliana {LONG}")
        friend = make(FRIEND, f"Bartholomew {LONG}")
        make(ADMIN, "Sideways Admin", role=ROLE_ADMIN)
        card = publish_card(session, owner, _card_doc())
        card_service.set_directory_listing(session=session, owner=owner, card_id=card.id, value="public")
        contact_id = _seed_people(session, owner, friend)
        conversation_id = _seed_activity(session, owner, friend, card)
        session.commit()
        return Seeded(str(owner.id), str(card.id), card.slug, contact_id, conversation_id)


# What a phone would get wrong: the page's scroll width and, when it is wider than the window, the innermost elements
# sticking out (furthest first; not counting what an ancestor clips or scrolls inside itself, or what is fixed to the
# screen); and text cut off by an ancestor that hides its overflow, unless it ends in an ellipsis on purpose.
MEASURE = """() => {
  const inner = window.innerWidth;
  const style = e => getComputedStyle(e);
  const name = e => {
    const classes = [...e.classList].filter(c => !/^(rt-r-|css-)/.test(c)).slice(0, 2);
    return e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (classes.length ? '.' + classes.join('.') : '');
  };
  const path = e => {
    const parts = [];
    for (let a = e; a && a !== document.body && parts.length < 4; a = a.parentElement) parts.unshift(name(a));
    return parts.join(' > ');
  };
  const hidden = e => {
    for (let a = e; a && a !== document.documentElement; a = a.parentElement) {
      const s = style(a);
      if (s.position === 'fixed') return true;
      if (a !== e && s.overflowX !== 'visible' && a.getBoundingClientRect().right <= inner + 0.5) return true;
    }
    return false;
  };
  const clipper = e => {
    for (let a = e; a && a !== document.body; a = a.parentElement) {
      const s = style(a);
      if (s.textOverflow === 'ellipsis' || s.webkitLineClamp !== 'none' || s.position === 'fixed') return null;
      if (a !== e && ['auto', 'scroll'].includes(s.overflowX)) return null;
      if (a !== e && ['hidden', 'clip'].includes(s.overflowX)) {
        const r = a.getBoundingClientRect();
        return r.width > 1 && r.height > 1 ? a : null;  // a 1 px box hides a label from sight on purpose
      }
    }
    return null;
  };
  const cut = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let t = walker.nextNode(); t; t = walker.nextNode()) {
    if (!t.data.trim() || !t.parentElement || !t.parentElement.getClientRects().length) continue;
    const range = document.createRange();
    range.selectNodeContents(t);
    const box = clipper(t.parentElement);
    const right = range.getBoundingClientRect().right;
    if (box && right > box.getBoundingClientRect().right + 1) cut.add(path(t.parentElement));
  }
  const scroll = document.documentElement.scrollWidth;
  let widest = [];
  if (scroll > inner) {
    const out = [...document.body.querySelectorAll('*')]
      .map(e => [e.getBoundingClientRect().right, e])
      .filter(([right, e]) => right > inner + 0.5 && e.getClientRects().length && !hidden(e));
    const leaves = out.filter(([, e]) => !out.some(([, d]) => d !== e && e.contains(d)));
    leaves.sort((a, b) => b[0] - a[0]);
    widest = [...new Set(leaves.map(([right, e]) => `${path(e)} (right edge ${Math.round(right)})`))].slice(0, 3);
  }
  return {scroll, inner, widest, cut: [...cut].slice(0, 3)};
}"""


def _shoot(page: Page, label: str) -> None:
    """Keep full-page screenshots at 360 and 1280 px when SHOTS names a folder."""
    name = re.sub(r"[^a-z0-9]+", "-", re.sub(r"=[^&]*", "", label.lower())).strip("-") or "home"
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    for width in (WIDTH, 1280):
        page.set_viewport_size({"width": width, "height": 780})
        page.wait_for_timeout(300)
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": WIDTH, "height": 780})


def _check(page: Page, label: str, ready: str, failures: list[str]) -> None:
    """Wait for `ready` and the end of loading, then note the page if it is wider than the window."""
    try:
        page.locator(ready).first.wait_for(state="visible", timeout=20_000)
    except PlaywrightTimeout:
        failures.append(f"{label}: never showed {ready!r} (at {page.url})")
        if SHOTS:
            _shoot(page, label)
        return
    with contextlib.suppress(PlaywrightTimeout):  # a live counter may keep its spinner: then measure anyway
        page.locator(".rt-Spinner:visible, .rt-Skeleton:visible").first.wait_for(state="detached", timeout=5_000)
    page.wait_for_timeout(250)  # charts and images settle their size
    found = page.evaluate(MEASURE)
    if found["scroll"] > found["inner"]:
        failures.append(f"{label}: {found['scroll']} px wide in {found['inner']}; sticking out: {found['widest']}")
    if found["cut"]:
        failures.append(f"{label}: text cut off on the right: {found['cut']}")
    if SHOTS:
        _shoot(page, label)


# (path, what shows once it has loaded); member and admin paths are filled in with the seeded ids.
SIGNED_OUT_PAGES = [
    ("/", "#cta-signup"),
    ("/login", "#sign-in"),
    ("/login/mfa?challenge=not-a-real-challenge", "#verify-code"),
    ("/signup", "#create-account"),
    ("/forgot-password", "#send-reset"),
    ("/reset-password?token=not-a-real-token", "text=Ask for a new link"),
    ("/email-verified?status=invalid", "#verified-continue"),
    ("/privacy", "#privacy-title"),
    ("/directory", "form[role=search]"),
    ("/no-such-page-here", "#not-found"),
    ("/c/{slug}", ".cta"),
    ("/c/{slug}/report", "form"),
]
MEMBER_PAGES = [
    ("/dashboard", "#dashboard-greeting"),
    ("/cards", ".card-row"),
    ("/analytics", "#live-counter"),
    ("/contacts", ".contact-row"),
    ("/contacts/view?id={contact_id}", "#contact-heading"),
    ("/contacts/scan", "#take-photo"),
    ("/contacts/duplicates", ".duplicate-pair, #no-duplicates"),
    ("/network", "#network-digest"),
    ("/assistant", "#assistant-input"),
    ("/messages", ".conversation-item"),
    ("/messages?c={conversation_id}", "#thread-name"),
    ("/notifications", ".notification-row"),
    ("/templates", ".template-row"),
    ("/directory", "form[role=search]"),
]
BUILDER_TABS = [("#tab-design", ".template-tile"), ("#tab-share", "#qr-image"), ("#tab-history", ".version-row")]
ACCOUNT_TABS = [
    ("#tab-security", "#tab-security[data-state=active]"),
    ("#tab-sessions", ".session-row"),
    ("#tab-ai", "#tab-ai[data-state=active]"),
    ("#tab-danger", "#request-export"),
]
ADMIN_PAGES = [
    ("/admin", "#health"),
    ("/admin/users", ".user-row"),
    ("/admin/users/view?id={owner_id}", "#user-name"),
    ("/admin/audit", ".audit-entry, #audit-empty"),
    ("/admin/reports", ".report-case, #reports-empty"),
    ("/admin/jobs", ".queue-tile"),
    ("/admin/analytics", "#active-users"),
    ("/admin/search", "#search-period"),
]
# The builder and the account settings are visited for their tabs, the catch-all page through an unknown address.
ELSEWHERE = {"/cards/edit", "/account", "404"}


def _visit(page: Page, base: str, pages: list[tuple[str, str]], data: Seeded, failures: list[str]) -> None:
    """Open each (path, ready selector), its ids filled in, and check it."""
    for path, ready in pages:
        path = path.format(**asdict(data))
        page.goto(f"{base}{path}")
        _check(page, path, ready, failures)


def _tabs(page: Page, base: str, path: str, tabs: list[tuple[str, str]], failures: list[str]) -> None:
    """Open a page with tabs, then each (tab trigger, ready selector), and check each."""
    page.goto(f"{base}{path}")
    _check(page, path, "[role=tab][data-state=active]", failures)
    for trigger, ready in tabs:
        page.click(trigger)
        _check(page, f"{path} {trigger}", ready, failures)


def _signed_in(browser, base: str, email: str) -> Page:
    """A phone-sized tab signed in as `email`."""
    page = browser.new_context(viewport={"width": WIDTH, "height": 780}).new_page()
    sign_in(page, base, email, PASSWORD)
    return page


def test_every_registered_page_is_visited():
    registered = set(re.findall(r'route="([^"]+)"', (Path(__file__).parents[2] / "metaic/metaic.py").read_text()))
    visited = {path.split("?")[0] for path, _ in SIGNED_OUT_PAGES + MEMBER_PAGES + ADMIN_PAGES} | ELSEWHERE
    assert len(registered) > 25 and registered <= visited, sorted(registered - visited)


def test_no_page_scrolls_sideways_at_360_px(app_server, browser, seeded):
    base = app_server.base_url
    failures: list[str] = []
    page = browser.new_context(viewport={"width": WIDTH, "height": 780}).new_page()
    _visit(page, base, SIGNED_OUT_PAGES, seeded, failures)
    page.context.close()

    page = _signed_in(browser, base, OWNER)
    _visit(page, base, MEMBER_PAGES, seeded, failures)
    _tabs(page, base, f"/cards/edit?id={seeded.card_id}", BUILDER_TABS, failures)
    _tabs(page, base, "/account", ACCOUNT_TABS, failures)
    page.context.close()

    page = _signed_in(browser, base, ADMIN)
    _visit(page, base, ADMIN_PAGES, seeded, failures)
    page.context.close()
    assert not failures, "pages that do not fit a 360 px phone:\n" + "\n".join(failures)
