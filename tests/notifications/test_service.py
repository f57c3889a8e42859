"""In-app notifications on SQLite and PostgreSQL: counts, lists, read marks, isolation, send later, wording."""

from __future__ import annotations

from datetime import UTC, timedelta, timezone

import pytest

from metaic.core import clock
from metaic.core.errors import NotFound, ValidationError
from metaic.notifications import flows, kinds, service
from metaic.notifications.models import EMAIL, QUEUED, NotificationDelivery
from tests.notifications.conftest import make_user


def _notify(session, user, n: int = 1, kind: str = "announcement"):
    """Create `n` announcements for a user, one second apart."""
    notes = []
    for i in range(n):
        notes.append(flows.notify(session=session, user=user, kind=kind, data={"title": f"News {i}", "body": "b"}))
        clock.advance(timedelta(seconds=1))
    return notes


def test_unread_count_list_and_mark_read(session, users, outbox):
    """New notifications count as unread, list newest first, and reading them lowers the count."""
    ada, _ = users
    notes = _notify(session, ada, 3)
    assert service.unread_count(session=session, user=ada) == 3
    assert [n.title for n in service.list_(session=session, user=ada)] == ["News 2", "News 1", "News 0"]
    assert [n.title for n in service.list_(session=session, user=ada, limit=1, offset=1)] == ["News 1"]
    service.mark_read(session=session, user=ada, notification_id=notes[0].id)
    service.mark_read(session=session, user=ada, notification_id=notes[0].id)  # idempotent
    assert service.unread_count(session=session, user=ada) == 2
    assert [n.title for n in service.list_(session=session, user=ada, unread_only=True)] == ["News 2", "News 1"]
    assert service.mark_all_read(session=session, user=ada) == 2
    assert service.unread_count(session=session, user=ada) == 0
    assert service.mark_all_read(session=session, user=ada) == 0
    assert len(service.list_(session=session, user=ada)) == 3


def test_users_cannot_see_or_mark_each_others_notifications(session, users, outbox):
    """Bob gets NotFound for Ada's notification, and 'mark all read' touches only his own."""
    ada, bob = users
    (ada_note,) = _notify(session, ada)
    _notify(session, bob, 2)
    for user, count in [(ada, 1), (bob, 2)]:
        assert service.unread_count(session=session, user=user) == count
        listed = service.list_(session=session, user=user)
        assert len(listed) == count and {n.user_id for n in listed} == {user.id}
    with pytest.raises(NotFound):
        service.mark_read(session=session, user=bob, notification_id=ada_note.id)
    with pytest.raises(NotFound):
        service.read_view(session=session, user=bob, notification_id=ada_note.id)
    assert service.mark_all_read(session=session, user=bob) == 2
    assert service.unread_count(session=session, user=ada) == 1
    assert service.get(session=session, user=ada, notification_id=ada_note.id).read_at is None


def test_send_later_stays_hidden_until_its_time(session, users, outbox):
    """A scheduled notification is invisible and unsent until send_at; then it shows and its email goes."""
    from metaic.notifications import jobs

    ada, _ = users
    # A non-UTC offset on input is stored as the same instant in UTC.
    when = (clock.now() + timedelta(hours=2)).astimezone(timezone(timedelta(hours=8)))
    note = flows.notify(session=session, user=ada, kind="reminder", data={"contact": "Grace"}, send_at=when)
    session.commit()
    assert service.unread_count(session=session, user=ada) == 0
    assert service.list_(session=session, user=ada) == []
    with pytest.raises(NotFound):
        service.get(session=session, user=ada, notification_id=note.id)
    (delivery,) = [d for d in service.deliveries(session=session, notification=note) if d.channel == EMAIL]
    assert delivery.status == QUEUED and clock.as_utc(delivery.deliver_after) == when.astimezone(UTC)
    assert jobs.deliver_due() == 0 and outbox.emails() == []
    clock.advance(timedelta(hours=2, seconds=1))
    assert service.unread_count(session=session, user=ada) == 1
    assert jobs.deliver_due() == 1
    assert [m["Subject"] for m in outbox.emails("ada@example.com")] == ["Reminder: follow up with Grace"]
    session.expire_all()
    assert session.get(NotificationDelivery, delivery.id).status == "sent"


def test_send_at_in_the_past_means_now_and_far_future_is_refused(session, users, outbox):
    """A past send_at sends now (naive datetimes count as UTC); more than a year ahead is an error."""
    ada, _ = users
    note = flows.notify(
        session=session,
        user=ada,
        kind="announcement",
        data={"title": "t"},
        send_at=(clock.now() - timedelta(days=1)).replace(tzinfo=None),
    )
    assert service.get(session=session, user=ada, notification_id=note.id)
    with pytest.raises(ValidationError):
        flows.notify(session=session, user=ada, kind="announcement", data={}, send_at=clock.now() + timedelta(days=400))


def test_wording_follows_the_users_language(session, outbox):
    """Titles are written in the user's language; unknown languages fall back to English."""
    zh = make_user(session, "zh@example.com", language="zh")
    es = make_user(session, "es@example.com", language="es")
    fr = make_user(session, "fr@example.com", language="fr")
    data = {"name": "王小明", "company": "MetaIC"}
    assert flows.notify(session=session, user=zh, kind="contact_shared", data=data).title == "王小明 与您交换了联系方式"
    assert flows.notify(session=session, user=es, kind="contact_shared", data=data).title.endswith("contigo")
    note = flows.notify(session=session, user=fr, kind="contact_shared", data=data)
    assert note.title == "王小明 shared their details with you" and "(MetaIC)" in note.body


def test_bad_input_is_refused_or_neutralised(session, users, outbox):
    """Unknown kinds and oversized data are errors; script URLs are dropped; template syntax in data is text."""
    ada, _ = users
    with pytest.raises(ValidationError):
        flows.notify(session=session, user=ada, kind="nope", data={})
    with pytest.raises(ValidationError):
        flows.notify(session=session, user=ada, kind="announcement", data={"title": "x" * 10_000})
    fallback = kinds.KINDS["announcement"].link  # a dropped link falls back to the kind's own page
    for url, kept in [
        ("javascript:alert(1)", fallback),
        ("//evil.test/x", fallback),
        ("/contacts/7", "/contacts/7"),
        ("https://metaic.test/c/x", "https://metaic.test/c/x"),
        ("/a\nb", fallback),
    ]:
        note = flows.notify(session=session, user=ada, kind="announcement", data={"title": "t", "url": url})
        assert note.url == kept
    note = flows.notify(
        session=session, user=ada, kind="contact_shared", data={"name": "{{ 7*7 }}{% raw %}", "when": clock.now()}
    )
    assert note.title == "{{ 7*7 }}{% raw %} shared their details with you"
    assert isinstance(note.data["when"], str)


def test_rollback_queues_nothing(db, outbox):
    """When the caller's transaction rolls back, no delivery job runs for it."""
    from metaic.db import session_scope

    with session_scope() as s:
        ada = make_user(s, "ada@example.com")
    with pytest.raises(RuntimeError), session_scope() as s:
        flows.notify(session=s, user=ada, kind="announcement", data={"title": "lost"})
        raise RuntimeError("caller fails after notify")
    assert outbox.emails() == []
    with session_scope() as s:
        flows.notify(session=s, user=ada, kind="announcement", data={"title": "kept"})
    assert [m["Subject"] for m in outbox.emails()] == ["kept"]
