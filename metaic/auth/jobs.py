"""Background entry points for account emails and texts."""

from __future__ import annotations

from metaic.adapters.email import get_email_sender
from metaic.adapters.sms import get_sms_sender
from metaic.auth import emails


def send_account_email(template: str, to: str, context: dict) -> str:
    """Render and send one account email; returns the provider message id."""
    return get_email_sender().send(emails.render(template, to=to, **context))


def send_sms(to: str, body: str) -> str:
    """Send one text message; returns the provider message id."""
    return get_sms_sender().send(to, body)
