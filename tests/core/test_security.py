"""Password hashing: argon2id at OWASP's cost by default; a hash made at any cost verifies at any other."""

from __future__ import annotations

import pytest

from metaic.config import get_settings
from metaic.core.security import hash_password, verify_password


def test_default_cost_is_argon2id_t3_m64mib(monkeypatch: pytest.MonkeyPatch):
    cheap = hash_password("Correct-Horse-42")
    assert cheap.startswith("$argon2id$") and "m=1024,t=1" in cheap  # what tests/conftest.py asks for
    monkeypatch.delenv("ARGON2_TIME_COST")
    monkeypatch.delenv("ARGON2_MEMORY_KIB")
    get_settings.cache_clear()
    real = hash_password("Correct-Horse-42")
    assert real.startswith("$argon2id$v=19$m=65536,t=3,")
    assert verify_password("Correct-Horse-42", real) and verify_password("Correct-Horse-42", cheap)
    assert not verify_password("Correct-Horse-43", real) and not verify_password("x", None)
