"""Shared checks of provider webhooks: Twilio's request signature and the refusal of a forged call."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import Request
from fastapi.responses import JSONResponse

from metaic.adapters import twilio_sms
from metaic.api.errors import problem
from metaic.config import get_settings


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
