"""SMS delivery: the console (log + outbox file) by default, Twilio when configured."""

from __future__ import annotations

import logging
import uuid
from pathlib import Path
from typing import Protocol

from metaic.adapters.twilio_sms import TwilioSmsSender
from metaic.config import Settings, get_settings

log = logging.getLogger(__name__)


class SmsSender(Protocol):
    """Anything that can deliver a text message and return a message id."""

    def send(self, to: str, body: str) -> str:
        """Deliver one text message."""


class ConsoleSmsSender:
    """Logs each SMS and writes it to the outbox folder as a .txt file."""

    channel = "sms"

    def __init__(self, folder: Path):
        self.folder = folder

    def address(self, to: str) -> str:
        """The recipient as written in the outbox file."""
        return to

    def send(self, to: str, body: str) -> str:
        """Write the message to the outbox."""
        self.folder.mkdir(parents=True, exist_ok=True)
        message_id = uuid.uuid4().hex
        (self.folder / f"{message_id}.txt").write_text(f"To: {self.address(to)}\n\n{body}\n", encoding="utf-8")
        log.info("%s to %s written to outbox", self.channel, to)
        return message_id


def get_sms_sender(settings: Settings | None = None) -> SmsSender:
    """The configured SMS backend."""
    settings = settings or get_settings()
    if settings.sms_backend == "twilio":
        return TwilioSmsSender(settings)
    return ConsoleSmsSender(settings.outbox_dir / "sms")
