"""The search backend this process uses, picked by SEARCH_BACKEND (one instance per process)."""

from __future__ import annotations

from functools import cache

from metaic.config import get_settings
from metaic.search.backend import SearchBackend
from metaic.search.whoosh_backend import WhooshBackend

BACKENDS: dict[str, type] = {"whoosh": WhooshBackend}


@cache
def _instance(name: str) -> SearchBackend:
    """One backend object per name (it keeps nothing but per-thread searchers)."""
    return BACKENDS[name]()


def get_backend() -> SearchBackend:
    """The configured backend (SEARCH_BACKEND)."""
    return _instance(get_settings().search_backend)
