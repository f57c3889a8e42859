"""Wrong passwords slow down the address that sends them, never lock the owner out from another one.

Issue 11 finding 3: five wrong passwords from anywhere used to refuse the right password from every
address for 5 minutes, again and again. Each test runs on SQLite and PostgreSQL, with the counters in
process memory and in Redis.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from metaic.auth import flows
from metaic.auth import service as user_service
from metaic.core import clock
from metaic.core.errors import AuthenticationFailed, RateLimited

PASSWORD = "Correct-Horse-42"
ATTACKER, OWNER, OTHER = "198.51.100.66", "203.0.113.10", "203.0.113.11"


@pytest.fixture(params=["memory", "redis"])
def counters(request: pytest.FixtureRequest) -> str:
    """Where the failure counters live: this process, or a real Redis."""
    if request.param == "redis":
        request.getfixturevalue("redis_url")
    return request.param


def _user(session, email: str = "ada@example.com"):
    """A committed-enough account with the known password."""
    return user_service.create(session=session, email=email, password=PASSWORD, name="Ada", verified=True)


def _attempt(session, ip: str, password: str, email: str = "ada@example.com") -> str:
    """One sign-in try: 'ok', 'wrong', or 'wait N' when the address is told to slow down."""
    try:
        flows.check_password(session=session, email=email, password=password, ip=ip)
    except AuthenticationFailed:
        return "wrong"
    except RateLimited as exc:
        return f"wait {exc.retry_after}"
    return "ok"


def _fail_for_real(session, ip: str, times: int, email: str = "ada@example.com") -> list[int]:
    """Send `times` wrong passwords that are really checked, waiting out each slow-down; the waits asked."""
    waits, failures = [], 0
    for _ in range(times * 3):
        if failures == times:
            break
        outcome = _attempt(session, ip, "wrong-password-1", email)
        if outcome.startswith("wait"):
            seconds = int(outcome.split()[1])
            waits.append(seconds)
            clock.advance(timedelta(seconds=seconds))
            continue
        assert outcome == "wrong"
        failures += 1
    assert failures == times, f"waiting out every slow-down still refused the tries: {waits[-5:]}"
    return waits


def test_attacker_failures_never_lock_the_owner_out_from_another_address(session, counters):
    _user(session)
    refused = [_attempt(session, ATTACKER, f"guess-{n}-password") for n in range(50)]
    assert refused[:5] == ["wrong"] * 5
    assert all(r.startswith("wait") for r in refused[5:]), refused  # the attacker's address is slowed at once
    assert _attempt(session, OWNER, PASSWORD) == "ok"


def test_fifty_real_failures_slow_the_address_progressively_and_the_owner_still_signs_in(session, counters):
    _user(session)
    waits = _fail_for_real(session, ATTACKER, 50)
    assert waits == sorted(waits) and waits[0] <= 5 and waits[-1] >= 300, waits
    # Even the right password is refused from the attacker's address while it must wait...
    assert _attempt(session, ATTACKER, PASSWORD).startswith("wait")
    # ...but the owner, from a fresh address, gets in at once.
    assert _attempt(session, OWNER, PASSWORD) == "ok"


def test_the_owner_own_typos_slow_only_a_little_and_a_success_forgets_them(session, counters):
    _user(session)
    assert [_attempt(session, OWNER, "typo-password-1") for _ in range(5)] == ["wrong"] * 5
    wait = _attempt(session, OWNER, PASSWORD)
    assert wait.startswith("wait") and int(wait.split()[1]) <= 5
    clock.advance(timedelta(seconds=int(wait.split()[1])))
    assert _attempt(session, OWNER, PASSWORD) == "ok"
    assert [_attempt(session, OWNER, "typo-password-2") for _ in range(5)] == ["wrong"] * 5  # a clean slate


def test_an_account_under_attack_from_many_addresses_gives_each_address_one_free_try(session, counters):
    _user(session)
    for n in range(30):
        assert _attempt(session, f"192.0.2.{n}", "wrong-password-1") == "wrong"
    # Botnet addresses that already failed must wait before their next guess...
    assert _attempt(session, "192.0.2.1", "wrong-password-2").startswith("wait")
    # ...while the right password from an address that never failed works.
    assert _attempt(session, OWNER, PASSWORD) == "ok"


def test_a_spray_across_thirty_accounts_from_one_address_is_limited(session, counters):
    for n in range(30):
        _user(session, f"person{n}@example.com")
    outcomes = [_attempt(session, ATTACKER, "Summer-2026-pass", f"person{n}@example.com") for n in range(30)]
    assert "wrong" in outcomes and outcomes[-1].startswith("wait"), outcomes
    assert outcomes.count("wrong") <= 20
    # Other addresses are not affected.
    assert _attempt(session, OTHER, PASSWORD, "person29@example.com") == "ok"


def test_forgotten_after_a_quiet_day(session, counters):
    _user(session)
    _fail_for_real(session, ATTACKER, 12)
    assert _attempt(session, ATTACKER, PASSWORD).startswith("wait")
    clock.advance(timedelta(days=1, minutes=1))
    assert _attempt(session, ATTACKER, PASSWORD) == "ok"
