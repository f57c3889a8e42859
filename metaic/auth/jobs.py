"""Background entry points for account emails and texts."""

from __future__ import annotations

from metaic.adapters.email import get_email_sender
from metaic.adapters.sms import get_sms_sender
from metaic.auth import emails, verification
from metaic.auth import service as user_service
from metaic.db import session_scope


def send_account_email(template: str, to: str, context: dict) -> str:
    """Render and send one account email; returns the provider message id."""
    return get_email_sender().send(emails.render(template, to=to, **context))


def send_password_reset(address: str) -> str | None:
    """Email a reset link to the active account at `address`; nothing for an unknown one.

    The lookup happens here, not in the request, so asking for a reset costs the same for any address.
    """
    with session_scope() as session:
        user = user_service.get_by_email(session=session, email=address)
        if user is None or not user.is_active:
            return None
        message = emails.render(
            "reset_password",
            to=user.email,
            name=user.name,
            email=user.email,
            link=verification.password_reset_link(user),
            minutes=verification.RESET_LINK_MINUTES,
        )
    return get_email_sender().send(message)


def send_sms(to: str, body: str) -> str:
    """Send one text message; returns the provider message id."""
    return get_sms_sender().send(to, body)
