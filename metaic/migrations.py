"""Run Alembic migrations programmatically (CLI, app start, tests)."""

from __future__ import annotations

from pathlib import Path

from alembic.config import Config

from alembic import command

ROOT = Path(__file__).resolve().parent.parent


def alembic_config(database_url: str | None = None) -> Config:
    """An Alembic config pointing at our scripts, optionally at a given database."""
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "alembic"))
    config.attributes["configure_logger"] = False
    if database_url:
        config.attributes["database_url"] = database_url
    return config


def upgrade(database_url: str | None = None, revision: str = "heads") -> None:
    """Migrate a database to `revision` (every head by default, so parallel domain branches all apply)."""
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str | None = None, revision: str = "base") -> None:
    """Migrate a database down to `revision`."""
    command.downgrade(alembic_config(database_url), revision)
