"""The period picker of the analytics pages (owner's and admin's): today, 7/30/90 days, 12 months or custom."""

from __future__ import annotations

from datetime import date

import reflex as rx

from metaic.analytics import reports
from metaic.core import clock


def parse_day(text: str) -> date | None:
    """An ISO date from a date input, or None."""
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def picked(value: str | list[str]) -> str:
    """The chosen period from a segmented control (a string, or a list of one)."""
    return value if isinstance(value, str) else (value[0] if value else "")


class PeriodPicker(rx.State, mixin=True):
    """The chosen period and custom dates; a state using it defines `_fetch()` (an async generator) to read."""

    period: str = "30d"
    start: str = ""
    end: str = ""

    @rx.var
    def custom(self) -> bool:
        """Whether the custom date inputs show."""
        return self.period == "custom"

    def _period_from_query(self) -> None:
        """Take the period (and custom dates) from the page's address."""
        params = self.router.url.query_parameters
        period = params.get("period", "")
        self.period = period if period in reports.PERIODS else "30d"
        self.start, self.end = params.get("start", ""), params.get("end", "")

    @rx.event
    async def set_period(self, period: str | list[str]):
        """Pick a period; the custom one waits for its dates."""
        period = picked(period)
        if period not in reports.PERIODS:
            return
        self.period = period
        if period == "custom":
            today = clock.now().date().isoformat()
            self.start, self.end = self.start or today, self.end or today
            return
        async for event in self._fetch():
            yield event

    @rx.event
    async def apply_dates(self, form: dict):
        """Read a custom range from the two date inputs."""
        self.period, self.start, self.end = "custom", str(form.get("start", "")), str(form.get("end", ""))
        async for event in self._fetch():
            yield event
