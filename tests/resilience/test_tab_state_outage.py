"""Reflex tab state with Redis cut: events keep working on this process's copy, and Redis gets it back after."""

from __future__ import annotations

import asyncio
import time

import pytest
import redis
from redis.asyncio import Redis
from redis.exceptions import RedisError
from reflex.istate.manager.redis import StateManagerRedis
from reflex.istate.manager.token import BaseStateToken

from metaic.core import kv
from metaic.ui import resilient_state
from metaic.ui.resilient_state import ResilientStateManager
from metaic.ui.state.builder import BuilderState
from metaic.ui.state.session import SessionState

TAB = "5d0c5a61-3b1f-4f5e-9d7e-2f4a3c9b8e10"


@pytest.fixture
def quick_retry(monkeypatch: pytest.MonkeyPatch) -> None:
    """Try Redis again 0.2 s after a failure, so the test sees it come back quickly."""
    monkeypatch.setattr(resilient_state, "RETRY_SECONDS", 0.2)
    monkeypatch.setattr(kv, "RETRY_SECONDS", 0.2)


def _manager(url: str) -> StateManagerRedis:
    """The app's state manager over a Redis client made the way Reflex makes it."""
    return ResilientStateManager.wrapping(StateManagerRedis(redis=Redis.from_url(url, retry_on_error=[RedisError])))


async def _edit(manager: StateManagerRedis, **fields) -> dict:
    """One builder event: set fields on the tab's builder state; returns the values it found before."""
    async with manager.modify_state(BaseStateToken(ident=TAB, cls=BuilderState)) as root:
        builder = root.get_substate(BuilderState.get_full_name().split(".")[1:])
        before = {name: getattr(builder, name) for name in fields}
        for name, value in fields.items():
            setattr(builder, name, value)
        return before


async def _read(url: str, cls=BuilderState):
    """The tab's state as another process would read it from Redis."""
    other = StateManagerRedis(redis=Redis.from_url(url))
    root = await other.get_state(BaseStateToken(ident=TAB, cls=cls))
    return root.get_substate(cls.get_full_name().split(".")[1:])


def test_tab_state_survives_a_redis_outage_and_goes_back_to_redis(redis_proxy, quick_retry):
    """An edit made just before the outage is still there during it; edits made during it reach Redis after."""
    url = f"redis://127.0.0.1:{redis_proxy.port}/0"

    async def scenario() -> None:
        manager = _manager(url)
        await _edit(manager, card_id="card-1", dirty=True, save_status="unsaved")
        assert (await _read(url)).card_id == "card-1"

        redis_proxy.cut()
        started = time.monotonic()
        before = await _edit(manager, dirty=True, save_status="saving")
        assert before == {"dirty": True, "save_status": "unsaved"}, "the unsaved edit must survive the outage"
        assert time.monotonic() - started < 3
        assert manager.degraded
        # A state this tab never used before the outage starts fresh rather than failing.
        async with manager.modify_state(BaseStateToken(ident=TAB, cls=SessionState)) as root:
            assert root.get_substate(SessionState.get_full_name().split(".")[1:]).signed_in is False
        # Many events while down do not wait on Redis each time.
        started = time.monotonic()
        for n in range(20):
            await _edit(manager, save_status=f"saving {n}")
        assert time.monotonic() - started < 1

        redis_proxy.restore()
        await asyncio.sleep(0.3)
        before = await _edit(manager, save_status="saved")
        assert before == {"save_status": "saving 19"}
        assert not manager.degraded
        back = await _read(url)
        assert (back.card_id, back.save_status) == ("card-1", "saved"), "Redis has the state made during the outage"

    asyncio.run(scenario())


def test_an_outage_while_a_tab_waits_between_events(redis_proxy, quick_retry):
    """Redis dies between two events of a tab that has had no event since (the autosave's next step)."""
    url = f"redis://127.0.0.1:{redis_proxy.port}/0"

    async def scenario() -> None:
        manager = _manager(url)
        await _edit(manager, card_id="card-2", dirty=True)
        redis_proxy.cut()
        assert await _edit(manager, dirty=False) == {"dirty": True}

    asyncio.run(scenario())


def test_a_copy_left_on_another_process_never_overwrites_the_tab_s_newer_state(redis_proxy, quick_retry):
    """A tab that moved to process B during the outage keeps B's state when process A writes its old copy back.

    Each process keeps the copies of the tabs it served; a page load reconnects a tab to any process. The copy
    left behind on A is older than B's, whichever process Redis sees first."""
    url = f"redis://127.0.0.1:{redis_proxy.port}/0"

    async def scenario() -> None:
        first, second = _manager(url), _manager(url)
        await _edit(first, card_id="card-3", dirty=False)
        redis_proxy.cut()
        await _edit(first, save_status="typed on A")  # the tab on A during the outage
        await asyncio.sleep(0.01)
        await _edit(second, card_id="card-3", save_status="typed on B", dirty=True)  # reloaded onto B
        redis_proxy.restore()
        await asyncio.sleep(0.3)

        await _edit(second, save_status="back on Redis")  # B writes its copy back, then edits through Redis
        async with first.modify_state(BaseStateToken(ident="another-tab", cls=SessionState)):
            pass  # any event on A sends A's stranded copies back
        await first._returning
        back = await _read(url)
        assert (back.save_status, back.dirty) == ("back on Redis", True), "A's older copy replaced B's state"
        assert await _edit(second, dirty=False) == {"dirty": True}

    asyncio.run(scenario())


def test_the_newest_copy_wins_when_the_old_one_reaches_redis_first(redis_proxy, quick_retry):
    """A writes its old copy back first; B's newer copy still replaces it at B's next event."""
    url = f"redis://127.0.0.1:{redis_proxy.port}/0"

    async def scenario() -> None:
        first, second = _manager(url), _manager(url)
        await _edit(first, card_id="card-4")
        redis_proxy.cut()
        await _edit(first, save_status="typed on A")
        await asyncio.sleep(0.01)
        await _edit(second, card_id="card-4", save_status="typed on B")
        redis_proxy.restore()
        await asyncio.sleep(0.3)

        async with first.modify_state(BaseStateToken(ident="another-tab", cls=SessionState)):
            pass
        await first._returning
        assert await _edit(second, dirty=True) == {"dirty": False}
        assert (await _read(url)).save_status == "typed on B"

    asyncio.run(scenario())


def test_lock_notifications_are_switched_on_again_on_a_redis_that_restarted(redis_server, redis_proxy, quick_retry):
    """A restarted Redis forgot `notify-keyspace-events`; without them a tab waits 10 s on a lock freed elsewhere."""
    url = f"redis://127.0.0.1:{redis_proxy.port}/0"
    server = redis.Redis(port=redis_server)

    async def notifications_on(why: str) -> None:
        deadline = time.monotonic() + 5
        while "K" not in server.config_get("notify-keyspace-events")["notify-keyspace-events"]:
            assert time.monotonic() < deadline, why
            await asyncio.sleep(0.05)

    async def scenario() -> None:
        manager = _manager(url)
        await _edit(manager, card_id="card-5")
        await notifications_on("Reflex's lock task switches them on at start (in the background)")
        redis_proxy.cut()
        await _edit(manager, save_status="typed during the outage")
        server.config_set("notify-keyspace-events", "")  # what a restart does to a setting made at run time
        redis_proxy.restore()
        await asyncio.sleep(0.3)
        await _edit(manager, save_status="back")
        await notifications_on("keyspace notifications stay off after Redis came back")
        await manager.close()

    asyncio.run(scenario())
