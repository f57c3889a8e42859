"""The idempotency service below the API: what is kept, what expires, what the hourly purge removes."""

from __future__ import annotations

from datetime import timedelta

from metaic.core import clock
from metaic.db import session_scope
from metaic.idempotency import service
from metaic.idempotency.service import StoredAnswer
from metaic.upkeep import tasks
from tests.ui.support import signed_in


def test_answers_are_kept_replayed_and_purged_after_a_day(db):
    """A completed key replays its answer; the upkeep purge drops it only once it is older than 24 hours."""
    _token, ada = signed_in("ada@example.com", "Ada")
    digest = service.fingerprint("POST", "/api/v1/cards", b"{}")
    with session_scope() as s:
        claim_id = service.claim(session=s, owner_id=ada.id, key="k1", request_hash=digest)
        service.complete(
            session=s, claim_id=claim_id, status=201, body=b'{"id": 1}', headers={"location": "/x", "x-other": "y"}
        )
    with session_scope() as s:
        again = service.claim(session=s, owner_id=ada.id, key="k1", request_hash=digest)
    assert again == StoredAnswer(201, b'{"id": 1}', {"location": "/x"})
    purge = next(task for task in tasks() if task.name == "purge expired idempotency keys")
    assert purge.func() == 0
    clock.advance(service.TTL + timedelta(seconds=1))
    assert purge.func() == 1
