"""Write my card: headline and "about" proposals and a translated second version, reviewed before anything is saved.

The assistant reads the card from the database, so the builder's unsaved edits are saved first (they are the
user's own words); its proposals land only in this panel. A picked and edited proposal goes into the draft
through the builder's own edit path (autosave); a reviewed translation becomes a new draft card.
"""

from __future__ import annotations

import uuid

import reflex as rx

from metaic.ai import writing
from metaic.ai.engine import OFFLINE
from metaic.ai.language import NAMES
from metaic.auth import sessions
from metaic.cards import service as card_service
from metaic.cards.schemas import field_label
from metaic.core.errors import AuthenticationFailed, DomainError
from metaic.db import session_scope
from metaic.ui.state.builder_autosave import save_document
from metaic.ui.state.offload import assistant_work

TARGETS = {"headline": "headline", "about": "bio"}
ENGINE_LABELS = {"provider": "AI provider", "offline": "Offline assistant"}


def _owner(session, token: str | None):
    """The user behind a session cookie, or AuthenticationFailed."""
    found = sessions.resolve(session=session, token=token)
    if found is None:
        raise AuthenticationFailed("Your session has ended. Sign in again to keep editing.")
    return found[0]


def ask(token: str | None, card_id: str, document: dict | None, call):
    """Save the builder's pending edits (when given), then `call(session, user, card_id)`; runs in a worker thread."""
    with session_scope() as session:
        user = _owner(session, token)
        if document is not None:
            save_document(session, user, card_id=card_id, document=document)
        return call(session, user, uuid.UUID(card_id))


def extra_note(note: str) -> str:
    """The engine's note without "Written by the offline assistant." (the badge beside it says so already)."""
    return note.removeprefix(OFFLINE).strip()


def translation_rows(proposal) -> list[dict[str, str]]:
    """One editable row per translated text: its key, where it sits, the original is filled in by the caller."""
    missing = set(proposal.untranslated)
    return [
        {"key": key, "label": field_label(key), "text": text, "untranslated": "1" if key in missing else ""}
        for key, text in proposal.texts.items()
    ]


class BuilderAi(rx.State, mixin=True):
    """The "Write my card" panel of the builder: options, proposals, the text being edited, the translation."""

    ai_field: str = "headline"
    ai_tone: str = "professional"
    ai_length: str = "medium"
    ai_language: str = ""  # "" is the card's own language
    ai_improve: bool = False
    ai_busy: bool = False
    ai_proposals: list[str] = []
    ai_pick: int = -1
    ai_text: str = ""
    ai_note: str = ""
    ai_engine: str = ""
    ai_retry: bool = False
    ai_error: str = ""
    tr_target: str = "es"
    tr_busy: bool = False
    tr_rows: list[dict[str, str]] = []
    tr_note: str = ""
    tr_engine: str = ""
    tr_retry: bool = False
    tr_error: str = ""

    def _pending_document(self) -> dict | None:
        """The draft to save before asking, when it has edits the database has not seen."""
        return self._document() if self.dirty else None

    @rx.event
    def set_ai_option(self, name: str, value: str):
        """Change one option (field, tone, length, language, mode); a new field clears the old proposals."""
        if name == "field" and value in TARGETS and value != self.ai_field:
            self.ai_field, self.ai_proposals, self.ai_pick, self.ai_text = value, [], -1, ""
        elif name == "tone":
            self.ai_tone = value
        elif name == "length":
            self.ai_length = value
        elif name == "language":
            self.ai_language = value if value in NAMES else ""
        elif name == "mode":
            self.ai_improve = value == "improve"

    @rx.event
    async def propose(self):
        """Ask for proposals for the chosen field, in the chosen tone, length and language."""
        if not self.card_id or self.ai_busy:
            return
        self.ai_busy, self.ai_error = True, ""
        yield
        options = dict(
            field=self.ai_field,
            tone=self.ai_tone,
            length=self.ai_length,
            language=self.ai_language or None,
            improve=self.ai_improve,
        )

        def call(session, user, card_id):
            return writing.propose(session=session, owner=user, card_id=card_id, **options)

        try:
            found = await assistant_work(ask, self._token(), self.card_id, self._pending_document(), call)
        except AuthenticationFailed:
            self.ai_busy = False
            yield rx.redirect(f"/login?next=/cards/edit?id={self.card_id}")
            return
        except DomainError as exc:
            self.ai_busy, self.ai_error = False, exc.message
            return
        self.ai_busy = False
        self.ai_proposals, self.ai_note, self.ai_retry = list(found.proposals), extra_note(found.note), found.retry
        self.ai_engine = ENGINE_LABELS[found.source]
        self.ai_pick, self.ai_text = (0, found.proposals[0]) if found.proposals else (-1, "")

    @rx.event
    def pick(self, index: int):
        """Take one proposal into the editor."""
        if 0 <= index < len(self.ai_proposals):
            self.ai_pick, self.ai_text = index, self.ai_proposals[index]

    @rx.event
    def edit_text(self, value: str):
        """The user's edits of the picked proposal."""
        self.ai_text = value

    @rx.event
    def use_text(self):
        """Put the edited text into the card's draft (it saves like any edit) and close the proposals."""
        text = self.ai_text.strip()
        if not text:
            return rx.toast.error("The text is empty. Pick a proposal or write something first.")
        target = TARGETS[self.ai_field]
        setattr(self, target, text)
        self.ai_proposals, self.ai_pick, self.ai_text, self.ai_note, self.ai_engine = [], -1, "", "", ""
        label = "Headline" if target == "headline" else "About text"
        return [self._touch(target), rx.toast.success(f"{label} placed in your draft.")]

    @rx.event
    def discard(self):
        """Close the proposals without changing the card."""
        self.ai_proposals, self.ai_pick, self.ai_text, self.ai_note, self.ai_engine = [], -1, "", "", ""
        self.ai_retry, self.ai_error = False, ""

    # --- translation -----------------------------------------------------------------------------

    @rx.event
    def set_tr_target(self, value: str):
        """The language of the second version."""
        self.tr_target = value if value in NAMES else "es"
        self.tr_rows, self.tr_note, self.tr_engine, self.tr_error = [], "", "", ""

    @rx.event
    async def translate(self):
        """Translate the card's texts for review (nothing is saved)."""
        if not self.card_id or self.tr_busy:
            return
        self.tr_busy, self.tr_error = True, ""
        yield
        target = self.tr_target

        def call(session, user, card_id):
            found = writing.translate(session=session, owner=user, card_id=card_id, target_language=target)
            originals = writing.card_texts(card_service.get_content(session=session, owner=user, card_id=card_id))
            return found, originals

        try:
            found, originals = await assistant_work(ask, self._token(), self.card_id, self._pending_document(), call)
        except AuthenticationFailed:
            self.tr_busy = False
            yield rx.redirect(f"/login?next=/cards/edit?id={self.card_id}")
            return
        except DomainError as exc:
            self.tr_busy, self.tr_error = False, exc.message
            return
        self.tr_busy = False
        self.tr_rows = [{**row, "original": originals.get(row["key"], "")} for row in translation_rows(found)]
        self.tr_note, self.tr_retry, self.tr_engine = extra_note(found.note), found.retry, ENGINE_LABELS[found.source]
        if not self.tr_rows:
            self.tr_error = "The card has no texts to translate yet. Write a headline or an about text first."

    @rx.event
    def edit_translation(self, key: str, value: str):
        """The user's correction of one translated text."""
        for row in self.tr_rows:
            if row["key"] == key:
                row["text"], row["untranslated"] = value, ""

    @rx.event
    def discard_translation(self):
        """Close the translation without making anything."""
        self.tr_rows, self.tr_note, self.tr_engine, self.tr_retry, self.tr_error = [], "", "", False, ""

    @rx.event
    async def create_translation(self):
        """Make the reviewed texts a new draft card (a copy of this one in the other language) and open it."""
        if not self.card_id or not self.tr_rows or self.tr_busy:
            return
        self.tr_busy = True
        yield
        texts, target = {row["key"]: row["text"] for row in self.tr_rows}, self.tr_target

        def call(session, user, card_id):
            return writing.translated_copy(
                session=session, owner=user, card_id=card_id, target_language=target, texts=texts
            )

        try:
            made = await assistant_work(ask, self._token(), self.card_id, self._pending_document(), call)
        except AuthenticationFailed:
            self.tr_busy = False
            yield rx.redirect(f"/login?next=/cards/edit?id={self.card_id}")
            return
        except DomainError as exc:
            self.tr_busy, self.tr_error = False, exc.message
            return
        self.tr_busy = False
        yield rx.toast.success(f"{NAMES[target]} version created as a new draft.")
        yield rx.redirect(f"/cards/edit?id={made}")
