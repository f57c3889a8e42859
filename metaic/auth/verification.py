"""Email verification links, password reset links and phone verification codes."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import timedelta

import phonenumbers
from sqlmodel import Session, select

from metaic.auth import service as user_service
from metaic.auth.models import PhoneVerification, User
from metaic.core import clock, links
from metaic.core.errors import AuthenticationFailed, ValidationError
from metaic.core.security import hash_token, sign, tokens_equal, unsign

EMAIL_LINK_HOURS = 48
RESET_LINK_MINUTES = 60
PHONE_CODE_MINUTES = 10
PHONE_CODE_ATTEMPTS = 5


def email_verification_link(user: User) -> str:
    """A signed link proving the holder received mail at the user's current address."""
    token = sign("verify-email", {"u": str(user.id), "e": user.email})
    return links.absolute(links.verify_email(token))


def verify_email(*, session: Session, token: str) -> User:
    """Mark the address in a verification token as verified (idempotent)."""
    data = unsign("verify-email", token or "", max_age=EMAIL_LINK_HOURS * 3600)
    user = user_service.get(session=session, user_id=uuid.UUID(str(data["u"])))
    if user is None or user.email != data.get("e"):
        raise AuthenticationFailed("This link is for an address that is no longer on the account.")
    if user.email_verified_at is None:
        user.email_verified_at = clock.now()
        session.add(user)
    return user


def _password_fingerprint(user: User) -> str:
    """Changes whenever the password changes, so a reset link works only once."""
    return hashlib.sha256(f"{user.password_hash or ''}|{user.id}".encode()).hexdigest()[:24]


def password_reset_link(user: User) -> str:
    """A signed single-use link for choosing a new password."""
    token = sign("reset-password", {"u": str(user.id), "f": _password_fingerprint(user)})
    return links.absolute(links.reset_password(token))


def user_for_reset(*, session: Session, token: str) -> User:
    """The user a reset token is for, or AuthenticationFailed when used, expired or bad."""
    data = unsign("reset-password", token or "", max_age=RESET_LINK_MINUTES * 60)
    user = user_service.get(session=session, user_id=uuid.UUID(str(data["u"])))
    if user is None or not user.is_active or not tokens_equal(str(data.get("f")), _password_fingerprint(user)):
        raise AuthenticationFailed("This reset link was already used or is no longer valid. Ask for a new one.")
    return user


def normalize_phone(raw: str, *, region: str | None = None) -> str:
    """Parse a phone number and return it in E.164 form, or raise ValidationError."""
    value = (raw or "").strip()
    if not value:
        raise ValidationError("Enter a phone number.", field="phone")
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError("Enter the number with its country code, like +44 20 7946 0958.", field="phone") from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationError("That phone number is not valid.", field="phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def start_phone_verification(*, session: Session, user: User, phone: str) -> tuple[str, str]:
    """Create a 6-digit code for a phone number; returns (E.164 number, code) for sending."""
    number = normalize_phone(phone)
    for old in session.exec(
        select(PhoneVerification).where(PhoneVerification.user_id == user.id, PhoneVerification.used_at.is_(None))
    ):
        old.used_at = clock.now()
        session.add(old)
    code = f"{secrets.randbelow(1_000_000):06d}"
    session.add(
        PhoneVerification(
            user_id=user.id,
            phone=number,
            code_hash=hash_token(f"{user.id}:{code}"),
            expires_at=clock.now() + timedelta(minutes=PHONE_CODE_MINUTES),
        )
    )
    session.flush()
    return number, code


def confirm_phone(*, session: Session, user: User, code: str) -> User:
    """Check a phone code; on success the number becomes the user's verified phone."""
    pending = session.exec(
        select(PhoneVerification)
        .where(PhoneVerification.user_id == user.id, PhoneVerification.used_at.is_(None))
        .order_by(PhoneVerification.created_at.desc())
    ).first()
    if pending is None or clock.as_utc(pending.expires_at) < clock.now():
        raise ValidationError("The code has expired. Send a new one.", field="code")
    if pending.attempts >= PHONE_CODE_ATTEMPTS:
        raise ValidationError("Too many wrong codes. Send a new one.", field="code")
    cleaned = "".join(ch for ch in (code or "") if ch.isdigit())
    if not tokens_equal(hash_token(f"{user.id}:{cleaned}"), pending.code_hash):
        pending.attempts += 1
        session.add(pending)
        # Keep the failed attempt even though the caller's transaction rolls back on the error.
        session.commit()
        raise ValidationError("That code is not right.", field="code")
    pending.used_at = clock.now()
    user.phone = pending.phone
    user.phone_verified_at = clock.now()
    session.add_all([pending, user])
    return user
