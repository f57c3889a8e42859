"""Outgoing webhooks: signed deliveries of real domain events, retries, auto-disable, SSRF rules, isolation."""

from __future__ import annotations

import json
import time
import uuid

import pytest
from sqlmodel import select

from metaic.analytics.models import AnalyticsEvent
from metaic.auth import service as user_service
from metaic.cards import service as card_service
from metaic.config import get_settings
from metaic.contacts import service as contact_service
from metaic.core import clock
from metaic.core.errors import NotFound, ValidationError
from metaic.db import session_scope
from metaic.jobs.queue import drain_local
from metaic.webhooks import jobs, service, signing
from metaic.webhooks.models import FAILED, PENDING, SUCCEEDED, WebhookDelivery, WebhookEndpoint
from tests.conftest import PRODUCTION_HASH_COST
from tests.support.fake_providers import FakeServer

PASSWORD = "Correct-Horse-9-battery"


@pytest.fixture
def receiver():
    """A local HTTP endpoint answering with the statuses queued in `receiver.statuses` (200 when empty)."""
    statuses: list[int] = []
    server = FakeServer(lambda rec: (statuses.pop(0) if statuses else 200, {}, b"ok"))
    server.statuses = statuses
    yield server
    server.close()


def _user(email: str):
    """A committed, verified account."""
    with session_scope() as s:
        user = user_service.create(session=s, email=email, password=PASSWORD, name=email.split("@")[0], verified=True)
        s.commit()
        s.refresh(user)
        s.expunge(user)
        return user


def _endpoint(user, url: str, events: list[str]) -> tuple[uuid.UUID, str]:
    """An endpoint of `user`; returns (id, secret)."""
    with session_scope() as s:
        endpoint = service.create(session=s, owner=s.merge(user), url=url, events=events)
        s.commit()
        return endpoint.id, endpoint.secret


def _deliveries(endpoint_id) -> list[WebhookDelivery]:
    """The endpoint's deliveries, oldest first."""
    with session_scope() as s:
        query = select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint_id)
        return list(s.exec(query.order_by(WebhookDelivery.created_at)))


def _settle() -> None:
    """Run the jobs the events queued, and the jobs those queued."""
    for _ in range(3):
        drain_local()


def test_a_new_contact_reaches_the_endpoint_signed(db, receiver):
    ada = _user("ada@example.com")
    endpoint_id, secret = _endpoint(ada, receiver.url + "/hook", ["contact.created"])
    with session_scope() as s:
        contact_service.create(
            session=s, owner=s.merge(ada), data={"full_name": "Grace Hopper", "company": "Navy", "source": "manual"}
        )
        s.commit()
    _settle()
    [request] = receiver.requests
    assert request.path == "/hook" and request.headers["metaic-event"] == "contact.created"
    assert signing.verify(secret, request.body, request.headers["metaic-signature"])
    body = request.json()
    assert body["type"] == "contact.created" and body["id"].startswith("evt_")
    assert (body["data"]["name"], body["data"]["company"]) == ("Grace Hopper", "Navy")
    [delivery] = _deliveries(endpoint_id)
    assert (delivery.status, delivery.attempts, delivery.response_code) == (SUCCEEDED, 1, 200)


def test_only_subscribed_events_and_only_the_owners_endpoints_get_deliveries(db, receiver):
    ada, bob = _user("ada@example.com"), _user("bob@example.com")
    ada_hook, _ = _endpoint(ada, receiver.url + "/ada", ["lead.captured"])
    bob_hook, _ = _endpoint(bob, receiver.url + "/bob", ["contact.created"])
    with session_scope() as s:
        contact_service.create(session=s, owner=s.merge(ada), data={"full_name": "Alan", "source": "manual"})
        s.commit()
    _settle()
    assert receiver.requests == [] and _deliveries(ada_hook) == [] and _deliveries(bob_hook) == []


def test_a_failed_attempt_is_retried_then_succeeds_with_the_same_bytes(db, receiver):
    ada = _user("ada@example.com")
    endpoint_id, _ = _endpoint(ada, receiver.url, ["contact.created"])
    receiver.statuses.extend([500])
    with session_scope() as s:
        contact_service.create(session=s, owner=s.merge(ada), data={"full_name": "Grace", "source": "manual"})
        s.commit()
    _settle()
    [delivery] = _deliveries(endpoint_id)
    assert (delivery.status, delivery.attempts, delivery.response_code) == (PENDING, 1, 500)
    assert delivery.next_attempt_at is not None
    assert jobs.attempt(str(delivery.id)) == SUCCEEDED  # the timer fired
    first, second = receiver.requests
    assert first.body == second.body and _deliveries(endpoint_id)[0].attempts == 2


def test_an_endpoint_that_keeps_failing_is_turned_off(db, receiver):
    ada = _user("ada@example.com")
    endpoint_id, _ = _endpoint(ada, receiver.url, ["contact.created"])
    receiver.statuses.extend([503] * 100)
    with session_scope() as s:
        endpoint = s.get(WebhookEndpoint, endpoint_id)
        made = [
            service.queue_event(
                session=s, owner_id=ada.id, event="contact.created", data={"n": i}, send=lambda _id: None
            )[0].id
            for i in range(jobs.DISABLE_AFTER)
        ]
        s.commit()
    for delivery_id in made:
        for _ in range(jobs.MAX_ATTEMPTS):
            jobs.attempt(str(delivery_id))
    assert {d.status for d in _deliveries(endpoint_id)} == {FAILED}
    with session_scope() as s:
        endpoint = s.get(WebhookEndpoint, endpoint_id)
        assert not endpoint.enabled and "failed deliveries" in endpoint.disabled_reason
        later = service.queue_event(session=s, owner_id=ada.id, event="contact.created", data={}, send=lambda _id: None)
        assert later == []  # nothing more is queued for it
        service.update(session=s, owner=s.merge(ada), endpoint_id=endpoint_id, enabled=True)
        assert (endpoint.enabled, endpoint.failure_streak, endpoint.disabled_reason) == (True, 0, "")


def test_redelivery_sends_the_same_event_id(db, receiver):
    ada = _user("ada@example.com")
    _endpoint(ada, receiver.url, ["contact.created"])
    with session_scope() as s:
        [first] = service.queue_event(
            session=s, owner_id=ada.id, event="contact.created", data={"x": 1}, send=jobs.send_later
        )
        s.commit()
    _settle()
    with session_scope() as s:
        service.redeliver(session=s, owner=s.merge(ada), delivery_id=first.id, send=jobs.send_later)
        s.commit()
    _settle()
    one, two = receiver.requests
    assert one.json()["id"] == two.json()["id"] and one.headers["metaic-delivery"] != two.headers["metaic-delivery"]


def test_another_users_endpoint_is_not_found(db, receiver):
    ada, bob = _user("ada@example.com"), _user("bob@example.com")
    endpoint_id, _ = _endpoint(ada, receiver.url, ["contact.created"])
    with session_scope() as s:
        [delivery] = service.queue_event(
            session=s, owner_id=ada.id, event="contact.created", data={}, send=lambda _id: None
        )
        s.commit()
    with session_scope() as s:
        intruder = s.merge(bob)
        for attempt in (
            lambda: service.get(session=s, owner=intruder, endpoint_id=endpoint_id),
            lambda: service.update(session=s, owner=intruder, endpoint_id=endpoint_id, enabled=False),
            lambda: service.deliveries(session=s, owner=intruder, endpoint_id=endpoint_id),
            lambda: service.redeliver(session=s, owner=intruder, delivery_id=delivery.id, send=lambda _id: None),
            lambda: service.delete(session=s, owner=intruder, endpoint_id=endpoint_id),
        ):
            with pytest.raises(NotFound):
                attempt()


def test_card_views_are_sent_in_batches_per_card(db, receiver):
    ada = _user("ada@example.com")
    with session_scope() as s:
        card = card_service.create(session=s, owner=s.merge(ada), name="Ada")
        s.commit()
        card_id, slug = card.id, card.slug
    endpoint_id, _ = _endpoint(ada, receiver.url, ["card.viewed"])
    with session_scope() as s:
        s.get(WebhookEndpoint, endpoint_id).views_counted_until = clock.now() - jobs.VIEW_LAG * 10
        for kind in ("view", "view", "qr_scan"):
            s.add(AnalyticsEvent(card_id=card_id, kind=kind, created_at=clock.now() - jobs.VIEW_LAG * 2))
        s.commit()
    assert jobs.batch_card_views() == 1
    assert jobs.batch_card_views() == 0  # counted once
    _settle()
    [request] = receiver.requests
    assert request.json()["data"]["cards"] == [{"card_id": str(card_id), "slug": slug, "views": 3, "qr_scans": 1}]


@pytest.mark.parametrize(
    "url",
    [
        "http://hooks.example.com/x",  # not https
        "https://10.0.0.5/hook",  # a private address
        "https://169.254.169.254/latest/meta-data",  # the cloud metadata service
        "https://localhost/hook",
        "https://user:pw@hooks.example.com/x",
        "https://metaic.internal/hook",
    ],
)
def test_production_refuses_endpoints_that_point_inside(url, monkeypatch):
    monkeypatch.setenv("METAIC_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "a-real-secret-key-for-this-test-only-0123456789")
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://metaic.example.com")
    for key, value in PRODUCTION_HASH_COST.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    with pytest.raises(ValidationError):
        service.check_url(url)
    get_settings.cache_clear()


def test_development_accepts_a_local_receiver_only_on_loopback():
    assert service.check_url("http://127.0.0.1:9999/hook") == "http://127.0.0.1:9999/hook"
    with pytest.raises(ValidationError):
        service.check_url("http://192.168.1.10/hook")


def test_signatures_reject_tampering_and_old_deliveries():
    body = json.dumps({"type": "ping"}).encode()
    header = signing.sign("whsec_x", body)
    assert signing.verify("whsec_x", body, header)
    assert not signing.verify("whsec_x", body + b" ", header)
    assert not signing.verify("whsec_other", body, header)
    old = signing.sign("whsec_x", body, at=int(time.time()) - 3600)
    assert not signing.verify("whsec_x", body, old)
    assert not signing.verify("whsec_x", body, "garbage")
