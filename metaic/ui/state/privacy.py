"""/privacy: the one figure that depends on the site's settings (how long raw events are kept)."""

from __future__ import annotations

import reflex as rx

from metaic.config import get_settings
from metaic.ui.state.session import SessionState


class PrivacyState(SessionState):
    """The raw-event retention of this deployment, read from its settings on load."""

    retention_days: int = 180

    @rx.event
    async def load(self):
        """on_load: learn whether someone is signed in, and the retention setting."""
        self.retention_days = get_settings().analytics_raw_retention_days
        return SessionState.load_public
