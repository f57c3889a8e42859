"""Twilio Programmable Messaging: SMS (and WhatsApp, see whatsapp.py) and status-callback signatures."""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
from collections.abc import Mapping

import httpx

from metaic.adapters.errors import ProviderError
from metaic.config import Settings

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Twilio-Signature"
# Twilio error codes meaning the number itself is unusable; retrying cannot help.
PERMANENT_ERROR_CODES = {21211, 21408, 21610, 21612, 21614, 63003, 63016}


class TwilioMessenger:
    """Sends one message through Twilio's Messages API from a fixed sender (a number or `whatsapp:+...`)."""

    def __init__(self, settings: Settings, *, sender: str, status_callback: str | None = None, timeout: float = 20):
        self.settings = settings
        self.sender = sender
        self.status_callback = status_callback
        self.timeout = timeout

    def send_message(self, to: str, body: str) -> str:
        """POST To/From/Body (+ StatusCallback) and return the message SID; raise ProviderError on refusal."""
        s = self.settings
        url = f"{s.twilio_api_url.rstrip('/')}/2010-04-01/Accounts/{s.twilio_account_sid}/Messages.json"
        form = {"To": to, "From": self.sender, "Body": body}
        if self.status_callback:
            form["StatusCallback"] = self.status_callback
        try:
            response = httpx.post(
                url, data=form, auth=(s.twilio_account_sid, s.twilio_auth_token), timeout=self.timeout
            )
        except httpx.HTTPError as exc:
            raise ProviderError(f"Twilio unreachable: {exc}") from exc
        if response.status_code not in (200, 201):
            raise _error(response)
        data = response.json()
        log.info("message to %s accepted by Twilio (%s, %s)", to, data.get("sid"), data.get("status"))
        return str(data.get("sid") or "")


def _error(response: httpx.Response) -> ProviderError:
    """Turn a Twilio error answer into a ProviderError, permanent when retrying cannot help."""
    try:
        data = response.json()
    except ValueError:
        data = {}
    code = data.get("code")
    permanent = code in PERMANENT_ERROR_CODES or (400 <= response.status_code < 500 and response.status_code != 429)
    return ProviderError(
        f"Twilio answered {response.status_code} (code {code}): {data.get('message', '')}"[:400],
        permanent=permanent,
        status=response.status_code,
    )


def status_callback_url(public_base_url: str) -> str:
    """Where Twilio posts delivery status updates."""
    return f"{public_base_url.rstrip('/')}/hooks/twilio"


class TwilioSmsSender:
    """The SMS backend: Twilio from TWILIO_FROM, with delivery status posted back to /hooks/twilio."""

    def __init__(self, settings: Settings):
        self.messenger = TwilioMessenger(
            settings, sender=settings.twilio_from, status_callback=status_callback_url(settings.public_base_url)
        )

    def send(self, to: str, body: str) -> str:
        """Send one SMS; returns the Twilio message SID."""
        return self.messenger.send_message(to, body)


def compute_signature(auth_token: str, url: str, params: Mapping[str, str]) -> str:
    """Twilio's request signature: base64 HMAC-SHA1 of the URL followed by each sorted key and its value."""
    payload = url + "".join(f"{key}{params[key]}" for key in sorted(params))
    digest = hmac.new(auth_token.encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def verify_signature(auth_token: str, url: str, params: Mapping[str, str], signature: str) -> bool:
    """True when a webhook's X-Twilio-Signature matches (Twilio's own RequestValidator when installed)."""
    if not (auth_token and signature):
        return False
    try:
        from twilio.request_validator import RequestValidator
    except ImportError:  # the library is optional: the algorithm is small and documented
        return hmac.compare_digest(compute_signature(auth_token, url, params), signature)
    return bool(RequestValidator(auth_token).validate(url, dict(params), signature))
