"""Domain events: a domain says what happened; domains above it react once the transaction commits.

A domain imports only the domains below it (tests/test_architecture.py), so cards cannot call
contacts when a card is published. It emits "card.published" instead, and metaic/wiring.py, which
sits above every domain, subscribes the reactions. Handlers get ids only (like jobs), run after
the session commits and never after a rollback, and usually just queue a job.

Forgetting the wiring must not lose reactions silently: `emit` raises until the process has been
wired (every entry point calls metaic.wiring.wire()). Event names are "<noun>.<past verb>" and
are declared in EVENTS with their ids, so a typo or a missing id fails at once.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from sqlmodel import Session

from metaic.db import after_commit

Handler = Callable[..., object]

# Every event and the ids it carries; search, AI and webhooks will subscribe to the same names.
EVENTS: dict[str, frozenset[str]] = {
    "card.published": frozenset({"card_id"}),
    "card.unpublished": frozenset({"card_id"}),
    # The live card's address or visibility changed (what visitors get at /c/... is different now).
    "card.changed": frozenset({"card_id"}),
    "card.deleted": frozenset({"card_id"}),
    "account.deleted": frozenset({"user_id"}),
    # The contact book and messages changed (the search indexes follow; metaic/search/jobs.py).
    "contact.changed": frozenset({"contact_id"}),
    "contact.deleted": frozenset({"contact_id"}),
    "contacts.changed": frozenset({"owner_id"}),  # many of one owner's contacts at once (an import, a tag rename)
    "message.sent": frozenset({"message_id"}),
    # A person was added to an owner's book by hand or by saving a card (not imports or merges):
    # the assistant plans a follow-up.
    "contact.saved": frozenset({"contact_id"}),
    # A visitor of a public card shared their details and became a new contact (webhooks: lead.captured).
    "lead.captured": frozenset({"contact_id"}),
    # The virus scan found malware in an upload: its objects are gone, the owner is told (notifications).
    "file.infected": frozenset({"file_id"}),
}


class NotWired(RuntimeError):
    """An event was emitted in a process that never ran metaic.wiring.wire()."""


class EventBus:
    """Subscriptions by event name, and whether the process has wired them up."""

    def __init__(self, events: dict[str, frozenset[str]] = EVENTS):
        """An empty bus for the declared `events`."""
        self.events = events
        self.handlers: dict[str, list[Handler]] = {}
        self.wired = False

    def _known(self, name: str) -> frozenset[str]:
        """The ids an event carries; ValueError for an undeclared name."""
        if name not in self.events:
            raise ValueError(f"unknown event {name!r}; declare it in metaic.events.EVENTS")
        return self.events[name]

    def subscribe(self, name: str, handler: Handler) -> None:
        """Call `handler(**ids)` after each commit that emitted `name` (subscribing twice is a no-op)."""
        self._known(name)
        handlers = self.handlers.setdefault(name, [])
        if handler not in handlers:
            handlers.append(handler)

    def mark_wired(self) -> None:
        """Record that every subscription of this process is in place."""
        self.wired = True

    def emit(self, session: Session, name: str, **ids: object) -> None:
        """Run each handler of `name` with `ids` once `session` commits (nothing if it rolls back)."""
        expected = self._known(name)
        if set(ids) != expected:
            raise ValueError(f"event {name!r} carries {sorted(expected)}, got {sorted(ids)}")
        if not self.wired:
            raise NotWired(f"event {name!r} emitted before metaic.wiring.wire() ran in this process")
        for handler in self.handlers.get(name, ()):
            after_commit(session, functools.partial(handler, **ids))


BUS = EventBus()


def subscribe(name: str, handler: Handler) -> None:
    """Subscribe `handler` to an event on the process-wide bus."""
    BUS.subscribe(name, handler)


def emit(session: Session, name: str, **ids: object) -> None:
    """Emit an event on the process-wide bus; its handlers run after `session` commits."""
    BUS.emit(session, name, **ids)
