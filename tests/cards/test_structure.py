"""The migration seeds the templates the code renders (the framework rule lives in tests/test_architecture.py)."""

from __future__ import annotations

import sqlalchemy as sa

from metaic import migrations
from metaic.cards import themes


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
