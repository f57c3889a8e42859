"""Table models built without parsing a signature per field: pydantic 2.14 asks on every construction.

SQLModel builds a table model (`SavedContact(...)`) through `FieldInfo.get_default`, which asks
`takes_validated_data_argument(default_factory)` for every field with a default factory. That runs
`inspect.signature` each time, and for builtins such as `list` and `dict` CPython parses their text
signature (~0.3-0.9 ms each here): a contact with seven such fields cost ~6 ms to construct, 10,000 of them
a minute. The answer depends only on the factory, so it is cached (pydantic caches it for private
attributes from 2.14 on: pydantic#13390). Installed once, in `metaic/__init__.py`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from pydantic._internal import _fields


def install() -> None:
    """Cache pydantic's default-factory signature check (idempotent)."""
    original = getattr(_fields.takes_validated_data_argument, "__wrapped__", _fields.takes_validated_data_argument)
    cached = lru_cache(maxsize=4096)(original)

    def takes_validated_data_argument(default_factory: Callable) -> bool:
        """The original answer, computed once per factory (unhashable factories are asked every time)."""
        try:
            return cached(default_factory)
        except TypeError:
            return original(default_factory)

    takes_validated_data_argument.__wrapped__ = original
    _fields.takes_validated_data_argument = takes_validated_data_argument
