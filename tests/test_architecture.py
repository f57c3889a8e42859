"""The layering rules of DESIGN.md, checked on the source: domains stay framework-free, edges stay SQL-free."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "metaic"
EDGES = ("ui", "api", "web")
NOT_DOMAINS = {"core", "adapters", "jobs", "templates", "__pycache__", *EDGES}
FRAMEWORKS = {"reflex", "fastapi", "starlette", "rq"}
SQL_NAMES = {"select", "text", "insert", "update", "delete"}


def _imports(path: Path) -> set[str]:
    """Top-level module names imported by a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def _domain_files() -> list[Path]:
    """Python files of the domain packages (their jobs.py may use RQ-free job code only)."""
    return [p for d in PACKAGE.iterdir() if d.is_dir() and d.name not in NOT_DOMAINS for p in d.rglob("*.py")]


def test_there_are_domain_packages_to_check():
    assert {p.parent.name for p in _domain_files()} >= {"auth"}


def test_domain_packages_import_no_framework():
    offenders = {str(p.relative_to(PACKAGE)): sorted(_imports(p) & FRAMEWORKS) for p in _domain_files()}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_edges_hold_no_sql():
    """UI state, API routes and web pages call services; they never build queries themselves."""
    offenders = []
    for edge in EDGES:
        for path in (PACKAGE / edge).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and node.module in {"sqlmodel", "sqlalchemy"}:
                    used = {a.name for a in node.names} & SQL_NAMES
                    if used:
                        offenders.append(f"{path.relative_to(PACKAGE)} imports {sorted(used)}")
    assert offenders == []
