"""The jobs benchmark still runs (tiny N), so it cannot rot; its numbers are not checked here."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import redis

from bench import jobs_bench

ROOT = Path(__file__).resolve().parents[2]
NUMBER = r"[\d,.]+"


def test_helpers():
    """Percentiles and rates the report relies on."""
    assert jobs_bench.percentiles([0.004, 0.001, 0.002, 0.003]) == (0.0025, 0.004, 0.004)
    assert jobs_bench.rate(10, 2.0) == 5.0
    assert jobs_bench.worker_command("metaic", "redis://x", burst=True)[-3:] == ["--queues", "default", "--burst"]
    assert "rq.worker.SimpleWorker" in jobs_bench.worker_command("simple", "redis://x", burst=False)
    assert "--worker-class" not in jobs_bench.worker_command("rq", "redis://x", burst=False)


def test_the_script_runs_with_a_tiny_n_and_cleans_up(redis_url):
    """`python bench/jobs_bench.py` prints every number and ratio, and leaves the database empty."""
    env = {**os.environ, "PYTHONPATH": ""}
    result = subprocess.run(
        [sys.executable, "bench/jobs_bench.py", "--jobs", "3", "--latency-samples", "2", "--redis-url", redis_url],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert re.search(rf"enqueue \+ run on the thread +{NUMBER} jobs/s +{NUMBER}x slower than the loop", out), out
    for label in ("rq worker, fork per job", "rq SimpleWorker, no fork", "metaic worker"):
        assert re.search(rf"run: {label} +{NUMBER} jobs/s", out), out
        assert re.search(rf"latency: {label} +p50 +{NUMBER} ms +p95 +{NUMBER} ms", out), out
    for reference in ("rq SimpleWorker", "rq worker"):
        assert re.search(rf"metaic worker vs {reference}: +{NUMBER}x jobs/s, p50 {NUMBER}x", out), out
    assert redis.Redis.from_url(redis_url).dbsize() == 0


def test_it_refuses_a_database_in_use(redis_url, capsys):
    """A non-empty database is neither used nor emptied without --flush."""
    client = redis.Redis.from_url(redis_url)
    client.set("someone-elses-key", "keep me")
    assert jobs_bench.main(["--jobs", "1", "--latency-samples", "1", "--redis-url", redis_url]) == 1
    assert "holds 1 keys" in capsys.readouterr().err
    assert client.get("someone-elses-key") == b"keep me"
