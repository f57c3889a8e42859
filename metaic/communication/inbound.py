"""Replies from contacts: match the sender to the newest message sent to them, store it once, tell the owner.

A reply belongs to whoever last wrote to its sender: the newest sent message to that address decides the
owner and the contact. Providers retry webhooks, so every reply is keyed by the provider's id (Twilio's
MessageSid, the email's Message-ID) and recorded at most once.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from email.parser import HeaderParser
from email.utils import parseaddr
from typing import Literal

import phonenumbers
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from metaic.auth.models import User
from metaic.communication.models import SENT, InboundMessage, ScheduledMessage
from metaic.contacts import history
from metaic.contacts import store as contact_store
from metaic.contacts.models import SavedContact
from metaic.core import links
from metaic.core.errors import DomainError, ValidationError
from metaic.notifications import flows as notification_flows

log = logging.getLogger(__name__)

Channel = Literal["whatsapp", "sms", "email"]
PHONE_CHANNELS = ("whatsapp", "sms")
MAX_BODY, MAX_SUBJECT, MAX_PROVIDER_ID, PREVIEW = 20000, 200, 200, 140


class ReplyTooLarge(DomainError):
    """A webhook body over the size limit."""

    status = 413
    code = "payload_too_large"


def normalize_sender(channel: Channel, sender: str, regions: Sequence[str] = ()) -> str:
    """The sender as our messages address it (E.164 phone or lower-cased email); empty when unusable.

    A number without its country code is read in the first of `regions` where it is valid."""
    raw = (sender or "").strip()
    try:
        if channel == "email":
            return contact_store.clean_value("emails", parseaddr(raw)[1], field="from")
        if raw.lower().startswith("whatsapp:"):
            raw = raw[len("whatsapp:") :]
        return contact_store.clean_value("phones", raw, field="from", regions=regions)
    except ValidationError:
        return ""


def reply_regions(session: Session, channel: Channel) -> list[str]:
    """Countries a reply without a country code most likely comes from: those of the numbers we last wrote to.

    Providers send E.164, so this only matters for a sender written the national way; the reply is matched
    to a message we sent, so the countries we sent to are the candidates (newest first)."""
    if channel == "email":
        return []
    recent = session.exec(
        select(ScheduledMessage.to)
        .where(ScheduledMessage.channel.in_(PHONE_CHANNELS))
        .order_by(ScheduledMessage.send_at.desc())
        .limit(50)
    ).all()
    regions = (phonenumbers.region_code_for_number(_parsed(number)) for number in recent)
    return list(dict.fromkeys(region for region in regions if region and region != "ZZ"))


def _parsed(number: str) -> phonenumbers.PhoneNumber:
    """An E.164 number we sent to, parsed (an unreadable one parses as nothing)."""
    try:
        return phonenumbers.parse(number)
    except phonenumbers.NumberParseException:
        return phonenumbers.PhoneNumber()


def fingerprint(*parts: str) -> str:
    """A stable id for a reply the provider gave none: sha256 of its parts."""
    return "sha256:" + hashlib.sha256("\x00".join(parts).encode()).hexdigest()


def message_id_of(raw_headers: str) -> str:
    """The Message-ID in an email's raw header block; empty when there is none."""
    value = HeaderParser().parsestr(raw_headers or "", headersonly=True).get("Message-ID", "")
    return " ".join(str(value).split())


def _provider_key(provider_id: str) -> str:
    """The provider id as stored: as given when it fits the column, else its fingerprint."""
    value = provider_id.strip()
    return value if len(value) <= MAX_PROVIDER_ID else fingerprint(value)


def _last_sent(session: Session, channel: Channel, address: str) -> ScheduledMessage | None:
    """The newest sent message to `address` on a channel a reply on `channel` answers."""
    channels = PHONE_CHANNELS if channel in PHONE_CHANNELS else ("email",)
    query = (
        select(ScheduledMessage)
        .where(ScheduledMessage.to == address, ScheduledMessage.status == SENT, ScheduledMessage.channel.in_(channels))
        .order_by(ScheduledMessage.send_at.desc(), ScheduledMessage.created_at.desc())
    )
    return session.exec(query).first()


def _already_recorded(session: Session, provider_id: str) -> bool:
    """Whether a reply with this provider id is stored."""
    return session.exec(select(InboundMessage.id).where(InboundMessage.provider_id == provider_id)).first() is not None


def _insert(session: Session, row: InboundMessage) -> bool:
    """Store the row in a savepoint; False when a concurrent retry stored the same provider id first."""
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        return False
    return True


def _display_name(contact: SavedContact | None, fallback: str) -> str:
    """What the notification calls the sender."""
    if contact is None:
        return fallback
    return contact.full_name or " ".join(p for p in (contact.first_name, contact.last_name) if p) or fallback


def _tell_owner(session: Session, owner: User, row: InboundMessage) -> None:
    """Add the reply to the contact's timeline and notify the owner."""
    history.log(
        session=session,
        owner=owner,
        contact_id=row.contact_id,
        channel=row.channel,
        direction="inbound",
        subject=row.subject,
        body=row.body,
    )
    name = _display_name(session.get(SavedContact, row.contact_id), row.sender)
    preview = " ".join(row.body.split())[:PREVIEW] or row.subject[:PREVIEW]
    notification_flows.notify(
        session=session,
        user=owner,
        kind="message",
        data={"sender": name, "preview": preview, "url": links.contact(row.contact_id)},
    )


def record_reply(
    *, session: Session, channel: Channel, sender: str, body: str, subject: str = "", provider_id: str
) -> InboundMessage | None:
    """Store a contact's reply on their owner's timeline; None for an unknown sender or a repeat."""
    if channel not in (*PHONE_CHANNELS, "email"):
        raise ValidationError("Choose whatsapp, sms or email.", field="channel")
    address = normalize_sender(channel, sender)
    if not address and channel != "email":  # written without a country code: try where we sent to
        address = normalize_sender(channel, sender, reply_regions(session, channel))
    key = _provider_key(provider_id or fingerprint(channel, sender, subject, body))
    message = _last_sent(session, channel, address) if address else None
    if message is None:
        log.info("%s reply from an unknown sender ignored (%s)", channel, key)
        return None
    if _already_recorded(session, key):
        return None
    row = InboundMessage(
        owner_id=message.owner_id,
        contact_id=message.contact_id,
        channel=channel,
        sender=address,
        subject=contact_store.clean_text(subject)[:MAX_SUBJECT],
        body=contact_store.clean_multiline(body)[:MAX_BODY],
        provider_id=key,
    )
    if not _insert(session, row):
        return None
    owner = session.get(User, message.owner_id)
    _tell_owner(session, owner, row)
    return row
