"""Email delivery: an outbox folder by default, SMTP or SendGrid when configured."""

from __future__ import annotations

import logging
import smtplib
import uuid
from email import policy
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from metaic.adapters.email_message import EmailSender, OutgoingEmail
from metaic.adapters.sendgrid import SendGridEmailSender
from metaic.config import Settings, get_settings

log = logging.getLogger(__name__)

# Headers are written with lines of up to 998 characters (RFC 5322's limit). At Python's default of 78 an
# unbreakable link such as List-Unsubscribe's is folded into an RFC 2047 encoded word, which no mail
# client reads as a link. Bodies are encoded before this applies, so only header lines change.
WIRE_POLICY = policy.default.clone(max_line_length=998)


def build_mime(message: OutgoingEmail, sender: str) -> EmailMessage:
    """Build the MIME message (plain text with an optional HTML alternative)."""
    mime = EmailMessage()
    mime["From"] = sender
    mime["To"] = message.to
    mime["Subject"] = message.subject
    mime["Message-ID"] = make_msgid(domain="metaic.local")
    if message.reply_to:
        mime["Reply-To"] = message.reply_to
    for name, value in message.headers.items():
        mime[name] = value
    mime.set_content(message.text)
    if message.html:
        mime.add_alternative(message.html, subtype="html")
    mime.policy = WIRE_POLICY
    return mime


class OutboxEmailSender:
    """Writes each email as an .eml file in the outbox folder and logs its subject."""

    def __init__(self, folder: Path, sender: str):
        self.folder = folder
        self.sender = sender

    def send(self, message: OutgoingEmail) -> str:
        """Write the message to the outbox."""
        self.folder.mkdir(parents=True, exist_ok=True)
        mime = build_mime(message, self.sender)
        name = f"{uuid.uuid4().hex}.eml"
        (self.folder / name).write_bytes(bytes(mime))
        log.info("email to %s: %r written to %s", message.to, message.subject, self.folder / name)
        return mime["Message-ID"]


class SmtpEmailSender:
    """Delivers email through an SMTP server."""

    def __init__(self, settings: Settings):
        self.settings = settings

    def send(self, message: OutgoingEmail) -> str:
        """Send the message over SMTP."""
        s = self.settings
        mime = build_mime(message, s.email_from)
        with smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=20) as smtp:
            if s.smtp_starttls:
                smtp.starttls()
            if s.smtp_user:
                smtp.login(s.smtp_user, s.smtp_password)
            smtp.send_message(mime)
        log.info("email to %s: %r sent via SMTP", message.to, message.subject)
        return mime["Message-ID"]


def get_email_sender(settings: Settings | None = None) -> EmailSender:
    """The configured email backend."""
    settings = settings or get_settings()
    if settings.email_backend == "smtp":
        return SmtpEmailSender(settings)
    if settings.email_backend == "sendgrid":
        return SendGridEmailSender(settings)
    return OutboxEmailSender(settings.outbox_dir / "email", settings.email_from)
