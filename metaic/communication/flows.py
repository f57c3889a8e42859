"""Writing to a contact from a template: fill it in for them, then queue it (one step for every edge)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlmodel import Session

from metaic.auth.models import User
from metaic.communication import service, templates
from metaic.communication.models import ScheduledMessage


def send_from_template(
    *,
    session: Session,
    owner: User,
    contact_id: uuid.UUID | str,
    channel: str,
    subject: str,
    body: str,
    send_at: datetime | None = None,
) -> ScheduledMessage:
    """Fill a template's `{{ variables }}` for the contact and queue the result (WhatsApp has no subject)."""
    filled_subject, filled_body = templates.preview(
        session=session, owner=owner, contact_id=contact_id, subject=subject, body=body, channel=channel
    )
    return service.send(
        session=session,
        owner=owner,
        contact_id=contact_id,
        channel=channel,
        subject=filled_subject,
        body=filled_body,
        send_at=send_at,
    )
