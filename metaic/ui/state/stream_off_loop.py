"""Consume a blocking iterator (database reads, a provider's stream) from async code without blocking the loop.

The iterator runs in one worker thread from start to end (a database session opened in it stays in it);
each item is handed to the event loop as soon as it exists. Items that pile up while the consumer is busy
come out together as one batch, so a tab gets one state update for them instead of one each.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from typing import TypeVar

T = TypeVar("T")
_END = object()


async def batches_off_loop(make: Callable[[], Iterator[T]]) -> AsyncIterator[list[T]]:
    """Batches of the items of `make()`, in order, as they arrive; its exception is raised here at its turn."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue = asyncio.Queue()
    stop = threading.Event()

    def work() -> None:
        """Run the iterator to its end (or until the consumer leaves), closing it in this thread."""
        failure = None
        iterator = make()
        try:
            for item in iterator:
                loop.call_soon_threadsafe(queue.put_nowait, item)
                if stop.is_set():
                    break
        except Exception as exc:
            failure = exc
        finally:
            close = getattr(iterator, "close", None)
            if close is not None:
                close()  # a generator's `with` blocks end here, in the thread that opened them
            loop.call_soon_threadsafe(queue.put_nowait, (_END, failure))

    loop.run_in_executor(None, work)
    try:
        while True:
            batch = [await queue.get()]
            while not queue.empty():
                batch.append(queue.get_nowait())
            ended = batch[-1] if isinstance(batch[-1], tuple) and batch[-1][:1] == (_END,) else None
            items = batch[:-1] if ended else batch
            if items:
                yield items
            if ended:
                if ended[1] is not None:
                    raise ended[1]
                return
    finally:
        stop.set()
