"""Autosave for the builder: edits save themselves once typing pauses, off Reflex's event loop, with a status."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from dataclasses import dataclass

import reflex as rx
from sqlmodel import Session

from metaic.auth import sessions
from metaic.auth.models import User
from metaic.cards import service as card_service
from metaic.cards.schemas import CardContent
from metaic.core.errors import AuthenticationFailed, DomainError
from metaic.db import session_scope

AUTOSAVE_DELAY = 1.0  # seconds of quiet after the last edit before the draft is saved
log = logging.getLogger(__name__)


def save_document(
    session: Session, user: User, *, card_id: str, document: dict, avatar_file_id: str = ""
) -> CardContent:
    """Save a draft document (incomplete is fine), and attach a newly uploaded photo so the vCard can embed it."""
    content = card_service.save_draft(session=session, owner=user, card_id=uuid.UUID(card_id), content=document)
    if avatar_file_id and content.avatar_url:
        content = card_service.set_avatar(
            session=session,
            owner=user,
            card_id=uuid.UUID(card_id),
            file_id=uuid.UUID(avatar_file_id),
            url=content.avatar_url,
        )
    return content


@dataclass(frozen=True)
class Snapshot:
    """What one autosave writes: the document as it was when typing paused, and the edit count it reflects."""

    token: str | None
    card_id: str
    document: dict
    avatar_file_id: str
    edits: int
    loaded_at: float  # which load of the builder it belongs to


def save_snapshot(snap: Snapshot) -> str:
    """Save a snapshot for the user behind its session cookie (a worker thread, one transaction); the card's status.

    The status matters to the header: a live card whose draft just changed is `changed`, no longer `published`."""
    with session_scope() as session:
        found = sessions.resolve(session=session, token=snap.token)
        if found is None:
            raise AuthenticationFailed("Your session has ended. Sign in again to keep editing.")
        save_document(
            session, found[0], card_id=snap.card_id, document=snap.document, avatar_file_id=snap.avatar_file_id
        )
        card = card_service.get_owned(session=session, owner=found[0], card_id=uuid.UUID(snap.card_id))
        return card_service.status_of(card)


class BuilderAutosave(rx.State, mixin=True):
    """Save status shown in the header, and the debounced save behind it."""

    dirty: bool = False
    # "" (nothing to say), "unsaved" (waiting for a pause), "saving", "saved" or "error".
    save_status: str = ""
    save_error: str = ""
    _edits: int = 0
    _edited_at: float = 0.0
    _autosaving: bool = False
    _loaded_at: float = 0.0

    @rx.var
    def unsaved(self) -> bool:
        """True while some edit is not in the database yet (the browser warns before leaving)."""
        return self.dirty or self.save_status == "saving"

    def _touch(self, *error_keys: str):
        """Note an edit (clearing the marks on the edited fields); returns the autosave event, if one must start."""
        if any(k in self.errors for k in error_keys):
            self.errors = {k: v for k, v in self.errors.items() if k not in error_keys}
        # Set only what changes: every var set goes to the browser, and after the first keystroke of a burst a
        # keystroke's update should carry the edited field alone (the live preview waits for it).
        if not self.dirty:
            self.dirty = True
        self._edits += 1
        self._edited_at = time.time()
        if self.save_status not in ("saving", "unsaved"):
            self.save_status = "unsaved"
        if self._autosaving:
            return None
        self._autosaving = True
        # `__class__`, not type(): a background event (the upload checks) calls this through Reflex's StateProxy.
        return self.__class__.autosave

    def _next_autosave(self) -> Snapshot | float | None:
        """Seconds to wait for a pause, the snapshot to save now, or None when nothing is left to save."""
        if not (self.dirty and self.card_id):
            self._autosaving = False
            return None
        wait = self._edited_at + AUTOSAVE_DELAY - time.time()
        if wait > 0:
            return wait
        self.save_status = "saving"
        return Snapshot(
            self._token(), self.card_id, self._document(), self.avatar_file_id, self._edits, self._loaded_at
        )

    def _after_autosave(self, snap: Snapshot, failure: DomainError | None, status: str = "") -> bool:
        """Show how the save went (and the card's new status); True when edits made meanwhile still wait."""
        if snap.loaded_at != self._loaded_at:
            self._autosaving = False  # the builder was loaded again; that load saved what was pending
            return False
        if failure is not None:
            self.save_status, self.save_error = "error", failure.message
            if failure.errors:
                self.errors = {**self.errors, **failure.errors}
            self._autosaving = False
            return False
        if status:
            self.status = status
        if self.avatar_file_id == snap.avatar_file_id:
            self.avatar_file_id = ""
        if self._edits != snap.edits:
            self.save_status = "unsaved"
            return True
        self.dirty, self.save_status, self.save_error = False, "saved", ""
        self._autosaving = False
        return False

    @rx.event(background=True)
    async def autosave(self):
        """Save the draft once typing has paused, until no edit is left unsaved (the database work runs in a thread)."""
        await autosave_loop(self)


async def autosave_loop(tab: BuilderAutosave) -> None:
    """The autosave of one tab: wait for a pause, save a snapshot off the loop, repeat while edits came meanwhile.

    `tab` is the background task's state proxy: it is locked only inside `async with tab`."""
    while True:
        async with tab:
            step = tab._next_autosave()
        if step is None:
            return
        if isinstance(step, float):
            await asyncio.sleep(step)
            continue
        failure, status = None, ""
        try:
            status = await asyncio.to_thread(save_snapshot, step)
        except DomainError as exc:
            failure = exc
        except Exception:  # a lost database connection must not stop autosave for good
            log.exception("autosave of card %s failed", step.card_id)
            failure = DomainError("The draft could not be saved.")
        async with tab:
            again = tab._after_autosave(step, failure, status)
        if not again:
            return
