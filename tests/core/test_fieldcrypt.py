"""Field encryption primitives: round trip, several keys, clear errors for wrong keys, blind indexes, settings."""

from __future__ import annotations

import logging

import pydantic
import pytest

from metaic.config import Settings, get_settings
from metaic.core import fieldcrypt
from metaic.core.fieldcrypt import FieldKeyError
from tests.conftest import PRODUCTION_HASH_COST

OLD, NEW = fieldcrypt.generate_key(), fieldcrypt.generate_key()


def _keys(monkeypatch, field: str, blind: str = "") -> None:
    """Configure the field keys (comma list) and the blind index key."""
    monkeypatch.setenv("FIELD_ENCRYPTION_KEYS", field)
    monkeypatch.setenv("BLIND_INDEX_KEY", blind)
    get_settings.cache_clear()


def test_round_trip_of_any_text_and_no_plaintext_in_the_token(monkeypatch):
    _keys(monkeypatch, OLD)
    for text in ("ada@engines.example.com", "+442079460958", "Zoë 王小明 🚀\nsecond line", "x" * 10_000):
        token = fieldcrypt.encrypt(text, "saved_contacts.notes")
        assert token.startswith(f"enc1:{fieldcrypt.key_id(fieldcrypt.decode_key(OLD))}:")
        assert text[:8] not in token and fieldcrypt.decrypt(token, "saved_contacts.notes") == text
    # A fresh nonce each time: equal plaintexts do not give equal tokens (no frequency analysis on the column).
    assert fieldcrypt.encrypt("same", "p") != fieldcrypt.encrypt("same", "p")


def test_a_token_is_bound_to_its_column(monkeypatch):
    """A ciphertext copied from the MFA secret into a contact's notes does not decrypt there."""
    _keys(monkeypatch, OLD)
    token = fieldcrypt.encrypt("JBSWY3DPEHPK3PXP", "users.mfa_secret")
    with pytest.raises(FieldKeyError, match=r"saved_contacts\.notes: the value does not decrypt"):
        fieldcrypt.decrypt(token, "saved_contacts.notes")


def test_the_first_key_encrypts_and_every_key_decrypts(monkeypatch):
    _keys(monkeypatch, OLD)
    old_token = fieldcrypt.encrypt("old secret", "p")
    _keys(monkeypatch, f"{NEW},{OLD}")
    new_token = fieldcrypt.encrypt("new secret", "p")
    assert new_token.startswith(fieldcrypt.current_prefix()) and not old_token.startswith(fieldcrypt.current_prefix())
    assert fieldcrypt.decrypt(old_token, "p") == "old secret" and fieldcrypt.decrypt(new_token, "p") == "new secret"


def test_a_missing_key_is_named_in_a_clear_error(monkeypatch):
    _keys(monkeypatch, OLD)
    token = fieldcrypt.encrypt("secret", "saved_contacts.emails")
    _keys(monkeypatch, NEW)
    old_id, new_id = (fieldcrypt.key_id(fieldcrypt.decode_key(k)) for k in (OLD, NEW))
    with pytest.raises(FieldKeyError) as caught:
        fieldcrypt.decrypt(token, "saved_contacts.emails")
    message = str(caught.value)
    assert f"encrypted with key {old_id}, which is not in FIELD_ENCRYPTION_KEYS (configured: {new_id})" in message
    assert OLD not in message and NEW not in message  # key ids only, never keys


def test_an_altered_value_is_refused_not_returned_as_garbage(monkeypatch):
    _keys(monkeypatch, OLD)
    token = fieldcrypt.encrypt("ada@example.com", "p")
    body = token.rsplit(":", 1)[1]
    flipped = token[: -len(body)] + ("A" if body[0] != "A" else "B") + body[1:]
    with pytest.raises(FieldKeyError, match="does not decrypt"):
        fieldcrypt.decrypt(flipped, "p")
    with pytest.raises(FieldKeyError, match="not an encrypted value"):
        fieldcrypt.decrypt("enc1:nokey", "p")


def test_blind_index_is_keyed_and_scoped(monkeypatch):
    _keys(monkeypatch, OLD, blind=NEW)
    digest = fieldcrypt.blind_index("owner-1", "email", "ada@example.com")
    assert len(digest) == 64 and "ada" not in digest
    assert digest == fieldcrypt.blind_index("owner-1", "email", "ada@example.com")
    assert digest != fieldcrypt.blind_index("owner-2", "email", "ada@example.com")  # another book, another digest
    assert digest != fieldcrypt.blind_index("owner-1", "phone", "ada@example.com")
    _keys(monkeypatch, OLD, blind=OLD)
    assert digest != fieldcrypt.blind_index("owner-1", "email", "ada@example.com")


def test_development_derives_stable_keys_and_says_so_once_without_the_key(monkeypatch, caplog):
    _keys(monkeypatch, "", "")
    fieldcrypt._ring.cache_clear()
    with caplog.at_level(logging.WARNING, logger="metaic.core.fieldcrypt"):
        token = fieldcrypt.encrypt("secret", "p")
        fieldcrypt.encrypt("again", "p")
        get_settings.cache_clear()
        assert fieldcrypt.decrypt(token, "p") == "secret"  # stable: derived from SECRET_KEY, not random
    warnings = [r.getMessage() for r in caplog.records]
    assert sum("FIELD_ENCRYPTION_KEYS is not set" in w for w in warnings) == 1
    assert sum("BLIND_INDEX_KEY is not set" in w for w in warnings) == 1
    assert not any(get_settings().secret_key in w for w in warnings)


def test_generated_keys_are_32_random_bytes():
    key = fieldcrypt.generate_key()
    assert len(fieldcrypt.decode_key(key)) == 32 and key != fieldcrypt.generate_key()


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"FIELD_ENCRYPTION_KEYS": "not-a-key"}, "FIELD_ENCRYPTION_KEYS: each key is 32 random bytes"),
        ({"FIELD_ENCRYPTION_KEYS": f"{OLD},short"}, "FIELD_ENCRYPTION_KEYS: each key is 32 random bytes"),
        ({"BLIND_INDEX_KEY": f"{OLD},{NEW}"}, "BLIND_INDEX_KEY takes one key"),
    ],
)
def test_settings_refuse_malformed_keys(monkeypatch, env, message):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(pydantic.ValidationError, match=message):
        Settings(_env_file=None)


def test_production_requires_both_keys(monkeypatch):
    monkeypatch.setenv("METAIC_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "k3J9-this-is-a-long-random-production-secret-value")
    for name, value in PRODUCTION_HASH_COST.items():
        monkeypatch.setenv(name, value)
    assert Settings(_env_file=None).field_encryption_keys == PRODUCTION_HASH_COST["FIELD_ENCRYPTION_KEYS"]
    for missing in ("FIELD_ENCRYPTION_KEYS", "BLIND_INDEX_KEY"):
        monkeypatch.setenv(missing, "")
        with pytest.raises(pydantic.ValidationError, match="FIELD_ENCRYPTION_KEYS and BLIND_INDEX_KEY must be set"):
            Settings(_env_file=None)
        monkeypatch.setenv(missing, PRODUCTION_HASH_COST[missing])
