"""What admins do to accounts: suspend, reactivate, change role, sign out, reset two-step, resend, erase.

Every action checks the role here (a non-admin gets PermissionDenied whatever edge called it) and writes
an admin audit entry with before/after in the same transaction, so an action is audited only if it happened.
A suspended account (`is_active` false) cannot sign in or use its tokens, and its cards are offline: the
public page reads only active owners' cards (metaic/cards/public.py) and every process drops its cached copy.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlmodel import Session, delete, select

from metaic import events
from metaic.admin import accounts
from metaic.admin.users import get_user
from metaic.audit import service as audit
from metaic.auth import api_tokens, flows, sessions
from metaic.auth import service as user_service
from metaic.auth.models import ROLE_ADMIN, RecoveryCode, User
from metaic.cards.models import Card
from metaic.core.errors import DomainError, PermissionDenied, ValidationError

BULK_LIMIT = 200
BULK_ACTIONS = ("suspend", "reactivate", "sign_out", "resend_verification", "make_user", "make_admin", "erase")


def _state(user: User) -> dict:
    """The account fields admin actions change, for before/after."""
    return {
        "active": user.is_active,
        "role": user.role,
        "mfa": user.mfa_enabled_at is not None,
        "verified": user.email_verified_at is not None,
    }


def _audit(session: Session, action: str, actor: User, user: User, before: dict, *, detail: str = "", ip: str = ""):
    """An admin entry about `user` with before/after."""
    audit.record(
        session=session,
        action=action,
        subject_id=user.id,
        actor_id=actor.id,
        ip=ip,
        target_type="user",
        target_id=str(user.id),
        detail=detail,
        before=before,
        after=_state(user),
    )


def _not_self(actor: User, user: User, what: str) -> None:
    """Admins cannot lock themselves out through the console."""
    if actor.id == user.id:
        raise ValidationError(f"You cannot {what} your own account here.")


def _cards_changed(session: Session, user_id: uuid.UUID) -> None:
    """Each published card of the account: caches drop their copy and the directory follows (after commit)."""
    live = select(Card.id).where(Card.owner_id == user_id, Card.published_version_id.is_not(None))
    for card_id in session.exec(live):
        events.emit(session, "card.changed", card_id=card_id)


def suspend(*, session: Session, actor: User | None, user: User, reason: str = "", ip: str = "") -> User:
    """Suspend an account: signed out everywhere, API tokens revoked, cards offline (idempotent)."""
    user_service.require_admin(actor)
    _not_self(actor, user, "suspend")
    if not user.is_active:
        return user
    if user.role == ROLE_ADMIN and user_service.count_admins(session=session) <= 1:
        raise PermissionDenied("At least one admin must remain.")
    before = _state(user)
    user.is_active = False
    session.add(user)
    sessions.revoke_all(session=session, user_id=user.id)
    api_tokens.revoke_all(session=session, user_id=user.id)
    _cards_changed(session, user.id)
    _audit(session, "admin.user_suspended", actor, user, before, detail=reason.strip()[:300], ip=ip)
    return user


def reactivate(*, session: Session, actor: User | None, user: User, ip: str = "") -> User:
    """Lift a suspension: the account can sign in again and its published cards are back (idempotent)."""
    user_service.require_admin(actor)
    if user.is_active:
        return user
    before = _state(user)
    user.is_active = True
    session.add(user)
    _cards_changed(session, user.id)
    _audit(session, "admin.user_reactivated", actor, user, before, ip=ip)
    return user


def change_role(*, session: Session, actor: User | None, user: User, role: str) -> User:
    """Make an account a user or an admin (the last admin stays; audited by the auth service)."""
    return user_service.set_role(session=session, actor=actor, user=user, role=role)


def sign_out(*, session: Session, actor: User | None, user: User, ip: str = "") -> int:
    """End every browser session and API token of the account; returns how many sessions ended."""
    user_service.require_admin(actor)
    before = _state(user)
    ended = sessions.revoke_all(session=session, user_id=user.id)
    api_tokens.revoke_all(session=session, user_id=user.id)
    _audit(session, "admin.sessions_revoked", actor, user, before, detail=f"{ended} ended", ip=ip)
    # The owner sees it on their security page too.
    audit.record(
        session=session, action="sessions.revoked_all", subject_id=user.id, actor_id=actor.id, detail="by an admin"
    )
    return ended


def reset_mfa(*, session: Session, actor: User | None, user: User, identity_check: str, ip: str = "") -> User:
    """Turn two-step sign-in off for someone who lost their device, after the admin checked who they are.

    `identity_check` says how (kept in the audit entry); the account is signed out everywhere."""
    user_service.require_admin(actor)
    check = (identity_check or "").strip()
    if len(check) < 10:
        raise ValidationError("Say how you checked who they are (at least 10 characters).", field="identity_check")
    if user.mfa_enabled_at is None and user.mfa_secret is None:
        raise ValidationError("Two-step sign-in is not on for this account.")
    before = _state(user)
    user.mfa_secret, user.mfa_enabled_at = None, None
    session.add(user)
    session.exec(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    sessions.revoke_all(session=session, user_id=user.id)
    api_tokens.revoke_all(session=session, user_id=user.id)
    _audit(session, "admin.mfa_reset", actor, user, before, detail=check[:300], ip=ip)
    audit.record(session=session, action="mfa.disabled", subject_id=user.id, actor_id=actor.id, detail="by an admin")
    return user


def resend_verification(*, session: Session, actor: User | None, user: User, ip: str = "") -> None:
    """Send the email verification link again (rate-limited like the owner's own button)."""
    user_service.require_admin(actor)
    if user.email_verified_at is not None:
        raise ValidationError("This address is already verified.")
    flows.send_verification(user=user)
    _audit(session, "admin.verification_sent", actor, user, _state(user), ip=ip)


def erase(*, session: Session, actor: User | None, user: User) -> None:
    """Erase an account and everything it owns (GDPR); its audit entries stay, naming only its id."""
    user_service.require_admin(actor)
    _not_self(actor, user, "erase")
    accounts.delete_account(session=session, user=user, password=None, actor=actor)


@dataclass
class BulkResult:
    """What a bulk action did: the ids it changed and, for the others, why not."""

    done: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)


def _runner(action: str, actor: User, ip: str, reason: str) -> Callable[[Session, User], object]:
    """The single-account function behind a bulk action name."""
    runners: dict[str, Callable[[Session, User], object]] = {
        "suspend": lambda s, u: suspend(session=s, actor=actor, user=u, reason=reason, ip=ip),
        "reactivate": lambda s, u: reactivate(session=s, actor=actor, user=u, ip=ip),
        "sign_out": lambda s, u: sign_out(session=s, actor=actor, user=u, ip=ip),
        "resend_verification": lambda s, u: resend_verification(session=s, actor=actor, user=u, ip=ip),
        "make_user": lambda s, u: change_role(session=s, actor=actor, user=u, role="user"),
        "make_admin": lambda s, u: change_role(session=s, actor=actor, user=u, role="admin"),
        "erase": lambda s, u: erase(session=s, actor=actor, user=u),
    }
    if action not in runners:
        raise ValidationError(f"Unknown bulk action. Choose one of: {', '.join(BULK_ACTIONS)}.", field="action")
    return runners[action]


def bulk(
    *, session: Session, actor: User | None, action: str, user_ids: list[str], reason: str = "", ip: str = ""
) -> BulkResult:
    """Run one action on many accounts; each runs in its own savepoint, so one refusal does not undo the rest."""
    user_service.require_admin(actor)
    ids = list(dict.fromkeys(str(i) for i in user_ids))
    if not ids:
        raise ValidationError("Select at least one account.")
    if len(ids) > BULK_LIMIT:
        raise ValidationError(f"Select at most {BULK_LIMIT} accounts at a time.")
    run, result = _runner(action, actor, ip, reason), BulkResult()
    for user_id in ids:
        try:
            with session.begin_nested():
                run(session, get_user(session=session, actor=actor, user_id=user_id))
            result.done.append(user_id)
        except DomainError as exc:
            result.failed[user_id] = exc.message
    return result
