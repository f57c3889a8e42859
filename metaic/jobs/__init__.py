"""Background work: one enqueue() helper, RQ when Redis is configured, a thread otherwise."""

from metaic.jobs.queue import enqueue, enqueue_at, enqueue_in

__all__ = ["enqueue", "enqueue_at", "enqueue_in"]
