"""A local HTTP server on 127.0.0.1 that keeps every POST (path, headers, decompressed body): a stand-in
for collectors such as Sentry's envelope endpoint or an OTLP/HTTP trace receiver."""

from __future__ import annotations

import contextlib
import gzip
import threading
import time
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Captured:
    """What the server received, in order."""

    def __init__(self) -> None:
        self.posts: list[tuple[str, dict[str, str], bytes]] = []

    def wait(self, count: int = 1, timeout: float = 10.0) -> list[tuple[str, dict[str, str], bytes]]:
        """The posts once at least `count` arrived (AssertionError after `timeout`)."""
        deadline = time.monotonic() + timeout
        while len(self.posts) < count:
            assert time.monotonic() < deadline, f"only {len(self.posts)} of {count} posts arrived"
            time.sleep(0.02)
        return list(self.posts)


def _decoded(body: bytes, encoding: str) -> bytes:
    """The body without its content encoding."""
    if encoding == "gzip":
        return gzip.decompress(body)
    if encoding == "deflate":
        return zlib.decompress(body)
    return body


@contextlib.contextmanager
def capture_server() -> Iterator[tuple[str, Captured]]:
    """A running server; yields its base URL and what it captured."""
    captured = Captured()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            """Keep the post and answer 200 with an empty JSON object."""
            body = self.rfile.read(int(self.headers.get("content-length") or 0))
            headers = {k.lower(): v for k, v in self.headers.items()}
            captured.posts.append((self.path, headers, _decoded(body, headers.get("content-encoding", ""))))
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *_args) -> None:
            """Quiet."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", captured
    finally:
        server.shutdown()
        server.server_close()
