"""Is a scanned card someone already in the book? The same email or phone, or a close name at the same company.

The policy is the contact book's (metaic/contacts/dedupe.py): a shared email or phone is a match; a similar
name counts only when the companies agree or one side has none.
"""

from __future__ import annotations

import uuid

from pydantic import BaseModel
from rapidfuzz import fuzz
from sqlmodel import Session, select

from metaic.auth.models import User
from metaic.auth.service import normalize_email
from metaic.contacts import regions, store
from metaic.contacts.dedupe import COMPANY_THRESHOLD, NAME_THRESHOLD
from metaic.contacts.models import SavedContact
from metaic.contacts.schemas import ContactInput
from metaic.contacts.text import fold
from metaic.core.errors import ValidationError


class Duplicate(BaseModel):
    """An existing contact a scan may duplicate, and why."""

    id: uuid.UUID
    name: str
    company: str = ""
    reason: str


def _identities(contact: ContactInput, owner: User) -> tuple[list[dict], list[dict]]:
    """The scan's emails and phones in the form the book stores (values that cannot be read are skipped)."""
    emails, phones = [], []
    for item in contact.emails:
        try:
            emails.append({"value": normalize_email(item.value)})
        except ValidationError:
            continue
    region = regions.for_account(owner)
    account = [region] if region else []
    for item in contact.phones:
        try:
            phones.append({"value": store.read_phone(item.value, field="phone", regions=account)[0]})
        except ValidationError:
            continue
    return emails, phones


def _same_name(session: Session, owner: User, contact: ContactInput) -> Duplicate | None:
    """The owner's contact with a close name and an agreeing (or missing) company, if any."""
    name, company = fold(contact.full_name), fold(contact.company)
    if len(name) < 2:
        return None
    query = (
        select(SavedContact.id, SavedContact.full_name, SavedContact.company)
        .where(SavedContact.owner_id == owner.id)
        .order_by(SavedContact.created_at)
    )
    for contact_id, full_name, their_company in session.exec(query):
        if fuzz.token_sort_ratio(name, fold(full_name)) < NAME_THRESHOLD:
            continue
        other = fold(their_company)
        if not company or not other or fuzz.token_set_ratio(company, other) >= COMPANY_THRESHOLD:
            return Duplicate(id=contact_id, name=full_name, company=their_company, reason="Similar name and company")
    return None


def find_duplicate(*, session: Session, owner: User, contact: ContactInput) -> Duplicate | None:
    """The existing contact this scan most likely is: a shared email or phone first, then a close name."""
    emails, phones = _identities(contact, owner)
    found = store.find_by_identity(session=session, owner_id=owner.id, emails=emails, phones=phones)
    if found is not None:
        shared = {e["value"] for e in emails} & {e["value"].lower() for e in found.emails}
        reason = "Same email address" if shared else "Same phone number"
        return Duplicate(id=found.id, name=found.full_name or found.company, company=found.company, reason=reason)
    return _same_name(session, owner, contact)
