"""Helpers for tests that drive real `python -m metaic worker` processes."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def wait_for(condition: Callable[[], object], timeout: float, what: str) -> object:
    """Poll `condition` until it returns something truthy; fail the test with `what` on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    pytest.fail(f"timed out after {timeout} s waiting for {what}")


class WorkerProcesses:
    """Starts `python -m metaic worker` processes in their own process groups, and cleans them up."""

    def __init__(self, redis_url: str, logs: Path):
        self.redis_url, self.logs, self.procs = redis_url, logs, []

    def start(self, *args: str) -> subprocess.Popen:
        """Start one worker with extra CLI arguments; its output goes to a log file."""
        log = (self.logs / f"worker-{len(self.procs)}.log").open("w")
        env = {**os.environ, "REDIS_URL": self.redis_url, "PYTHONPATH": str(ROOT)}
        proc = subprocess.Popen(
            [sys.executable, "-m", "metaic", "worker", *args],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.procs.append(proc)
        return proc

    def log_of(self, proc: subprocess.Popen) -> str:
        """What a worker printed so far."""
        return (self.logs / f"worker-{self.procs.index(proc)}.log").read_text()

    def stop_all(self) -> None:
        """Stop every worker gracefully (SIGTERM to its group, so its scheduler stops too), then for sure.

        The group is signalled even when the main process already died (a test killed it): its scheduler
        child may still be running and would take jobs from later tests."""
        for proc in self.procs:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(15)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)
