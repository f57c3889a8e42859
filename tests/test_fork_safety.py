"""A forked process (Granian's workers, RQ's work horses) never shares the parent's pooled connections."""

from __future__ import annotations

import os

import sqlalchemy as sa

from metaic.db import get_engine


def _queries(count: int) -> None:
    """Run small queries, each checking its own answer (crossed wires on a shared socket would mix them up)."""
    engine = get_engine()
    for n in range(count):
        with engine.connect() as conn:
            assert conn.execute(sa.text(f"SELECT {n} + {os.getpid() % 1000}")).scalar() == n + os.getpid() % 1000


def test_parent_and_forked_child_both_keep_working(postgres_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", postgres_url)
    from metaic.config import get_settings

    get_settings.cache_clear()
    _queries(3)  # the parent now holds a pooled connection, as metaic.py does after migrating
    pid = os.fork()
    if pid == 0:  # the child: exit code tells the parent how it went
        code = 0
        try:
            _queries(200)
        except BaseException:
            code = 1
        os._exit(code)
    _queries(200)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    _queries(3)  # and the parent's own connections were not closed under it
