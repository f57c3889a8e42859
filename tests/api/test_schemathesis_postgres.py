"""Issue 11: the same schemathesis fuzzing as tests/api/test_schemathesis.py, on PostgreSQL.

SQLite and PostgreSQL differ where fuzzing digs: integer ranges (a bigint overflow is an error on
PostgreSQL, not on SQLite), NUL bytes in text (PostgreSQL refuses them), collations and case-folding,
and timestamp precision. A file of its own, so `make test` (`--dist loadfile`) runs it beside the SQLite
run on another worker instead of after it.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, Phase, settings

from metaic.core import ratelimit
from tests.api.test_contacts_api import bearer
from tests.api.test_schemathesis import CHECKS, _use_real_ids, schema
from tests.conftest import _use_database


@pytest.fixture
def postgres_db(postgres_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """This run's PostgreSQL database with empty tables."""
    _use_database(monkeypatch, postgres_url)
    return postgres_url


@pytest.fixture
def turns() -> Iterator[int]:
    """Counts one operation's examples (they come in a fixed order), so seeded ids alternate deterministically."""
    return itertools.count()


@schema.parametrize()
@settings(
    max_examples=20,
    derandomize=True,
    database=None,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_api_keeps_its_contract_on_postgresql(case, turns, postgres_db, outbox):
    """Every /api/v1 operation, positive and negative cases, as a fresh signed-in account: no 5xx, on the schema."""
    ratelimit.reset_all()
    headers = bearer(f"fuzz-{uuid.uuid4().hex}@example.com")
    _use_real_ids(case, headers, turns)
    case.call_and_validate(headers=headers, checks=CHECKS)
