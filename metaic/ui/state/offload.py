"""Where slow blocking work runs: password hashing on one thread per process, assistant calls on their own pool.

argon2id at the production cost takes ~150-200 ms of CPU and 64 MiB per hash. Run from the default thread
pool, five sign-ins at once competed with the event loop for both cores, and every tab and /c/ page of that
worker slowed down although nothing blocked the loop. Here hashes queue behind each other (a sign-in waits
for the one before it) and each uses one lane (core/security.py), so at most one core per process hashes.

The thread is not given a lower CPU priority: it also runs the Python around the hash (queries), and a
descheduled low-priority thread holding the GIL made the loop wait for it (measured: keystroke p95 673 ms).
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")


# Threads start on first use, so a server that forks its workers after import gets one pool per process.
_HASHING = ThreadPoolExecutor(max_workers=1, thread_name_prefix="password-hashing")


async def password_work(fn: Callable[..., T], *args) -> T:
    """Run `fn(*args)`, which hashes or checks a password (and may touch the database), off the event loop."""
    return await asyncio.get_running_loop().run_in_executor(_HASHING, functools.partial(fn, *args))


# Assistant calls wait seconds on a provider (timeouts, retries with backoff): they get their own small pool, so
# a slow provider never fills the default pool that every other handler's database work runs in.
_ASSISTANT = ThreadPoolExecutor(max_workers=4, thread_name_prefix="assistant")


async def assistant_work(fn: Callable[..., T], *args) -> T:
    """Run `fn(*args)`, which may call the AI provider (and the database), off the event loop."""
    return await asyncio.get_running_loop().run_in_executor(_ASSISTANT, functools.partial(fn, *args))
