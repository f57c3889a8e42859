"""Plain-text views of the queues for `python -m metaic jobs ...` (the numbers come from monitor.py)."""

from __future__ import annotations

from datetime import datetime

from metaic.jobs import monitor
from metaic.jobs.monitor import JobInfo

COLUMNS = ("queued", "started", "failed", "scheduled", "finished")
NEWEST_FAILURES = 5


def when(value: datetime | None) -> str:
    """A timestamp as `2025-01-31 14:05:09 UTC`, or `-`."""
    return value.strftime("%Y-%m-%d %H:%M:%S UTC") if value else "-"


def job_line(job: JobInfo) -> str:
    """One job as a line: id, queue, title and the ids it works on."""
    ids = f"  [{', '.join(job['ids'])}]" if job["ids"] else ""
    return f"{job['id']}  {job['queue']:<7}  {job['title']}{ids}"


def status_text(where: str) -> str:
    """Each queue's counts, the running jobs and the newest failures, with a hint when no worker runs."""
    workers, rows = monitor.worker_count(), monitor.queue_stats()
    lines = [f"{where}: {workers} worker(s) registered", f"{'queue':<8}" + "".join(f"{c:>11}" for c in COLUMNS)]
    lines += [f"{row['queue']:<8}" + "".join(f"{row[c]:>11}" for c in COLUMNS) for row in rows]
    lines.append("(finished: in the last hour)")
    running = monitor.running_jobs()
    lines.append(f"\nRunning ({len(running)}):")
    lines += [f"  {job_line(job)}  since {when(job['started_at'])}" for job in running]
    failed, total_failed = monitor.failed_jobs(NEWEST_FAILURES), sum(row["failed"] for row in rows)
    lines.append(f"\nFailed ({total_failed}){'; newest first' if failed else ''}:")
    lines += [f"  {job_line(job)}\n      {when(job['failed_at'])}  {job['exc_summary']}" for job in failed]
    if total_failed > len(failed):
        lines.append("  ... all of them: python -m metaic jobs failed")
    if not workers and any(row["queued"] or row["scheduled"] for row in rows):
        lines.append("\nNo worker is running, so queued jobs wait: start one with `python -m metaic worker`.")
    return "\n".join(lines)


def failed_text(limit: int) -> str:
    """Failed jobs, newest first, two lines each."""
    failed = monitor.failed_jobs(limit)
    if not failed:
        return "No failed jobs."
    return "\n".join(f"{job_line(job)}\n    failed {when(job['failed_at'])}: {job['exc_summary']}" for job in failed)
