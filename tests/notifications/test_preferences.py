"""Preferences per kind × channel, quiet hours across midnight in a user's time zone, and unsubscribe tokens."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from metaic.core import clock
from metaic.core.errors import AuthenticationFailed, ValidationError
from metaic.core.security import sign
from metaic.jobs.queue import drain_local
from metaic.notifications import flows, jobs, preferences, service
from metaic.notifications.models import EMAIL, HELD, PUSH, SENT, SMS, WHATSAPP, NotificationDelivery
from tests.notifications.conftest import make_user, move_clock_to_local


def _statuses(session, note) -> dict[str, str]:
    """Channel → status of a notification's deliveries, read fresh once queued jobs have run."""
    drain_local()
    session.expire_all()
    return {d.channel: d.status for d in service.deliveries(session=session, notification=note)}


def test_defaults_and_switches(session, users):
    """Each kind has default channels; a stored switch overrides its default for that user only."""
    ada, bob = users
    matrix = preferences.matrix(session=session, user=ada)
    assert matrix["contact_shared"] == {EMAIL: True, SMS: False, PUSH: True, WHATSAPP: False}
    assert matrix["card_activity"] == {EMAIL: False, SMS: False, PUSH: False, WHATSAPP: False}
    preferences.set_channel(session=session, user=ada, kind="contact_shared", channel=EMAIL, enabled=False)
    preferences.set_channel(session=session, user=ada, kind="card_activity", channel=WHATSAPP, enabled=True)
    preferences.set_channel(session=session, user=ada, kind="card_activity", channel=WHATSAPP, enabled=True)
    assert not preferences.is_enabled(session=session, user=ada, kind="contact_shared", channel=EMAIL)
    assert preferences.is_enabled(session=session, user=ada, kind="card_activity", channel=WHATSAPP)
    assert preferences.is_enabled(session=session, user=bob, kind="contact_shared", channel=EMAIL)
    with pytest.raises(ValidationError):
        preferences.set_channel(session=session, user=ada, kind="contact_shared", channel="in_app", enabled=False)
    with pytest.raises(ValidationError):
        preferences.set_channel(session=session, user=ada, kind="nope", channel=EMAIL, enabled=False)


def test_notify_uses_only_wanted_and_reachable_channels(session, outbox):
    """Email off → no email; SMS on but no verified phone → no SMS; with a phone the SMS goes out."""
    ada = make_user(session, "ada@example.com")
    preferences.update(
        session=session,
        user=ada,
        channels={"reminder": {EMAIL: False, SMS: True, WHATSAPP: True}},
        quiet_start=None,
        quiet_end=None,
    )
    note = flows.notify(session=session, user=ada, kind="reminder", data={"contact": "Grace"})
    session.commit()
    assert _statuses(session, note) == {}
    assert service.unread_count(session=session, user=ada) == 1  # in-app always
    phoned = make_user(session, "cy@example.com", phone="+14155550100")
    preferences.update(
        session=session, user=phoned, channels={"reminder": {EMAIL: False, SMS: True}}, quiet_start=None, quiet_end=None
    )
    note = flows.notify(session=session, user=phoned, kind="reminder", data={"contact": "Grace", "url": "/c/1"})
    session.commit()
    jobs_done = outbox.texts()
    assert _statuses(session, note) == {SMS: SENT}
    assert len(jobs_done) == 1 and "To: +14155550100" in jobs_done[0] and "Grace" in jobs_done[0]
    assert "http://testserver/c/1" in jobs_done[0] and outbox.emails() == []


def test_update_validates_everything_first(session, users):
    """A bad time, half a window, an empty window or an unknown channel changes nothing."""
    ada, _ = users
    good = {"reminder": {EMAIL: False}}
    for start, end, field in [
        ("25:00", "07:00", "quiet_start"),
        ("22:00", "", "quiet_end"),
        ("22:00", "22:00", "quiet_end"),
        ("22h", "07:00", "quiet_start"),
    ]:
        with pytest.raises(ValidationError) as err:
            preferences.update(session=session, user=ada, channels=good, quiet_start=start, quiet_end=end)
        assert field in err.value.errors
    with pytest.raises(ValidationError):
        preferences.update(
            session=session,
            user=ada,
            channels={"reminder": {EMAIL: False, "fax": True}},
            quiet_start=None,
            quiet_end=None,
        )
    assert preferences.is_enabled(session=session, user=ada, kind="reminder", channel=EMAIL)
    view = preferences.update(session=session, user=ada, channels=good, quiet_start="22:00", quiet_end="07:30")
    assert (view.quiet_start, view.quiet_end, view.channels["reminder"][EMAIL]) == ("22:00", "07:30", False)
    view = preferences.update(session=session, user=ada, channels={}, quiet_start="", quiet_end=None)
    assert (view.quiet_start, view.quiet_end) == (None, None)


@pytest.mark.parametrize(
    ("start", "end", "local", "expected_end"),
    [
        ("22:00", "07:00", "23:30", "07:00+1"),  # across midnight, evening side
        ("22:00", "07:00", "02:00", "07:00"),  # across midnight, morning side
        ("22:00", "07:00", "07:00", None),  # the end is outside the window
        ("22:00", "07:00", "21:59", None),
        ("13:00", "14:00", "13:30", "14:00"),  # a daytime window
        ("13:00", "14:00", "14:30", None),
    ],
)
def test_window_end(start, end, local, expected_end):
    """The end of the quiet window containing a local time, or None outside it."""
    zone = ZoneInfo("Asia/Shanghai")
    at = datetime.combine(datetime(2026, 3, 10).date(), time.fromisoformat(local), tzinfo=zone).astimezone(UTC)
    result = preferences.window_end(time.fromisoformat(start), time.fromisoformat(end), zone, at)
    if expected_end is None:
        assert result is None
    else:
        hhmm, _, plus = expected_end.partition("+")
        day = datetime(2026, 3, 10 + int(plus or 0)).date()
        assert result == datetime.combine(day, time.fromisoformat(hhmm), tzinfo=zone).astimezone(UTC)


def test_window_end_across_a_dst_change():
    """In New York the night the clocks go forward, 22:00–07:00 ends at 07:00 EDT (11:00 UTC), not 12:00."""
    zone = ZoneInfo("America/New_York")
    at = datetime(2026, 3, 8, 3, 30, tzinfo=UTC)  # 22:30 EST on 7 March
    assert preferences.window_end(time(22), time(7), zone, at) == datetime(2026, 3, 8, 11, 0, tzinfo=UTC)


def test_quiet_hours_hold_then_deliver_after_the_window(session, outbox):
    """At 23:30 in Shanghai with quiet hours 22:00–07:00 the email is held; deliver_due sends it after 07:00."""
    ada = make_user(session, "ada@example.com", timezone="Asia/Shanghai")
    preferences.update(session=session, user=ada, channels={}, quiet_start="22:00", quiet_end="07:00")
    session.commit()
    now = move_clock_to_local(time(23, 30), "Asia/Shanghai")
    note = flows.notify(session=session, user=ada, kind="contact_shared", data={"name": "Grace"})
    session.commit()
    assert _statuses(session, note) == {EMAIL: HELD}
    delivery = session.get(NotificationDelivery, service.deliveries(session=session, notification=note)[0].id)
    assert clock.as_utc(delivery.deliver_after) == now.replace(second=0, microsecond=0) + timedelta(hours=7, minutes=30)
    assert service.unread_count(session=session, user=ada) == 1  # in-app is never held
    assert jobs.deliver_due() == 0 and outbox.emails() == []
    clock.advance(timedelta(hours=7, minutes=29))  # 06:59 local
    assert jobs.deliver_due() == 0 and outbox.emails() == []
    assert jobs.deliver(delivery.id) == HELD  # a stray job run does not send early either
    clock.advance(timedelta(minutes=2))  # 07:01 local
    assert jobs.deliver_due() == 1
    assert [m["Subject"] for m in outbox.emails()] == ["Grace shared their details with you"]
    assert _statuses(session, note) == {EMAIL: SENT}
    assert jobs.deliver_due() == 0


def test_send_later_into_quiet_hours_is_held_at_send_time(session, outbox):
    """A notification scheduled for 03:00 local is held when it comes due and goes out at the window's end."""
    ada = make_user(session, "ada@example.com", timezone="Europe/Madrid")
    preferences.update(session=session, user=ada, channels={}, quiet_start="23:00", quiet_end="06:00")
    session.commit()
    move_clock_to_local(time(20, 0), "Europe/Madrid")
    note = flows.notify(
        session=session, user=ada, kind="reminder", data={"contact": "Grace"}, send_at=clock.now() + timedelta(hours=7)
    )  # 03:00 local
    session.commit()
    clock.advance(timedelta(hours=7, minutes=1))
    assert jobs.deliver_due() == 1  # due: its job finds quiet hours and holds it
    assert _statuses(session, note) == {EMAIL: HELD} and outbox.emails() == []
    clock.advance(timedelta(hours=3))  # 06:01 local
    assert jobs.deliver_due() == 1
    assert _statuses(session, note) == {EMAIL: SENT} and len(outbox.emails()) == 1


def test_unsubscribe_token_turns_off_one_kind_on_email(session, users):
    """The signed token switches off exactly that kind's email, for that user; forged tokens fail."""
    ada, bob = users
    token = preferences.unsubscribe_token(user_id=ada.id, kind="reminder")
    user, kind, channel = preferences.unsubscribe(session=session, token=token)
    assert (user.id, kind, channel) == (ada.id, "reminder", EMAIL)
    assert not preferences.is_enabled(session=session, user=ada, kind="reminder", channel=EMAIL)
    assert preferences.is_enabled(session=session, user=ada, kind="contact_shared", channel=EMAIL)
    assert preferences.is_enabled(session=session, user=bob, kind="reminder", channel=EMAIL)
    preferences.unsubscribe(session=session, token=token)  # twice is fine
    for bad in ["", token[:-2] + "xx", sign("verify-email", {"u": str(bob.id), "k": "reminder", "c": EMAIL})]:
        with pytest.raises(AuthenticationFailed):
            preferences.unsubscribe(session=session, token=bad)
    clock.advance(timedelta(days=preferences.UNSUBSCRIBE_DAYS + 1))
    with pytest.raises(AuthenticationFailed):
        preferences.unsubscribe(session=session, token=token)
