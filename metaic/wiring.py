"""Who reacts to which domain event: the one place where lower domains' events meet higher domains.

Composition, above every domain (like metaic.py and metaic/upkeep.py). Every process entry point
calls wire() once before doing work: the Reflex app, the CLI (and so the RQ worker it starts),
and the tests. Events emitted before that raise metaic.events.NotWired.
"""

from __future__ import annotations

import uuid

from metaic import events
from metaic.contacts import jobs as contacts_jobs
from metaic.core import card_changes
from metaic.jobs import enqueue


def refresh_contacts_saved_from(*, card_id: uuid.UUID) -> None:
    """Queue the refresh of contacts saved from a card that was just published again."""
    enqueue(
        contacts_jobs.refresh_from_card,
        card_id,
        title=f"refresh contacts saved from card {card_id}",
        queue_name="low",
    )


def drop_cached_public_card(*, card_id: uuid.UUID) -> None:
    """What visitors see of a card changed: every process drops its cached copy (metaic/core/card_changes.py)."""
    card_changes.announce(card_id)


def drop_cached_cards_of(*, user_id: uuid.UUID) -> None:
    """An account and its cards are gone: drop every cached card (deletions are rare; the cache refills)."""
    card_changes.announce(None)


def wire(bus: events.EventBus = events.BUS) -> None:
    """Subscribe every reaction to its event and mark the process wired (safe to call again)."""
    bus.subscribe("card.published", refresh_contacts_saved_from)
    for name in ("card.published", "card.unpublished", "card.changed", "card.deleted"):
        bus.subscribe(name, drop_cached_public_card)
    bus.subscribe("account.deleted", drop_cached_cards_of)
    bus.mark_wired()
