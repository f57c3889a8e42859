"""Actions taken in the app's pages carry a request id into their audit entries, like API requests."""

from __future__ import annotations

import asyncio
import contextvars

from sqlmodel import select

from metaic.audit import service as audit
from metaic.audit.models import AuditEvent
from metaic.auth import service as user_service
from metaic.core.request_context import current_request_id
from metaic.db import session_scope
from metaic.ui.event_ids import EventRequestIds


async def _handle_event(middleware: EventRequestIds, user_id) -> str | None:
    """What Reflex does per event: preprocess, then the handler (here one that writes an audit entry)."""
    assert await middleware.preprocess(app=None, state=None, event=None) is None
    with session_scope() as s:
        audit.record(session=s, action="password.changed", actor_id=user_id, subject_id=user_id)
    return current_request_id()


def test_each_event_gets_its_own_request_id_and_audit_entries_carry_it(sqlite_db):
    with session_scope() as s:
        user = user_service.create(session=s, email="ev@example.com", password="Correct-Horse-42", verified=True)
    middleware = EventRequestIds()
    ids = [contextvars.copy_context().run(asyncio.run, _handle_event(middleware, user.id)) for _ in range(2)]
    assert all(ids) and ids[0] != ids[1]
    with session_scope() as s:
        logged = {e.request_id for e in s.exec(select(AuditEvent).where(AuditEvent.action == "password.changed"))}
    assert set(ids) <= logged
