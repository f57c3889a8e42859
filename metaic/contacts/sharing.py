"""Share-back: a visitor of a card leaves their details for its owner, with recorded consent."""

from __future__ import annotations

from sqlmodel import Session

from metaic.auth.models import User
from metaic.contacts import regions, store
from metaic.contacts.enrichment import public_card
from metaic.contacts.models import CommunicationEntry, SavedContact
from metaic.core import clock, links, ratelimit
from metaic.core.errors import AuthenticationFailed, ValidationError
from metaic.core.security import sign, unsign
from metaic.notifications.flows import notify

SHARE_LIMIT = 5  # share-backs per IP address per window
SHARE_WINDOW = 3600
FORM_PURPOSE = "contacts.share_back_form"
MIN_FORM_SECONDS = 3
MAX_FORM_SECONDS = 86400


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
    """Add a visitor's details to the card owner's contacts (merged into an existing match) and notify them."""
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
    else:
        contact.emails = store.union_lists(contact.emails, details["emails"])
        contact.phones = store.union_lists(contact.phones, details["phones"])
        contact.full_name = contact.full_name or details["name"]
        contact.company = contact.company or details["company"]
        if details["note"]:
            contact.notes = f"{contact.notes}\n\n{details['note']}".strip()
    contact.consents = [*contact.consents, consent_row]
    store.refresh_derived(contact)
    session.add(contact)
    session.flush()
    store.sync_identities(session=session, contact=contact)
    session.add(
        CommunicationEntry(
            contact_id=contact.id,
            owner_id=owner.id,
            channel="share_back",
            direction="inbound",
            subject=f"Shared their details on /c/{card.slug}",
            body=details["note"],
            created_at=now,
        )
    )
    notify(
        session=session,
        user=owner,
        kind="contact_shared",
        data={"name": contact.full_name, "company": contact.company, "url": links.contact(contact.id)},
    )
    session.flush()
    return contact
