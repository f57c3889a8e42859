"""Several server and worker processes report through one /metrics: their samples are added up."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
COUNT_JOBS = "from metaic.core import metrics; metrics.JOBS.labels('default', 'succeeded').inc({n})"
RENDER = "from metaic.core import metrics; print(metrics.render().decode())"


def _python(code: str, folder: Path) -> str:
    """Run `code` in a fresh interpreter that reports to `folder`; returns what it printed."""
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(folder), "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True).stdout


def test_samples_of_every_process_are_summed(tmp_path):
    _python(COUNT_JOBS.format(n=2), tmp_path)
    _python(COUNT_JOBS.format(n=3), tmp_path)
    text = _python(RENDER, tmp_path)
    assert 'metaic_jobs_total{outcome="succeeded",queue="default"} 5.0' in text


def test_one_process_alone_serves_its_own_registry(tmp_path):
    text = subprocess.run(
        [sys.executable, "-c", COUNT_JOBS.format(n=4) + "; " + RENDER.split("; ", 1)[1]],
        env={k: v for k, v in {**os.environ, "PYTHONPATH": str(ROOT)}.items() if k != "PROMETHEUS_MULTIPROC_DIR"},
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert 'metaic_jobs_total{outcome="succeeded",queue="default"} 4.0' in text and not list(tmp_path.iterdir())
