"""Settings: the production secret rule, the development secret file, defaults and computed flags."""

from __future__ import annotations

import stat
from pathlib import Path

import pydantic
import pytest

from metaic.config import Settings, get_settings
from tests.conftest import PRODUCTION_HASH_COST

REAL_SECRET = "k3J9-this-is-a-long-random-production-secret-value"


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A clean environment with a fresh data folder; returns the folder."""
    for name in (
        "SECRET_KEY",
        "DATABASE_URL",
        "REDIS_URL",
        "GOOGLE_CLIENT_ID",
        "GOOGLE_CLIENT_SECRET",
        "APPLE_CLIENT_ID",
        "APPLE_TEAM_ID",
        "APPLE_PRIVATE_KEY",
        "WECHAT_APP_ID",
        "WECHAT_APP_SECRET",
        "ARGON2_TIME_COST",
        "ARGON2_MEMORY_KIB",
    ):
        monkeypatch.delenv(name, raising=False)
    data = tmp_path / "data"
    monkeypatch.setenv("METAIC_DATA_DIR", str(data))
    monkeypatch.setenv("METAIC_ENV", "development")
    return data


def _settings() -> Settings:
    """Settings from the environment only (never a stray `.env`)."""
    return Settings(_env_file=None)


@pytest.mark.parametrize("secret", [None, "", "   ", "changeme", "CHANGEME", "change-me", "secret", " dev "])
def test_production_refuses_missing_or_placeholder_secret(env, monkeypatch, secret):
    """Production mode will not start with no secret or a well-known placeholder."""
    monkeypatch.setenv("METAIC_ENV", "production")
    if secret is not None:
        monkeypatch.setenv("SECRET_KEY", secret)
    with pytest.raises(pydantic.ValidationError, match="SECRET_KEY must be set to a real secret in production"):
        _settings()
    assert not (env / "secret_key").exists(), "production must never invent its own secret"


def test_production_accepts_a_real_secret(env, monkeypatch):
    """A real secret is used as given, and production turns on Secure cookies."""
    monkeypatch.setenv("METAIC_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", REAL_SECRET)
    for name in ("FIELD_ENCRYPTION_KEYS", "BLIND_INDEX_KEY"):
        monkeypatch.setenv(name, PRODUCTION_HASH_COST[name])
    settings = _settings()
    assert settings.secret_key == REAL_SECRET
    assert settings.is_production and settings.cookie_secure
    assert not (env / "secret_key").exists()


def test_development_generates_private_secret_file_and_reuses_it(env):
    """Without SECRET_KEY, development makes a random 0600 secret file in the data folder and keeps it."""
    assert not env.exists()
    first = _settings()
    path = env / "secret_key"
    assert path.is_file()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(first.secret_key) >= 32 and first.secret_key == path.read_text().strip()
    assert _settings().secret_key == first.secret_key
    assert not first.is_production and not first.cookie_secure


def test_development_secret_differs_per_data_folder(env, monkeypatch, tmp_path):
    """Each data folder gets its own random secret; an existing file is read as-is."""
    first = _settings().secret_key
    other = tmp_path / "other"
    other.mkdir()
    (other / "secret_key").write_text("kept-from-an-earlier-run\n")
    monkeypatch.setenv("METAIC_DATA_DIR", str(other))
    assert _settings().secret_key == "kept-from-an-earlier-run"
    monkeypatch.setenv("METAIC_DATA_DIR", str(tmp_path / "third"))
    assert _settings().secret_key not in (first, "kept-from-an-earlier-run")


def test_explicit_secret_in_development_writes_no_file(env, monkeypatch):
    """A given SECRET_KEY is used and no file is created."""
    monkeypatch.setenv("SECRET_KEY", REAL_SECRET)
    assert _settings().secret_key == REAL_SECRET
    assert not (env / "secret_key").exists()


def test_database_url_defaults_to_sqlite_in_data_dir(env, monkeypatch):
    """No DATABASE_URL means a SQLite file in the data folder; a given URL is kept."""
    assert _settings().database_url == f"sqlite:///{(env / 'metaic.db').as_posix()}"
    url = "postgresql+psycopg://metaic:pw@db:5432/metaic"
    monkeypatch.setenv("DATABASE_URL", url)
    assert _settings().database_url == url


def test_computed_flags(env, monkeypatch):
    """Provider flags turn on only when every credential they need is present."""
    settings = _settings()
    assert not any([settings.redis_enabled, settings.google_enabled, settings.apple_enabled, settings.wechat_enabled])
    assert settings.outbox_dir == env / "outbox"
    assert settings.email_backend == "outbox" and settings.sms_backend == "console"
    assert (settings.access_token_minutes, settings.session_days, settings.remember_days) == (15, 1, 30)
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("GOOGLE_CLIENT_ID", "gid")
    monkeypatch.setenv("APPLE_CLIENT_ID", "aid")
    monkeypatch.setenv("APPLE_TEAM_ID", "team")
    monkeypatch.setenv("WECHAT_APP_ID", "wid")
    partial = _settings()
    assert partial.redis_enabled
    assert not (partial.google_enabled or partial.apple_enabled or partial.wechat_enabled)
    monkeypatch.setenv("GOOGLE_CLIENT_SECRET", "gsecret")
    monkeypatch.setenv("APPLE_PRIVATE_KEY", "-----BEGIN PRIVATE KEY-----")
    monkeypatch.setenv("WECHAT_APP_SECRET", "wsecret")
    full = _settings()
    assert full.google_enabled and full.apple_enabled and full.wechat_enabled


def test_unknown_environment_is_refused(env, monkeypatch):
    """METAIC_ENV accepts only development, test and production."""
    monkeypatch.setenv("METAIC_ENV", "staging")
    with pytest.raises(pydantic.ValidationError):
        _settings()


def test_get_settings_is_cached_until_cleared(env, monkeypatch):
    """The process-wide settings object is reused until the cache is cleared."""
    get_settings.cache_clear()
    first = get_settings()
    assert get_settings() is first
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://metaic.example")
    assert get_settings().public_base_url != "https://metaic.example"
    get_settings.cache_clear()
    assert get_settings().public_base_url == "https://metaic.example"


def test_production_refuses_a_cheap_password_hash(env, monkeypatch):
    """The test suite's cheap argon2 cost can never reach production."""
    monkeypatch.setenv("METAIC_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", REAL_SECRET)
    monkeypatch.setenv("ARGON2_MEMORY_KIB", "1024")
    with pytest.raises(pydantic.ValidationError, match="ARGON2_MEMORY_KIB"):
        _settings()
