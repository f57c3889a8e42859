"""Rows the contact page shows (strings only), built from the domain's read models."""

from __future__ import annotations

from metaic.contacts.schemas import ContactRead, HistoryRead, ReminderRead, ShareSuggestionRead
from metaic.ui.state.contact_filters import SOURCE_LABELS

FLAG_BADGES = {"kept": "kept as written", "shortened": "check this"}


def flagged(c: ContactRead, field: str, values: list[str]) -> list[dict[str, str]]:
    """Each value with its badge ("kept as written", "check this") and why, when it is flagged."""
    flags = {f.value: f for f in c.flags if f.field == field}
    return [
        {
            "value": value,
            "badge": FLAG_BADGES.get(flags[value].kind, "") if value in flags else "",
            "why": flags[value].note if value in flags else "",
        }
        for value in values
    ]


def source_label(source: str) -> str:
    """How a contact came into the book, in words ("Scanned card"); an unknown code as it is."""
    return SOURCE_LABELS.get(source, source.replace("_", " "))


def list_row(c: ContactRead) -> dict[str, str]:
    """A contact as the list shows it."""
    return {
        "id": str(c.id),
        "name": c.full_name or "(no name)",
        "subtitle": " · ".join(filter(None, (c.title, c.company))),
        "email": c.emails[0].value if c.emails else "",
        "phone": c.phones[0].value if c.phones else "",
        "stage": c.stage,
        "source": source_label(c.source),
        "tags": ", ".join(t.name for t in c.tags),
    }


def reminder_row(r: ReminderRead) -> dict[str, str]:
    """A reminder: when, why, and its status."""
    return {"id": str(r.id), "due": r.due_at.strftime("%a %d %b %Y %H:%M UTC"), "note": r.note, "status": r.status}


def timeline_row(h: HistoryRead) -> dict[str, str]:
    """One entry of the contact's history."""
    return {
        "when": h.created_at.strftime("%d %b %Y %H:%M"),
        "channel": h.channel.replace("_", "-"),
        "direction": h.direction,
        "subject": h.subject,
        "body": h.body,
    }


def suggestion_row(x: ShareSuggestionRead) -> dict[str, str]:
    """What a visitor shared for the contact, as the page lists it."""
    values = [*(e.value for e in x.emails), *(p.value for p in x.phones)]
    return {
        "id": str(x.id),
        "when": x.created_at.strftime("%d %b %Y %H:%M"),
        "card": f"/c/{x.card_slug}",
        "name": x.full_name,
        "company": x.company,
        "values": " · ".join(values),
        "note": x.note,
    }
