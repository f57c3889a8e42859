"""Imports every table module so SQLModel.metadata is complete (Alembic, tests)."""

from sqlmodel import SQLModel

from metaic.auth import models as auth_models  # noqa: F401

metadata = SQLModel.metadata
