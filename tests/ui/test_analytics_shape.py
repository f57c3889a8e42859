"""How report numbers are shown: changes against the previous period, ranked bars, the funnel, axis labels."""

from __future__ import annotations

from datetime import UTC, datetime

from metaic.analytics import labels
from metaic.ui.state import analytics_shape as shape


def test_change_badges_say_up_down_flat_and_new():
    assert shape.tile({"value": 1234, "previous": 1000, "change_pct": 23.4}) == {
        "value": "1,234",
        "previous": "1,000",
        "change": "+23%",
        "direction": "up",
    }
    assert shape.tile({"value": 5, "previous": 10, "change_pct": -50.0})["change"] == "-50%"
    assert shape.tile({"value": 5, "previous": 10, "change_pct": -50.0})["direction"] == "down"
    # Nothing before: a percentage would be infinite, so it is "New"; nothing at all is flat.
    assert shape.tile({"value": 3, "previous": 0, "change_pct": None})["direction"] == "new"
    assert shape.tile({"value": 0, "previous": 0, "change_pct": None})["direction"] == "flat"
    assert shape.tile(None) == {"value": "0", "previous": "0", "change": "0%", "direction": "flat"}


def test_save_rate_compares_in_points():
    rate = shape.rate_tile({"value": 3, "previous": 1}, {"value": 10, "previous": 10})
    assert rate == {"value": "30%", "previous": "10%", "change": "+20 pt", "direction": "up"}
    assert shape.rate_tile({"value": 0}, {"value": 0})["value"] == "0%"


def test_ranked_rows_sort_share_and_scale_to_the_largest():
    rows = shape.ranked(
        [{"label": "LinkedIn", "count": 1}, {"label": "QR code", "count": 3}, {"label": "", "count": 0}]
    )
    assert [r["label"] for r in rows] == ["QR code", "LinkedIn", "Unknown"]
    assert [r["width"] for r in rows] == ["100%", "33%", "2%"]
    assert [r["share"] for r in rows] == ["75%", "25%", "0%"]
    assert len(shape.ranked([{"label": str(i), "count": i} for i in range(20)])) == 8


def test_funnel_rates_follow_the_step_before():
    steps = shape.funnel(
        [{"step": "Viewed", "count": 200}, {"step": "Saved", "count": 50}, {"step": "Shared back", "count": 5}]
    )
    assert [(s["count"], s["rate"], s["width"]) for s in steps] == [
        ("200", "", "100%"),
        ("50", "25%", "25%"),
        ("5", "10%", "2%"),
    ]
    assert shape.funnel([{"step": "Viewed", "count": 0}, {"step": "Saved", "count": 0}])[1]["rate"] == "0%"


def test_bucket_labels_per_granularity():
    assert shape.bucket_label("2026-12-07 14:00", "hour") == "14:00"
    assert shape.bucket_label("2026-12-07", "day") == "Dec 7"
    assert shape.bucket_label("2026-12", "month") == "Dec 2026"
    rows = shape.series([{"bucket": "2026-12-07", "views": "4", "saves": None}], ("views", "saves"), "day")
    assert rows == [{"bucket": "Dec 7", "views": 4, "saves": 0}]


def test_ranges_read_with_an_exclusive_end():
    start, end = datetime(2026, 11, 8, tzinfo=UTC), datetime(2026, 12, 8, tzinfo=UTC)
    assert shape.range_text(start, end) == "8 Nov 2026 – 7 Dec 2026"
    assert shape.range_text(datetime(2026, 12, 7, tzinfo=UTC), end) == "7 Dec 2026"


def test_stored_codes_read_as_names():
    assert labels.readable("sources", "qr") == "QR code" and labels.readable("devices", "mobile") == "Phone"
    assert labels.readable("countries", "de") == "Germany" and labels.readable("languages", "zh") == "Chinese"
    assert labels.readable("links", "https://www.linkedin.com/in/grace/") == "linkedin.com/in/grace"
    assert labels.readable("countries", "") == "Unknown" and labels.readable("countries", "QQ") == "QQ"
