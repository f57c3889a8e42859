"""The migration seeds the templates the code renders; the domain packages stay free of web frameworks."""

from __future__ import annotations

import ast
from pathlib import Path

import sqlalchemy as sa

from metaic import migrations
from metaic.cards import themes

ROOT = Path(__file__).resolve().parents[2] / "metaic"
FORBIDDEN = ("reflex", "fastapi", "starlette", "rq")


def test_migration_seeds_the_templates(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    migrations.upgrade(url)
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text("SELECT key, label, default_color, default_font FROM card_templates ORDER BY position")
        ).all()
    engine.dispose()
    assert [tuple(r) for r in rows] == [
        (t["key"], t["label"], t["default_color"], t["default_font"]) for t in themes.TEMPLATES
    ]
    assert len(rows) >= 4


def test_domain_packages_do_not_import_web_frameworks():
    for package in ("cards", "analytics"):
        for path in (ROOT / package).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                names = (
                    [a.name for a in node.names]
                    if isinstance(node, ast.Import)
                    else ([node.module or ""] if isinstance(node, ast.ImportFrom) else [])
                )
                for name in names:
                    assert name.split(".")[0] not in FORBIDDEN, f"{path.name} imports {name}"
