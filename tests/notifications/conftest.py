"""Fixtures for the notification tests: users, moving the clock to a local time, the fake providers."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from metaic.auth import service as user_service
from metaic.core import clock
from tests.support.fake_providers import (  # noqa: F401
    fcm_server,
    push_service,
    sendgrid_server,
    smtp_server,
    twilio_server,
)

PASSWORD = "Correct-Horse-42"


def make_user(
    session,
    email: str = "ada@example.com",
    *,
    name: str = "Ada",
    timezone: str = "UTC",
    language: str = "en",
    phone: str | None = None,
):
    """A verified account, optionally with a verified phone, in a time zone and language."""
    user = user_service.create(session=session, email=email, password=PASSWORD, name=name, verified=True)
    user.timezone, user.language = timezone, language
    if phone:
        user.phone, user.phone_verified_at = phone, clock.now()
    session.add(user)
    session.flush()
    return user


def move_clock_to_local(hhmm: time, zone: str) -> datetime:
    """Advance the test clock to the next moment the wall clock in `zone` shows `hhmm`; returns that UTC time."""
    tz = ZoneInfo(zone)
    local_now = clock.now().astimezone(tz)
    target = datetime.combine(local_now.date(), hhmm, tzinfo=tz)
    if target <= local_now:
        target = datetime.combine(local_now.date() + timedelta(days=1), hhmm, tzinfo=tz)
    clock.advance(target - local_now)
    return clock.now()


@pytest.fixture
def users(session):
    """Two accounts: Ada and Bob."""
    return make_user(session, "ada@example.com"), make_user(session, "bob@example.com", name="Bob")
