"""Uploads the virus scan still holds: the builder shows "Checking file…" and attaches each one once it is clean."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid

import reflex as rx

from metaic.auth import sessions
from metaic.core.errors import NotFound
from metaic.db import session_scope
from metaic.files import service as file_service
from metaic.files.models import SCAN_CLEAN, SCAN_PENDING, FileRead

log = logging.getLogger(__name__)

# Seconds between looks at the held uploads: quick at first (a scan takes about a second), then every 10 s.
CHECK_DELAYS = (1.0, 1.0, 2.0, 2.0, 3.0, 5.0)
CHECK_EVERY = 10.0
# After this the builder stops watching (the scanner is down for long); the upload stays held on the server.
WATCH_SECONDS = 15 * 60
INFECTED = "The virus scan found malware in that file, so it was deleted. Check your device and upload another."
STILL_CHECKING = "The virus scanner is taking long: the file is still being checked. Upload it again later."


def scan_states(token: str | None, file_ids: list[str]) -> dict[str, FileRead | None]:
    """The owner's held uploads as they are now (None: deleted); empty when signed out (a worker thread)."""
    with session_scope() as session:
        found = sessions.resolve(session=session, token=token)
        if found is None:
            return {}
        states: dict[str, FileRead | None] = {}
        for file_id in file_ids:
            try:
                states[file_id] = file_service.get(session=session, owner=found[0], file_id=uuid.UUID(file_id))
            except NotFound:
                states[file_id] = None
        return states


class BuilderChecks(rx.State, mixin=True):
    """The uploads of this tab that wait for their virus scan."""

    # {"id": file id, "purpose": avatar | cover | logo | work}
    checking: list[dict[str, str]] = []
    _watching: bool = False

    @rx.var
    def checking_purposes(self) -> list[str]:
        """What the waiting uploads are for (each uploader shows "Checking file…" while its purpose is listed)."""
        return [entry["purpose"] for entry in self.checking]

    def _attach(self, purpose: str, stored: FileRead):
        """Put a clean upload where it was meant to go; returns the autosave event."""
        raise NotImplementedError  # BuilderState provides it

    def _hold(self, purpose: str, stored: FileRead):
        """A new upload is held for its scan: list it and make sure the watch runs."""
        self.checking = [*self.checking, {"id": str(stored.id), "purpose": purpose}]
        return self.__class__.watch_checks

    def _settle(self, states: dict[str, FileRead | None]) -> list:
        """Attach the uploads found clean, drop the removed ones (saying why); keep the pending ones."""
        keep, events = [], []
        for entry in self.checking:
            if entry["id"] not in states:
                keep.append(entry)
                continue
            stored = states[entry["id"]]
            if stored is None:
                continue  # deleted meanwhile
            if stored.scan_status == SCAN_PENDING:
                keep.append(entry)
            elif stored.scan_status == SCAN_CLEAN:
                events.append(self._attach(entry["purpose"], stored))
            else:
                events.append(rx.toast.error(INFECTED))
        self.checking = keep
        return [event for event in events if event is not None]

    @rx.event(background=True)
    async def watch_checks(self):
        """Look at the held uploads until each is clean or removed (the database reads run in a thread)."""
        async for event in checks_loop(self):
            yield event


async def checks_loop(tab: BuilderChecks, delays: tuple[float, ...] = CHECK_DELAYS, every: float = CHECK_EVERY):
    """One tab's watch: wait, read the held uploads off the loop, settle them; yields the events to send.

    `tab` is the background task's state proxy: it is locked only inside `async with tab`.
    """
    async with tab:
        if tab._watching:
            return
        tab._watching = True
    started, step = time.monotonic(), 0
    try:
        while True:
            await asyncio.sleep(delays[step] if step < len(delays) else every)
            step += 1
            async with tab:
                ids, token, card = [e["id"] for e in tab.checking], tab._token(), tab.card_id
            if not ids:
                return
            states = await asyncio.to_thread(scan_states, token, ids)
            async with tab:
                if tab.card_id != card:  # another card was opened: its uploads were never this card's
                    tab.checking = []
                    return
                events = tab._settle(states)
                if tab.checking and time.monotonic() - started > WATCH_SECONDS:
                    tab.checking = []
                    events.append(rx.toast.warning(STILL_CHECKING))
            for event in events:
                yield event
    finally:
        async with tab:
            tab._watching = False
