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

from tests.conftest import throwaway_postgres
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
START_TIMEOUT = 600


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
def app_server(e2e_database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    """`reflex run --env prod --single-port` on a free port, against a throwaway PostgreSQL database."""
    postgres_url = e2e_database_url
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}; `.ci/run` installs it (apt-get install chromium).")
    port = _free_port()
    data_dir = tmp_path_factory.mktemp("e2e-data")
    with smtp_sink(data_dir / "smtp") as (smtp_port, sink):
        yield from _serve(port, data_dir, postgres_url, smtp_port, sink)


def _serve(port: int, data_dir: Path, postgres_url: str, smtp_port: int, sink: FilingSmtpSink) -> Iterator[RunningApp]:
    """Run the app until the session ends; its emails go to the test SMTP server."""
    base_url = f"http://127.0.0.1:{port}"
    bin_dir = str(Path(sys.executable).parent)
    env = {
        **os.environ,
        "PATH": f"{bin_dir}:{os.environ.get('PATH', '')}",
        "METAIC_ENV": "test",
        "METAIC_DATA_DIR": str(data_dir),
        "DATABASE_URL": postgres_url,
        "REDIS_URL": "",
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
    log_path = data_dir / "app.log"
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [
                shutil.which("reflex", path=env["PATH"]) or "reflex",
                "run",
                "--env",
                "prod",
                "--single-port",
                "--frontend-port",
                str(port),
                "--backend-host",
                "127.0.0.1",
                "--loglevel",
                "info",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_until_up(base_url, proc, log_path)
        yield RunningApp(base_url, data_dir, postgres_url, sink)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def _wait_until_up(base_url: str, proc: subprocess.Popen, log_path: Path) -> None:
    """Poll until pages and the API answer, or fail with the app's log."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the app exited with {proc.returncode}:\n{log_path.read_text()[-4000:]}")
        try:
            if (
                httpx.get(f"{base_url}/healthz", timeout=2).status_code == 200
                and httpx.get(f"{base_url}/login", timeout=5, follow_redirects=True).status_code == 200
            ):
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    pytest.fail(f"the app did not start in {START_TIMEOUT} s:\n{log_path.read_text()[-4000:]}")


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (no downloaded browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()
