"""A request id for every Reflex event, as HTTP requests get one (web/observe.py).

Events arrive over the websocket, past the HTTP middleware, so without this the audit entries, log lines and
jobs of actions taken in the app's pages had no request id. Reflex runs a middleware's `preprocess` in the
task that then runs the event's handler, so the id set here is the handler's (and, through
`asyncio.to_thread`'s copied context, its offloaded work's).
"""

from __future__ import annotations

from reflex.middleware import Middleware

from metaic.core.request_context import new_request_id, set_request_id


class EventRequestIds(Middleware):
    """Give each event a fresh request id before its handler runs."""

    async def preprocess(self, app, state, event) -> None:
        """Set a new id for this event's context; never changes the event."""
        set_request_id(new_request_id())
