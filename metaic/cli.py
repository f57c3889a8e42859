"""The command line, `python -m metaic <command>`: parse arguments, call one domain function, report.

Exit codes: 0 success, 1 a problem the user can fix (printed without a traceback), 2 wrong usage.
Heavy modules are imported inside the commands so `--help` stays fast.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import sys
from collections.abc import Sequence

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


class CliError(Exception):
    """A problem the user can fix; `message` is printed to stderr without a traceback."""

    exit_code = EXIT_ERROR

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class UsageError(CliError):
    """The arguments are wrong (exit code 2, like argparse's own errors)."""

    exit_code = EXIT_USAGE


def load_settings():
    """Load the settings, turning an invalid configuration into a readable error."""
    from pydantic import ValidationError

    from metaic.config import get_settings

    try:
        return get_settings()
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            where = ".".join(str(part) for part in error["loc"])
            message = error["msg"].removeprefix("Value error, ")
            problems.append(f"{where}: {message}" if where else message)
        raise CliError("Configuration error: " + "; ".join(problems)) from exc


def _upgrade() -> None:
    """Bring the configured database to the newest schema (a no-op when it is current)."""
    from metaic import migrations

    migrations.upgrade()


def cmd_migrate(args: argparse.Namespace) -> int:
    """Apply the database migrations and show where the database stands."""
    from metaic.admin import checks

    settings = load_settings()
    _upgrade()
    status = checks.schema_status(settings.database_url)
    print(f"Database: {checks.redact_url(settings.database_url)}")
    print(f"Revision: {status.describe()}")
    return EXIT_OK


def _read_password(email: str) -> str:
    """The new account's password: prompted twice on a terminal, else one line of stdin."""
    from metaic.core.security import password_problem

    if sys.stdin is None or not sys.stdin.isatty():
        line = sys.stdin.readline() if sys.stdin is not None else ""
        password = line.removesuffix("\n").removesuffix("\r")
        if not password:
            raise CliError(
                "No password given: use --password, type it at the prompt, or send it as one line on standard input."
            )
        return password
    try:
        first = getpass.getpass(f"Password for {email}: ")
        if not first:
            raise CliError("No password given.")
        problem = password_problem(first, email=email.strip().lower())
        if problem:
            raise CliError(problem)
        second = getpass.getpass("Repeat the password: ")
    except EOFError as exc:
        raise CliError("No password given.") from exc
    if first != second:
        raise CliError("The passwords do not match.")
    return first


def cmd_create_user(args: argparse.Namespace) -> int:
    """Create a verified account (an admin with --admin) and print its id."""
    load_settings()
    password = args.password if args.password is not None else _read_password(args.email)
    _upgrade()
    from metaic.auth import service as user_service
    from metaic.auth.models import ROLE_ADMIN, ROLE_USER
    from metaic.db import session_scope

    with session_scope() as session:
        user = user_service.create(
            session=session,
            email=args.email,
            password=password,
            name=args.name,
            role=ROLE_ADMIN if args.admin else ROLE_USER,
            verified=True,
        )
        user_id, email, role = user.id, user.email, user.role
    print(user_id)
    print(f"Created {role} account {email} (email verified).", file=sys.stderr)
    return EXIT_OK


def cmd_seed_demo(args: argparse.Namespace) -> int:
    """Create or reset the demo account and print its credentials."""
    settings = load_settings()
    if settings.is_production and not args.force:
        raise CliError(
            "Refusing to add a demo account in production (METAIC_ENV=production); pass --force if you really want one."
        )
    _upgrade()
    from metaic.admin import seed
    from metaic.db import session_scope

    with session_scope() as session:
        result = seed.seed_demo(session=session)
        email = result.user.email
    print(f"{email} / {result.password}")
    what = "Created the demo account" if result.created else "Reset the demo account's password"
    print(f"{what}; the password above is shown only once.", file=sys.stderr)
    return EXIT_OK


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
    from metaic.jobs.worker import MIN_ABANDON_AFTER

    queues = _queue_names(args.queues)
    if args.abandon_after < MIN_ABANDON_AFTER:
        raise UsageError(f"--abandon-after must be at least {MIN_ABANDON_AFTER} seconds.")
    _require_redis(
        load_settings(),
        "REDIS_URL is not set: the worker needs Redis. Without Redis, background jobs "
        "run inside the app process and no worker is needed.",
    )
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from metaic.jobs.worker import run_worker

    run_worker(queues, burst=args.burst, abandon_after=args.abandon_after)
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


def cmd_notify(args: argparse.Namespace) -> int:
    """Send a notification to one account through the channels it chose for that kind, and report each one."""
    settings = load_settings()
    from metaic.auth import service as user_service
    from metaic.db import session_scope
    from metaic.jobs.local import drain_local
    from metaic.notifications import flows as notification_flows
    from metaic.notifications import service as notification_service
    from metaic.notifications.models import Notification

    with session_scope() as session:
        user = user_service.get_by_email(session=session, email=args.user)
        if user is None:
            raise CliError(f"No account with the email {args.user.strip()}.")
        note = notification_flows.notify(session=session, user=user, kind=args.kind, data={"text": args.text})
        note_id, email = note.id, user.email
    if not settings.redis_url:
        drain_local()  # the deliveries run on this process's own thread: let them finish before it exits
    with session_scope() as session:
        note = session.get(Notification, note_id)
        channels = [
            f"{d.channel}: {d.status}" for d in notification_service.deliveries(session=session, notification=note)
        ]
    print(note_id)
    where = "; ".join(["in-app: shown", *channels])
    queued = " (a worker delivers the queued ones)" if settings.redis_url else ""
    print(f"Notified {email} ({args.kind}): {where}{queued}.", file=sys.stderr)
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    """Print the settings and connectivity report; exit 1 when something configured is unreachable."""
    from metaic.admin import checks

    lines = checks.run_checks(settings=load_settings())
    print(checks.format_report(lines))
    return EXIT_ERROR if checks.failures(lines) else EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with one subcommand per task."""
    parser = argparse.ArgumentParser(
        prog="python -m metaic",
        description="MetaIC administration: database, accounts, demo data, background jobs, notifications, "
        "contacts, checks.",
        epilog="Settings come from environment variables and .env (DATABASE_URL, REDIS_URL, METAIC_DATA_DIR, ...).",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def add(name: str, handler, summary: str, description: str) -> argparse.ArgumentParser:
        """Register one subcommand."""
        sub = commands.add_parser(name, help=summary, description=description)
        sub.set_defaults(handler=handler)
        return sub

    add(
        "migrate",
        cmd_migrate,
        "apply database migrations",
        "Migrate the configured database to the newest schema, then print the database (password hidden) "
        "and its revision.",
    )

    create = add(
        "create-user",
        cmd_create_user,
        "create a verified account",
        "Create an account whose email counts as verified and print its id. Without --password the "
        "password is asked twice at the terminal, or read as one line from standard input when that "
        "is not a terminal. Migrates the database first.",
    )
    create.add_argument("email", metavar="EMAIL", help="the account's email address")
    create.add_argument(
        "--password",
        metavar="P",
        help="the password (visible in the process list and shell history; prefer the prompt or standard input)",
    )
    create.add_argument("--name", metavar="N", default="", help="display name (default: empty)")
    create.add_argument(
        "--admin", action="store_true", help="give the account the admin role (use it for the first administrator)"
    )

    demo = add(
        "seed-demo",
        cmd_seed_demo,
        "create or reset the demo account",
        "Make sure the verified demo account demo@example.com exists, give it a new random password "
        "and print `demo@example.com / <password>`. Safe to run again. Migrates the database first.",
    )
    demo.add_argument("--force", action="store_true", help="allow it in production (METAIC_ENV=production)")

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

    notify = add(
        "notify",
        cmd_notify,
        "send a notification to one account",
        "Create a notification for an account and deliver it on every channel that account chose for "
        "the kind (in-app always). Prints the notification id; without Redis it waits for the deliveries "
        "and reports how each went.",
    )
    notify.add_argument("--user", metavar="EMAIL", required=True, help="the account's email address")
    notify.add_argument(
        "--kind",
        metavar="KIND",
        required=True,
        help="the notification kind (see metaic/notifications/kinds.py), e.g. security",
    )
    notify.add_argument("text", metavar="TEXT", help="the message text (passed to the kind's wording as `text`)")

    from metaic.cli_contacts import add_contacts_commands

    add_contacts_commands(commands)

    add(
        "check",
        cmd_check,
        "report settings and reachable services",
        "Print the environment, data folder, database (reachable? migrated?), Redis (reachable?), email, SMS, "
        "storage and LLM backends, social sign-in and public address. Secrets are never printed. "
        "Exits 1 when something configured is unreachable.",
    )
    return parser


def _known_failure(exc: Exception) -> str | None:
    """A one-line message for expected infrastructure errors (database, migrations, Redis), else None."""
    import redis
    from alembic.util import CommandError
    from sqlalchemy.exc import InterfaceError, OperationalError

    from metaic.core.errors import DomainError

    if isinstance(exc, CliError | DomainError):
        return exc.message
    if isinstance(exc, OperationalError | InterfaceError):
        lines = str(exc.orig or exc).strip().splitlines()
        return f"Database error: {lines[0] if lines else type(exc).__name__}"
    if isinstance(exc, CommandError):
        return f"Migration error: {exc}"
    if isinstance(exc, redis.exceptions.ConnectionError | redis.exceptions.TimeoutError):
        return f"Redis error: {exc}"
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return its exit code."""
    args = build_parser().parse_args(argv)
    from metaic.wiring import wire

    wire()  # domain events reach their subscribers, here and in the workers this process forks
    try:
        return args.handler(args)
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:
        message = _known_failure(exc)
        if message is None:
            raise
        print(f"error: {message}", file=sys.stderr)
        return exc.exit_code if isinstance(exc, CliError) else EXIT_ERROR
