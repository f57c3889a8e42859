"""A worker killed mid-job: the job runs again in a new worker, and its side effect happens once.

The job (tests/support_jobs.py `credit_once`) claims its work with a row under a unique key and
credits a balance in the same transaction, the way a notification delivery is claimed before it is
sent (metaic/notifications/delivery.py). The whole worker is SIGKILLed at two moments: before the
job's transaction commits (the database rolls it back when the connection dies) and after it
committed but before RQ heard the job finished. Either way the rerun leaves one claim and one credit.
On SQLite and PostgreSQL, with real `python -m metaic worker` processes.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from rq.job import JobStatus

from metaic.db import get_engine
from metaic.jobs import enqueue
from tests import support_jobs
from tests.jobs.processes import wait_for

SLEEP = 30  # the first attempt pauses this long; the test kills it well before


@pytest.fixture
def ledger(db: str) -> Iterator[None]:
    """The claim and balance tables, balance 0, in the test database; dropped afterwards."""
    with get_engine().begin() as conn:
        conn.execute(sa.text(support_jobs.CLAIMS_DDL))
        conn.execute(sa.text(support_jobs.BALANCE_DDL))
        conn.execute(sa.text("INSERT INTO job_test_balance (id, amount) VALUES (1, 0)"))
    yield
    with get_engine().begin() as conn:
        conn.execute(sa.text("DROP TABLE job_test_claims"))
        conn.execute(sa.text("DROP TABLE job_test_balance"))


def _ledger() -> tuple[int, list[str]]:
    """The balance and the claim keys, read fresh."""
    with get_engine().connect() as conn:
        amount = conn.execute(sa.text("SELECT amount FROM job_test_balance WHERE id = 1")).scalar_one()
        keys = list(conn.execute(sa.text("SELECT claim_key FROM job_test_claims")).scalars())
    return amount, keys


@pytest.mark.parametrize("pause_at", ["before_commit", "after_commit"])
def test_killed_worker_job_reruns_and_its_side_effect_happens_once(workers, redis_url, ledger, tmp_path, pause_at):
    """SIGKILL the worker mid-job; a new worker reruns the job; one claim, one credit of 10."""
    job = enqueue(
        support_jobs.credit_once, str(tmp_path), "delivery-1", 10, pause_at, SLEEP, title="credit", backoff=(0,)
    )
    first = workers.start("--abandon-after", "4")
    wait_for(lambda: (tmp_path / "paused").exists(), 30, f"the first attempt to pause {pause_at.replace('_', ' ')}")
    os.killpg(first.pid, signal.SIGKILL)  # the worker and its scheduler share a process group
    first.wait(10)
    assert job.get_status(refresh=True) == JobStatus.STARTED
    # Killed before the commit, nothing of the job is left; after it, the credit is there already.
    assert _ledger() == ((0, []) if pause_at == "before_commit" else (10, ["delivery-1"]))

    second = workers.start("--abandon-after", "4")
    wait_for(lambda: job.get_status(refresh=True) == JobStatus.FINISHED, 40, "the new worker to rerun the job")
    assert support_jobs.attempts(tmp_path) == [first.pid, second.pid]
    assert _ledger() == (10, ["delivery-1"])
    # The rerun made the claim only when the first attempt's transaction had died with its worker.
    assert job.latest_result().return_value is (pause_at == "before_commit")
