"""Recording audit events, and reading an account's own security events.

Record in the caller's session when the event belongs to the change it describes (a password change is
audited only if it commits); `record_apart` writes in a transaction of its own once the caller's ends, for
events whose request fails on purpose (a wrong password rolls its transaction back, the attempt must stay).
Admin search and export live in metaic/admin/audit_log.py.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from datetime import timedelta

from sqlmodel import Session, func, select

from metaic.audit.models import AuditEvent
from metaic.config import get_settings
from metaic.core import clock
from metaic.core.request_context import current_request_id
from metaic.db import after_commit, after_rollback, session_scope

SECURITY, ADMIN = "security", "admin"
# Every action, its category and how it reads on a page.
ACTIONS: dict[str, tuple[str, str]] = {
    "sign_in": (SECURITY, "Signed in"),
    "sign_in.failed": (SECURITY, "Failed sign-in (wrong password)"),
    "sign_in.failed_burst": (SECURITY, "Many failed sign-ins in a short time"),
    "sign_in.mfa_failed": (SECURITY, "Failed two-step code"),
    "password.changed": (SECURITY, "Password changed"),
    "password.reset": (SECURITY, "Password reset by email link"),
    "email.changed": (SECURITY, "Email address changed"),
    "sessions.revoked_all": (SECURITY, "Signed out everywhere"),
    "mfa.enabled": (SECURITY, "Two-step sign-in turned on"),
    "mfa.disabled": (SECURITY, "Two-step sign-in turned off"),
    "mfa.recovery_codes": (SECURITY, "New recovery codes made"),
    "api_token.created": (SECURITY, "API token created"),
    "api_token.revoked": (SECURITY, "API token revoked"),
    "api_key.created": (SECURITY, "API key created"),
    "api_key.revoked": (SECURITY, "API key revoked"),
    "data.exported": (SECURITY, "Data exported"),
    "account.deleted": (SECURITY, "Account deleted"),
    "keys.rotated": (SECURITY, "Field encryption keys rotated"),
    "keys.rotation_stopped": (SECURITY, "Field encryption key rotation stopped before the end"),
    "admin.role_changed": (ADMIN, "Role changed by an admin"),
    "admin.account_deleted": (ADMIN, "Account deleted by an admin"),
    "admin.audit_exported": (ADMIN, "Audit log exported"),
    "admin.user_suspended": (ADMIN, "Account suspended by an admin"),
    "admin.user_reactivated": (ADMIN, "Account reactivated by an admin"),
    "admin.sessions_revoked": (ADMIN, "Signed out everywhere by an admin"),
    "admin.mfa_reset": (ADMIN, "Two-step sign-in reset by an admin"),
    "admin.verification_sent": (ADMIN, "Verification email sent by an admin"),
    "admin.reports_dismissed": (ADMIN, "Card reports dismissed"),
    "admin.card_taken_down": (ADMIN, "Card taken down"),
    "admin.card_restored": (ADMIN, "Card restored"),
    "admin.appeal_upheld": (ADMIN, "Appeal refused, card stays offline"),
    "admin.appeal_granted": (ADMIN, "Appeal granted, card restored"),
    "admin.term_added": (ADMIN, "Blocked word or reserved address added"),
    "admin.term_removed": (ADMIN, "Blocked word or reserved address removed"),
    "card.appealed": (ADMIN, "Owner appealed a takedown"),
}
BURST_COUNT, BURST_WINDOW = 5, timedelta(minutes=15)


def hash_address(address: str) -> str:
    """A keyed hash of a client address: the same address matches itself, nobody can read it back."""
    if not address:
        return ""
    key = get_settings().secret_key.encode()
    return hmac.new(key, b"audit-address:" + address.encode(), hashlib.sha256).hexdigest()[:16]


def _json(value: dict | None) -> str:
    """Before/after as compact JSON ("" for none)."""
    return json.dumps(value, sort_keys=True, default=str, ensure_ascii=False) if value else ""


def record(
    *,
    session: Session,
    action: str,
    subject_id: uuid.UUID | None = None,
    actor_id: uuid.UUID | None = None,
    ip: str = "",
    device: str = "",
    target_type: str = "",
    target_id: str = "",
    detail: str = "",
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEvent:
    """Add one entry to the caller's transaction (ValueError for an action not in ACTIONS)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    event = AuditEvent(
        category=ACTIONS[action][0],
        action=action,
        subject_id=subject_id,
        actor_id=actor_id,
        target_type=target_type[:32],
        target_id=str(target_id)[:64],
        address_hash=hash_address(ip),
        device=device[:80],
        detail=detail[:300],
        before=_json(before),
        after=_json(after),
        request_id=(current_request_id() or "")[:64],
    )
    session.add(event)
    return event


def record_apart(session: Session, **fields) -> None:
    """Write one entry in its own transaction once the caller's ends, committed or rolled back (a wrong password
    rolls its request back; the attempt must stay). After, not now: SQLite allows one writer at a time."""
    done = []

    def write() -> None:
        if not done:
            done.append(True)
            _write_apart(fields)

    after_commit(session, write)
    after_rollback(session, write)


def _write_apart(fields: dict) -> None:
    """One entry (and a burst flag for failed sign-ins) in a transaction of its own."""
    with session_scope() as session:
        record(session=session, **fields)
        if fields.get("action") == "sign_in.failed" and fields.get("subject_id"):
            _flag_burst(session=session, subject_id=fields["subject_id"], ip=fields.get("ip", ""))
        session.commit()


def _flag_burst(*, session: Session, subject_id: uuid.UUID, ip: str) -> None:
    """Add a burst entry when an account reaches BURST_COUNT failed sign-ins within BURST_WINDOW (once per run)."""
    session.flush()
    recent = session.exec(
        select(func.count())
        .select_from(AuditEvent)
        .where(
            AuditEvent.subject_id == subject_id,
            AuditEvent.action == "sign_in.failed",
            AuditEvent.created_at >= clock.now() - BURST_WINDOW,
        )
    ).one()
    if int(recent) == BURST_COUNT:
        detail = f"{recent} failures"
        record(session=session, action="sign_in.failed_burst", subject_id=subject_id, ip=ip, detail=detail)


def label(action: str) -> str:
    """How an action reads on a page."""
    return ACTIONS.get(action, ("", action))[1]


def for_account(*, session: Session, user_id: uuid.UUID, limit: int = 50, offset: int = 0) -> list[AuditEvent]:
    """An account's own security events, newest first."""
    return list(
        session.exec(
            select(AuditEvent)
            .where(AuditEvent.subject_id == user_id, AuditEvent.category == SECURITY)
            .order_by(AuditEvent.created_at.desc(), AuditEvent.id)
            .offset(max(0, offset))
            .limit(min(max(1, limit), 200))
        ).all()
    )


def masked_email(email: str) -> str:
    """An address as an audit entry keeps it: first letter and domain (`a…@example.com`)."""
    local, _, domain = (email or "").partition("@")
    return f"{local[:1]}…@{domain}" if domain else ""
