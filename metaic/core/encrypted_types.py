"""Column types that encrypt on the way into the database and decrypt on the way out (metaic/core/fieldcrypt.py).

Services keep working on plain attributes; only the stored values are ciphertext. Empty values ("" and
empty lists) are stored as they are: emptiness says nothing about a person, and it keeps filters such as
`notes != ""` and the `flags` default working. A value stored before encryption was turned on still reads
(the migration and `python -m metaic keys rotate` encrypt such rows).

Each type knows its `purpose` (the table.column it belongs to), bound into the ciphertext; `keys rotate`
finds the encrypted columns by their type.
"""

from __future__ import annotations

import json

from sqlalchemy import JSON, LargeBinary, Text
from sqlalchemy.types import TypeDecorator

from metaic.core import fieldcrypt


class EncryptedText(TypeDecorator):
    """A text column stored encrypted (TEXT holding `enc1:...`)."""

    impl = Text
    cache_ok = True

    def __init__(self, purpose: str):
        super().__init__()
        self.purpose = purpose

    def process_bind_param(self, value, dialect):
        """Encrypt a non-empty string."""
        return fieldcrypt.encrypt(value, self.purpose) if value else value

    def process_result_value(self, value, dialect):
        """Decrypt an encrypted value; others are returned as stored."""
        return fieldcrypt.decrypt(value, self.purpose) if fieldcrypt.is_encrypted(value) else value


class EncryptedJSON(TypeDecorator):
    """A JSON column whose non-empty values are stored as one encrypted JSON string.

    The column stays JSON (no table rebuild on SQLite, where foreign keys would cascade the rebuild's DROP).
    """

    impl = JSON
    cache_ok = True

    def __init__(self, purpose: str):
        super().__init__()
        self.purpose = purpose

    def process_bind_param(self, value, dialect):
        """Encrypt the JSON text of a non-empty list or dict."""
        if not value:
            return value
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        return fieldcrypt.encrypt(text, self.purpose)

    def process_result_value(self, value, dialect):
        """The list or dict back (an encrypted string is decrypted and parsed)."""
        if isinstance(value, str) and fieldcrypt.is_encrypted(value):
            return json.loads(fieldcrypt.decrypt(value, self.purpose))
        return value


class EncryptedBytes(TypeDecorator):
    """A binary column stored encrypted (the UTF-8 of `enc1:...`)."""

    impl = LargeBinary
    cache_ok = True

    def __init__(self, purpose: str):
        super().__init__()
        self.purpose = purpose

    def process_bind_param(self, value, dialect):
        """Encrypt non-empty bytes."""
        return fieldcrypt.seal(bytes(value), self.purpose).encode() if value else value

    def process_result_value(self, value, dialect):
        """Decrypt an encrypted value; others are returned as stored."""
        if value is None:
            return None
        raw = bytes(value)
        if raw.startswith(fieldcrypt.PREFIX.encode() + b":"):
            return fieldcrypt.unseal(raw.decode(), self.purpose)
        return raw
