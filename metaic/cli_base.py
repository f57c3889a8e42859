"""What every `python -m metaic` command shares: exit codes, user-facing errors, settings, migrating.

Settings and Alembic are imported inside the functions: they take over a second to load, and
`--help` or a usage error should not wait for them.
"""

from __future__ import annotations

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


def upgrade_database() -> None:
    """Bring the configured database to the newest schema (a no-op when it is current)."""
    from metaic import migrations

    migrations.upgrade()
