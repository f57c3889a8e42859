"""Addresses of the app's pages, built in one place.

Every link the app sends (in-app notifications, emails, SMS, WhatsApp, push) comes from here, so a link
and the route it opens cannot drift apart again (the share-back notification once pointed at a
`/contacts/{id}` page that never existed). Site paths are what notifications store; `absolute()` turns
one into a full URL for messages read outside the app. tests/notifications/test_links.py follows each
of them to a route the app really serves.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from metaic.config import get_settings


def _page(path: str, **params: object) -> str:
    """A site path with its query string (empty values left out)."""
    query = urlencode({k: str(v) for k, v in params.items() if v not in (None, "")})
    return f"{path}?{query}" if query else path


def absolute(path: str) -> str:
    """A site path made absolute against PUBLIC_BASE_URL; full http(s) URLs and "" pass through."""
    if not path or path.startswith(("http://", "https://")):
        return path
    return f"{get_settings().public_base_url.rstrip('/')}/{path.lstrip('/')}"


def home() -> str:
    """The landing page."""
    return "/"


def dashboard() -> str:
    """The signed-in home."""
    return "/dashboard"


def contacts() -> str:
    """The contact book."""
    return "/contacts"


def contact(contact_id: object) -> str:
    """One contact's page."""
    return _page("/contacts/view", id=contact_id)


def cards() -> str:
    """The owner's list of cards."""
    return "/cards"


def card_builder(card_id: object) -> str:
    """The builder open on one card."""
    return _page("/cards/edit", id=card_id)


def public_card(slug: str) -> str:
    """A published card's public page."""
    return f"/c/{quote(slug, safe='')}"


def appeal(takedown_id: object) -> str:
    """The owner's page about a taken-down card: the reason, and the appeal form."""
    return f"/appeals/{quote(str(takedown_id), safe='')}"


def analytics(period: str = "") -> str:
    """The owner's analytics page, optionally on a period ("7d", "30d", ...)."""
    return _page("/analytics", period=period)


def messages() -> str:
    """The list of conversations."""
    return "/messages"


def conversation(conversation_id: object) -> str:
    """One conversation open in /messages."""
    return _page("/messages", c=conversation_id)


def notifications() -> str:
    """The notification list."""
    return "/notifications"


def notification_settings() -> str:
    """Where the channels per kind of notification are chosen (the same page, below the list)."""
    return "/notifications"


def account(tab: str = "") -> str:
    """Account settings, optionally on one tab (profile, security, sessions, danger)."""
    return _page("/account", tab=tab)


def forgot_password() -> str:
    """Ask for a password reset link."""
    return "/forgot-password"


def reset_password(token: str) -> str:
    """Choose a new password with a reset token."""
    return _page("/reset-password", token=token)


def verify_email(token: str) -> str:
    """The HTTP route that checks an email verification token, then shows the result page."""
    return _page("/auth/verify-email", token=token)


def unsubscribe(token: str) -> str:
    """The HTTP route that switches one kind of email off."""
    return _page("/notifications/unsubscribe", token=token)
