"""Account flows: sign-up, sign-in with the MFA step, resets and phone checks, with rate limits."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlmodel import Session

from metaic.audit import service as audit
from metaic.auth import api_tokens, mfa, sessions, verification
from metaic.auth import jobs as auth_jobs
from metaic.auth import service as user_service
from metaic.auth.models import User
from metaic.core import links, ratelimit
from metaic.core.errors import AuthenticationFailed, RateLimited, ValidationError
from metaic.core.security import check_password_strength, hash_password, sign, unsign
from metaic.db import after_commit
from metaic.jobs import enqueue

# Wrong passwords slow down where they come from and never lock the owner out from elsewhere:
# each (account, address) pair and each address wait longer after every failure past their free ones;
# an account failing from everywhere only leaves one free try to addresses that already failed on it.
LOGIN_PAIR = ratelimit.Backoff(free=5, base=2, cap=900, forget=86400)
LOGIN_ADDRESS = ratelimit.Backoff(free=20, base=1, cap=300, forget=3600)
LOGIN_ACCOUNT = ratelimit.Backoff(free=20, base=2, cap=900, forget=3600)  # past `free`: under attack
UNDER_ATTACK_FREE = 1
# (limit, window seconds)
RESET_IP = (5, 900)
RESET_ACCOUNT = (3, 900)
SIGNUP_IP = (10, 3600)
EXISTING_NOTICE = (3, 3600)
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


def signup(*, session: Session, email: str, password: str, name: str, ip: str = "") -> str:
    """Start an account and email the address; returns the normalised address.

    The answer and the work are the same whether or not the address already has an account (so
    sign-up cannot tell who is on MetaIC): the password is hashed either way, and the address gets
    one email, a verification link or a "you already have an account" notice.
    """
    ratelimit.hit(f"signup:ip:{ip}", limit=SIGNUP_IP[0], window=SIGNUP_IP[1])
    address = user_service.normalize_email(email)
    user_service.clean_name(name)
    check_password_strength(password, email=address)
    existing = user_service.get_by_email(session=session, email=address)
    if existing is None:
        send_verification(user=user_service.create(session=session, email=address, password=password, name=name))
        return address
    hash_password(password)  # the argon2 work a new account costs, so the timing does not tell either
    _notify_existing_owner(existing)
    return address


def _notify_existing_owner(user: User) -> None:
    """Tell an account's owner someone signed up with their address (a few times an hour at most, silently)."""
    try:
        ratelimit.hit(f"signup-existing:{user.id}", limit=EXISTING_NOTICE[0], window=EXISTING_NOTICE[1])
    except RateLimited:
        return
    if user.is_active:
        _send_email("account_exists", user, login=links.absolute("/login"))


def send_verification(*, user: User) -> None:
    """Send (again) the email verification link."""
    ratelimit.hit(f"verify-send:{user.id}", limit=5, window=3600)
    _send_email(
        "verify_email", user, link=verification.email_verification_link(user), hours=verification.EMAIL_LINK_HOURS
    )


def check_password(*, session: Session, email: str, password: str, ip: str = "") -> LoginStep:
    """First sign-in step: the slow-downs, then the password, then an MFA challenge if on."""
    account = (email or "").strip().lower()
    pair, address, everywhere = f"login:pair:{ip} {account}", f"login:ip:{ip}", f"login:acct:{account}"
    under_attack = ratelimit.failures(everywhere, LOGIN_ACCOUNT) >= LOGIN_ACCOUNT.free
    # Checked before the password: a waiting address learns nothing, not even from the right password.
    ratelimit.check_backoff(
        (pair, LOGIN_PAIR, UNDER_ATTACK_FREE if under_attack else None), (address, LOGIN_ADDRESS, None)
    )
    user = user_service.authenticate(session=session, email=email, password=password)
    if user is None:
        for key, rule in ((pair, LOGIN_PAIR), (address, LOGIN_ADDRESS), (everywhere, LOGIN_ACCOUNT)):
            ratelimit.fail(key, rule)
        _audit_failed_password(session=session, email=email, ip=ip)
        raise AuthenticationFailed("The email or password is not correct.")
    # Only this pair starts afresh: a success on one's own account must not reset an address's spraying count.
    ratelimit.forget(pair)
    if user.mfa_enabled_at is not None:
        challenge = sign("mfa-challenge", {"u": str(user.id), "ip": ip})
        return LoginStep(user=user, mfa_challenge=challenge)
    audit.record(session=session, action="sign_in", subject_id=user.id, actor_id=user.id, ip=ip)
    return LoginStep(user=user)


def _audit_failed_password(*, session: Session, email: str, ip: str) -> None:
    """A wrong password on a real account goes to its security events (kept though this request fails)."""
    try:
        owner = user_service.get_by_email(session=session, email=user_service.normalize_email(email))
    except ValidationError:
        return
    if owner is not None:
        audit.record_apart(session, action="sign_in.failed", subject_id=owner.id, ip=ip)


def check_mfa(*, session: Session, challenge: str, code: str) -> User:
    """Second sign-in step: a TOTP or recovery code for a pending challenge."""
    data = unsign("mfa-challenge", challenge or "", max_age=MFA_CHALLENGE_SECONDS)
    user = user_service.require(session=session, user_id=uuid.UUID(str(data["u"])))
    key = f"mfa:{user.id}"
    ratelimit.check(key, limit=CODE_CHECK[0])
    ip = str(data.get("ip", ""))
    if not mfa.verify(session=session, user=user, code=code):
        ratelimit.hit(key, limit=CODE_CHECK[0] + 1, window=CODE_CHECK[1])
        audit.record_apart(session, action="sign_in.mfa_failed", subject_id=user.id, ip=ip)
        raise ValidationError("That code is not right.", field="code")
    ratelimit.clear(key)
    audit.record(session=session, action="sign_in", subject_id=user.id, actor_id=user.id, ip=ip, detail="with a code")
    return user


def request_password_reset(*, session: Session, email: str, ip: str = "") -> None:
    """Email a reset link if the account exists; never reveals whether it does.

    The lookup, the link and the email all happen in the job, queued for any well-formed address:
    the request does the same work, in the same time, for a known and an unknown one.
    """
    ratelimit.hit(f"reset:ip:{ip}", limit=RESET_IP[0], window=RESET_IP[1])
    try:
        address = user_service.normalize_email(email)
    except ValidationError:
        return
    ratelimit.hit(f"reset:acct:{address}", limit=RESET_ACCOUNT[0], window=RESET_ACCOUNT[1])
    after_commit(session, lambda: _queue_reset(address))


def _queue_reset(address: str) -> None:
    """Queue the reset job (it looks the address up itself)."""
    enqueue(auth_jobs.send_password_reset, address, title="password reset request", queue_name="high")


def reset_password(*, session: Session, token: str, new_password: str, ip: str = "") -> User:
    """Set a new password from a reset link; signs out every session and API token."""
    ratelimit.hit(f"reset-use:ip:{ip}", limit=20, window=900)
    user = verification.user_for_reset(session=session, token=token)
    user_service.set_password(session=session, user=user, new_password=new_password)
    _after_password_change(session=session, user=user, keep_token=None)
    audit.record(session=session, action="password.reset", subject_id=user.id, actor_id=user.id, ip=ip)
    return user


def change_password(
    *, session: Session, user: User, current_password: str, new_password: str, current_token: str | None
) -> int:
    """Change the password; every other session is revoked. Returns how many."""
    ratelimit.hit(f"password-change:{user.id}", limit=10, window=900)
    user_service.change_password(
        session=session, user=user, current_password=current_password, new_password=new_password
    )
    audit.record(session=session, action="password.changed", subject_id=user.id, actor_id=user.id)
    return _after_password_change(session=session, user=user, keep_token=current_token)


def _after_password_change(*, session: Session, user: User, keep_token: str | None) -> int:
    """Sign out everywhere else (API tokens included), and tell the owner by email."""
    revoked = _revoke_everything(session=session, user=user, keep_token=keep_token)
    _send_email("password_changed", user, link=links.absolute(links.forgot_password()))
    return revoked


def sign_out_everywhere(*, session: Session, user: User, keep_token: str | None) -> int:
    """The owner's "sign out everywhere": every other session and every API token end; returns how many sessions."""
    revoked = _revoke_everything(session=session, user=user, keep_token=keep_token)
    audit.record(
        session=session, action="sessions.revoked_all", subject_id=user.id, actor_id=user.id, detail=f"{revoked} ended"
    )
    return revoked


def _revoke_everything(*, session: Session, user: User, keep_token: str | None) -> int:
    """End every browser session but `keep_token`'s, and every API token; returns how many sessions."""
    revoked = sessions.revoke_all(session=session, user_id=user.id, except_token=keep_token)
    api_tokens.revoke_all(session=session, user_id=user.id)
    return revoked


def change_email(*, session: Session, user: User, new_email: str, password: str) -> User:
    """Change the email address (password required) and send the new address its verification link."""
    before = user.email
    user_service.change_email(session=session, user=user, new_email=new_email, password=password)
    if user.email != before:
        send_verification(user=user)
        audit.record(
            session=session,
            action="email.changed",
            subject_id=user.id,
            actor_id=user.id,
            before={"email": audit.masked_email(before)},
            after={"email": audit.masked_email(user.email)},
        )
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
