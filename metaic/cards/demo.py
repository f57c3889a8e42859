"""The demo account's card at /c/demo: every section filled, published (used by `python -m metaic seed-demo`)."""

from __future__ import annotations

from sqlmodel import Session, select

from metaic.auth.models import User
from metaic.cards import flows as card_flows
from metaic.cards import service as card_service
from metaic.cards.models import Card

DEMO_SLUG = "demo"
ASSETS = "/c/-/assets"

DEMO_CONTENT: dict = {
    "name": "Zoë Martín",
    "headline": "Founder & Product Designer",
    "bio": "I help early-stage teams turn rough ideas into products people love to use.\n"
    "12 years across fintech, health and climate; previously design lead at Lumen Health.",
    "avatar_url": "",
    "cover_url": f"{ASSETS}/cover.svg",
    "language": "en",
    "theme": {"template": "classic", "color": "#4f46e5", "font": "inter"},
    "business": {
        "name": "Northwind Studio",
        "logo_url": "",
        "industry": "Product design",
        "description": "A small product studio: research, UX and UI, design systems and rapid prototypes.",
        "website": "northwind.example.com",
        "address": "221 Kingsland Road, London E2 8AN",
    },
    "services": [
        {
            "title": "Product discovery sprint",
            "description": "Two weeks of interviews, mapping and a tested "
            "prototype, so you build the right thing first.",
            "price_range": "£6k–£9k",
        },
        {
            "title": "Design system setup",
            "description": "Tokens, components and docs your engineers adopt.",
            "price_range": "from £12k",
        },
        {
            "title": "Design mentoring",
            "description": "Monthly sessions for founders and junior designers.",
            "price_range": "£150 / hour",
        },
    ],
    "contacts": [
        {"kind": "phone", "label": "Mobile", "value": "+44 7911 123456", "preferred": True},
        {"kind": "email", "label": "Work", "value": "zoe@northwind.example.com", "preferred": False},
        {"kind": "phone", "label": "Studio", "value": "+44 20 7946 0958", "preferred": False},
        {"kind": "address", "label": "Studio", "value": "221 Kingsland Road\nLondon E2 8AN", "preferred": False},
    ],
    "socials": [
        {"kind": "linkedin", "url": "https://www.linkedin.com/in/zoe-martin", "label": ""},
        {"kind": "x", "url": "@zoemartin", "label": ""},
        {"kind": "instagram", "url": "@northwind.studio", "label": ""},
        {"kind": "github", "url": "zoemartin", "label": ""},
        {"kind": "whatsapp", "url": "+44 7911 123456", "label": ""},
        {"kind": "website", "url": "northwind.example.com", "label": "Studio website"},
    ],
    "works": [
        {
            "title": "Lumen Health patient app",
            "description": "Booking and results for 2M patients; NPS up 31 points.",
            "image_url": f"{ASSETS}/work-1.svg",
            "link": "https://example.com/lumen",
        },
        {
            "title": "Greenledger carbon dashboard",
            "description": "Emissions reporting for finance teams.",
            "image_url": f"{ASSETS}/work-2.svg",
            "link": "https://example.com/greenledger",
        },
        {
            "title": "Sunday — a savings club",
            "description": "Brand and app for a community savings startup.",
            "image_url": f"{ASSETS}/work-3.svg",
            "link": "",
        },
    ],
    "interests": ["Climate tech", "Typography", "Trail running", "Ceramics", "Jazz"],
    "networking": {
        "offer": "Product and design advice for pre-seed and seed founders; intros to design talent.",
        "looking_for": "Climate and health startups that need a design partner; speaking slots.",
        "industries": ["Climate", "Health", "Fintech"],
        "open_to": ["mentoring", "partnering", "hiring"],
        "meeting_format": "video",
    },
}


def seed(*, session: Session, user: User) -> Card:
    """Create or refresh the demo card and publish it; safe to run again (one card, one new version at most)."""
    card = session.exec(select(Card).where(Card.owner_id == user.id, Card.slug == DEMO_SLUG)).first()
    if card is None:
        card = card_service.create(session=session, owner=user, name=DEMO_CONTENT["name"])
        card_service.set_slug(session=session, owner=user, card_id=card.id, slug=DEMO_SLUG)
    card_service.save_draft(session=session, owner=user, card_id=card.id, content=DEMO_CONTENT)
    card_service.set_visibility(session=session, owner=user, card_id=card.id, visibility="public")
    card_flows.publish(session=session, owner=user, card_id=card.id)
    return card
