"""Public card page speed: requests per second for /c/{slug}, its vCard and QR, against /healthz in the same run.

Run: `.venv/bin/python bench/public_card_bench.py [--requests 300]`. It uses a throwaway SQLite database in a
temporary folder, seeds the demo card, and drives the ASGI app in-process (no network), so the numbers
measure our code: routing, one snapshot read, rendering, headers.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere


def _setup() -> None:
    """Point the app at a fresh data folder and seed the demo card."""
    folder = tempfile.mkdtemp(prefix="metaic-bench-")
    os.environ.update(
        {
            "METAIC_DATA_DIR": folder,
            "DATABASE_URL": f"sqlite:///{folder}/bench.db",
            "SECRET_KEY": "bench-secret-key-0123456789abcdefghij",
            "REDIS_URL": "",
            "PUBLIC_BASE_URL": "http://testserver",
        }
    )
    from metaic import migrations
    from metaic.admin.seed import seed_demo
    from metaic.config import get_settings
    from metaic.db import session_scope
    from metaic.wiring import wire

    get_settings.cache_clear()
    migrations.upgrade()
    wire()  # publishing the demo card emits a domain event
    with session_scope() as session:
        seed_demo(session=session)


def _time(client, path: str, n: int, headers: dict | None = None) -> tuple[float, float]:
    """(requests per second, median ms) for `n` GETs of one path."""
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        response = client.get(path, headers=headers or {"user-agent": "Mozilla/5.0 (bench)"})
        samples.append(time.perf_counter() - start)
        if response.status_code not in (200, 304):
            raise SystemExit(f"{path} answered {response.status_code}")
    return n / sum(samples), statistics.median(samples) * 1000


def run(requests: int) -> list[tuple[str, float, float, float]]:
    """Measure each path; returns rows (path, req/s, median ms, ratio to /healthz median)."""
    _setup()
    from fastapi.testclient import TestClient

    from metaic.api.app import build_api
    from metaic.core import ratelimit

    ratelimit.hit = lambda *a, **k: None  # the bench is one IP; the limiter would stop it, not measure it
    client = TestClient(build_api())
    etag = client.get("/c/demo").headers.get("etag", "")
    rows = []
    _, reference = _time(client, "/healthz", requests)
    for label, path, headers in [
        ("/healthz (reference)", "/healthz", None),
        ("/c/demo", "/c/demo", None),
        ("/c/demo (304 via ETag)", "/c/demo", {"if-none-match": etag, "user-agent": "Mozilla/5.0"}),
        ("/c/demo.vcf", "/c/demo.vcf", None),
        ("/c/demo/qr.svg", "/c/demo/qr.svg", None),
    ]:
        rps, median = _time(client, path, requests, headers)
        rows.append((label, rps, median, median / reference))
    return rows


def main() -> None:
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300, help="requests per path")
    args = parser.parse_args()
    print(f"{'path':28} {'req/s':>9} {'median ms':>10} {'x healthz':>10}")
    for label, rps, median, ratio in run(args.requests):
        print(f"{label:28} {rps:9.0f} {median:10.2f} {ratio:10.1f}")


if __name__ == "__main__":
    main()
