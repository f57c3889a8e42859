"""Where password hashing runs: one low-priority thread per process, never the event loop and never every core.

argon2id at the production cost takes ~150 ms of CPU, 64 MiB and four lanes (threads) per hash. Run from
the default thread pool, five sign-ins at once put twenty hashing threads against the event loop on a
two-core machine, and every tab and /c/ page of that worker slows down tenfold even though nothing blocks
the loop. Here hashes queue behind each other (a sign-in waits for the one before it) and run at a lower
CPU priority, which Linux applies per thread and passes on to the lanes argon2 starts, so the loop that
serves everyone else gets the CPU first.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
NICENESS = 10  # 0 is normal, 19 the lowest; high enough that the loop and request threads win the CPU


def _lower_priority() -> None:
    """Make the calling thread (and the threads it starts) yield the CPU to everything at normal priority."""
    with contextlib.suppress(OSError, AttributeError):  # not Linux, or not allowed: run at normal priority
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), NICENESS)


# Threads start on first use, so a server that forks its workers after import gets one pool per process.
_HASHING = ThreadPoolExecutor(max_workers=1, thread_name_prefix="password-hashing", initializer=_lower_priority)


async def password_work(fn: Callable[..., T], *args) -> T:
    """Run `fn(*args)`, which hashes or checks a password (and may touch the database), off the event loop."""
    return await asyncio.get_running_loop().run_in_executor(_HASHING, functools.partial(fn, *args))
