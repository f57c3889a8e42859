"""Search analytics for admins: top queries, queries without results, click-through per position."""

from __future__ import annotations

from datetime import timedelta

import pytest

from metaic.contacts import service as contact_service
from metaic.core import clock
from metaic.core.errors import ValidationError
from metaic.db import session_scope
from metaic.search import service


def search(owner, query):
    """Run a global search and return its query id."""
    with session_scope() as s:
        return service.search_everything(session=s, owner=owner, query=query).query_id


def test_report_counts_queries_empty_results_and_clicks(users, wait):
    """Two searches for one thing, one for nothing, a click at position 1: the report adds them up."""
    a, b = users
    with session_scope() as s:
        contact_service.create(session=s, owner=a, data={"full_name": "Report Person"})
    wait()
    first = search(a, "Report")
    search(b, "report ")
    search(a, "nothing here")
    service.record_click(query_id=first, position=1, kind="contact")
    service.record_click(query_id="0" * 32, position=1, kind="contact")  # an unknown search is ignored
    with pytest.raises(ValidationError):
        service.record_click(query_id=first, position=1, kind="secret")
    now = clock.now()
    with session_scope() as s:
        report = service.query_report(session=s, since=now - timedelta(days=1), until=now + timedelta(hours=1))
    assert report["top"][0] == {"query": "report", "count": 2, "avg_results": 0.5}
    assert report["no_results"] == [{"query": "nothing here", "count": 1}, {"query": "report", "count": 1}]
    first_position = report["ctr_by_position"][0]
    assert first_position == {"position": 1, "impressions": 1, "clicks": 1, "ctr": 1.0}
    with session_scope() as s:
        later = service.query_report(session=s, since=now + timedelta(days=1), until=now + timedelta(days=2))
    assert later["top"] == [] and later["ctr_by_position"][0]["impressions"] == 0
