"""SendGrid: send mail through the v3 Mail Send API, and verify its signed Event Webhook."""

from __future__ import annotations

import base64
import binascii
import logging
from email.utils import parseaddr

import httpx
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import load_der_public_key, load_pem_public_key

from metaic.adapters.email_message import OutgoingEmail
from metaic.adapters.errors import ProviderError
from metaic.config import Settings

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Twilio-Email-Event-Webhook-Signature"
TIMESTAMP_HEADER = "X-Twilio-Email-Event-Webhook-Timestamp"


def _address(value: str) -> dict[str, str]:
    """Turn "Name <a@b>" into SendGrid's {"email", "name"}."""
    name, email = parseaddr(value)
    return {"email": email, "name": name} if name else {"email": email}


def mail_payload(message: OutgoingEmail, sender: str) -> dict:
    """The v3 /mail/send JSON body for one message (plain text first, then HTML, as SendGrid requires)."""
    content = [{"type": "text/plain", "value": message.text}]
    if message.html:
        content.append({"type": "text/html", "value": message.html})
    personalization: dict = {"to": [_address(message.to)]}
    payload: dict = {
        "personalizations": [personalization],
        "from": _address(sender),
        "subject": message.subject,
        "content": content,
    }
    if message.reply_to:
        payload["reply_to"] = _address(message.reply_to)
    if message.headers:
        payload["headers"] = dict(message.headers)
    if message.metadata:
        payload["custom_args"] = {k: str(v) for k, v in message.metadata.items()}
    return payload


class SendGridEmailSender:
    """Delivers email through SendGrid's v3 API; returns SendGrid's X-Message-Id."""

    def __init__(self, settings: Settings, *, timeout: float = 20):
        self.settings = settings
        self.timeout = timeout

    def send(self, message: OutgoingEmail) -> str:
        """POST the message to /v3/mail/send; raise ProviderError unless SendGrid accepts it (202)."""
        s = self.settings
        url = f"{s.sendgrid_api_url.rstrip('/')}/v3/mail/send"
        try:
            response = httpx.post(
                url,
                json=mail_payload(message, s.email_from),
                timeout=self.timeout,
                headers={"Authorization": f"Bearer {s.sendgrid_api_key}"},
            )
        except httpx.HTTPError as exc:
            raise ProviderError(f"SendGrid unreachable: {exc}") from exc
        if response.status_code != 202:
            # 4xx (bad address, bad key) will not get better by retrying; 429 and 5xx may.
            permanent = 400 <= response.status_code < 500 and response.status_code != 429
            raise ProviderError(
                f"SendGrid answered {response.status_code}: {response.text[:300]}",
                permanent=permanent,
                status=response.status_code,
            )
        message_id = response.headers.get("X-Message-Id", "")
        log.info("email to %s: %r accepted by SendGrid (%s)", message.to, message.subject, message_id)
        return message_id


def load_public_key(value: str) -> ec.EllipticCurvePublicKey:
    """Read the webhook verification key as SendGrid shows it (base64 DER), or as PEM."""
    text = value.strip()
    if text.startswith("-----BEGIN"):
        key = load_pem_public_key(text.encode())
    else:
        key = load_der_public_key(base64.b64decode(text))
    if not isinstance(key, ec.EllipticCurvePublicKey):
        raise ValueError("the SendGrid webhook key must be an EC public key")
    return key


def verify_event_signature(public_key: str, payload: bytes, signature: str, timestamp: str) -> bool:
    """True when `signature` is SendGrid's ECDSA P-256/SHA-256 signature over timestamp + raw payload."""
    if not (public_key and signature and timestamp):
        return False
    try:
        key = load_public_key(public_key)
        key.verify(base64.b64decode(signature), timestamp.encode() + payload, ec.ECDSA(hashes.SHA256()))
    except (InvalidSignature, ValueError, binascii.Error, TypeError):
        return False
    return True
