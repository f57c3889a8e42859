"""Notification emails (HTML + plain text, per language) with an unsubscribe link and List-Unsubscribe headers."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from metaic.adapters.email import OutgoingEmail
from metaic.auth.models import User
from metaic.core import links
from metaic.notifications import kinds, preferences
from metaic.notifications.models import EMAIL, Notification

_TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "notifications"
_env = Environment(loader=FileSystemLoader(_TEMPLATES), autoescape=select_autoescape(["html"]))


def absolute_url(url: str) -> str:
    """A link from a notification made absolute for use outside the app."""
    return links.absolute(url)


def render(note: Notification, user: User, *, delivery_id: str = "") -> OutgoingEmail:
    """The email for one notification, in the user's language, ready for the email adapter."""
    language = kinds.language_for(user.language)
    unsubscribe_url = preferences.unsubscribe_link(user_id=user.id, kind=note.kind, channel=EMAIL)
    context = {
        "name": user.name,
        "title": note.title,
        "body": note.body,
        "url": absolute_url(note.url),
        "kind_label": kinds.KINDS[note.kind].label(language) if note.kind in kinds.KINDS else note.kind,
        "unsubscribe_url": unsubscribe_url,
        "preferences_url": links.absolute(links.notification_settings()),
    }
    return OutgoingEmail(
        to=user.email,
        subject=note.title,
        text=_env.get_template(f"{language}/message.txt").render(**context),
        html=_env.get_template(f"{language}/message.html").render(**context),
        # RFC 2369 + RFC 8058: mail clients show an unsubscribe button that POSTs to this URL.
        headers={"List-Unsubscribe": f"<{unsubscribe_url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
        metadata={"delivery_id": delivery_id} if delivery_id else {},
    )


def short_text(note: Notification) -> str:
    """The text of an SMS or WhatsApp message: title, body and link, kept short."""
    parts = [note.title]
    if note.body:
        parts.append(note.body if len(note.body) <= 300 else note.body[:297] + "…")
    if note.url:
        parts.append(absolute_url(note.url))
    return "\n".join(parts)
