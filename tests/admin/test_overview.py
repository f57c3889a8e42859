"""The admin overview's figures and health lines: what is red says what to do; admins only."""

from __future__ import annotations

import pytest

from metaic.admin import overview
from metaic.auth.models import ROLE_ADMIN, User
from metaic.config import get_settings
from metaic.core import kv
from metaic.core.errors import PermissionDenied
from metaic.db import session_scope
from tests.adapters import fake_clamd
from tests.admin.helpers import make, publish_card


def _health(admin_id) -> dict[str, overview.Health]:
    """The health lines by name."""
    with session_scope() as s:
        return {h.name: h for h in overview.health(session=s, actor=s.get(User, admin_id))}


def test_figures_count_accounts_and_only_admins_read_them(db):
    admin, ada = make("root@example.com", ROLE_ADMIN), make("ada@example.com")
    publish_card(ada)
    with session_scope() as s:
        found = overview.figures(session=s, actor=s.get(User, admin.id))
        assert (found["accounts"], found["suspended"], found["admins"]) == (2, 0, 1)
        for call in (overview.figures, overview.health):
            with pytest.raises(PermissionDenied):
                call(session=s, actor=s.get(User, ada.id))


def test_in_process_setup_is_healthy(db):
    lines = _health(make("root@example.com", ROLE_ADMIN).id)
    assert lines["Database"].status == lines["Migrations"].status == lines["Redis"].status == overview.OK
    assert lines["Workers and queues"].status == overview.OK


def test_redis_without_workers_is_red_with_what_to_do(db, redis_url):
    lines = _health(make("root@example.com", ROLE_ADMIN).id)
    assert lines["Redis"].status == overview.OK
    assert lines["Workers"].status == overview.FAIL and "python -m metaic worker" in lines["Workers"].fix


def test_unreachable_redis_is_red(db, monkeypatch):
    admin = make("root@example.com", ROLE_ADMIN)
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/0")
    get_settings.cache_clear()
    kv.reset()
    try:
        lines = _health(admin.id)
    finally:
        kv.reset()
    assert lines["Redis"].status == overview.FAIL and "REDIS_URL" in lines["Redis"].fix
    assert lines["Redis"].value.startswith("unreachable")


def test_the_virus_scanner_line_says_whether_clamd_answers(db, monkeypatch):
    admin = make("root@example.com", ROLE_ADMIN)
    assert _health(admin.id)["Virus scanner"].value.startswith("Off")
    monkeypatch.setenv("VIRUS_SCANNER", "clamd")
    with fake_clamd.running() as server:
        monkeypatch.setenv("CLAMD_PORT", str(server.port))
        get_settings.cache_clear()
        line = _health(admin.id)["Virus scanner"]
        assert line.status == overview.OK and "answers · 0 uploads held" in line.value
    get_settings.cache_clear()  # the fake daemon is gone: nothing answers at that port now
    line = _health(admin.id)["Virus scanner"]
    assert line.status == overview.FAIL and "does not answer" in line.value and "VIRUS_SCANNER=none" in line.fix
    get_settings.cache_clear()
