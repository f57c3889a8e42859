"""Background-job benchmark: throughput and enqueue-to-done latency, each beside a reference from the same run.

    .venv/bin/python bench/jobs_bench.py [--jobs 150] [--latency-samples 30] [--rounds 1] [--redis-url URL] [--flush]

References, measured in the same run on the same machine:
- in-process backend (no Redis) against a plain Python loop calling the same no-op function;
- `metaic.jobs.enqueue` against RQ's own `Queue.enqueue`;
- `python -m metaic worker` against two stock RQ workers started the same way (`rq worker`):
  RQ's `SimpleWorker` (jobs run in the worker process, as ours do) and RQ's default forking
  worker (a child per job, as ours did before).
Each worker is a process of its own on the same queue. Throughput comes from RQ's own start/end
timestamps (first start to last end), so worker start-up is not counted; latency is measured by
the caller: enqueue, then poll every 0.5 ms until done, one job at a time on an idle worker. With
`--rounds N` every measurement is repeated N times, the workers taking turns, and the median
throughput and the pooled latency samples are reported (fairer on a machine whose load moves).

It needs an empty Redis database (default redis://127.0.0.1:6379/15, or BENCH_REDIS_URL) and
empties it when done; `--flush` empties a non-empty one first. A full run takes ~15-30 s a round.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make `metaic` and `bench` importable
    sys.path.insert(0, str(ROOT))

import redis  # noqa: E402
from rq import Queue, Worker  # noqa: E402
from rq.job import Job, JobStatus  # noqa: E402

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"
WAIT_LIMIT = 60.0  # seconds any single phase may take before the run is abandoned


def noop() -> None:
    """The job every measurement runs: nothing, so the numbers show the machinery alone."""


class BenchError(Exception):
    """The benchmark cannot run (or a phase took too long)."""


@contextlib.contextmanager
def redis_setting(url: str) -> Iterator[None]:
    """Point metaic's settings at `url` (empty for the in-process backend) while the block runs."""
    from metaic.config import get_settings

    old = os.environ.get("REDIS_URL")
    os.environ["REDIS_URL"] = url
    get_settings.cache_clear()
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("REDIS_URL", None)
        else:
            os.environ["REDIS_URL"] = old
        get_settings.cache_clear()


def rate(count: int, seconds: float) -> float:
    """Items per second."""
    return count / seconds if seconds > 0 else float("inf")


def percentiles(samples: Sequence[float]) -> tuple[float, float, float]:
    """p50, p95 and max of latency samples in seconds."""
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95, ordered[-1]


def bench_in_process(jobs: int, samples: int) -> dict[str, float]:
    """The thread backend used without Redis, against a plain call loop."""
    from metaic.jobs import enqueue
    from metaic.jobs.local import drain_local

    with redis_setting(""):
        started = time.perf_counter()
        for _ in range(jobs):
            noop()
        loop = rate(jobs, time.perf_counter() - started)
        drain_local()
        started = time.perf_counter()
        for i in range(jobs):
            enqueue(noop, title=f"bench {i}")
        if not drain_local(WAIT_LIMIT):
            raise BenchError("the in-process worker did not finish in time")
        threaded = rate(jobs, time.perf_counter() - started)
        latencies = []
        for i in range(samples):
            started = time.perf_counter()
            job = enqueue(noop, title=f"latency {i}")
            if not job.done.wait(WAIT_LIMIT):
                raise BenchError("an in-process job did not finish in time")
            latencies.append(time.perf_counter() - started)
    return {"loop": loop, "threaded": threaded, "latency": latencies}


def enqueue_many(submit: Callable[[int], Job], jobs: int) -> tuple[float, list[str]]:
    """Enqueue `jobs` jobs with `submit`; returns (jobs per second, their ids)."""
    started = time.perf_counter()
    ids = [submit(i).id for i in range(jobs)]
    return rate(jobs, time.perf_counter() - started), ids


def run_throughput(connection: redis.Redis, ids: list[str]) -> float:
    """Jobs per second from RQ's timestamps: first start to last end (worker start-up not counted)."""
    found = [job for job in Job.fetch_many(ids, connection=connection) if job is not None]
    unfinished = [job.id for job in found if job.get_status(refresh=False) != JobStatus.FINISHED]
    if len(found) != len(ids) or unfinished:
        raise BenchError(f"{len(unfinished) + len(ids) - len(found)} job(s) did not finish")
    first = min(job.started_at for job in found)
    last = max(job.ended_at for job in found)
    return rate(len(found), (last - first).total_seconds())


# The workers compared, as (label, kind): `kind` picks the command line in worker_command.
WORKERS: tuple[tuple[str, str], ...] = (
    ("rq worker, fork per job", "rq"),
    ("rq SimpleWorker, no fork", "simple"),
    ("metaic worker", "metaic"),
)


def worker_command(kind: str, url: str, *, burst: bool) -> list[str]:
    """The command line of a stock RQ worker (`rq`, `simple`) or a MetaIC worker (`metaic`) on the default queue."""
    if kind in ("rq", "simple"):
        worker_class = ["--worker-class", "rq.worker.SimpleWorker"] if kind == "simple" else []
        return [
            sys.executable,
            "-m",
            "rq.cli",
            "worker",
            "--url",
            url,
            *worker_class,
            *(["--burst"] if burst else []),
            "default",
        ]
    return [sys.executable, "-m", "metaic", "worker", "--queues", "default", *(["--burst"] if burst else [])]


def start_worker(kind: str, url: str, *, burst: bool) -> subprocess.Popen:
    """Start a worker process; its log is discarded."""
    env = {**os.environ, "REDIS_URL": url, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        worker_command(kind, url, burst=burst),
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def burst(kind: str, url: str) -> None:
    """Run a burst worker until the queue is empty."""
    proc = start_worker(kind, url, burst=True)
    try:
        if proc.wait(WAIT_LIMIT) != 0:
            raise BenchError(f"the {kind} worker exited with code {proc.returncode}")
    except subprocess.TimeoutExpired as exc:
        proc.kill()
        raise BenchError(f"the {kind} worker did not finish in {WAIT_LIMIT} s") from exc


def measure_latency(
    connection: redis.Redis, submit: Callable[[int], Job], kind: str, url: str, samples: int
) -> list[float]:
    """Enqueue-to-done seconds for `samples` jobs, one at a time, on an idle worker process."""
    proc = start_worker(kind, url, burst=False)
    try:
        started_here = lambda: any(w.pid == proc.pid for w in Worker.all(connection=connection))  # noqa: E731
        wait_until(started_here, f"the {kind} worker to start")
        submit(-1)  # a warm-up job: the first one pays for importing the job's module
        wait_until(lambda: Queue("default", connection=connection).count == 0, "the warm-up job")
        latencies = []
        for i in range(samples):
            time.sleep(0.005)  # the worker is back in its blocking dequeue, as an idle worker would be
            started = time.perf_counter()
            job = submit(i)
            wait_until(lambda job=job: job.get_status(refresh=True) == JobStatus.FINISHED, "a job", poll=0.0005)
            latencies.append(time.perf_counter() - started)
        return latencies
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def wait_until(condition: Callable[[], object], what: str, *, poll: float = 0.01) -> None:
    """Poll until `condition` holds; BenchError after WAIT_LIMIT seconds."""
    deadline = time.monotonic() + WAIT_LIMIT
    while not condition():
        if time.monotonic() > deadline:
            raise BenchError(f"timed out waiting for {what}")
        time.sleep(poll)


def bench_redis(url: str, jobs: int, samples: int, rounds: int) -> dict[str, object]:
    """Enqueue rates, then each worker's throughput and latency on Redis, the workers taking turns."""
    from metaic.jobs import enqueue

    connection = redis.Redis.from_url(url)
    queue = Queue("default", connection=connection)
    noop_func = _importable_noop()
    raw = lambda i: queue.enqueue(noop_func)  # noqa: E731
    ours = lambda i: enqueue(noop_func, title=f"bench {i}")  # noqa: E731
    submit = {"rq": raw, "simple": raw, "metaic": ours}
    result: dict[str, object] = {"enqueue_rq": [], "enqueue_metaic": []}
    result.update({kind: {"rates": [], "latency": []} for _, kind in WORKERS})
    with redis_setting(url):
        for _ in range(rounds):
            for _, kind in WORKERS:
                enqueue_rate, ids = enqueue_many(submit[kind], jobs)
                result["enqueue_metaic" if kind == "metaic" else "enqueue_rq"].append(enqueue_rate)
                burst(kind, url)
                result[kind]["rates"].append(run_throughput(connection, ids))
            for _, kind in WORKERS:
                result[kind]["latency"].extend(measure_latency(connection, submit[kind], kind, url, samples))
            connection.flushdb()  # every round starts from the same empty database
    return result


def _importable_noop() -> Callable[[], None]:
    """`noop` under its importable name `bench.jobs_bench.noop` (a worker cannot import `__main__`)."""
    from bench import jobs_bench

    return jobs_bench.noop


def report(args: argparse.Namespace, local: dict, remote: dict, seconds: float) -> str:
    """The results as a small table of numbers and ratios."""

    def ms(samples: Sequence[float]) -> str:
        """p50 / p95 / max in milliseconds."""
        p50, p95, top = percentiles(samples)
        return f"p50 {p50 * 1000:7.2f} ms   p95 {p95 * 1000:7.2f} ms   max {top * 1000:7.2f} ms"

    enqueue_rq, enqueue_ours = statistics.median(remote["enqueue_rq"]), statistics.median(remote["enqueue_metaic"])
    rates = {kind: statistics.median(remote[kind]["rates"]) for _, kind in WORKERS}
    p50s = {kind: percentiles(remote[kind]["latency"])[0] for _, kind in WORKERS}
    lines = [
        f"MetaIC jobs benchmark: {args.jobs} jobs per throughput run, {args.latency_samples} latency samples, "
        f"{args.rounds} round(s), {os.cpu_count()} CPU(s), {seconds:.1f} s",
        "",
        "in-process backend (no Redis)",
        f"  plain call loop (reference)     {local['loop']:>12,.0f} calls/s",
        f"  enqueue + run on the thread     {local['threaded']:>12,.0f} jobs/s   "
        f"{local['loop'] / local['threaded']:,.0f}x slower than the loop",
        f"  enqueue-to-done latency         {ms(local['latency'])}",
        "",
        "Redis backend (RQ): one worker process on one queue, a no-op job",
        f"  enqueue: rq Queue.enqueue (ref) {enqueue_rq:>12,.0f} jobs/s",
        f"  enqueue: metaic enqueue()       {enqueue_ours:>12,.0f} jobs/s   {enqueue_ours / enqueue_rq:.2f}x rq",
    ]
    for label, kind in WORKERS:
        lines.append(f"  run: {label:<31}{rates[kind]:>11,.0f} jobs/s")
    for label, kind in WORKERS:
        lines.append(f"  latency: {label:<27}{ms(remote[kind]['latency'])}")
    lines += [
        "",
        f"  metaic worker vs rq SimpleWorker:  {rates['metaic'] / rates['simple']:.2f}x jobs/s, "
        f"p50 {p50s['metaic'] / p50s['simple']:.2f}x",
        f"  metaic worker vs rq worker:        {rates['metaic'] / rates['rq']:.2f}x jobs/s, "
        f"p50 {p50s['metaic'] / p50s['rq']:.2f}x",
    ]
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description="Benchmark MetaIC background jobs against RQ references.")
    parser.add_argument("--jobs", type=int, default=150, help="jobs per throughput run (default: 150)")
    parser.add_argument("--latency-samples", type=int, default=30, help="latency samples per worker (default: 30)")
    parser.add_argument("--rounds", type=int, default=1, help="repeat every measurement N times (default: 1)")
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL),
        help=f"an empty Redis database to use and empty afterwards (default: {DEFAULT_REDIS_URL})",
    )
    parser.add_argument("--flush", action="store_true", help="empty the Redis database first if it is not empty")
    args = parser.parse_args(argv)
    if args.jobs < 1 or args.latency_samples < 1 or args.rounds < 1:
        parser.error("--jobs, --latency-samples and --rounds must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run every measurement and print the report; exit 1 when the benchmark cannot run."""
    args = parse_args(argv)
    connection = redis.Redis.from_url(args.redis_url)
    owned = False  # only a database found empty (or given up with --flush) is emptied afterwards
    try:
        keys = connection.dbsize()
        if keys and not args.flush:
            raise BenchError(f"{args.redis_url} holds {keys} keys; use an empty database or pass --flush")
        owned = True
        connection.flushdb()
        started = time.perf_counter()
        local = bench_in_process(args.jobs, args.latency_samples)
        remote = bench_redis(args.redis_url, args.jobs, args.latency_samples, args.rounds)
        print(report(args, local, remote, time.perf_counter() - started))
        return 0
    except (BenchError, redis.exceptions.ConnectionError) as exc:
        print(f"benchmark failed: {exc}", file=sys.stderr)
        return 1
    finally:
        if owned:
            with contextlib.suppress(redis.exceptions.ConnectionError):
                connection.flushdb()


if __name__ == "__main__":
    raise SystemExit(main())
