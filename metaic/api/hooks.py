"""Shared checks of provider webhooks: Twilio's request signature and the refusal of a forged call."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from fastapi import Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from metaic.adapters import twilio_sms
from metaic.api.errors import problem
from metaic.config import get_settings
from metaic.notifications import webhooks


def forbidden(detail: str) -> JSONResponse:
    """The answer to a webhook call whose signature or secret does not check out."""
    return problem(403, "Forbidden", detail, code="forbidden")


def twilio_signed(request: Request, params: Mapping[str, str]) -> bool:
    """Whether X-Twilio-Signature matches the posted params and the public URL Twilio called."""
    settings = get_settings()
    # Twilio signs the URL it called, which is our public address, not what a proxy forwards to us.
    url = f"{settings.public_base_url.rstrip('/')}{request.url.path}"
    if request.url.query:
        url = f"{url}?{request.url.query}"
    signature = request.headers.get(twilio_sms.SIGNATURE_HEADER, "")
    return twilio_sms.verify_signature(settings.twilio_auth_token, url, params, signature)


async def apply_sendgrid_once(timestamp: str, payload: bytes, apply: Callable[[], int]) -> JSONResponse:
    """Apply a verified SendGrid batch once: refuse an old or future timestamp, skip a replay of the same batch."""
    verdict = webhooks.claim_sendgrid_batch(timestamp=timestamp, payload=payload)
    if verdict == webhooks.STALE:
        return forbidden("The event timestamp is more than 5 minutes old or in the future.")
    if verdict == webhooks.REPLAYED:
        # Already applied: 2xx so a legitimate redelivery stops, and nothing is applied twice.
        return JSONResponse({"changed": 0})
    try:
        changed = await run_in_threadpool(apply)
    except BaseException:
        webhooks.release_sendgrid_batch(timestamp=timestamp, payload=payload)
        raise
    return JSONResponse({"changed": changed})
