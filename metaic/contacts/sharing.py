"""Share-back: a visitor of a card leaves their details for its owner, with recorded consent.

The form is anonymous, so anyone can type anyone's email into it. Details for a person not yet in the book
become a new lead; details matching a contact the owner already has are only a suggestion, shown on that
contact's page, and change nothing until the owner adds them.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlmodel import Session, select

from metaic import events
from metaic.auth.models import User
from metaic.contacts import regions, store
from metaic.contacts.enrichment import public_card
from metaic.contacts.models import CommunicationEntry, SavedContact, ShareSuggestion
from metaic.contacts.schemas import LabeledValue, ShareSuggestionRead
from metaic.core import clock, links, ratelimit
from metaic.core.errors import AuthenticationFailed, NotFound, ValidationError
from metaic.core.security import sign, unsign
from metaic.notifications.flows import notify

SHARE_LIMIT = 5  # share-backs per IP address per window
SHARE_WINDOW = 3600
FORM_PURPOSE = "contacts.share_back_form"
MIN_FORM_SECONDS = 3
MAX_FORM_SECONDS = 86400
# Suggestions kept per contact: the newest few, so strangers cannot grow a contact's page without bound.
MAX_SUGGESTIONS = 5


def issue_form_token(now: float | None = None) -> str:
    """A signed render time for the share-back form (the edge embeds it in a hidden field)."""
    return sign(FORM_PURPOSE, now if now is not None else clock.now().timestamp())


def check_form_timing(issued_at_token: str, now: float | None = None) -> None:
    """Refuse a form sent less than 3 s after it was shown (a bot) or more than a day after (stale)."""
    try:
        issued = float(unsign(FORM_PURPOSE, issued_at_token or "", max_age=10 * 365 * 86400))
    except (AuthenticationFailed, TypeError, ValueError):
        raise ValidationError("This form is not valid. Reload the page and try again.", field="form") from None
    age = (now if now is not None else clock.now().timestamp()) - issued
    if age < MIN_FORM_SECONDS:
        raise ValidationError("That was quick! Wait a moment and send the form again.", field="form")
    if age > MAX_FORM_SECONDS:
        raise ValidationError("This form has expired. Reload the page and try again.", field="form")


def _checked(
    name: str, email: str, phone: str, company: str, note: str, consent: bool, consent_text: str, region: str | None
) -> dict:
    """The visitor's details, normalised (a national number read in the owner's country); one error listing all."""
    errors: dict[str, str] = {}
    out = {
        "name": store.clean_text(name)[:200],
        "company": store.clean_text(company)[:200],
        "note": (note or "").strip(),
        "emails": [],
        "phones": [],
    }
    if not consent:
        errors["consent"] = "Tick the box to agree to share your details."
    if not (consent_text or "").strip():
        errors["consent_text"] = "The consent wording is missing."
    if not (email or "").strip() and not (phone or "").strip():
        errors["email"] = errors["phone"] = "Enter an email address or a phone number."
    for kind, raw, key in (("emails", email, "email"), ("phones", phone, "phone")):
        if (raw or "").strip():
            try:
                value = store.clean_value(kind, raw, field=key, regions=[region] if region else [])
                out[kind] = [{"label": "", "value": value}]
            except ValidationError as exc:
                errors[key] = exc.message
    if len(out["note"]) > 2000:
        errors["note"] = "Use at most 2000 characters."
    if errors:
        raise ValidationError("Some fields need attention.", errors=errors)
    return out


def share_back(
    *,
    session: Session,
    slug: str,
    name: str,
    email: str,
    phone: str,
    company: str,
    note: str,
    consent: bool,
    consent_text: str,
    ip: str,
) -> SavedContact:
    """Add a visitor's details to the card owner's book (a suggestion when they match a contact) and notify them."""
    ratelimit.hit(f"contacts:share_back:{ip}", limit=SHARE_LIMIT, window=SHARE_WINDOW)
    card = public_card(session, slug, None)
    owner = session.get(User, card.owner_id)
    details = _checked(name, email, phone, company, note, consent, consent_text, regions.for_account(owner))
    now = clock.now()
    consent_row = {"at": now.isoformat(), "text": consent_text.strip(), "ip": ip, "card_id": str(card.card_id)}
    contact = store.find_by_identity(
        session=session, owner_id=owner.id, emails=details["emails"], phones=details["phones"]
    )
    if contact is None:
        contact = SavedContact(
            owner_id=owner.id,
            source="share_back",
            full_name=details["name"],
            company=details["company"],
            emails=details["emails"],
            phones=details["phones"],
            notes=details["note"],
            card_id=None,
            created_at=now,
        )
        _apply(session, owner, contact, consent_row, details["note"], card.slug, now)
        session.flush()
        events.emit(session, "lead.captured", contact_id=contact.id)
    else:
        _suggest(session, contact, details, consent_row, card.slug, now)
    notify(
        session=session,
        user=owner,
        kind="contact_shared",
        data={"name": contact.full_name, "company": contact.company, "url": links.contact(contact.id)},
    )
    session.flush()
    return contact


def _apply(session: Session, owner: User, contact: SavedContact, consent_row: dict, note: str, slug: str, at) -> None:
    """Store the contact with the visitor's consent, and put the share on its timeline."""
    contact.consents = [*contact.consents, consent_row]
    store.refresh_derived(contact)
    session.add(contact)
    session.flush()
    events.emit(session, "contact.changed", contact_id=contact.id)
    store.sync_identities(session=session, contact=contact)
    session.add(
        CommunicationEntry(
            contact_id=contact.id,
            owner_id=owner.id,
            channel="share_back",
            direction="inbound",
            subject=f"Shared their details on /c/{slug}",
            body=note,
            created_at=at,
        )
    )


def _suggest(
    session: Session, contact: SavedContact, details: dict, consent_row: dict, slug: str, at: datetime
) -> None:
    """Keep what the visitor sent beside the matching contact for the owner to add or ignore (newest few only)."""
    session.add(
        ShareSuggestion(
            contact_id=contact.id,
            owner_id=contact.owner_id,
            full_name=details["name"],
            company=details["company"],
            emails=details["emails"],
            phones=details["phones"],
            note=details["note"],
            consent=consent_row,
            card_slug=slug,
            created_at=at,
        )
    )
    session.flush()
    for old in _pending(session, contact.owner_id, contact.id)[MAX_SUGGESTIONS:]:
        session.delete(old)


def _pending(session: Session, owner_id: uuid.UUID, contact_id: uuid.UUID) -> list[ShareSuggestion]:
    """A contact's waiting suggestions, newest first."""
    query = select(ShareSuggestion).where(
        ShareSuggestion.owner_id == owner_id, ShareSuggestion.contact_id == contact_id
    )
    return list(session.exec(query.order_by(ShareSuggestion.created_at.desc(), ShareSuggestion.id)))


def suggestions(*, session: Session, owner: User, contact_id: uuid.UUID) -> list[ShareSuggestionRead]:
    """What visitors shared for one of the owner's contacts and the owner has not decided on, newest first."""
    contact = store.require_contact(session=session, owner_id=owner.id, contact_id=contact_id)
    return [
        ShareSuggestionRead(
            id=row.id,
            contact_id=row.contact_id,
            full_name=row.full_name,
            company=row.company,
            emails=[LabeledValue(**e) for e in row.emails],
            phones=[LabeledValue(**p) for p in row.phones],
            note=row.note,
            card_slug=row.card_slug,
            created_at=clock.as_utc(row.created_at),
        )
        for row in _pending(session, owner.id, contact.id)
    ]


def _own_suggestion(session: Session, owner: User, suggestion_id: uuid.UUID | str) -> ShareSuggestion:
    """One of the owner's suggestions; NotFound for anyone else's or a malformed id."""
    try:
        key = suggestion_id if isinstance(suggestion_id, uuid.UUID) else uuid.UUID(str(suggestion_id))
    except ValueError:
        raise NotFound("Suggestion not found.") from None
    row = session.get(ShareSuggestion, key)
    if row is None or row.owner_id != owner.id:
        raise NotFound("Suggestion not found.")
    return row


def accept_suggestion(*, session: Session, owner: User, suggestion_id: uuid.UUID | str) -> SavedContact:
    """Add a suggestion's details to its contact (new emails and phones, empty name/company filled, note appended)."""
    row = _own_suggestion(session, owner, suggestion_id)
    contact = store.require_contact(session=session, owner_id=owner.id, contact_id=row.contact_id)
    contact.emails = store.union_lists(contact.emails, row.emails)
    contact.phones = store.union_lists(contact.phones, row.phones)
    contact.full_name = contact.full_name or row.full_name
    contact.company = contact.company or row.company
    if row.note:
        contact.notes = f"{contact.notes}\n\n{row.note}".strip()
    _apply(session, owner, contact, row.consent, row.note, row.card_slug, row.created_at)
    session.delete(row)
    session.flush()
    return contact


def ignore_suggestion(*, session: Session, owner: User, suggestion_id: uuid.UUID | str) -> None:
    """Drop a suggestion (and the visitor's details with it); the contact stays as it was."""
    session.delete(_own_suggestion(session, owner, suggestion_id))
    session.flush()
