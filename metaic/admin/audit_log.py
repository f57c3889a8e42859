"""The audit log for admins: search every entry by action, account, text and period; export it as CSV."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import datetime

from sqlmodel import Session, or_, select

from metaic.audit import service as audit
from metaic.audit.models import AuditEvent
from metaic.auth import service as user_service
from metaic.auth.models import User
from metaic.contacts.formats.common import escape_cell
from metaic.core.errors import ValidationError

MAX_ROWS = 200
EXPORT_ROWS = 50_000
COLUMNS = ("created_at", "category", "action", "subject_id", "actor_id", "target_type", "target_id")
COLUMNS += ("address_hash", "device", "detail", "before", "after", "request_id")


def search(
    *,
    session: Session,
    actor: User,
    query: str = "",
    action: str = "",
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[AuditEvent]:
    """Entries newest first, for admins only. `query` matches an account or target id, or words of the detail."""
    user_service.require_admin(actor)
    return list(session.exec(_statement(query, action, since, until).offset(max(0, offset)).limit(_bounded(limit))))


def export_csv(*, session: Session, actor: User, query: str = "", action: str = "", since=None, until=None) -> str:
    """The matching entries as CSV (spreadsheet-safe cells); the export itself is audited."""
    user_service.require_admin(actor)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for event in session.exec(_statement(query, action, since, until).limit(EXPORT_ROWS)):
        writer.writerow([escape_cell(str(getattr(event, column) or "")) for column in COLUMNS])
    audit.record(session=session, action="admin.audit_exported", actor_id=actor.id, detail=_describe(query, action))
    return out.getvalue()


def _statement(query: str, action: str, since: datetime | None, until: datetime | None):
    """The filtered, newest-first query."""
    if action and action not in audit.ACTIONS:
        raise ValidationError(f"Unknown action. Choose one of: {', '.join(audit.ACTIONS)}.", field="action")
    if since and until and since > until:
        raise ValidationError("The start of the period is after its end.", field="since")
    statement = select(AuditEvent).order_by(AuditEvent.created_at.desc(), AuditEvent.id)
    if action:
        statement = statement.where(AuditEvent.action == action)
    if since:
        statement = statement.where(AuditEvent.created_at >= since)
    if until:
        statement = statement.where(AuditEvent.created_at <= until)
    text = query.strip()[:200]
    if text:
        as_id = _uuid(text)
        matches = [AuditEvent.target_id == text, AuditEvent.detail.contains(text), AuditEvent.request_id == text]
        if as_id:
            matches += [AuditEvent.subject_id == as_id, AuditEvent.actor_id == as_id]
        statement = statement.where(or_(*matches))
    return statement


def _uuid(text: str) -> uuid.UUID | None:
    """The text as an account id, if it is one."""
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


def _bounded(limit: int) -> int:
    """A page size between 1 and MAX_ROWS."""
    return min(max(1, limit), MAX_ROWS)


def _describe(query: str, action: str) -> str:
    """What an export covered, for its own audit entry."""
    return f"query={query[:80]!r} action={action!r}"
