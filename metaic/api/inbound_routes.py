"""Provider webhooks for replies from contacts: Twilio incoming messages and SendGrid Inbound Parse."""

from __future__ import annotations

import hmac

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from metaic.api import hooks, uploads
from metaic.api.deps import db_session
from metaic.api.errors import problem
from metaic.communication import inbound
from metaic.config import get_settings

router = APIRouter(tags=["communication"])

# Twilio's form is a few dozen short fields; an Inbound Parse email may carry attachments we do not keep.
MAX_TWILIO_BYTES = 100_000
MAX_EMAIL_BYTES = 10_000_000
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'


def _too_large() -> inbound.ReplyTooLarge:
    """The refusal for a webhook body over its limit."""
    return inbound.ReplyTooLarge("The message is too large.")


async def _fields(request: Request, cap: int, *, max_files: int, max_fields: int) -> dict[str, str]:
    """The text fields of a capped form body (urlencoded or multipart); uploaded files are dropped."""
    body = await uploads.read_capped(request, cap, _too_large)
    form = await uploads.form_of(request, body, max_files=max_files, max_fields=max_fields)
    try:
        return {key: value for key, value in form.items() if isinstance(value, str)}
    finally:
        await form.close()


def _twilio_reply(params: dict[str, str]) -> dict:
    """The record_reply arguments of a Twilio incoming message."""
    sender = params.get("From", "")
    body = params.get("Body", "")
    if not body.strip() and params.get("NumMedia", "0") not in ("", "0"):
        body = f"[{params['NumMedia']} media attachment(s)]"
    return {
        "channel": "whatsapp" if sender.lower().startswith("whatsapp:") else "sms",
        "sender": sender,
        "body": body,
        "provider_id": params.get("MessageSid") or params.get("SmsMessageSid", ""),
    }


@router.post("/hooks/twilio/inbound", include_in_schema=False)
async def twilio_inbound(request: Request, session: Session = Depends(db_session, scope="function")) -> Response:
    """Twilio incoming SMS/WhatsApp: verify X-Twilio-Signature, put the reply on the contact's timeline."""
    params = await _fields(request, MAX_TWILIO_BYTES, max_files=0, max_fields=200)
    if not hooks.twilio_signed(request, params):
        return hooks.forbidden("The request signature is missing or wrong.")
    await run_in_threadpool(lambda: inbound.record_reply(session=session, **_twilio_reply(params)))
    return Response(EMPTY_TWIML, media_type="text/xml")


def _token_ok(token: str) -> bool:
    """Whether the path segment is the configured Inbound Parse secret (never when none is set)."""
    expected = get_settings().sendgrid_inbound_token
    return bool(expected) and hmac.compare_digest(token.encode(), expected.encode())


def _email_reply(form: dict[str, str]) -> dict:
    """The record_reply arguments of a parsed email; without a Message-ID, a hash of its content."""
    sender, subject, text = form.get("from", ""), form.get("subject", ""), form.get("text", "")
    provider_id = inbound.message_id_of(form.get("headers", "")) or inbound.fingerprint(sender, subject, text)
    return {"channel": "email", "sender": sender, "subject": subject, "body": text, "provider_id": provider_id}


@router.post("/hooks/sendgrid/inbound/{token}", include_in_schema=False)
async def sendgrid_inbound(
    token: str, request: Request, session: Session = Depends(db_session, scope="function")
) -> Response:
    """SendGrid Inbound Parse (unsigned, so the URL carries a secret): put the email reply on the timeline."""
    if not _token_ok(token):
        return problem(404, "Not Found", "Not Found", code="http_404")
    form = await _fields(request, MAX_EMAIL_BYTES, max_files=100, max_fields=100)
    await run_in_threadpool(lambda: inbound.record_reply(session=session, **_email_reply(form)))
    return Response(status_code=200)
