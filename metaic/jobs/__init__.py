"""Background work: one enqueue() helper, RQ when Redis is configured, a thread otherwise."""

from metaic.jobs.queue import enqueue

__all__ = ["enqueue"]
