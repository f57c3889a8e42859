"""HTTP fixtures for the public card routes (imported by the web and analytics conftests)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from metaic.auth.models import User
from metaic.cards import flows, service
from metaic.db import session_scope
from metaic.jobs.queue import drain_local
from tests.cards.helpers import make_user, rich

BROWSER = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.4 Mobile/15E148 Safari/604.1"
)
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"


@pytest.fixture
def client(client: TestClient) -> TestClient:
    """The shared client speaking as a phone browser: public routes count views from browsers only."""
    client.headers["user-agent"] = BROWSER
    return client


@pytest.fixture
def owner(db: str) -> User:
    """A committed account."""
    with session_scope() as s:
        return make_user(s)


@pytest.fixture
def publish(owner) -> Callable[..., str]:
    """Create and publish a card from the rich document (with changes); returns its slug."""

    def make(visibility: str = "public", **changes) -> str:
        """A published card."""
        with session_scope() as s:
            card = service.create(session=s, owner=owner, name="Ada")
            service.save_draft(session=s, owner=owner, card_id=card.id, content=rich(**changes))
            service.set_visibility(session=s, owner=owner, card_id=card.id, visibility=visibility)
            flows.publish(session=s, owner=owner, card_id=card.id)
        # The jobs a publish starts (the card summary drops every cached copy when it lands) finish here,
        # so a test's cache hits and misses are its own, not a race with a background job.
        drain_local()
        return card.slug

    return make
