"""Turning report dictionaries into what the analytics pages show: formatted tiles, chart rows, ranked bars.

Pure functions (no database, no Reflex), shared by the owner's and the admin's analytics states.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

PERIOD_LABELS = {
    "today": "Today",
    "7d": "7 days",
    "30d": "30 days",
    "90d": "90 days",
    "12m": "12 months",
    "custom": "Custom",
}


def fmt_int(value: object) -> str:
    """A count with thousands separators ("12,345"); anything unreadable shows as 0."""
    try:
        return f"{int(value or 0):,}"
    except (TypeError, ValueError):
        return "0"


def change(value: float, previous: float, change_pct: float | None) -> tuple[str, str]:
    """The change badge's text and direction ("up", "down", "flat", "new") against the previous period."""
    if change_pct is None:
        return ("New", "new") if value else ("0%", "flat")
    pct = round(float(change_pct))
    if pct > 0:
        return f"+{pct}%", "up"
    if pct < 0:
        return f"{pct}%", "down"
    return "0%", "flat"


def tile(entry: dict | None) -> dict[str, str]:
    """One metric of a report's totals made ready for a tile."""
    entry = entry or {}
    value, previous = entry.get("value") or 0, entry.get("previous") or 0
    text, direction = change(value, previous, entry.get("change_pct"))
    return {"value": fmt_int(value), "previous": fmt_int(previous), "change": text, "direction": direction}


def rate_tile(saves: dict | None, visitors: dict | None) -> dict[str, str]:
    """Saves per unique visitor, compared in percentage points with the previous period."""
    saves, visitors = saves or {}, visitors or {}
    now = _ratio(saves.get("value"), visitors.get("value"))
    before = _ratio(saves.get("previous"), visitors.get("previous"))
    points = round(now - before)
    direction = "up" if points > 0 else "down" if points < 0 else "flat"
    sign = "+" if points > 0 else ""
    return {
        "value": f"{round(now)}%",
        "previous": f"{round(before)}%",
        "change": f"{sign}{points} pt",
        "direction": direction,
    }


def _ratio(part: object, whole: object) -> float:
    """part / whole as a percentage (0 when there is no whole)."""
    part, whole = float(part or 0), float(whole or 0)
    return 100.0 * part / whole if whole else 0.0


def tiles(totals: dict, keys: tuple[str, ...]) -> dict[str, dict[str, str]]:
    """Tiles for the named metrics of a report's totals."""
    return {key: tile(totals.get(key)) for key in keys}


def bucket_label(bucket: object, granularity: str) -> str:
    """An axis label for a bucket: "14:00" for hours, "Dec 3" for days, "Dec 2026" for months."""
    text = str(bucket)
    try:
        moment = datetime.fromisoformat(f"{text}-01" if len(text) == 7 else text)
    except ValueError:
        return text
    if granularity == "hour":
        return moment.strftime("%H:00")
    if granularity == "month":
        return moment.strftime("%b %Y")
    return f"{moment.strftime('%b')} {moment.day}"


def series(rows: list[dict], keys: tuple[str, ...], granularity: str) -> list[dict]:
    """Chart rows: a readable bucket label and an integer per key."""
    return [
        {"bucket": bucket_label(row.get("bucket"), granularity), **{k: int(row.get(k) or 0) for k in keys}}
        for row in rows
    ]


def ranked(rows: list[dict], limit: int = 8) -> list[dict[str, str]]:
    """Ranked bar rows: label, count, share of the total, and a bar width relative to the first."""
    rows = sorted(rows or [], key=lambda r: -int(r.get("count") or 0))[:limit]
    total = sum(int(r.get("count") or 0) for r in rows)
    top = max((int(r.get("count") or 0) for r in rows), default=0)
    return [
        {
            "label": str(r.get("label") or "Unknown"),
            "count": fmt_int(r.get("count")),
            "share": f"{round(100 * int(r.get('count') or 0) / total)}%" if total else "",
            "width": f"{max(2, round(100 * int(r.get('count') or 0) / top))}%" if top else "0%",
        }
        for r in rows
    ]


def funnel(steps: list[dict]) -> list[dict[str, str]]:
    """Funnel rows: count, the rate from the step before, and a bar width against the first step."""
    first = int((steps[0].get("count") if steps else 0) or 0)
    shaped, before = [], None
    for step in steps or []:
        count = int(step.get("count") or 0)
        rate = "" if before is None else (f"{round(100 * count / before)}%" if before else "0%")
        width = f"{round(100 * count / first)}%" if first else "0%"
        shaped.append({"step": str(step.get("step", "")), "count": fmt_int(count), "rate": rate, "width": width})
        before = count
    return shaped


def day_text(day: date) -> str:
    """A short date: "3 Dec 2026"."""
    return f"{day.day} {day.strftime('%b %Y')}"


def last_day(end: datetime) -> date:
    """The last day inside a period that ends (exclusively) at `end`."""
    return (end - timedelta(microseconds=1)).date()


def range_text(start: datetime, end: datetime) -> str:
    """A period [start, end) as people say it: "3 Dec 2026", or "3 Nov 2026 – 2 Dec 2026"."""
    first, last = start.date(), last_day(end)
    return day_text(first) if first == last else f"{day_text(first)} – {day_text(last)}"


def csv_name(prefix: str, period_key: str, today: date) -> str:
    """A download's file name: metaic-analytics-30d-2026-12-07.csv."""
    return f"{prefix}-{period_key}-{today.isoformat()}.csv"
