"""`python -m metaic worker` and `python -m metaic jobs ...`: run and inspect the background job queues.

Heavy modules (RQ, the worker) are imported inside the commands so `--help` stays fast.
"""

from __future__ import annotations

import argparse

from metaic.cli_base import EXIT_OK, CliError, UsageError, load_settings
from metaic.core import error_reports, tracing
from metaic.core.logs import configure_from_settings


def _queue_names(raw: str | None) -> list[str] | None:
    """Parse `--queues high,default` into a list in priority order (None means all)."""
    from metaic.jobs.queue import QUEUES

    if raw is None:
        return None
    names = list(dict.fromkeys(name.strip() for name in raw.split(",") if name.strip()))
    unknown = [name for name in names if name not in QUEUES]
    if unknown or not names:
        raise UsageError(f"Unknown queue(s) {', '.join(unknown) or repr(raw)}; choose from {', '.join(QUEUES)}.")
    return names


def _require_redis(settings, why: str) -> str:
    """The Redis URL, after checking it is set (else `why` explains) and answers PING."""
    from metaic.admin import checks

    if not settings.redis_url:
        raise CliError(why)
    import redis

    try:
        checks.ping_redis(settings.redis_url)
    except (redis.exceptions.RedisError, OSError, ValueError) as exc:
        raise CliError(f"Redis at {checks.redact_url(settings.redis_url)} is not reachable: {exc}") from exc
    return settings.redis_url


def cmd_worker(args: argparse.Namespace) -> int:
    """Run an RQ worker until stopped (or until the queues are empty with --burst)."""
    from metaic.jobs.worker import DEFAULT_MAX_MEMORY_MB, MIN_ABANDON_AFTER

    queues = _queue_names(args.queues)
    if args.abandon_after < MIN_ABANDON_AFTER:
        raise UsageError(f"--abandon-after must be at least {MIN_ABANDON_AFTER} seconds.")
    max_memory = DEFAULT_MAX_MEMORY_MB if args.max_memory is None else args.max_memory
    if args.max_jobs < 0 or max_memory < 0:
        raise UsageError("--max-jobs and --max-memory take 0 (no limit) or more.")
    if args.fork and (args.max_jobs or args.max_memory is not None):
        raise UsageError("--max-jobs and --max-memory apply to the in-process worker, not to --fork.")
    _require_redis(
        load_settings(),
        "REDIS_URL is not set: the worker needs Redis. Without Redis, background jobs "
        "run inside the app process and no worker is needed.",
    )
    configure_from_settings(load_settings())
    error_reports.setup(load_settings())
    tracing.setup(load_settings())
    from metaic.jobs.worker import run_worker

    run_worker(
        queues,
        burst=args.burst,
        abandon_after=args.abandon_after,
        fork=args.fork,
        max_jobs=args.max_jobs or None,
        max_memory_mb=max_memory or None,
    )
    return EXIT_OK


NO_REDIS_JOBS = (
    "REDIS_URL is not set: background jobs run on a thread inside each app process, and only that "
    "process sees them (admin dashboard)."
)


def cmd_jobs_status(args: argparse.Namespace) -> int:
    """Print each queue's counts, the running jobs and the newest failures."""
    from metaic.admin.checks import redact_url

    settings = load_settings()
    if not settings.redis_url:
        print(NO_REDIS_JOBS)
        return EXIT_OK
    _require_redis(settings, NO_REDIS_JOBS)
    from metaic.jobs import report

    print(report.status_text(f"Redis {redact_url(settings.redis_url)}"))
    return EXIT_OK


def cmd_jobs_failed(args: argparse.Namespace) -> int:
    """List failed jobs, newest first."""
    _require_redis(load_settings(), NO_REDIS_JOBS)
    from metaic.jobs import report

    print(report.failed_text(args.limit))
    return EXIT_OK


def cmd_jobs_retry(args: argparse.Namespace) -> int:
    """Put one failed job back on its queue."""
    _require_redis(load_settings(), NO_REDIS_JOBS)
    from metaic.jobs import monitor

    job = monitor.retry(args.job_id)
    print(f"Requeued {job['id']} on {job['queue']}: {job['title']} (one more attempt).")
    return EXIT_OK


def add_jobs_commands(commands, add) -> None:
    """Register `worker` and the `jobs` group on the main parser's subcommands (`add` registers one command)."""
    worker = add(
        "worker",
        cmd_worker,
        "run a background job worker (needs REDIS_URL)",
        "Run an RQ worker with its scheduler on the given queues, in priority order. Needs Redis "
        "(REDIS_URL); without Redis, jobs run inside the app process.",
    )
    worker.add_argument("--burst", action="store_true", help="quit once the queues are empty")
    worker.add_argument(
        "--queues",
        metavar="Q1,Q2",
        default=None,
        help="comma-separated queues to listen on, highest priority first (default: high,default,low)",
    )
    worker.add_argument(
        "--abandon-after",
        metavar="SECONDS",
        type=int,
        default=90,
        help="a job whose worker stopped sending heartbeats this long ago (it crashed or its "
        "machine died) is retried by another worker (default: 90)",
    )
    worker.add_argument(
        "--fork",
        action="store_true",
        help="run each job in a forked child (RQ's classic worker): full isolation, ~25 ms more per job",
    )
    worker.add_argument(
        "--max-jobs",
        metavar="N",
        type=int,
        default=0,
        help="start afresh (same pid) after N jobs (default: 0, no limit)",
    )
    worker.add_argument(
        "--max-memory",
        metavar="MIB",
        type=int,
        default=None,
        help="start afresh (same pid) between two jobs once resident memory passes MIB (default: 1024; 0: no limit)",
    )

    jobs = commands.add_parser(
        "jobs",
        help="inspect background jobs (needs REDIS_URL)",
        description="Look at the RQ queues: counts, running and failed jobs, and retry a failed one. "
        "Operator tools: whoever runs them already holds the server's configuration, so there is no "
        "account check (the admin dashboard uses the same functions behind an admin check).",
    )
    jobs_commands = jobs.add_subparsers(dest="jobs_command", metavar="JOBS_COMMAND", required=True)
    jobs_commands.add_parser(
        "status",
        help="queue lengths, running and failed jobs",
        description="Print queued, started, failed, scheduled and recently finished counts per queue, the "
        "running jobs and the newest failures.",
    ).set_defaults(handler=cmd_jobs_status)
    failed = jobs_commands.add_parser(
        "failed", help="list failed jobs, newest first", description="List failed jobs with their title, ids and error."
    )
    failed.add_argument("--limit", metavar="N", type=int, default=50, help="at most N jobs (default: 50)")
    failed.set_defaults(handler=cmd_jobs_failed)
    retry = jobs_commands.add_parser(
        "retry", help="put a failed job back on its queue", description="Requeue one failed job for one more attempt."
    )
    retry.add_argument("job_id", metavar="JOB_ID", help="the id shown by `jobs failed`")
    retry.set_defaults(handler=cmd_jobs_retry)
