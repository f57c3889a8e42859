"""WhatsApp delivery: the console (log + outbox file) by default, Twilio's WhatsApp sender when configured."""

from __future__ import annotations

import logging
from typing import Protocol

from metaic.adapters.sms import ConsoleSmsSender
from metaic.adapters.twilio_sms import TwilioMessenger, status_callback_url
from metaic.config import Settings, get_settings

log = logging.getLogger(__name__)

PREFIX = "whatsapp:"


class WhatsAppSender(Protocol):
    """Anything that can deliver a WhatsApp message and return a message id."""

    def send(self, to: str, body: str) -> str:
        """Deliver one message to an E.164 number."""


def address(number: str) -> str:
    """`whatsapp:+E164` for a number given with or without the prefix."""
    return number if number.startswith(PREFIX) else f"{PREFIX}{number}"


class ConsoleWhatsAppSender(ConsoleSmsSender):
    """Logs each WhatsApp message and writes it to the outbox folder as a .txt file."""

    channel = "whatsapp"

    def address(self, to: str) -> str:
        """`whatsapp:+E164`, as Twilio would address it."""
        return address(to)


class TwilioWhatsAppSender:
    """WhatsApp through Twilio: the same Messages API with `whatsapp:` addresses on both ends."""

    def __init__(self, settings: Settings):
        self.messenger = TwilioMessenger(
            settings,
            sender=address(settings.twilio_whatsapp_from),
            status_callback=status_callback_url(settings.public_base_url),
        )

    def send(self, to: str, body: str) -> str:
        """Send one WhatsApp message; returns the Twilio message SID."""
        return self.messenger.send_message(address(to), body)


def get_whatsapp_sender(settings: Settings | None = None) -> WhatsAppSender:
    """The configured WhatsApp backend."""
    settings = settings or get_settings()
    if settings.whatsapp_backend == "twilio":
        return TwilioWhatsAppSender(settings)
    return ConsoleWhatsAppSender(settings.outbox_dir / "whatsapp")
