"""The browser benchmark's own arithmetic (the script itself needs a built app and Chromium: `make bench`)."""

from __future__ import annotations

from bench.ui_bench import line, percentile, watch_script


def test_percentile_is_nearest_rank():
    samples = [float(n) for n in range(1, 21)]  # 1..20
    assert percentile(samples, 0.5) == 10.0
    assert percentile(samples, 0.95) == 19.0
    assert percentile([7.0], 0.95) == 7.0


def test_a_row_says_whether_the_p95_meets_the_goal():
    assert line("keys", [10.0] * 19 + [40.0], 30.0).endswith("goal p95 <= 30 ms: ok")
    assert line("keys", [10.0] * 18 + [40.0] * 2, 30.0).endswith("goal p95 <= 30 ms: MISSED")


def test_the_watch_script_calls_the_predicate_it_is_given():
    script = watch_script("() => document.querySelector('#x') !== null")
    assert script.startswith("(") and script.endswith("(() => document.querySelector('#x') !== null);")
