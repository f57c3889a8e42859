"""What publishing costs in SQL statements, on SQLite and PostgreSQL.

Publishing used to read back the 7 section tables it had just written (27 statements for the builder's
save-then-publish). It now reuses the draft it wrote or checked in the same transaction, and an unchanged
draft is recognised by its stored hash without reading anything.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from metaic.cards import flows, service
from metaic.db import get_engine, session_scope
from metaic.jobs.queue import drain_local
from tests.cards.helpers import make_user, rich

SECTION_TABLES = 7


@contextmanager
def statements() -> Iterator[list[str]]:
    """Every SQL statement sent to the database inside the block (jobs queued after commit are drained first)."""
    drain_local()
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        """Keep the statement text."""
        seen.append(statement)

    engine = get_engine()
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def _owner_and_card(doc: dict | None = None):
    """A committed owner and a card holding `doc` (not published)."""
    with session_scope() as s:
        owner = make_user(s)
        card = service.create(session=s, owner=owner, name="Ada")
        if doc is not None:
            service.save_draft(session=s, owner=owner, card_id=card.id, content=doc)
        return owner, card.id


def test_save_then_publish_does_not_read_back_what_it_wrote(db):
    owner, card_id = _owner_and_card()
    with statements() as sql, session_scope() as s:
        service.save_draft(session=s, owner=owner, card_id=card_id, content=rich())
        saved = len(sql)
        flows.publish(session=s, owner=owner, card_id=card_id)
        published = len(sql) - saved
    # Lock the card, the blocked words (metaic/moderation), next version number, insert the version, point the card.
    assert published <= 5, sql[saved:]
    assert saved + published <= 21, sql  # was 27 (+ 1 since: the blocked words)


def test_republishing_an_unchanged_draft_reads_no_section(db):
    owner, card_id = _owner_and_card(rich())
    with session_scope() as s:
        flows.publish(session=s, owner=owner, card_id=card_id)
    with statements() as sql, session_scope() as s:
        assert flows.publish(session=s, owner=owner, card_id=card_id).number == 1
        count = len(sql)
    assert count <= 2, sql  # the card, its live version (was 9: the card, 7 sections, the version)


def test_publishing_a_draft_saved_earlier_reads_each_section_once(db):
    owner, card_id = _owner_and_card(rich())
    with statements() as sql, session_scope() as s:
        flows.publish(session=s, owner=owner, card_id=card_id)
        count = len(sql)
    assert count <= 1 + SECTION_TABLES + 1 + 3, sql  # + 1: the blocked words


def test_bulk_publish_reads_each_draft_once(db):
    with session_scope() as s:
        owner = make_user(s)
        ids = []
        for name in ("Ada", "Babbage", "Clement"):
            card = service.create(session=s, owner=owner, name=name)
            service.save_draft(session=s, owner=owner, card_id=card.id, content=rich(name=name))
            ids.append(card.id)
    with statements() as sql, session_scope() as s:
        assert flows.bulk(session=s, owner=owner, card_ids=ids, action="publish") == 3
        count = len(sql)
    # Per card: lock it, read its draft (checked before anything changes), then publish: card, number, insert, update.
    assert count <= len(ids) * (1 + SECTION_TABLES + 4) + 1, sql  # + 1: the blocked words, read once
    assert sum(1 for text in sql if "FROM personal_interests" in text) == len(ids)
