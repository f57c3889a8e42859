"""Signatures of webhook bodies, Stripe-style: `MetaIC-Signature: t=<unix time>,v1=<hex HMAC-SHA256>`.

The HMAC covers `"<t>.<body>"` with the endpoint's secret, so a receiver checks both the bytes and their
age (a replayed old delivery fails the tolerance). `verify` is what a receiver in Python would run.
"""

from __future__ import annotations

import hashlib
import hmac
import time

HEADER = "MetaIC-Signature"
TOLERANCE_SECONDS = 300


def sign(secret: str, body: bytes, *, at: int | None = None) -> str:
    """The signature header value for `body` sent at `at` (now by default)."""
    stamp = int(time.time()) if at is None else at
    digest = hmac.new(secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={stamp},v1={digest}"


def verify(
    secret: str, body: bytes, header: str, *, now: int | None = None, tolerance: int = TOLERANCE_SECONDS
) -> bool:
    """True when `header` signs `body` with `secret` and is no older (or newer) than `tolerance` seconds."""
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        stamp = int(parts.get("t", ""))
    except ValueError:
        return False
    current = int(time.time()) if now is None else now
    if abs(current - stamp) > tolerance:
        return False
    expected = sign(secret, body, at=stamp).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))
