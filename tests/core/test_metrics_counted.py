"""The domain work behind the metrics really counts: notification deliveries, messages, assistant tokens."""

from __future__ import annotations

from prometheus_client import REGISTRY

from metaic.ai import usage
from metaic.db import session_scope
from metaic.jobs.queue import drain_local
from metaic.notifications.flows import notify
from tests.notifications.conftest import make_user


def _value(name: str, **labels: str) -> float:
    """A sample of this process's registry (0 before the first count)."""
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_a_delivered_email_notification_is_counted_per_channel_and_status(db, outbox):
    before = _value("metaic_notification_deliveries_total", channel="email", status="sent")
    with session_scope() as s:
        user = make_user(s, "ada@example.com", name="Ada")
        notify(session=s, user=user, kind="contact_shared", data={"name": "Grace", "company": "", "url": "/contacts"})
        s.commit()
    drain_local()
    assert outbox.emails("ada@example.com")
    assert _value("metaic_notification_deliveries_total", channel="email", status="sent") == before + 1


def test_assistant_tokens_are_counted_per_feature(db):
    before = _value("metaic_ai_tokens_total", feature="summary")
    with session_scope() as s:
        user = make_user(s, "ada@example.com", name="Ada")
        usage.record(
            session=s, user_id=user.id, feature="summary", source="provider", prompt_tokens=30, completion_tokens=12
        )
        s.commit()
    assert _value("metaic_ai_tokens_total", feature="summary") == before + 42
