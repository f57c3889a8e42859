"""The request id of the work in progress: set per HTTP request or job, read by logs, jobs and error reports.

A context variable follows the request through `await`s and `asyncio.to_thread` (which copies the context),
so every log line of a request carries its id, and a job enqueued by it carries the same id into the worker.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
from collections.abc import Iterator
from contextvars import ContextVar

_request_id: ContextVar[str | None] = ContextVar("metaic_request_id", default=None)
# Ids are this process's random prefix and a counter: unique across processes, and far cheaper than uuid4.
_PREFIX = os.urandom(6).hex()
_counter = itertools.count(1)
_SAFE = re.compile(r"^[A-Za-z0-9._:@/+=-]{1,128}$")


def new_request_id() -> str:
    """A fresh id for a request or job that came without one."""
    return f"{_PREFIX}-{next(_counter):x}"


def accepted_request_id(value: str | None) -> str | None:
    """A request id given by a proxy, if it is safe to echo and log (short, no spaces or control characters)."""
    return value if value and _SAFE.match(value) else None


def current_request_id() -> str | None:
    """The id of the request or job this code runs for, if any."""
    return _request_id.get()


def set_request_id(value: str | None) -> object:
    """Make `value` the current id; returns a token for `reset_request_id`."""
    return _request_id.set(value)


def reset_request_id(token: object) -> None:
    """Restore the id that was current before `set_request_id`."""
    _request_id.reset(token)  # type: ignore[arg-type]


@contextlib.contextmanager
def request_id_scope(value: str | None) -> Iterator[str]:
    """Run a block (a job, a CLI command) under `value`, or a new id when None."""
    rid = value or new_request_id()
    token = _request_id.set(rid)
    try:
        yield rid
    finally:
        _request_id.reset(token)
