"""Social sign-in: which providers are on, and how a provider identity maps to a MetaIC account."""

from __future__ import annotations

from pydantic import BaseModel
from sqlmodel import Session, select

from metaic.auth import api_tokens, sessions
from metaic.auth import service as user_service
from metaic.auth.models import RecoveryCode, SocialAccount, User
from metaic.config import Settings
from metaic.core import clock
from metaic.core.errors import AuthenticationFailed, Conflict, NotFound, ValidationError
from metaic.core.times import UtcDatetime

PROVIDERS = {"google": "Google", "apple": "Apple", "wechat": "WeChat"}


class SocialSignInRefused(AuthenticationFailed):
    """A provider identity cannot sign in; `reason` is a short code the edges pass on (`no_email`, ...)."""

    def __init__(self, message: str, *, reason: str):
        super().__init__(message)
        self.reason = reason


class SocialAccountRead(BaseModel):
    """A linked sign-in method as shown on the account page."""

    provider: str
    label: str
    email: str | None
    created_at: UtcDatetime


def enabled_providers(settings: Settings) -> list[tuple[str, str]]:
    """The configured providers as (key, label), in the order the sign-in buttons show them."""
    flags = {"google": settings.google_enabled, "apple": settings.apple_enabled, "wechat": settings.wechat_enabled}
    return [(key, label) for key, label in PROVIDERS.items() if flags[key]]


def label(provider: str) -> str:
    """The display name of a provider key."""
    return PROVIDERS.get(provider, provider)


def _check_provider(provider: str) -> None:
    """Refuse provider keys we do not know."""
    if provider not in PROVIDERS:
        raise NotFound("Unknown sign-in provider.")


def _clean_email(email: str | None) -> str | None:
    """A normalised address, or None when the provider gave nothing usable."""
    if not email:
        return None
    try:
        return user_service.normalize_email(email)
    except ValidationError:
        return None


def _clean_name(name: str | None) -> str:
    """A display name that fits our rules, whatever the provider sent."""
    text = "".join(ch for ch in (name or "") if ord(ch) >= 32)
    return " ".join(text.split())[: user_service.MAX_NAME_LENGTH].strip()


def get(*, session: Session, provider: str, subject: str) -> SocialAccount | None:
    """The link for a provider identity, if any."""
    query = select(SocialAccount).where(SocialAccount.provider == provider, SocialAccount.subject == subject)
    return session.exec(query).first()


def _accounts(*, session: Session, user_id) -> list[SocialAccount]:
    """Every link a user has, oldest first."""
    query = select(SocialAccount).where(SocialAccount.user_id == user_id).order_by(SocialAccount.created_at)
    return list(session.exec(query))


def list_for_user(*, session: Session, user: User) -> list[SocialAccountRead]:
    """The user's linked sign-in methods."""
    return [
        SocialAccountRead(
            provider=a.provider, label=label(a.provider), email=a.email, created_at=clock.as_utc(a.created_at)
        )
        for a in _accounts(session=session, user_id=user.id)
    ]


def sign_in(
    *, session: Session, provider: str, subject: str, email: str | None, email_verified: bool, name: str = ""
) -> User:
    """Return the account for a provider identity: its link, else a verified-email match, else a new account."""
    _check_provider(provider)
    if not subject:
        raise SocialSignInRefused("The provider did not say who you are. Try again.", reason="provider")
    address = _clean_email(email)
    link = get(session=session, provider=provider, subject=subject)
    if link is not None:
        user = session.get(User, link.user_id)
        if user is None or not user.is_active:
            raise SocialSignInRefused("This account is disabled.", reason="disabled")
        if address and link.email != address:
            link.email = address
            session.add(link)
        return user
    if address is None:
        raise SocialSignInRefused(
            f"{label(provider)} does not share an email address with us. Sign up with your email first, "
            f"then link {label(provider)} from your account settings.",
            reason="no_email",
        )
    user = user_service.get_by_email(session=session, email=address)
    if user is not None:
        if not email_verified:
            # Only the provider's word that the address is theirs may attach an identity to an existing
            # account; otherwise anyone could claim someone else's address there and take the account.
            raise SocialSignInRefused(
                f"{label(provider)} has not confirmed {address}. Sign in with your password, then link "
                f"{label(provider)} from your account settings.",
                reason="unverified",
            )
        if not user.is_active:
            raise SocialSignInRefused("This account is disabled.", reason="disabled")
        if user.email_verified_at is None:
            _drop_unproven_credentials(session=session, user=user)
            user.email_verified_at = clock.now()
            session.add(user)
    else:
        user = user_service.create(
            session=session, email=address, password=None, name=_clean_name(name), verified=email_verified
        )
    _add_link(session=session, user=user, provider=provider, subject=subject, email=address)
    return user


def _drop_unproven_credentials(*, session: Session, user: User) -> None:
    """Remove what was set up before anyone proved they own the address (guards against pre-registered accounts)."""
    # Someone may have signed up with the owner's address and a password of their own, waiting for the owner
    # to arrive through a provider. The provider has just proven ownership; the earlier credentials have not.
    user.password_hash = None
    user.mfa_secret = None
    user.mfa_enabled_at = None
    for code in session.exec(select(RecoveryCode).where(RecoveryCode.user_id == user.id)):
        session.delete(code)
    sessions.revoke_all(session=session, user_id=user.id)
    api_tokens.revoke_all(session=session, user_id=user.id)
    session.add(user)


def _add_link(*, session: Session, user: User, provider: str, subject: str, email: str | None) -> SocialAccount:
    """Store a new link."""
    link = SocialAccount(user_id=user.id, provider=provider, subject=subject, email=email)
    session.add(link)
    session.flush()
    return link


def link(*, session: Session, user: User, provider: str, subject: str, email: str | None = None) -> SocialAccount:
    """Link a provider identity to a signed-in user (one identity per provider and user)."""
    _check_provider(provider)
    if not subject:
        raise SocialSignInRefused("The provider did not say who you are. Try again.", reason="provider")
    address = _clean_email(email)
    existing = get(session=session, provider=provider, subject=subject)
    if existing is not None:
        if existing.user_id != user.id:
            raise Conflict(f"This {label(provider)} account is already linked to another MetaIC account.")
        if address and existing.email != address:
            existing.email = address
            session.add(existing)
        return existing
    if any(a.provider == provider for a in _accounts(session=session, user_id=user.id)):
        raise Conflict(f"Another {label(provider)} account is linked already. Remove it first.")
    return _add_link(session=session, user=user, provider=provider, subject=subject, email=address)


def unlink(*, session: Session, user: User, provider: str) -> None:
    """Remove a provider link, unless it is the last way left to sign in."""
    accounts = _accounts(session=session, user_id=user.id)
    mine = [a for a in accounts if a.provider == provider]
    if not mine:
        raise NotFound(f"{label(provider)} is not linked to your account.")
    if user.password_hash is None and len(accounts) <= len(mine):
        raise Conflict(f"{label(provider)} is your only way to sign in. Set a password first.")
    for account in mine:
        session.delete(account)
    session.flush()
