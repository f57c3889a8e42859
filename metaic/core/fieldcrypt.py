"""Field encryption at rest (AES-256-GCM with key ids) and blind indexes (HMAC-SHA256) for exact matching.

A stored value reads `enc1:<key id>:<base64url(nonce | ciphertext | tag)>`. The key id (8 hex digits of a
hash of the key, not secret) names the key that encrypted it, so a value decrypts with one key and no
guessing, a missing key is named in the error, and `keys rotate` finds the rows still under an old key
with a plain `NOT LIKE 'enc1:<current id>:%'`. The purpose (`saved_contacts.notes`, ...) is the
associated data: a ciphertext copied into another column does not decrypt there.

Keys come from FIELD_ENCRYPTION_KEYS (the first encrypts, all decrypt) and BLIND_INDEX_KEY; outside
production, unset keys are derived from SECRET_KEY (logged once, never the key).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from metaic.config import decode_key, get_settings

PREFIX = "enc1"
NONCE_BYTES = 12
log = logging.getLogger(__name__)


class FieldKeyError(RuntimeError):
    """An encrypted value cannot be read with the configured keys (missing key, wrong key, altered value)."""


@dataclass(frozen=True)
class KeyRing:
    """The field keys by id (the first one encrypts) and the blind index key."""

    ciphers: dict[str, AESGCM]
    primary: str
    blind_key: bytes

    @property
    def ids(self) -> tuple[str, ...]:
        """Every configured key id, the encrypting one first."""
        return tuple(self.ciphers)


def generate_key() -> str:
    """A new random key: 32 bytes in URL-safe base64 (a Fernet key has the same form and works too)."""
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def key_id(key: bytes) -> str:
    """The public name of a key: 8 hex digits of a labelled SHA-256 of it."""
    return hashlib.sha256(b"metaic field key id\x00" + key).hexdigest()[:8]


def _derived(secret: str, label: str) -> bytes:
    """A stable 32-byte key derived from SECRET_KEY for one use (development and tests only)."""
    return hmac.new(secret.encode(), label.encode(), hashlib.sha256).digest()


@lru_cache(maxsize=8)
def _ring(field_keys: str, blind_key: str, secret: str) -> KeyRing:
    """Build the key ring for one combination of settings (cached: settings rarely change)."""
    keys = [decode_key(k.strip()) for k in field_keys.split(",") if k.strip()]
    if not keys:
        keys = [_derived(secret, "metaic field encryption key v1")]
        log.warning("FIELD_ENCRYPTION_KEYS is not set: encrypting with a key derived from SECRET_KEY (development)")
    blind = decode_key(blind_key.strip()) if blind_key.strip() else b""
    if not blind:
        blind = _derived(secret, "metaic blind index key v1")
        log.warning("BLIND_INDEX_KEY is not set: blind indexes use a key derived from SECRET_KEY (development)")
    ciphers = {key_id(k): AESGCM(k) for k in keys}
    return KeyRing(ciphers=ciphers, primary=key_id(keys[0]), blind_key=blind)


def ring() -> KeyRing:
    """The key ring of the current settings."""
    settings = get_settings()
    return _ring(settings.field_encryption_keys, settings.blind_index_key, settings.secret_key)


def _b64(data: bytes) -> str:
    """URL-safe base64 without padding."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def is_encrypted(value: str | None) -> bool:
    """True for a value in the encrypted form (any key)."""
    return bool(value) and value.startswith(PREFIX + ":")


def current_prefix() -> str:
    """What every value encrypted with the current first key starts with (for `keys rotate`)."""
    return f"{PREFIX}:{ring().primary}:"


def encrypt(plain: str, purpose: str) -> str:
    """Encrypt `plain` with the first key, bound to `purpose` (the column it belongs in)."""
    return seal(plain.encode(), purpose)


def decrypt(token: str, purpose: str) -> str:
    """The plaintext of an encrypted value; FieldKeyError when no configured key opens it."""
    return unseal(token, purpose).decode()


def seal(data: bytes, purpose: str) -> str:
    """Encrypt bytes with the first key into the `enc1:<key id>:<base64url>` form."""
    keys = ring()
    nonce = os.urandom(NONCE_BYTES)
    sealed = keys.ciphers[keys.primary].encrypt(nonce, data, purpose.encode())
    return f"{PREFIX}:{keys.primary}:{_b64(nonce + sealed)}"


def unseal(token: str, purpose: str) -> bytes:
    """The bytes inside an encrypted value; FieldKeyError (naming the key id, never a key) when it cannot open."""
    try:
        prefix, kid, body = token.split(":", 2)
        blob = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except ValueError:
        raise FieldKeyError(f"{purpose}: not an encrypted value") from None
    keys = ring()
    if prefix != PREFIX:
        raise FieldKeyError(f"{purpose}: unknown encryption format {prefix!r}")
    cipher = keys.ciphers.get(kid)
    if cipher is None:
        raise FieldKeyError(
            f"{purpose}: encrypted with key {kid}, which is not in FIELD_ENCRYPTION_KEYS "
            f"(configured: {', '.join(keys.ids)}); add the old key back after the new one"
        )
    try:
        return cipher.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], purpose.encode())
    except InvalidTag:
        raise FieldKeyError(
            f"{purpose}: the value does not decrypt with key {kid} (a different key with the same id, "
            "a value moved from another column, or an altered value)"
        ) from None


def blind_index(scope: str, kind: str, value: str) -> str:
    """HMAC-SHA256 of a normalised value, scoped (an owner id): equal values in one scope get equal digests.

    The scope keeps one owner's digests unrelated to another's, so a database copy does not show which
    owners have the same person in their books.
    """
    message = f"{scope}\x00{kind}\x00{value}".encode()
    return hmac.new(ring().blind_key, message, hashlib.sha256).hexdigest()
