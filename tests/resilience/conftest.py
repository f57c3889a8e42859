"""Services that can fail on cue: a throwaway redis-server, and a TCP proxy that cuts and restores a connection.

The machine's shared PostgreSQL and Redis are never stopped (other runs use them): an outage is a
proxy in front of them whose connections are killed and whose new connections are refused on cue.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator

import pytest
import redis
from sqlalchemy.engine import make_url

from metaic.config import get_settings
from metaic.core import kv
from metaic.db import dispose_engines, get_engine
from tests.conftest import _empty_tables


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Proxy:
    """Forwards 127.0.0.1:`port` to an upstream; `cut()` kills open connections and refuses new ones."""

    def __init__(self, upstream: tuple[str, int]):
        self.upstream = upstream
        self.up = True
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def cut(self) -> None:
        """The service goes away: every open connection is closed and new ones are closed at once."""
        with self._lock:
            self.up = False
            sockets, self._open = self._open, set()
        for sock in sockets:
            _close(sock)

    def restore(self) -> None:
        """The service is back."""
        with self._lock:
            self.up = True

    def close(self) -> None:
        """Stop listening and drop every connection."""
        self.cut()
        _close(self._listener)

    def _accept(self) -> None:
        """Accept clients; while cut, hang up on them straight away."""
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            with self._lock:
                up = self.up
            if not up:
                _close(client)
                continue
            try:
                server = socket.create_connection(self.upstream, timeout=5)
            except OSError:
                _close(client)
                continue
            server.settimeout(None)
            with self._lock:
                self._open.update((client, server))
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=_pump, args=(source, target), daemon=True).start()


def _pump(source: socket.socket, target: socket.socket) -> None:
    """Copy bytes one way until either side closes."""
    try:
        while data := source.recv(65536):
            target.sendall(data)
    except OSError:
        pass
    finally:
        _close(source)
        _close(target)


def _close(sock: socket.socket) -> None:
    """Close a socket at once (shutdown wakes a thread blocked in recv on it)."""
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    with contextlib.suppress(OSError):
        sock.close()


@pytest.fixture
def redis_server() -> Iterator[int]:
    """A redis-server of this test's own on a free port (no persistence); yields its port."""
    binary = shutil.which("redis-server")
    assert binary, "redis-server is not installed"
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            assert time.monotonic() < deadline and process.poll() is None, "redis-server did not start"
            time.sleep(0.05)
    try:
        yield port
    finally:
        client.close()
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def redis_proxy(redis_server: int, monkeypatch: pytest.MonkeyPatch) -> Iterator[Proxy]:
    """The app's REDIS_URL goes through a proxy to the throwaway redis-server."""
    proxy = Proxy(("127.0.0.1", redis_server))
    monkeypatch.setenv("REDIS_URL", f"redis://127.0.0.1:{proxy.port}/0")
    get_settings.cache_clear()
    kv.reset()
    try:
        yield proxy
    finally:
        proxy.close()
        monkeypatch.setenv("REDIS_URL", "")
        get_settings.cache_clear()
        kv.reset()


@pytest.fixture
def pg_proxy(postgres_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Proxy]:
    """The app's DATABASE_URL goes through a proxy to this run's PostgreSQL database (tables emptied)."""
    url = make_url(postgres_url)
    proxy = Proxy((url.host or "127.0.0.1", url.port or 5432))
    proxied = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    monkeypatch.setenv("DATABASE_URL", proxied)
    get_settings.cache_clear()
    with get_engine().begin() as conn:
        _empty_tables(conn)
    try:
        yield proxy
    finally:
        proxy.close()
        dispose_engines()
