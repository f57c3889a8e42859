"""Actions Ask MetaIC may propose: a reminder, a drafted message, tags on contacts.

A proposal is stored with the answer and does nothing. It runs only when its owner confirms it by id
(chat.confirm_action), and running re-checks that every contact named is still the owner's. A drafted
message is handed back for compose and never sent.
"""

from __future__ import annotations

import uuid

from sqlmodel import Session

from metaic import events
from metaic.ai import followups
from metaic.ai.chat_phrases import say
from metaic.ai.language import template_language
from metaic.auth.models import User
from metaic.contacts import reminders, store, tags
from metaic.contacts.models import SavedContact
from metaic.core import links
from metaic.core.errors import ValidationError

KINDS = ("reminder", "draft", "tag")
MAX_TAGGED = 50


def _proposal(kind: str, label: str, params: dict) -> dict:
    """A new proposal, waiting for the owner."""
    return {"id": uuid.uuid4().hex, "kind": kind, "label": label, "params": params, "status": "proposed"}


def reminder(contact: SavedContact, when: str, language: str) -> dict:
    """Propose a reminder to follow up with a contact tomorrow or next week."""
    lang = template_language(language)
    name = contact.full_name or contact.company
    label = say(lang, "remind_label", name=name, when=say(lang, when))
    return _proposal("reminder", label, {"contact_id": str(contact.id), "quick": when, "note": label})


def draft(contact: SavedContact, owner: User, language: str) -> dict:
    """Propose drafting a follow-up message to a contact (in the contact's language where templates exist)."""
    channel = followups.channel_for(contact)
    channel = "email" if channel == "none" else channel
    subject, body = followups.offline_draft(contact, owner, language, channel)
    label = say(template_language(language), "draft_label", name=contact.full_name or contact.company)
    params = {"contact_id": str(contact.id), "channel": channel, "subject": subject, "body": body}
    return _proposal("draft", label, params)


def tag(contacts: list[SavedContact], name: str, language: str) -> dict:
    """Propose putting one tag on some contacts."""
    chosen = contacts[:MAX_TAGGED]
    names = ", ".join(c.full_name or c.company for c in chosen[:3]) + (" …" if len(chosen) > 3 else "")
    label = say(template_language(language), "tag_label", names=names, tag=tags.clean_name(name))
    return _proposal("tag", label, {"contact_ids": [str(c.id) for c in chosen], "tag": tags.clean_name(name)})


def run(*, session: Session, owner: User, action: dict) -> dict:
    """Do what a confirmed proposal says, as its owner; returns what the UI shows (a link, a draft)."""
    params = action.get("params") or {}
    kind = action.get("kind")
    if kind == "reminder":
        contact = store.require_contact(session=session, owner_id=owner.id, contact_id=params["contact_id"])
        made = reminders.set_reminder(
            session=session, owner=owner, contact_id=contact.id, quick=params.get("quick"), note=params.get("note", "")
        )
        return {"reminder_id": str(made.id), "due_at": made.due_at.isoformat(), "url": links.contact(contact.id)}
    if kind == "draft":
        contact = store.require_contact(session=session, owner_id=owner.id, contact_id=params["contact_id"])
        return {
            "contact_id": str(contact.id),
            "channel": params.get("channel", "email"),
            "subject": params.get("subject", ""),
            "body": params.get("body", ""),
            "url": links.contact(contact.id),
        }
    if kind == "tag":
        ids = [
            store.require_contact(session=session, owner_id=owner.id, contact_id=i).id
            for i in params.get("contact_ids", [])
        ]
        for contact_id in ids:
            tags.add_names(session=session, owner_id=owner.id, contact_id=contact_id, names=[params["tag"]])
            events.emit(session, "contact.changed", contact_id=contact_id)  # the search index learns the tag
        return {"tagged": len(ids), "tag": params["tag"], "url": links.contacts()}
    raise ValidationError("This action cannot be run.", field="action")
