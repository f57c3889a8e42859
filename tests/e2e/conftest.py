"""Start the real app (single port, production build) and a headless Chromium for browser tests."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from aiosmtpd.controller import Controller

from tests.conftest import flushed_redis, throwaway_postgres
from tests.e2e.redis_server import RedisServer
from tests.support.fake_openai import API_KEY, EMBEDDING_MODEL, MODEL, FakeOpenAI
from tests.support.fake_providers import SmtpSink

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-sync",
    "--disable-background-networking",
    "--disable-component-update",
]
# `reflex run --env prod` rebuilds the frontend at every start: minutes, and many more on a loaded machine.
START_TIMEOUT = int(os.environ.get("E2E_START_TIMEOUT", "600"))
# What a second app must not share with the first: Reflex rebuilds .web at every start and compiles the
# backend's port into the bundle (the websocket URL), so a rebuild in the same .web would point the first
# app's pages at the second app.
NOT_SHARED = {".web", ".states", "data", "uploaded_files", ".pytest_cache", ".ruff_cache"}


def _free_port() -> int:
    """A port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class FilingSmtpSink(SmtpSink):
    """The test SMTP server's handler: keeps every message and files a copy as `<n>.eml` for the tests to read."""

    def __init__(self, folder: Path):
        super().__init__()
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, server, session, envelope) -> str:
        """Store the message in memory and on disk."""
        reply = await super().handle_DATA(server, session, envelope)
        (self.folder / f"{len(self.messages):04d}.eml").write_bytes(envelope.content)
        return reply


class RunningApp:
    """The app under test: its base URL, its data folder, and the SMTP server it sends every email to."""

    def __init__(self, base_url: str, data_dir: Path, database_url: str, smtp: FilingSmtpSink):
        self.base_url = base_url
        self.data_dir = data_dir
        self.database_url = database_url
        self.smtp = smtp

    @property
    def outbox(self) -> Path:
        """Folder where the test SMTP server files each email the app sent it."""
        return self.smtp.folder


class LaunchedApp:
    """An app whose processes were started; `wait()` returns once it answers (at once after the first time)."""

    def __init__(self, running: RunningApp, logs: dict[subprocess.Popen, Path]):
        self.running = running
        self.logs = logs
        self.up = False

    def wait(self) -> None:
        """Block until pages and the API answer, or fail with the log of a process that exited."""
        if not self.up:
            _wait_until_up(self.running.base_url, self.logs)
            self.up = True


@contextlib.contextmanager
def smtp_sink(folder: Path) -> Iterator[tuple[int, FilingSmtpSink]]:
    """A real SMTP server (aiosmtpd) on a free port for the app under test."""
    sink = FilingSmtpSink(folder)
    port = _free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, sink
    finally:
        controller.stop()


@pytest.fixture(scope="session")
def e2e_database_url() -> Iterator[str]:
    """A PostgreSQL database of the browser tests' own: other tests empty the shared one as they go."""
    with throwaway_postgres("metaic_e2e") as url:
        yield url


@pytest.fixture(scope="session")
def fake_llm() -> Iterator[FakeOpenAI]:
    """The fake OpenAI-compatible provider the first app is configured with (LLM_BACKEND=openai).

    Only accounts that opted in to the external provider ever reach it; every other account keeps the offline
    assistant, as on a real server with a provider. A test that steers it (reply, script, pacing) restores it.
    """
    fake = FakeOpenAI()
    yield fake
    fake.close()


@pytest.fixture(scope="session")
def app_server(
    e2e_database_url: str,
    fake_llm: FakeOpenAI,
    tmp_path_factory: pytest.TempPathFactory,
    request: pytest.FixtureRequest,
) -> Iterator[RunningApp]:
    """`reflex run --env prod --single-port` on a free port, against a throwaway PostgreSQL database.

    When this session needs the Redis-backed app or the Redis-outage app too, those are started first: the
    production builds (about two minutes each) overlap, and every app is up before any test runs, so no build
    slows a test.
    """
    others = [request.getfixturevalue(launch) for user, launch in OTHER_APPS.items() if _session_needs(request, user)]
    data_dir = tmp_path_factory.mktemp("e2e-data")
    with (
        smtp_sink(data_dir / "smtp") as (smtp_port, sink),
        _launch(_free_port(), data_dir, e2e_database_url, smtp_port, sink, llm=fake_llm) as app,
    ):
        app.wait()
        for other in others:
            other.wait()
        yield app.running


@pytest.fixture(scope="session")
def redis_app_launch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LaunchedApp]:
    """The app as production runs it: REDIS_URL set (Reflex's Redis state manager, several server processes,
    jobs on RQ) and one `python -m metaic worker` beside it; its own database, Redis index and working folder.
    Started here, waited for by whoever uses it."""
    data_dir = tmp_path_factory.mktemp("e2e-redis-data")
    with (
        _second_root(tmp_path_factory.mktemp("e2e-redis-root")) as root,
        throwaway_postgres("metaic_e2e_redis") as database_url,
        flushed_redis() as redis_url,
        smtp_sink(data_dir / "smtp") as (smtp_port, sink),
        _launch(
            _free_port(), data_dir, database_url, smtp_port, sink, root=root, redis_url=redis_url, worker=True
        ) as app,
    ):
        yield app


@pytest.fixture(scope="session")
def outage_redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """The redis-server of the Redis-outage test's app, which that test kills and starts again."""
    server = RedisServer(tmp_path_factory.mktemp("e2e-outage-redis"))
    server.start()
    try:
        yield server
    finally:
        server.kill()


@pytest.fixture(scope="session")
def outage_app_launch(tmp_path_factory: pytest.TempPathFactory, outage_redis: RedisServer) -> Iterator[LaunchedApp]:
    """The app for the Redis-outage test (several server processes, a worker) on its own database and on
    `outage_redis`. Started here, waited for by that test."""
    data_dir = tmp_path_factory.mktemp("e2e-outage-data")
    with (
        _second_root(tmp_path_factory.mktemp("e2e-outage-root")) as root,
        throwaway_postgres("metaic_e2e_outage") as database_url,
        smtp_sink(data_dir / "smtp") as (smtp_port, sink),
        _launch(
            _free_port(), data_dir, database_url, smtp_port, sink, root=root, redis_url=outage_redis.url, worker=True
        ) as app,
    ):
        yield app


@pytest.fixture(scope="session")
def app_server_redis(redis_app_launch: LaunchedApp) -> RunningApp:
    """The Redis-backed app, up."""
    redis_app_launch.wait()
    return redis_app_launch.running


# Apps a session may need beside the first one, by the fixture its tests use: started together with it.
OTHER_APPS = {"app_server_redis": "redis_app_launch", "outage_app": "outage_app_launch"}


def _session_needs(request: pytest.FixtureRequest, fixture: str) -> bool:
    """Whether a test collected in this session uses `fixture`."""
    return any(fixture in getattr(item, "fixturenames", ()) for item in request.session.items)


@contextlib.contextmanager
def _second_root(folder: Path) -> Iterator[Path]:
    """A working folder for a second app: links to the project's files, and a copy of the built .web.

    Copying .web (node packages included, a few seconds) spares the second start an npm install; it rebuilds
    the bundle for its own port. The copy is removed afterwards, in the background.
    """
    for entry in ROOT.iterdir():
        if entry.name not in NOT_SHARED:
            (folder / entry.name).symlink_to(entry)
    web = ROOT / ".web"
    if (web / "node_modules").is_dir():
        # Only the top-level build output is left out: packages in node_modules have "build" folders too.
        skip_build = lambda where, names: ["build"] if Path(where) == web else []  # noqa: E731
        shutil.copytree(web, folder / ".web", symlinks=True, ignore=skip_build)
    try:
        yield folder
    finally:
        # Deleting node_modules takes half a minute: a detached `rm` does it while the run goes on (or ends).
        subprocess.Popen(["rm", "-rf", str(folder)], start_new_session=True, stderr=subprocess.DEVNULL)


@contextlib.contextmanager
def _launch(
    port: int,
    data_dir: Path,
    database_url: str,
    smtp_port: int,
    sink: FilingSmtpSink,
    *,
    root: Path = ROOT,
    redis_url: str = "",
    worker: bool = False,
    llm: FakeOpenAI | None = None,
) -> Iterator[LaunchedApp]:
    """Start the app from `root` (and an RQ worker if asked) until the session ends; emails go to the SMTP sink,
    and the assistant's provider requests to `llm` when given."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}; `.ci/run` installs it (apt-get install chromium).")
    base_url = f"http://127.0.0.1:{port}"
    bin_dir = str(Path(sys.executable).parent)
    env = {
        **os.environ,
        "PATH": f"{bin_dir}:{os.environ.get('PATH', '')}",
        "METAIC_ENV": "test",
        "METAIC_DATA_DIR": str(data_dir),
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "EMAIL_BACKEND": "smtp",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp_port),
        "PUBLIC_BASE_URL": base_url,
        "SECRET_KEY": "e2e-secret-key-0123456789-abcdefghij",
        "REFLEX_USE_NPM": "1",
        "REFLEX_TELEMETRY_ENABLED": "false",
        "REFLEX_CHECK_LATEST_VERSION": "false",
    }
    env.setdefault("NPM_CONFIG_REGISTRY", "https://registry.npmjs.org/")
    if llm is not None:
        env.update(_provider_env(llm))
    reflex = shutil.which("reflex", path=env["PATH"]) or "reflex"
    app_cmd = [reflex, "run", "--env", "prod", "--single-port", "--frontend-port", str(port)]
    app_cmd += ["--backend-host", "127.0.0.1", "--loglevel", "info"]
    commands = {data_dir / "app.log": app_cmd}
    if worker:
        commands[data_dir / "worker.log"] = [sys.executable, "-m", "metaic", "worker"]
    with contextlib.ExitStack() as running:
        logs = {running.enter_context(_process(cmd, root, env, log)): log for log, cmd in commands.items()}
        yield LaunchedApp(RunningApp(base_url, data_dir, database_url, sink), logs)


def _provider_env(llm: FakeOpenAI) -> dict[str, str]:
    """Settings pointing the assistant at the fake provider: no retries, a timeout well above its paced pieces."""
    return {
        "LLM_BACKEND": "openai",
        "OPENAI_API_KEY": API_KEY,
        "OPENAI_BASE_URL": llm.url,
        "OPENAI_MODEL": MODEL,
        "OPENAI_EMBEDDING_MODEL": EMBEDDING_MODEL,
        "OPENAI_TIMEOUT_SECONDS": "10",
        "OPENAI_MAX_RETRIES": "0",
    }


@contextlib.contextmanager
def _process(cmd: list[str], cwd: Path, env: dict[str, str], log_path: Path) -> Iterator[subprocess.Popen]:
    """Run a command in a process group of its own, logging to `log_path`; stop the whole group afterwards."""
    with log_path.open("w") as log:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield proc
    finally:
        with contextlib.suppress(ProcessLookupError):  # it may have exited on its own (a failed start)
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def _wait_until_up(base_url: str, logs: dict[subprocess.Popen, Path]) -> None:
    """Poll until pages and the API answer, or fail with the log of a process that exited (or of the app)."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        for proc, log_path in logs.items():
            if proc.poll() is not None:
                pytest.fail(f"{proc.args[:4]} exited with {proc.returncode}:\n{log_path.read_text()[-4000:]}")
        try:
            if (
                httpx.get(f"{base_url}/healthz", timeout=2).status_code == 200
                and httpx.get(f"{base_url}/login", timeout=5, follow_redirects=True).status_code == 200
            ):
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    app_log = next(iter(logs.values()))
    pytest.fail(f"the app did not start in {START_TIMEOUT} s:\n{app_log.read_text()[-4000:]}")


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (no downloaded browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()
