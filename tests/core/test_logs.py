"""Log lines: JSON in production, request ids on every line of a request or job, and nothing secret in them."""

from __future__ import annotations

import io
import json
import logging

import pytest
from fastapi.testclient import TestClient

from metaic.api.app import build_api
from metaic.config import get_settings
from metaic.core.logs import REDACTED, configure_from_settings, configure_logging, mask
from metaic.core.request_context import request_id_scope
from metaic.jobs.local import drain_local
from metaic.web.observe import RequestObserver
from tests.conftest import PRODUCTION_HASH_COST

PASSWORD = "Correct-Horse-9-battery"


@pytest.fixture
def log_lines():
    """Every log line of the test as written (JSON), then the handlers as they were."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    out = io.StringIO()
    configure_logging(fmt="json", stream=out, level="DEBUG")
    yield lambda: [json.loads(line) for line in out.getvalue().splitlines() if line.strip()]
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(level)


@pytest.mark.parametrize(
    ("raw", "kept", "gone"),
    [
        ("mail to ada@example.com sent", "mail to [email] sent", "ada@example.com"),
        ("call +34 612 345 678 now", "call [phone] now", "612 345 678"),
        ("Authorization: Bearer abcdefghijklmnop", "Bearer [redacted]", "abcdefghijklmnop"),
        ("GET /reset?token=s3cr3t-value&x=1", "token=[redacted]&x=1", "s3cr3t-value"),
        ("redis://user:hunter22@cache:6379/0", "redis://[redacted]@cache", "hunter22"),
        ('{"api_key": "sk-live-123456"}', '"api_key": "[redacted]"', "sk-live-123456"),
        ("password=Tr0ub4dor&3", "password=[redacted]", "Tr0ub4dor"),
    ],
)
def test_mask_hides_secrets_and_personal_data_but_keeps_the_rest(raw, kept, gone):
    masked = mask(raw)
    assert kept in masked and gone not in masked


def test_ids_and_numbers_are_not_mistaken_for_phones():
    text = "job 3f2a-17 took 1234567 us for card 550e8400-e29b-41d4-a716-446655440000"
    assert mask(text) == text


def test_json_lines_carry_level_logger_time_and_the_request_id(log_lines):
    with request_id_scope("req-42"):
        logging.getLogger("metaic.test").warning("sent to %s", "bo@example.org", extra={})
    logging.getLogger("metaic.test").info("outside any request")
    inside, outside = log_lines()[-2:]
    assert inside["event"] == "sent to [email]" and inside["request_id"] == "req-42"
    assert (inside["level"], inside["logger"]) == ("warning", "metaic.test") and inside["timestamp"].endswith("Z")
    assert "request_id" not in outside


def test_secret_fields_of_structured_lines_are_redacted(log_lines):
    import structlog

    structlog.get_logger("metaic.test").info("token issued", access_token="eyJhbGciOi.abc.def", user="u1")
    line = log_lines()[-1]
    assert line["access_token"] == REDACTED and line["user"] == "u1"


def test_production_writes_json_and_development_readable_lines(monkeypatch):
    monkeypatch.setenv("METAIC_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "a-real-secret-key-for-this-test-only-0123456789")
    monkeypatch.setenv("ARGON2_TIME_COST", "2")
    monkeypatch.setenv("ARGON2_MEMORY_KIB", "19456")
    for name in ("FIELD_ENCRYPTION_KEYS", "BLIND_INDEX_KEY"):
        monkeypatch.setenv(name, PRODUCTION_HASH_COST[name])
    get_settings.cache_clear()
    assert configure_from_settings(get_settings(), stream=io.StringIO()) == "json"
    monkeypatch.setenv("METAIC_ENV", "development")
    get_settings.cache_clear()
    assert configure_from_settings(get_settings(), stream=io.StringIO()) == "console"
    get_settings.cache_clear()


def test_sign_up_sign_in_and_reset_never_log_the_address_password_or_token(sqlite_db, outbox, log_lines):
    """The real flows, through the HTTP edge: every line of the request and its e-mail job has its id, no secrets."""
    client = TestClient(RequestObserver(build_api()), raise_server_exceptions=False)
    email = "zed.secret@example.com"
    signed_up = client.post("/api/v1/auth/signup", json={"email": email, "password": PASSWORD, "name": "Zed"})
    assert signed_up.status_code == 202
    token = client.post("/api/v1/auth/token", json={"email": email, "password": PASSWORD})
    client.post("/api/v1/auth/token", json={"email": email, "password": PASSWORD + "x"})
    client.post("/api/v1/auth/password-reset", json={"email": email})
    drain_local()
    lines = log_lines()
    written = "\n".join(json.dumps(line) for line in lines)
    # The verification e-mail was logged by its job, under the sign-up's request id.
    mails = [line for line in lines if line.get("logger") == "metaic.adapters.email"]
    assert mails and mails[0].get("request_id") == signed_up.headers["x-request-id"]
    secrets = [email, PASSWORD, "zed.secret"]
    if token.status_code == 200:
        secrets += [value for value in token.json().values() if isinstance(value, str) and len(value) > 20]
    assert not [secret for secret in secrets if secret in written]
