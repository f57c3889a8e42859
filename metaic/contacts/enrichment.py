"""Saving a published card as a contact, refreshing those contacts on republish, and matching emails to cards."""

from __future__ import annotations

import uuid

from sqlmodel import Session, func, select

from metaic import events
from metaic.auth.models import User
from metaic.cards.models import Card, ContactInformation
from metaic.cards.public import get_public
from metaic.cards.schemas import PublicCard, SlugRedirect
from metaic.contacts import store
from metaic.contacts.models import SavedContact
from metaic.contacts.schemas import LabeledValue
from metaic.core import links
from metaic.core.errors import NotFound
from metaic.notifications.flows import notify

CARD_FIELDS = ("full_name", "company", "title", "emails", "phones", "addresses", "links")


def public_card(session: Session, slug: str, viewer_id: uuid.UUID | None) -> PublicCard:
    """The published card at a slug (following one rename), or NotFound."""
    found = get_public(session=session, slug=slug, viewer_id=viewer_id)
    if isinstance(found, SlugRedirect):
        found = get_public(session=session, slug=found.slug, viewer_id=viewer_id)
    if not isinstance(found, PublicCard):
        raise NotFound("This card is not published.")
    return found


def card_fields(card: PublicCard) -> dict:
    """The contact fields a published card provides (bad values skipped, never refused)."""
    doc = card.content
    by_kind = {
        kind: [LabeledValue(label=c.label, value=c.value) for c in doc.contacts if c.kind == kind]
        for kind in ("email", "phone", "address")
    }
    links = [LabeledValue(label=s.label or s.kind, value=s.url) for s in doc.socials if s.url.startswith("http")]
    if doc.business.website:
        links.append(LabeledValue(label="website", value=doc.business.website))
    return {
        "full_name": store.clean_text(doc.name)[:200],
        "company": store.clean_text(doc.business.name)[:200],
        "title": store.clean_text(doc.headline)[:200],
        "emails": store.clean_list("emails", by_kind["email"], strict=False),
        "phones": store.clean_list("phones", by_kind["phone"], strict=False),
        "addresses": store.clean_list("addresses", by_kind["address"], strict=False),
        "links": store.clean_list("links", links, strict=False),
    }


def _apply_card(session: Session, contact: SavedContact, card: PublicCard) -> None:
    """Overwrite a contact's card-sourced fields; notes, tags, stage and meeting context stay."""
    for name, value in card_fields(card).items():
        setattr(contact, name, value)
    contact.card_id = card.card_id
    store.refresh_derived(contact)
    session.add(contact)
    session.flush()
    store.sync_identities(session=session, contact=contact)


def save_from_card(*, session: Session, saver: User, slug: str) -> SavedContact:
    """Save a published card to the signed-in visitor's contacts (once; saving again returns the same contact)."""
    card = public_card(session, slug, saver.id)
    existing = session.exec(
        select(SavedContact).where(SavedContact.owner_id == saver.id, SavedContact.card_id == card.card_id)
    ).first()
    if existing is not None:
        return existing
    fields = card_fields(card)
    # Already in the book under the same email or phone (typed in, imported): link that one instead.
    contact = store.find_by_identity(
        session=session, owner_id=saver.id, emails=fields["emails"], phones=fields["phones"]
    )
    if contact is not None:
        _apply_card(session, contact, card)
    else:
        contact = SavedContact(owner_id=saver.id, source="card")
        _apply_card(session, contact, card)
        events.emit(session, "contact.saved", contact_id=contact.id)  # the assistant proposes a follow-up
    if card.owner_id != saver.id:
        owner = session.get(User, card.owner_id)
        notify(
            session=session,
            user=owner,
            kind="contact_shared",
            data={"name": saver.name or saver.email, "url": links.contacts()},
        )
    return contact


def refresh_from_card(*, session: Session, card_id: uuid.UUID) -> int:
    """Bring every contact linked to a card up to date with its published content; returns how many."""
    card_row = session.get(Card, card_id)
    if card_row is None or card_row.published_version_id is None:
        return 0
    card = public_card(session, card_row.slug, card_row.owner_id)
    contacts = session.exec(select(SavedContact).where(SavedContact.card_id == card_id)).all()
    for contact in contacts:
        _apply_card(session, contact, card)
    return len(contacts)


def _card_for_emails(session: Session, emails: list[str], exclude_owner: uuid.UUID) -> PublicCard | None:
    """A live public card (not the owner's) whose published content lists one of these emails.

    Only what its owner chose to publish for everyone: an unlisted card is shown to those who have its
    address, and matching it by email would tell anyone who types an email that such a card exists.
    """
    if not emails:
        return None
    rows = session.exec(
        select(Card.slug)
        .join(ContactInformation, ContactInformation.card_id == Card.id)
        .where(
            ContactInformation.kind == "email",
            func.lower(ContactInformation.value).in_(emails),
            Card.published_version_id.is_not(None),
            Card.visibility == "public",
            Card.owner_id != exclude_owner,
        )
    ).all()
    for slug in rows:
        # The draft table finds candidates; the published snapshot decides.
        found = get_public(session=session, slug=slug)
        if isinstance(found, PublicCard) and {
            c.value.lower() for c in found.content.contacts if c.kind == "email"
        } & set(emails):
            return found
    return None


def link_card(*, session: Session, contact: SavedContact) -> bool:
    """Link a contact to the MetaIC card whose email matches one of its emails; True when linked."""
    card = _card_for_emails(session, [e["value"].lower() for e in contact.emails], contact.owner_id)
    if card is None:
        return False
    contact.card_id = card.card_id
    session.add(contact)
    session.flush()
    return True


def enrich(*, session: Session, owner: User, contact_id: uuid.UUID) -> bool:
    """Look for a published MetaIC card matching the contact's emails and link it; True when linked."""
    contact = store.require_contact(session=session, owner_id=owner.id, contact_id=contact_id)
    return link_card(session=session, contact=contact)


def card_details(*, session: Session, owner: User, contact_id: uuid.UUID) -> PublicCard | None:
    """The public details of the card linked to a contact, when it is live."""
    contact = store.require_contact(session=session, owner_id=owner.id, contact_id=contact_id)
    if contact.card_id is None:
        return None
    card_row = session.get(Card, contact.card_id)
    if card_row is None:
        return None
    found = get_public(session=session, slug=card_row.slug, viewer_id=owner.id)
    return found if isinstance(found, PublicCard) else None
