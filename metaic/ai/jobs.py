"""Background entry points for the assistant: take ids, open their own session, call the domain."""

from __future__ import annotations

import logging
import uuid

from metaic.ai import followups, summaries
from metaic.core import card_changes
from metaic.db import session_scope

log = logging.getLogger(__name__)


def summarize_card(card_id: uuid.UUID | str) -> str | None:
    """Write the summary of a card that was just published; returns it."""
    with session_scope() as session:
        row = summaries.summarize(session=session, card_id=uuid.UUID(str(card_id)))
        text = row.text if row is not None else None
    if text:
        # The public page shows it as og:description: every process drops its cached copy to render it in.
        card_changes.announce(uuid.UUID(str(card_id)))
    return text


def plan_followup(contact_id: uuid.UUID | str) -> str | None:
    """Propose a follow-up plan for a contact that was just saved; returns the plan id."""
    with session_scope() as session:
        plan = followups.plan_for_contact(session=session, contact_id=uuid.UUID(str(contact_id)))
        return str(plan.id) if plan is not None else None
