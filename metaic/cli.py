"""The command line, `python -m metaic <command>`: parse arguments, call one domain function, report.

Exit codes: 0 success, 1 a problem the user can fix (printed without a traceback), 2 wrong usage.
Heavy modules are imported inside the commands so `--help` stays fast.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Sequence

from metaic.cli_api import add_api_commands
from metaic.cli_base import EXIT_ERROR, EXIT_INTERRUPTED, EXIT_OK, CliError, load_settings, upgrade_database
from metaic.cli_contacts import add_contacts_commands
from metaic.cli_jobs import add_jobs_commands
from metaic.cli_keys import add_keys_commands
from metaic.cli_search import add_search_commands


def cmd_migrate(args: argparse.Namespace) -> int:
    """Apply the database migrations and show where the database stands."""
    from metaic.admin import checks

    settings = load_settings()
    upgrade_database()
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
    upgrade_database()
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
    upgrade_database()
    from metaic.admin import seed
    from metaic.db import session_scope

    with session_scope() as session:
        result = seed.seed_demo(session=session)
        email = result.user.email
    print(f"{email} / {result.password}")
    what = "Created the demo account" if result.created else "Reset the demo account's password"
    print(f"{what}; the password above is shown only once.", file=sys.stderr)
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

    add_jobs_commands(commands, add)

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

    add_contacts_commands(commands)
    add_api_commands(commands)
    add_search_commands(commands)
    add_keys_commands(commands)

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
