"""Run `python -m metaic ...` inside the test process, as a subprocess would see it, and undo what it changed.

A subprocess costs 1-6 s of start-up and imports per command; here only the command's own work is
left. Each run gets the environment overlaid on the test's (like `subprocess.run(env={**os.environ,
...})`), fresh settings, its own stdin/stdout/stderr, the repository as working directory, and
warnings logged during the run written to its stderr (Python's last-resort handler does that in a
subprocess, so a logged traceback still fails a "no Traceback" check). Afterwards, like a process
exit: queued in-process jobs get their grace period and the ones left are forgotten, the engines the
command opened are disposed, and the environment, settings, streams, directory, root logger and
signal handlers are put back as they were.
"""

from __future__ import annotations

import io
import logging
import os
import signal
import subprocess
import sys
import traceback
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

from metaic import db
from metaic.cli import main
from metaic.config import get_settings
from metaic.jobs import local

ROOT = Path(__file__).resolve().parents[2]
SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
SECRET = "cli-test-secret-key-0123456789-abcdefgh"


def command_env(data: Path, database_url: str) -> dict[str, str]:
    """The variables giving a command its own data folder and database, and no Redis."""
    return {
        "METAIC_ENV": "test",
        "METAIC_DATA_DIR": str(data),
        "DATABASE_URL": database_url,
        "SECRET_KEY": SECRET,
        "REDIS_URL": "",
    }


def user_rows(url: str) -> list[dict]:
    """Every row of `users`, read straight from the database."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(sa.text("SELECT * FROM users ORDER BY email"))]
    finally:
        engine.dispose()


def run_cli(
    *args: str, stdin: str | bytes = "", env: Mapping[str, str] | None = None, text: bool = True
) -> subprocess.CompletedProcess:
    """Run `python -m metaic *args` in this process; stdout/stderr come back as str (bytes with text=False)."""
    out, err = io.BytesIO(), io.BytesIO()
    data = stdin.encode() if isinstance(stdin, str) else stdin
    streams = (
        io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"),
        io.TextIOWrapper(out, encoding="utf-8", write_through=True),
        io.TextIOWrapper(err, encoding="utf-8", write_through=True),
    )
    # Innermost first on the way out: jobs finish under the command's settings, logging to its stderr.
    with _environment(env or {}), _process_io(streams), _exit_like_a_process():
        code = _exit_code(list(args))
    stdout, stderr = out.getvalue(), err.getvalue()
    if text:  # as subprocess.run(text=True) reads a pipe: universal newlines
        stdout, stderr = _decoded(stdout), _decoded(stderr)
    return subprocess.CompletedProcess(["python", "-m", "metaic", *args], code, stdout, stderr)


def _decoded(data: bytes) -> str:
    """Bytes read from a pipe as text mode reads them."""
    return data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")


def _exit_code(argv: list[str]) -> int:
    """main's return value or SystemExit code; an uncaught error prints its traceback and gives 1, as Python does."""
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code
    except Exception:
        traceback.print_exc(file=sys.stderr)
        return 1
    if code is None or isinstance(code, int):
        return code or 0
    print(code, file=sys.stderr)
    return 1


@contextmanager
def _environment(env: Mapping[str, str]) -> Iterator[None]:
    """This environment over the test's, with settings read afresh; afterwards the test's again, exactly."""
    saved = dict(os.environ)
    os.environ.update({"COLUMNS": os.environ.get("COLUMNS", "80"), **env})  # argparse wraps as on a pipe
    get_settings.cache_clear()
    try:
        yield
    finally:
        for key in set(os.environ) - set(saved):
            del os.environ[key]
        os.environ.update({key: value for key, value in saved.items() if os.environ.get(key) != value})
        get_settings.cache_clear()


@contextmanager
def _process_io(streams: tuple[io.TextIOWrapper, ...]) -> Iterator[None]:
    """The command's streams, the repository as working directory, warnings to its stderr; then the test's again."""
    saved_streams, saved_cwd = (sys.stdin, sys.stdout, sys.stderr), os.getcwd()
    saved_signals = {number: signal.getsignal(number) for number in SIGNALS}
    root = logging.getLogger()
    saved_handlers, saved_level = list(root.handlers), root.level
    last_resort = logging.StreamHandler(streams[2])
    last_resort.setLevel(logging.WARNING)
    sys.stdin, sys.stdout, sys.stderr = streams
    os.chdir(ROOT)
    root.addHandler(last_resort)
    try:
        yield
    finally:
        root.handlers[:] = saved_handlers
        root.setLevel(saved_level)
        for number, handler in saved_signals.items():
            if handler is not None and signal.getsignal(number) is not handler:
                signal.signal(number, handler)
        os.chdir(saved_cwd)
        sys.stdin, sys.stdout, sys.stderr = saved_streams
        for stream in streams:
            stream.flush()


@contextmanager
def _exit_like_a_process() -> Iterator[None]:
    """Afterwards, as at a process exit: queued jobs get their grace, the jobs and engines the command left go."""
    engines, jobs = set(db._ENGINES), _job_ids()
    try:
        yield
    finally:
        local.drain_local(local.EXIT_GRACE_SECONDS)
        _forget_jobs_except(jobs)
        for url in set(db._ENGINES) - engines:
            db._ENGINES.pop(url).dispose()


def _job_ids() -> set[str]:
    """Ids of the jobs the in-process worker holds (waiting or failed)."""
    worker = local.current_worker()
    if worker is None:
        return set()
    return {job.id for job in worker.pending()} | {job.id for job in worker.failed(local.MAX_FAILED)}


def _forget_jobs_except(kept: set[str]) -> None:
    """Drop the timed, retrying and failed jobs the command left in the in-process worker (its exit would)."""
    worker = local.current_worker()
    if worker is None:
        return
    for job in worker.pending():
        if job.id not in kept:
            worker.withdraw(job.id)
    for job in worker.failed(local.MAX_FAILED):
        if job.id not in kept:
            worker.delete(job.id)
