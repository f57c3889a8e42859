"""Domain events: they fail loudly when the process is not wired, and run after commit only."""

from __future__ import annotations

import uuid

import pytest
from rq import Queue

from metaic import events
from metaic.cards import flows as card_flows
from metaic.cards import service as card_service
from metaic.db import session_scope
from metaic.jobs.queue import rq_connection
from metaic.wiring import wire
from tests.cards.helpers import make_user, rich


def test_emit_in_a_process_that_was_never_wired_raises(sqlite_db):
    bus = events.EventBus()
    bus.subscribe("card.published", lambda **ids: None)
    with session_scope() as session, pytest.raises(events.NotWired):
        bus.emit(session, "card.published", card_id=uuid.uuid4())


def test_unknown_events_and_wrong_ids_are_refused():
    bus = events.EventBus()
    bus.mark_wired()
    with pytest.raises(ValueError, match="unknown event"):
        bus.subscribe("card.publish", lambda **ids: None)
    with pytest.raises(ValueError, match="carries"):
        bus.emit(None, "card.published", id=uuid.uuid4())


def test_a_handler_runs_once_after_commit_and_never_after_rollback(db):
    bus, seen = events.EventBus(), []
    wire(bus)
    wire(bus)  # wiring twice must not subscribe twice
    bus.subscribe("card.published", lambda *, card_id: seen.append(card_id))
    kept, dropped = uuid.uuid4(), uuid.uuid4()
    with session_scope() as session:
        bus.emit(session, "card.published", card_id=kept)
        assert seen == []  # not before the commit: a job must find the committed rows
    with pytest.raises(RuntimeError, match="boom"), session_scope() as session:
        bus.emit(session, "card.published", card_id=dropped)
        raise RuntimeError("boom")
    with session_scope():
        pass  # a later transaction does not replay earlier events
    assert seen == [kept]


def test_publishing_through_the_flow_queues_the_contacts_refresh(db, redis_url):
    with session_scope() as session:
        owner = make_user(session)
        card = card_service.create(session=session, owner=owner, name="Ada")
        card_service.save_draft(session=session, owner=owner, card_id=card.id, content=rich())
        card_flows.publish(session=session, owner=owner, card_id=card.id)
        assert Queue("low", connection=rq_connection(redis_url)).count == 0  # nothing before the commit
    queued = {job.func_name: job.args for job in Queue("low", connection=rq_connection(redis_url)).jobs}
    assert queued == {
        "metaic.contacts.jobs.refresh_from_card": (card.id,),
        "metaic.ai.jobs.summarize_card": (card.id,),  # the assistant's two-line summary
    }
