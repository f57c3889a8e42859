"""The queues, when a failed job is tried again, and how long RQ keeps what happened.

The rule: an error that may go away (a timeout, a provider outage, a lost
connection, a worker that died mid-job) is retried with backoff; a
`DomainError` is the application saying "no" (not found, not allowed,
invalid) and would say it again, so the job fails at once and waits in the
failed list for an admin. Anything that is not an `Exception` (SystemExit,
KeyboardInterrupt) is not retried either.

With Redis the rule is applied by `on_failure`, an RQ failure callback: RQ
calls it with the very job object it is about to retry or fail, before it
decides (also for a job abandoned by a dead worker), so zeroing
`retries_left` there turns a retry into a failure. A wrapper function
around every job could do the same through `rq.get_current_job()`, but the
job record (and every RQ tool showing it) would then name the wrapper
instead of the real function, and abandoned jobs never reach a wrapper.
tests/jobs/test_retry.py fails if a new RQ version changes this order.
The in-process worker applies the same rule itself (metaic/jobs/local.py).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from metaic.core.errors import DomainError

log = logging.getLogger(__name__)

# Queues in priority order: a worker always takes a `high` job before a `default` one, and so on.
QUEUES: tuple[str, ...] = ("high", "default", "low")
# Seconds before the 1st, 2nd and 3rd retry (a 4th would wait as long as the 3rd).
BACKOFF: tuple[int, ...] = (5, 30, 120)
DEFAULT_RETRIES = 3
# Finished jobs (and their results) stay visible for an hour: `finished` in the stats means "in the last hour".
RESULT_TTL = 3600
# Failed jobs stay in the failed list for 30 days, long enough for an admin to look, retry or delete them.
FAILURE_TTL = 30 * 24 * 3600
EXC_SUMMARY_CHARS = 300


def is_transient(exc_type: type[BaseException]) -> bool:
    """True when an error of this type might not happen on a later try (so retrying makes sense)."""
    return issubclass(exc_type, Exception) and not issubclass(exc_type, DomainError)


def retry_intervals(retries: int, backoff: Sequence[int]) -> list[int]:
    """One wait per retry: the n-th retry waits `backoff[n]`, and the last value repeats."""
    if retries < 0:
        raise ValueError("retries must be 0 or more")
    if not retries:
        return []
    if not backoff or any(seconds < 0 for seconds in backoff):
        raise ValueError("backoff must be one or more waits of 0 seconds or more")
    return [int(backoff[min(n, len(backoff) - 1)]) for n in range(retries)]


def retry_delay(intervals: Sequence[int], retries_left: int) -> int:
    """Seconds to wait before the next retry, chosen exactly as RQ's `Job.get_retry_interval` does."""
    if not intervals:
        return 0
    return intervals[max(len(intervals) - retries_left, 0)]


def on_failure(job, connection, exc_type, exc_value, traceback) -> None:
    """RQ failure callback: a non-transient error uses up the job's retries, so RQ fails it now."""
    if exc_type is not None and not is_transient(exc_type) and job.retries_left:
        log.info("job %s (%s) refused with %s: not retried", job.id, job.description, exc_type.__name__)
        job.retries_left = 0


def summarize(exc_string: str | None) -> str:
    """The last line of a traceback (`ValueError: boom`), shortened for a list view."""
    lines = [line.strip() for line in (exc_string or "").strip().splitlines() if line.strip()]
    summary = lines[-1] if lines else ""
    return summary if len(summary) <= EXC_SUMMARY_CHARS else summary[: EXC_SUMMARY_CHARS - 1] + "…"
