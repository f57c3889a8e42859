"""The files domain stays free of web frameworks and queues, and its migration matches its models."""

from __future__ import annotations

import ast
from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import metaic.files
from metaic.db import get_engine
from metaic.schema import metadata

FORBIDDEN = ("reflex", "fastapi", "starlette", "rq")


def _imports(path: Path) -> set[str]:
    """Top-level package names a module imports."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


def test_files_domain_imports_no_web_framework_or_queue():
    """metaic/files and the storage adapter never import reflex, fastapi, starlette or rq."""
    package = Path(metaic.files.__file__).parent
    modules = [*package.glob("*.py"), package.parent / "adapters" / "storage.py"]
    assert len(modules) >= 5
    for module in modules:
        assert not _imports(module) & set(FORBIDDEN), module


def test_migration_matches_the_files_model(db):
    """After `upgrade heads` the files table is exactly what the model says (on both databases)."""
    with get_engine().connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = [d for d in compare_metadata(context, metadata) if "files" in repr(d)]
        columns = {c["name"]: c for c in sa.inspect(conn).get_columns("files")}
        foreign_keys = sa.inspect(conn).get_foreign_keys("files")
    assert diff == []
    assert set(columns) == {c.name for c in metadata.tables["files"].columns}
    assert foreign_keys[0]["referred_table"] == "users"
    assert foreign_keys[0]["options"].get("ondelete") == "CASCADE"
