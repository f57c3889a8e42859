"""Likely duplicates side by side: merge field by field, and undo a merge."""

from __future__ import annotations

import uuid

import reflex as rx

from metaic.contacts import dedupe
from metaic.contacts import service as contact_service
from metaic.ui.state.contacts import _ContactBase

CHOOSABLE = (("full_name", "Name"), ("company", "Company"), ("title", "Title"), ("event", "Event"), ("notes", "Notes"))


class DuplicatesState(_ContactBase):
    """/contacts/duplicates: pairs with both sides' values, and the last merge for undo."""

    pairs: list[dict[str, str]] = []
    last_merge: str = ""
    last_merge_name: str = ""

    def _side(self, session, user, contact_id: uuid.UUID, prefix: str) -> dict[str, str]:
        """One contact's values, keys prefixed with `a_` or `b_`."""
        c = contact_service.get(session=session, owner=user, contact_id=contact_id)
        values = {name: str(getattr(c, name) or "") for name, _ in CHOOSABLE}
        values["emails"] = ", ".join(e.value for e in c.emails)
        values["phones"] = ", ".join(p.value for p in c.phones)
        return {f"{prefix}{k}": v for k, v in values.items()}

    def _reload(self, session, user) -> None:
        """Find the likely duplicates and load both sides of each."""
        rows = []
        for pair in dedupe.find_duplicates(session=session, owner=user, limit=20):
            row = {"a": str(pair.a), "b": str(pair.b), "score": f"{pair.score:.0%}", "reasons": "; ".join(pair.reasons)}
            row.update(self._side(session, user, pair.a, "a_"))
            row.update(self._side(session, user, pair.b, "b_"))
            rows.append(row)
        self.pairs = rows

    @rx.event
    async def load(self):
        """on_load: list the pairs."""
        self.last_merge, self.last_merge_name = "", ""
        return await self._act_off_loop(self._reload, back="/contacts/duplicates")

    @rx.event
    async def merge(self, form: dict):
        """Merge the right-hand contact into the left one, taking each chosen field from its side."""
        keep, drop = uuid.UUID(str(form["a"])), uuid.UUID(str(form["b"]))
        choices = {name: "drop" if form.get(name) == "drop" else "keep" for name, _ in CHOOSABLE}

        def action(s, u):
            record = dedupe.merge(session=s, owner=u, keep_id=keep, drop_id=drop, choices=choices)
            self.last_merge = str(record.id)
            self.last_merge_name = contact_service.get(session=s, owner=u, contact_id=keep).full_name
            self._reload(s, u)

        return await self._act_off_loop(action, "Merged.", back="/contacts/duplicates")

    @rx.event
    async def undo(self):
        """Put the last merged pair back as they were."""
        merge_id = uuid.UUID(self.last_merge)

        def action(s, u):
            dedupe.undo_merge(session=s, owner=u, merge_id=merge_id)
            self.last_merge, self.last_merge_name = "", ""
            self._reload(s, u)

        return await self._act_off_loop(action, "Merge undone.", back="/contacts/duplicates")
