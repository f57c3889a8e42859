"""Fixtures for job tests: a clean in-process worker, and real `python -m metaic worker` processes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from metaic.jobs.local import drain_local, reset_local
from tests.jobs.processes import WorkerProcesses


@pytest.fixture(autouse=True)
def _clean_local_worker() -> Iterator[None]:
    """Each test starts and ends with an empty in-process worker (no timers or failures left over)."""
    reset_local()
    yield
    drain_local(10)
    reset_local()


@pytest.fixture
def workers(redis_url: str, tmp_path: Path) -> Iterator[WorkerProcesses]:
    """Start real worker processes on the test's Redis database; all are stopped afterwards."""
    logs = tmp_path / "logs"
    logs.mkdir()
    started = WorkerProcesses(redis_url, logs)
    yield started
    started.stop_all()
