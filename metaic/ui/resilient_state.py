"""Reflex tab state that survives a Redis outage: Redis while it answers, this process's own copy while it does not.

With `REDIS_URL` set Reflex keeps every tab's state in Redis (StateManagerRedis), and a Redis outage
would fail every event of every tab: no sign-in, no builder, no autosave. This manager is Reflex's own
Redis manager plus a local copy of what this process last read from or wrote to Redis for each tab
(the same pickled bytes, under the same keys). While Redis fails, a tab's events read and write that
copy under a per-tab asyncio lock instead, which works because a tab's websocket stays on the process
it connected to (Reflex uses the websocket transport only; a proxy in front must keep it there, as it
must for any websocket). Edits typed just before the outage are in the copy, so the builder's autosave
still finds them and saves them to the database.

When Redis answers again (tried again RETRY_SECONDS after a failure), a tab whose newest state exists
only here is written back to Redis before its next event, so nothing is lost and other processes see
it. A tab that reconnects to another process during the outage starts from fresh state and Reflex
rehydrates it from its page's `on_load`, which reads the database (pages keep their state rebuildable).
The process it left still holds an older copy: every write carries a wall-clock stamp of the tab
(STAMP_SUFFIX, written with the states in the same command), and a copy goes back only if Redis holds
no newer stamp, so whichever process Redis sees first, the tab keeps its newest state.

The copy holds the tabs this process served recently (idle ones are dropped after COPY_IDLE_SECONDS),
so its memory is what the in-memory state manager would use for the same tabs.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import time
from collections import OrderedDict
from collections.abc import AsyncIterator
from typing import Any

from reflex.istate.manager import StateManager
from reflex.istate.manager.redis import StateManagerRedis
from reflex.istate.manager.token import BaseStateToken, StateToken

from metaic.core import kv

log = logging.getLogger(__name__)

RETRY_SECONDS = 3.0  # after a failure, tabs use the local copy this long before Redis is tried again
STAMP_SUFFIX = "_metaic_written_at"  # `{tab}{STAMP_SUFFIX}`: when the tab's state was last written (ns)
# Write a returning copy only if Redis has no newer stamp. KEYS: the stamp, then the states;
# ARGV: the expiry (s), then a value per key (the copy's stamp first).
_RETURN_IF_NEWEST = """
local newest = redis.call('GET', KEYS[1])
if newest and tonumber(newest) > tonumber(ARGV[2]) then return 0 end
for i = 1, #KEYS do redis.call('SET', KEYS[i], ARGV[i + 1], 'EX', ARGV[1]) end
return 1
"""
COPY_IDLE_SECONDS = 1800.0  # a tab untouched this long leaves the local copy (Redis still has it)


class _Copies:
    """The newest pickled states this process knows, by Redis key, with their tabs least recently used first.

    It answers MGET and GET like Redis, so a Reflex Redis manager can read tab state from it unchanged."""

    def __init__(self):
        self.values: dict[str, bytes] = {}
        self.tabs: OrderedDict[str, tuple[float, set[str]]] = OrderedDict()

    def put(self, ident: str, items: list[tuple[str, bytes | None]]) -> None:
        """Remember states of a tab (None values are keys Redis does not have)."""
        _, keys = self.tabs.pop(ident, (0.0, set()))
        for key, value in items:
            if value is not None:
                self.values[key] = value
                keys.add(key)
        self.tabs[ident] = (time.monotonic(), keys)
        self._drop_idle()

    def of(self, ident: str) -> dict[str, bytes]:
        """The states known for a tab."""
        keys = self.tabs.get(ident, (0.0, set()))[1]
        return {key: self.values[key] for key in keys}

    def forget(self, ident: str) -> None:
        """Drop a tab's states (Redis has newer ones)."""
        for key in self.tabs.pop(ident, (0.0, set()))[1]:
            self.values.pop(key, None)

    def _drop_idle(self) -> None:
        """Forget tabs idle for COPY_IDLE_SECONDS, oldest first."""
        limit = time.monotonic() - COPY_IDLE_SECONDS
        while self.tabs and next(iter(self.tabs.values()))[0] < limit:
            for key in self.tabs.popitem(last=False)[1][1]:
                self.values.pop(key, None)

    async def mget(self, keys: list[str]) -> list[bytes | None]:
        """Redis's MGET, from the copy."""
        return [self.values.get(key) for key in keys]

    async def get(self, key: str) -> bytes | None:
        """Redis's GET, from the copy."""
        return self.values.get(key)


class _Reader(StateManagerRedis):
    """Reflex's Redis manager used only for its `get_state`, over a stand-in for Redis (no lock task, no checks)."""

    def __post_init__(self):
        """Nothing to start: this reader never locks or writes."""


@dataclasses.dataclass
class ResilientStateManager(StateManagerRedis):
    """Reflex's Redis state manager that falls back to a per-process copy of each tab's state while Redis fails."""

    _copies: _Copies = dataclasses.field(default_factory=_Copies, init=False)
    _offline: _Reader | None = dataclasses.field(default=None, init=False)
    _stranded: set[str] = dataclasses.field(default_factory=set, init=False)  # tabs whose newest state is only here
    _local_locks: dict[str, asyncio.Lock] = dataclasses.field(default_factory=dict, init=False)
    _down_until: float = dataclasses.field(default=0.0, init=False)
    _returning: asyncio.Task | None = dataclasses.field(default=None, init=False)
    _settings_unsure: bool = dataclasses.field(default=False, init=False)  # Redis may have restarted meanwhile

    def __post_init__(self):
        """Set up Reflex's manager, and a second one that reads this process's copy the way the first reads Redis."""
        super().__post_init__()
        self._offline = _Reader(redis=self._copies, token_expiration=self.token_expiration)

    @classmethod
    def wrapping(cls, manager: StateManager) -> StateManager:
        """This manager in place of Reflex's Redis manager (any other manager is returned as it is)."""
        if not isinstance(manager, StateManagerRedis) or isinstance(manager, cls):
            return manager
        return cls(
            redis=manager.redis,
            token_expiration=manager.token_expiration,
            lock_expiration=manager.lock_expiration,
            lock_warning_threshold=manager.lock_warning_threshold,
        )

    @property
    def degraded(self) -> bool:
        """True while Redis is considered down (it failed within the last RETRY_SECONDS)."""
        return time.monotonic() < self._down_until

    def _online(self, ident: str) -> bool:
        """Whether this tab's state should go to Redis now."""
        return ident not in self._stranded and time.monotonic() >= self._down_until

    def _went_down(self, exc: BaseException) -> None:
        """Redis failed: use the local copy for a while (logged once per outage by kv)."""
        self._down_until = time.monotonic() + RETRY_SECONDS
        self._settings_unsure = True
        kv.mark_down(exc)

    async def _came_back(self) -> None:
        """Redis answers again: switch its lock notifications on again (a restart forgets them) and listen anew."""
        kv.mark_up()
        if not self._settings_unsure:
            return
        self._settings_unsure = False
        self._redis_notify_keyspace_events_enabled = False
        try:
            await self._enable_keyspace_notifications()
        except kv.REDIS_DOWN as exc:
            self._went_down(exc)
            return
        self._ensure_lock_task()

    def _collect_state_writes(self, token: BaseStateToken, base_state) -> list[tuple[str, bytes]]:
        """Reflex's list of states to write and the tab's stamp, also kept in the local copy."""
        writes = super()._collect_state_writes(token, base_state)
        if writes:
            writes.append(_stamp(token.ident))
        self._copies.put(token.ident, writes)
        return writes

    async def get_state(self, token: StateToken | str, top_level: bool = True, for_state_instance=None):
        """The state from Redis, or from the local copy while Redis is down."""
        token = self._coerce_token(token)
        if self._online(token.ident):
            try:
                return await super().get_state(token, top_level=top_level, for_state_instance=for_state_instance)
            except kv.REDIS_DOWN as exc:
                self._went_down(exc)
        return await self._offline.get_state(token, top_level=top_level, for_state_instance=for_state_instance)

    async def set_state(self, token: StateToken | str, state: Any, *, lock_id: bytes | None = None, **context):
        """Write to Redis (and the copy); while Redis is down, to the copy only, and mark the tab stranded."""
        token = self._coerce_token(token)
        if not isinstance(token, BaseStateToken):
            self._copies.put(token.ident, [(str(token), token.serialize(state)), _stamp(token.ident)])
        if self._online(token.ident):
            try:
                await super().set_state(token, state, lock_id=lock_id, **context)
                return
            except kv.REDIS_DOWN as exc:
                self._went_down(exc)
        elif isinstance(token, BaseStateToken):
            self._collect_state_writes(token, state)
        self._stranded.add(token.ident)

    @contextlib.asynccontextmanager
    async def modify_state(self, token: StateToken | str, **context) -> AsyncIterator[Any]:
        """Lock, read, let the caller change, write: through Redis when it answers, else on the local copy."""
        token = self._coerce_token(token)
        ident = token.ident
        if ident in self._stranded and time.monotonic() >= self._down_until:
            await self._return_to_redis(ident)
        if self._online(ident):
            entered = done = False
            try:
                async with super().modify_state(token, **context) as state:
                    entered = True
                    yield state
                    done = True
            except kv.REDIS_DOWN as exc:
                if entered and not done:
                    raise  # the caller's own failure, not ours to hide
                self._went_down(exc)
                if done:
                    self._stranded.add(ident)  # written to the copy; Redis gets it when it is back
                    return
            else:
                await self._came_back()
                if self._stranded and (self._returning is None or self._returning.done()):
                    self._returning = asyncio.create_task(self._return_all(), name="metaic|tab state back to Redis")
                return
        async with self._local_lock(ident):
            self._stranded.add(ident)
            state = await self.get_state(token)
            yield state
            await self.set_state(token, state, **context)

    def _local_lock(self, ident: str) -> asyncio.Lock:
        """The lock that serializes a tab's events while its state is local."""
        return self._local_locks.setdefault(ident, asyncio.Lock())

    async def _return_to_redis(self, ident: str) -> None:
        """Write a stranded tab's local states back to Redis unless Redis has newer ones; then its events use Redis."""
        async with self._local_lock(ident):
            states = self._copies.of(ident)
            stamp_key = f"{ident}{STAMP_SUFFIX}"
            keys = [stamp_key, *(key for key in states if key != stamp_key)]
            values = [states.get(stamp_key, b"0"), *(states[key] for key in keys[1:])]
            try:
                written = await self.redis.eval(_RETURN_IF_NEWEST, len(keys), *keys, self.token_expiration, *values)
            except kv.REDIS_DOWN as exc:
                self._went_down(exc)
                return
            self._stranded.discard(ident)
            self._local_locks.pop(ident, None)
            await self._came_back()
            if written:
                log.info("tab state written back to Redis after an outage (%d states)", len(keys) - 1)
            else:
                self._copies.forget(ident)
                log.info("tab state left in Redis after an outage: it is newer than this process's copy")

    async def _return_all(self) -> None:
        """Redis is back: write every stranded tab back, not only the ones that send an event."""
        for ident in list(self._stranded):
            if not self.degraded:
                await self._return_to_redis(ident)

    async def close(self):
        """Write stranded tabs back if Redis answers, then close Reflex's manager."""
        for ident in list(self._stranded):
            await self._return_to_redis(ident)
        await super().close()


def _stamp(ident: str) -> tuple[str, bytes]:
    """The tab's stamp key and the time now, written beside its states."""
    return f"{ident}{STAMP_SUFFIX}", str(time.time_ns()).encode()
