"""Background entry points of search: take ids, open their own session, bring the index in line.

metaic/wiring.py subscribes these to domain events (card published, contact changed, message sent,
account deleted ...). They are idempotent: each reads the rows as they are now.
"""

from __future__ import annotations

import uuid

from metaic.db import session_scope
from metaic.jobs import enqueue
from metaic.search import indexer, repair


def index_cards(card_ids: list[str]) -> None:
    """Write or remove directory cards."""
    with session_scope() as session:
        indexer.update_cards(session=session, card_ids=card_ids, on_missing=repair.schedule)


def index_contacts(contact_ids: list[str]) -> None:
    """Write or remove contacts (and their notes)."""
    with session_scope() as session:
        indexer.update_contacts(session=session, contact_ids=contact_ids, on_missing=repair.schedule)


def index_owner_contacts(owner_id: str) -> None:
    """Rewrite all contacts of one owner (after an import or a tag change)."""
    with session_scope() as session:
        indexer.update_owner_contacts(session=session, owner_id=uuid.UUID(str(owner_id)), on_missing=repair.schedule)


def index_messages(message_ids: list[str]) -> None:
    """Write or remove direct messages."""
    with session_scope() as session:
        indexer.update_messages(session=session, message_ids=message_ids, on_missing=repair.schedule)


def remove_user(user_id: str) -> None:
    """Remove everything of a deleted account from the indexes."""
    with session_scope() as session:
        indexer.remove_user(session=session, user_id=uuid.UUID(str(user_id)), on_missing=repair.schedule)


def queue(func, *ids: uuid.UUID | str, title: str) -> None:
    """Enqueue one search job on the high queue (updates must be visible within seconds)."""
    args = [str(i) for i in ids]
    if func in (index_cards, index_contacts, index_messages):
        enqueue(func, args, title=title, queue_name="high", ids=args)
    else:
        enqueue(func, *args, title=title, queue_name="high", ids=args)
