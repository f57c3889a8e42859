"""`/api/v1/me/security-events` (an account's own) and `/api/v1/admin/audit` (every entry, admins only)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from pydantic import BaseModel
from sqlmodel import Session

from metaic.admin import audit_log
from metaic.api.deps import current_user, db_session
from metaic.api.paging import offset_query
from metaic.audit import service as audit
from metaic.audit.models import AuditEvent
from metaic.auth.models import User
from metaic.core.times import UtcDatetime

router = APIRouter(prefix="/api/v1", tags=["audit"])


class SecurityEventRead(BaseModel):
    """One of an account's security events."""

    id: str
    at: UtcDatetime  # SQLite hands stored times back without their zone
    action: str
    label: str
    address: str  # a short keyed hash: the same address shows the same code, nobody can read it back
    detail: str

    @classmethod
    def of(cls, event: AuditEvent) -> SecurityEventRead:
        """From the stored entry."""
        return cls(
            id=str(event.id),
            at=event.created_at,
            action=event.action,
            label=audit.label(event.action),
            address=event.address_hash[:6],
            detail=event.detail,
        )


class AuditEntryRead(SecurityEventRead):
    """An audit entry as admins see it."""

    category: str
    subject_id: str | None
    actor_id: str | None
    target_type: str
    target_id: str
    before: str
    after: str
    request_id: str

    @classmethod
    def of(cls, event: AuditEvent) -> AuditEntryRead:
        """From the stored entry."""
        base = SecurityEventRead.of(event).model_dump()
        return cls(
            **base,
            category=event.category,
            subject_id=str(event.subject_id) if event.subject_id else None,
            actor_id=str(event.actor_id) if event.actor_id else None,
            target_type=event.target_type,
            target_id=event.target_id,
            before=event.before,
            after=event.after,
            request_id=event.request_id,
        )


@router.get("/me/security-events")
def my_security_events(
    limit: int = Query(50, ge=1, le=200),
    offset: int = offset_query(),
    user: User = Depends(current_user),
    session: Session = Depends(db_session, scope="function"),
) -> list[SecurityEventRead]:
    """Sign-ins, failed attempts, password, two-step and token changes of the signed-in account, newest first."""
    events = audit.for_account(session=session, user_id=user.id, limit=limit, offset=offset)
    return [SecurityEventRead.of(event) for event in events]


@router.get("/admin/audit", response_model=None)
def admin_audit(
    q: str = Query("", max_length=200, description="An account or target id, a request id, or words of the detail."),
    action: str = Query("", max_length=48),
    since: datetime | None = None,
    until: datetime | None = None,
    format: Literal["json", "csv"] = "json",
    limit: int = Query(50, ge=1, le=200),
    offset: int = offset_query(),
    user: User = Depends(current_user),
    session: Session = Depends(db_session, scope="function"),
) -> list[AuditEntryRead] | Response:
    """The audit log (admins only): every admin action and security event; `format=csv` exports the matches."""
    if format == "csv":
        text = audit_log.export_csv(session=session, actor=user, query=q, action=action, since=since, until=until)
        headers = {"Content-Disposition": 'attachment; filename="metaic-audit.csv"'}
        return Response(text, media_type="text/csv; charset=utf-8", headers=headers)
    found = audit_log.search(
        session=session, actor=user, query=q, action=action, since=since, until=until, limit=limit, offset=offset
    )
    return [AuditEntryRead.of(event) for event in found]
