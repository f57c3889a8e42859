"""Two-step sign-in: TOTP enrolment with a QR code, recovery codes, and code checks."""

from __future__ import annotations

import secrets

import pyotp
import segno
from sqlmodel import Session, select

from metaic.audit import service as audit
from metaic.auth import api_tokens
from metaic.auth.models import RecoveryCode, User
from metaic.core import clock
from metaic.core.errors import Conflict, ValidationError
from metaic.core.security import hash_token, tokens_equal, verify_password

ISSUER = "MetaIC"
RECOVERY_CODE_COUNT = 10


def start_enrolment(*, session: Session, user: User) -> str:
    """Create a fresh pending TOTP secret for a user without MFA; returns it."""
    if user.mfa_enabled_at is not None:
        raise Conflict("Two-step sign-in is already on.")
    user.mfa_secret = pyotp.random_base32()
    session.add(user)
    return user.mfa_secret


def provisioning_uri(user: User) -> str:
    """The otpauth:// URI an authenticator app reads from the QR code."""
    return pyotp.TOTP(user.mfa_secret or "").provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_data_uri(uri: str) -> str:
    """An SVG data URI of a QR code for the provisioning URI."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2)


def _totp_ok(secret: str | None, code: str) -> bool:
    """True when the code matches now or one 30-second step away."""
    digits = "".join(ch for ch in (code or "") if ch.isdigit())
    if not secret or len(digits) != 6:
        return False
    return pyotp.TOTP(secret).verify(digits, for_time=clock.now(), valid_window=1)


def confirm_enrolment(*, session: Session, user: User, code: str) -> list[str]:
    """Turn MFA on when the first code is right; returns new recovery codes (shown once)."""
    if user.mfa_enabled_at is not None:
        raise Conflict("Two-step sign-in is already on.")
    if not _totp_ok(user.mfa_secret, code):
        raise ValidationError("That code is not right. Check your phone's clock and try the newest code.", field="code")
    user.mfa_enabled_at = clock.now()
    session.add(user)
    # API tokens from before were issued without the second step: they end here.
    api_tokens.revoke_all(session=session, user_id=user.id)
    audit.record(session=session, action="mfa.enabled", subject_id=user.id, actor_id=user.id)
    return _new_recovery_codes(session=session, user=user)


def regenerate_recovery_codes(*, session: Session, user: User) -> list[str]:
    """Replace every recovery code with a new set (the owner asked); returns the plain codes."""
    audit.record(session=session, action="mfa.recovery_codes", subject_id=user.id, actor_id=user.id)
    return _new_recovery_codes(session=session, user=user)


def _new_recovery_codes(*, session: Session, user: User) -> list[str]:
    """Replace every recovery code with a new set; returns the plain codes."""
    for old in session.exec(select(RecoveryCode).where(RecoveryCode.user_id == user.id)):
        session.delete(old)
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODE_COUNT)]
    session.add_all(RecoveryCode(user_id=user.id, code_hash=hash_token(code)) for code in codes)
    session.flush()
    return codes


def remaining_recovery_codes(*, session: Session, user: User) -> int:
    """How many unused recovery codes the user has."""
    rows = session.exec(select(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)))
    return len(list(rows))


def verify(*, session: Session, user: User, code: str) -> bool:
    """Check a TOTP code or spend a recovery code."""
    if user.mfa_enabled_at is None:
        return True
    if _totp_ok(user.mfa_secret, code):
        return True
    candidate = hash_token((code or "").strip().lower())
    unused = select(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    for row in session.exec(unused):
        if tokens_equal(row.code_hash, candidate):
            row.used_at = clock.now()
            session.add(row)
            return True
    return False


def disable(*, session: Session, user: User, password: str | None, code: str) -> None:
    """Turn MFA off after checking the password (if any) and a current code."""
    if user.password_hash and not verify_password(password or "", user.password_hash):
        raise ValidationError("Your password is not correct.", field="password")
    if not verify(session=session, user=user, code=code):
        raise ValidationError("That code is not right.", field="code")
    user.mfa_secret = None
    user.mfa_enabled_at = None
    session.add(user)
    for old in session.exec(select(RecoveryCode).where(RecoveryCode.user_id == user.id)):
        session.delete(old)
    api_tokens.revoke_all(session=session, user_id=user.id)
    audit.record(session=session, action="mfa.disabled", subject_id=user.id, actor_id=user.id)
