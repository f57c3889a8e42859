"""Shared test data for the cards, web and analytics tests."""

from __future__ import annotations

import copy

from metaic.auth import service as user_service
from metaic.auth.models import User

PASSWORD = "Correct-Horse-42"

RICH: dict = {
    "name": "Ada Lovelace",
    "headline": "Analyst, Engines & Co",
    "bio": "First programmer.\nLikes numbers; poetry, too.",
    "language": "en",
    "theme": {"template": "modern", "color": "#0ea5e9", "font": "serif"},
    "business": {
        "name": "Analytical Engines Ltd",
        "industry": "Computing",
        "description": "Engines that weave.",
        "website": "engines.example.com",
        "address": "12 St James's Square, London",
    },
    "services": [
        {"title": "Programs", "description": "Bernoulli numbers.", "price_range": "£100-£200"},
        {"title": "Notes", "description": "", "price_range": ""},
    ],
    "contacts": [
        {"kind": "phone", "label": "Mobile", "value": "+44 20 7946 0958", "preferred": True},
        {"kind": "email", "label": "Work", "value": "Ada@Engines.Example.com", "preferred": False},
        {"kind": "address", "label": "Home", "value": "12 St James's Square\nLondon", "preferred": False},
    ],
    "socials": [
        {"kind": "linkedin", "url": "https://www.linkedin.com/in/ada", "label": ""},
        {"kind": "x", "url": "@ada", "label": ""},
        {"kind": "whatsapp", "url": "+44 20 7946 0958", "label": ""},
        {"kind": "website", "url": "ada.example.com", "label": "Blog"},
    ],
    "works": [
        {
            "title": "Note G",
            "description": "The first algorithm.",
            "image_url": "/files/note-g.png",
            "link": "example.com/note-g",
        }
    ],
    "interests": ["Mathematics", "Poetry"],
    "networking": {
        "offer": "Algorithms",
        "looking_for": "Engines",
        "industries": ["Computing"],
        "open_to": ["mentoring", "partnering"],
        "meeting_format": "video",
    },
}


def rich(**changes) -> dict:
    """A deep copy of the rich document with top-level fields replaced."""
    doc = copy.deepcopy(RICH)
    doc.update(changes)
    return doc


def make_user(session, email: str = "ada@example.com", name: str = "Ada") -> User:
    """Create an account."""
    return user_service.create(session=session, email=email, password=PASSWORD, name=name)
