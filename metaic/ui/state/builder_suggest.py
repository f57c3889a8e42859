"""Autocomplete in the builder: companies and industries other cards already use, offered as you type."""

from __future__ import annotations

import asyncio
import logging

import reflex as rx

from metaic.db import session_scope
from metaic.search import service as search_service

log = logging.getLogger(__name__)
FIELDS = ("company", "industry")
MAX_PREFIX = 80


class BuilderSuggest(rx.State, mixin=True):
    """Suggestions for the company and industry inputs (a datalist each); asked for after a pause in typing."""

    company_suggestions: list[str] = []
    industry_suggestions: list[str] = []

    def _suggestions(self, field: str, prefix: str) -> list[str]:
        """What the search service offers for `prefix` (in a worker thread); none when it cannot answer."""
        try:
            with session_scope() as session:
                owner = self._owner(session)
                return search_service.autocomplete(session=session, owner=owner, field=field, prefix=prefix, limit=8)
        except Exception:  # suggestions are a convenience: typing goes on without them
            log.warning("autocomplete for %s failed", field, exc_info=True)
            return []

    @rx.event
    async def suggest(self, field: str, prefix: str):
        """Fill the datalist of `field` with what starts like the typed text (two letters or more)."""
        if field not in FIELDS:
            return
        prefix = prefix.strip()[:MAX_PREFIX]
        found = await asyncio.to_thread(self._suggestions, field, prefix) if len(prefix) >= 2 else []
        setattr(self, f"{field}_suggestions", [s for s in found if s != prefix])
