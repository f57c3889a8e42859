"""Account flows: sign-up, sign-in with the MFA step, resets and phone checks, with rate limits."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlmodel import Session

from metaic.auth import api_tokens, mfa, sessions, verification
from metaic.auth import jobs as auth_jobs
from metaic.auth import service as user_service
from metaic.auth.models import User
from metaic.core import links, ratelimit
from metaic.core.errors import AuthenticationFailed, ValidationError
from metaic.core.security import sign, unsign
from metaic.jobs import enqueue

# (limit, window seconds): failures per account, attempts per IP.
LOGIN_ACCOUNT = (5, 300)
LOGIN_IP = (30, 300)
RESET_IP = (5, 900)
RESET_ACCOUNT = (3, 900)
SIGNUP_IP = (10, 3600)
PHONE_SEND = (3, 600)
CODE_CHECK = (5, 600)
MFA_CHALLENGE_SECONDS = 300


@dataclass(frozen=True)
class LoginStep:
    """The result of checking a password: a user, or a pending MFA challenge."""

    user: User
    mfa_challenge: str | None = None


def _send_email(template: str, user: User, **context) -> None:
    """Queue an account email for a user."""
    enqueue(
        auth_jobs.send_account_email,
        template,
        user.email,
        {"name": user.name, "email": user.email, **context},
        title=f"{template} email to user {user.id}",
        queue_name="high",
    )


def signup(*, session: Session, email: str, password: str, name: str, ip: str = "") -> User:
    """Create an account and send the verification email."""
    ratelimit.hit(f"signup:ip:{ip}", limit=SIGNUP_IP[0], window=SIGNUP_IP[1])
    user = user_service.create(session=session, email=email, password=password, name=name)
    send_verification(user=user)
    return user


def send_verification(*, user: User) -> None:
    """Send (again) the email verification link."""
    ratelimit.hit(f"verify-send:{user.id}", limit=5, window=3600)
    _send_email(
        "verify_email", user, link=verification.email_verification_link(user), hours=verification.EMAIL_LINK_HOURS
    )


def check_password(*, session: Session, email: str, password: str, ip: str = "") -> LoginStep:
    """First sign-in step: rate limits, then the password, then an MFA challenge if on."""
    account_key = f"login:acct:{(email or '').strip().lower()}"
    ip_key = f"login:ip:{ip}"
    ratelimit.check(account_key, limit=LOGIN_ACCOUNT[0])
    ratelimit.hit(ip_key, limit=LOGIN_IP[0], window=LOGIN_IP[1])
    user = user_service.authenticate(session=session, email=email, password=password)
    if user is None:
        ratelimit.hit(account_key, limit=LOGIN_ACCOUNT[0] + 1, window=LOGIN_ACCOUNT[1])
        raise AuthenticationFailed("The email or password is not correct.")
    ratelimit.clear(account_key)
    if user.mfa_enabled_at is not None:
        challenge = sign("mfa-challenge", {"u": str(user.id)})
        return LoginStep(user=user, mfa_challenge=challenge)
    return LoginStep(user=user)


def check_mfa(*, session: Session, challenge: str, code: str) -> User:
    """Second sign-in step: a TOTP or recovery code for a pending challenge."""
    data = unsign("mfa-challenge", challenge or "", max_age=MFA_CHALLENGE_SECONDS)
    user = user_service.require(session=session, user_id=uuid.UUID(str(data["u"])))
    key = f"mfa:{user.id}"
    ratelimit.check(key, limit=CODE_CHECK[0])
    if not mfa.verify(session=session, user=user, code=code):
        ratelimit.hit(key, limit=CODE_CHECK[0] + 1, window=CODE_CHECK[1])
        raise ValidationError("That code is not right.", field="code")
    ratelimit.clear(key)
    return user


def request_password_reset(*, session: Session, email: str, ip: str = "") -> None:
    """Email a reset link if the account exists; never reveals whether it does."""
    ratelimit.hit(f"reset:ip:{ip}", limit=RESET_IP[0], window=RESET_IP[1])
    try:
        address = user_service.normalize_email(email)
    except ValidationError:
        return
    ratelimit.hit(f"reset:acct:{address}", limit=RESET_ACCOUNT[0], window=RESET_ACCOUNT[1])
    user = user_service.get_by_email(session=session, email=address)
    if user is not None and user.is_active:
        _send_email(
            "reset_password", user, link=verification.password_reset_link(user), minutes=verification.RESET_LINK_MINUTES
        )


def reset_password(*, session: Session, token: str, new_password: str, ip: str = "") -> User:
    """Set a new password from a reset link; signs out every session and API token."""
    ratelimit.hit(f"reset-use:ip:{ip}", limit=20, window=900)
    user = verification.user_for_reset(session=session, token=token)
    user_service.set_password(session=session, user=user, new_password=new_password)
    _after_password_change(session=session, user=user, keep_token=None)
    return user


def change_password(
    *, session: Session, user: User, current_password: str, new_password: str, current_token: str | None
) -> int:
    """Change the password; every other session is revoked. Returns how many."""
    ratelimit.hit(f"password-change:{user.id}", limit=10, window=900)
    user_service.change_password(
        session=session, user=user, current_password=current_password, new_password=new_password
    )
    return _after_password_change(session=session, user=user, keep_token=current_token)


def _after_password_change(*, session: Session, user: User, keep_token: str | None) -> int:
    """Revoke other sessions and API tokens, and tell the owner by email."""
    revoked = sessions.revoke_all(session=session, user_id=user.id, except_token=keep_token)
    api_tokens.revoke_all(session=session, user_id=user.id)
    _send_email("password_changed", user, link=links.absolute(links.forgot_password()))
    return revoked


def change_email(*, session: Session, user: User, new_email: str, password: str) -> User:
    """Change the email address (password required) and send the new address its verification link."""
    before = user.email
    user_service.change_email(session=session, user=user, new_email=new_email, password=password)
    if user.email != before:
        send_verification(user=user)
    return user


def send_phone_code(*, session: Session, user: User, phone: str) -> str:
    """Text a 6-digit code to a phone number; returns the normalised number."""
    ratelimit.hit(f"phone-send:{user.id}", limit=PHONE_SEND[0], window=PHONE_SEND[1])
    number, code = verification.start_phone_verification(session=session, user=user, phone=phone)
    enqueue(
        auth_jobs.send_sms,
        number,
        f"Your MetaIC code is {code}. It expires in {verification.PHONE_CODE_MINUTES} minutes.",
        title=f"phone code for user {user.id}",
        queue_name="high",
    )
    return number


def confirm_phone(*, session: Session, user: User, code: str) -> User:
    """Check a phone code, rate-limited per account."""
    ratelimit.hit(f"phone-check:{user.id}", limit=CODE_CHECK[0] * 2, window=CODE_CHECK[1])
    return verification.confirm_phone(session=session, user=user, code=code)
