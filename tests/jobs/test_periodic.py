"""The periodic upkeep loop: schedule, isolation of failures, and the real tasks against the database."""

from __future__ import annotations

from metaic import upkeep
from metaic.jobs import periodic


def test_run_due_respects_intervals_and_survives_a_failing_task():
    calls = []

    def boom():
        raise RuntimeError("provider down")

    tasks = [
        periodic.Periodic("a", lambda: calls.append("a"), every=60),
        periodic.Periodic("boom", boom, every=60),
        periodic.Periodic("b", lambda: calls.append("b"), every=10),
    ]
    assert periodic.run_due(tasks, now=100) == ["a", "b"]
    assert periodic.run_due(tasks, now=105) == []
    assert periodic.run_due(tasks, now=111) == ["b"]
    assert periodic.run_due(tasks, now=161) == ["a", "b"]
    assert calls == ["a", "b", "b", "a", "b"]


def test_the_real_tasks_run_on_an_empty_database(sqlite_db):
    tasks = upkeep.tasks()
    assert periodic.run_due(tasks, now=0) == [t.name for t in tasks]
