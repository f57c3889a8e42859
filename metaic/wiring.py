"""Who reacts to which domain event: the one place where lower domains' events meet higher domains.

Composition, above every domain (like metaic.py and metaic/upkeep.py). Every process entry point
calls wire() once before doing work: the Reflex app, the CLI (and so the RQ worker it starts),
and the tests. Events emitted before that raise metaic.events.NotWired.
"""

from __future__ import annotations

import uuid

from metaic import events
from metaic.ai import jobs as ai_jobs
from metaic.contacts import jobs as contacts_jobs
from metaic.core import card_changes
from metaic.jobs import enqueue
from metaic.notifications import uploads as upload_notices
from metaic.search import jobs as search_jobs
from metaic.webhooks import jobs as webhook_jobs


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


def reindex_card(*, card_id: uuid.UUID) -> None:
    """A card went live, off line, changed its listing or was deleted: the directory follows within seconds."""
    search_jobs.queue(search_jobs.index_cards, card_id, title=f"search: index card {card_id}")


def reindex_contact(*, contact_id: uuid.UUID) -> None:
    """A contact was added, edited, merged or deleted: the contacts index follows."""
    search_jobs.queue(search_jobs.index_contacts, contact_id, title=f"search: index contact {contact_id}")


def reindex_owner_contacts(*, owner_id: uuid.UUID) -> None:
    """Many contacts of one owner changed at once (an import, a tag renamed)."""
    search_jobs.queue(search_jobs.index_owner_contacts, owner_id, title=f"search: index contacts of {owner_id}")


def index_message(*, message_id: uuid.UUID) -> None:
    """A direct message was sent: its conversation's members can find it."""
    search_jobs.queue(search_jobs.index_messages, message_id, title=f"search: index message {message_id}")


def unindex_account(*, user_id: uuid.UUID) -> None:
    """An account is gone: its cards, contacts and notes leave the indexes."""
    search_jobs.queue(search_jobs.remove_user, user_id, title=f"search: remove account {user_id}")


def summarize_published_card(*, card_id: uuid.UUID) -> None:
    """Queue the assistant's two-line summary of a card that was just published."""
    enqueue(ai_jobs.summarize_card, card_id, title=f"ai: summarize card {card_id}", queue_name="low")


def plan_followup_for(*, contact_id: uuid.UUID) -> None:
    """Queue the assistant's follow-up plan for a contact that was just saved."""
    enqueue(ai_jobs.plan_followup, contact_id, title=f"ai: follow-up plan for contact {contact_id}", queue_name="low")


def webhooks_for_card(*, card_id: uuid.UUID) -> None:
    """card.published reaches the owner's webhook endpoints."""
    webhook_jobs.queue_event_job(webhook_jobs.on_card_published, card_id=card_id)


def webhooks_for_contact(*, contact_id: uuid.UUID) -> None:
    """contact.created reaches the owner's webhook endpoints."""
    webhook_jobs.queue_event_job(webhook_jobs.on_contact_saved, contact_id=contact_id)


def webhooks_for_lead(*, contact_id: uuid.UUID) -> None:
    """lead.captured reaches the owner's webhook endpoints."""
    webhook_jobs.queue_event_job(webhook_jobs.on_lead_captured, contact_id=contact_id)


def webhooks_for_message(*, message_id: uuid.UUID) -> None:
    """message.received reaches the recipients' webhook endpoints."""
    webhook_jobs.queue_event_job(webhook_jobs.on_message_sent, message_id=message_id)


def tell_owner_of_infected_upload(*, file_id: uuid.UUID) -> None:
    """The virus scan removed an upload: queue the owner's security notification."""
    enqueue(
        upload_notices.tell_owner_of_infected_upload,
        file_id,
        title=f"tell the owner of infected file {file_id}",
        queue_name="high",
    )


def wire(bus: events.EventBus = events.BUS) -> None:
    """Subscribe every reaction to its event and mark the process wired (safe to call again)."""
    bus.subscribe("card.published", refresh_contacts_saved_from)
    for name in ("card.published", "card.unpublished", "card.changed", "card.deleted"):
        bus.subscribe(name, drop_cached_public_card)
    bus.subscribe("account.deleted", drop_cached_cards_of)
    for name in ("card.published", "card.unpublished", "card.changed", "card.deleted"):
        bus.subscribe(name, reindex_card)
    bus.subscribe("contact.changed", reindex_contact)
    bus.subscribe("contact.deleted", reindex_contact)
    bus.subscribe("contacts.changed", reindex_owner_contacts)
    bus.subscribe("message.sent", index_message)
    bus.subscribe("account.deleted", unindex_account)
    bus.subscribe("card.published", summarize_published_card)
    bus.subscribe("contact.saved", plan_followup_for)
    bus.subscribe("card.published", webhooks_for_card)
    bus.subscribe("contact.saved", webhooks_for_contact)
    bus.subscribe("lead.captured", webhooks_for_lead)
    bus.subscribe("message.sent", webhooks_for_message)
    bus.subscribe("file.infected", tell_owner_of_infected_upload)
    bus.mark_wired()
