"""One email to send and what can send it, shared by every email backend (outbox, SMTP, SendGrid).

Apart from metaic/adapters/email.py so the SendGrid backend can use it while email.py picks the backend.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class OutgoingEmail:
    """One email to send."""

    to: str
    subject: str
    text: str
    html: str | None = None
    # Where replies go ("Name <a@b>"): the MetaIC user a message to a contact is from.
    reply_to: str | None = None
    # Extra MIME headers (List-Unsubscribe) and provider tags (SendGrid custom_args, echoed by its webhook).
    headers: Mapping[str, str] = field(default_factory=dict)
    metadata: Mapping[str, str] = field(default_factory=dict)


class EmailSender(Protocol):
    """Anything that can deliver an email and return a message id."""

    def send(self, message: OutgoingEmail) -> str:
        """Deliver one message."""
