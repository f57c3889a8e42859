"""A local OpenAI-compatible HTTP server on 127.0.0.1 for the assistant's tests.

It speaks `POST /v1/chat/completions` (JSON, or Server-Sent Events when `"stream": true`) and
`POST /v1/embeddings`, checks the bearer key, and records every request body so tests can assert on
exactly what left the machine. A test steers it with `script`: a queue of behaviours taken one per
request ("ok", "429", "500", "slow", "malformed", "cut": a stream that breaks after two pieces), after
which it answers normally. `first_piece_at` keeps when (time.perf_counter) each stream's first piece left.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections import deque
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from metaic.config import get_settings

API_KEY = "sk-test-fake-openai"
MODEL = "fake-gpt"
EMBEDDING_MODEL = "fake-embed"
DIMENSIONS = 16


def embed_text(text: str) -> list[float]:
    """A deterministic embedding: hashed word counts, so texts sharing words are close."""
    vector = [0.0] * DIMENSIONS
    for word in text.lower().split():
        digest = hashlib.sha256(word.strip(".,;:!?").encode()).digest()
        vector[digest[0] % DIMENSIONS] += 1.0
    return vector


class FakeOpenAI:
    """The server, what it received, and what it should answer next."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.paths: list[str] = []
        self.script: deque[str] = deque()
        self.reply = '{"proposals": ["Fake provider headline"]}'
        self.slow_seconds = 3.0
        self.first_piece_at: list[float] = []
        self.piece_seconds = 0.0  # a pause between streamed pieces, to see them arrive one by one
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                """Record the request and answer as the script says."""
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                fake._record(self.path, body)
                if self.headers.get("Authorization") != f"Bearer {API_KEY}":
                    return self._json(401, {"error": {"message": "Incorrect API key", "type": "invalid_request_error"}})
                behaviour = fake._next()
                if behaviour == "429":
                    return self._json(
                        429, {"error": {"message": "Rate limit", "type": "rate_limit"}}, {"retry-after": "0"}
                    )
                if behaviour == "500":
                    return self._json(500, {"error": {"message": "Server error", "type": "server_error"}})
                if behaviour == "slow":
                    time.sleep(fake.slow_seconds)
                request = json.loads(body or b"{}")
                if self.path.endswith("/embeddings"):
                    return self._json(200, fake._embeddings(request))
                if not self.path.endswith("/chat/completions"):
                    return self._json(404, {"error": {"message": "Not found"}})
                if behaviour == "malformed" and request.get("stream"):
                    return self._raw(200, b"data: {not json\n\ndata: [DONE]\n\n", "text/event-stream")
                if behaviour == "malformed":
                    return self._raw(200, b'{"id": "x", "choices": [ {"message": ', "application/json")
                if request.get("stream"):
                    return self._stream(request, cut=behaviour == "cut")
                return self._json(200, fake._completion(request))

            def _json(self, status: int, data: dict, headers: dict | None = None) -> None:
                """Send a JSON answer."""
                self._raw(status, json.dumps(data).encode(), "application/json", headers)

            def _raw(self, status: int, data: bytes, kind: str, headers: dict | None = None) -> None:
                """Send bytes with a content type."""
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)

            def _stream(self, request: dict, cut: bool = False) -> None:
                """Send the reply as chat.completion.chunk events, one word each, then [DONE] (or break off)."""
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Connection", "close")
                self.end_headers()
                words = fake.reply.split(" ")
                for i, word in enumerate(words):
                    piece = word if i == 0 else " " + word
                    chunk = {
                        "id": "chatcmpl-fake",
                        "object": "chat.completion.chunk",
                        "created": int(time.time()),
                        "model": request.get("model", MODEL),
                        "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}],
                    }
                    if i and fake.piece_seconds:
                        time.sleep(fake.piece_seconds)
                    if cut and i == 2:
                        self.wfile.write(b"data: {broken\n\n")  # a garbled event, then the connection drops
                        self.wfile.flush()
                        self.close_connection = True
                        return
                    self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                    self.wfile.flush()
                    if i == 0:
                        fake.first_piece_at.append(time.perf_counter())
                self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()
                self.close_connection = True

            def log_message(self, *args) -> None:
                """Keep test output quiet."""

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        """The base URL an OpenAI client uses (`…/v1`)."""
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def _record(self, path: str, body: bytes) -> None:
        """Keep the request."""
        with self._lock:
            self.paths.append(path)
            try:
                self.requests.append(json.loads(body or b"{}"))
            except ValueError:
                self.requests.append({"raw": body.decode(errors="replace")})

    def _next(self) -> str:
        """The next scripted behaviour, "ok" once the script is used up."""
        with self._lock:
            return self.script.popleft() if self.script else "ok"

    def _completion(self, request: dict) -> dict:
        """A chat.completion answer carrying `reply`."""
        prompt = sum(len(str(m.get("content", "")).split()) for m in request.get("messages", []))
        return {
            "id": "chatcmpl-fake",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": request.get("model", MODEL),
            "choices": [{"index": 0, "message": {"role": "assistant", "content": self.reply}, "finish_reason": "stop"}],
            "usage": {
                "prompt_tokens": prompt,
                "completion_tokens": len(self.reply.split()),
                "total_tokens": prompt + len(self.reply.split()),
            },
        }

    def _embeddings(self, request: dict) -> dict:
        """An embeddings answer, one hashed vector per input."""
        inputs = request.get("input")
        inputs = [inputs] if isinstance(inputs, str) else list(inputs or [])
        return {
            "object": "list",
            "model": request.get("model", EMBEDDING_MODEL),
            "data": [{"object": "embedding", "index": i, "embedding": embed_text(t)} for i, t in enumerate(inputs)],
            "usage": {"prompt_tokens": sum(len(t.split()) for t in inputs), "total_tokens": 0},
        }

    def chat_bodies(self) -> list[dict]:
        """The bodies of every chat completion request received."""
        return [r for p, r in zip(self.paths, self.requests, strict=True) if p.endswith("/chat/completions")]

    def close(self) -> None:
        """Stop serving."""
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake_openai(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOpenAI]:
    """A running fake, with the settings pointing LLM_BACKEND=openai at it (short timeout, fast retries)."""
    fake = FakeOpenAI()
    monkeypatch.setenv("LLM_BACKEND", "openai")
    monkeypatch.setenv("OPENAI_API_KEY", API_KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", fake.url)
    monkeypatch.setenv("OPENAI_MODEL", MODEL)
    monkeypatch.setenv("OPENAI_EMBEDDING_MODEL", EMBEDDING_MODEL)
    monkeypatch.setenv("OPENAI_TIMEOUT_SECONDS", "1")
    monkeypatch.setenv("OPENAI_MAX_RETRIES", "1")
    get_settings.cache_clear()
    yield fake
    fake.close()
    get_settings.cache_clear()
