"""A local stand-in for ClamAV's daemon: speaks INSTREAM (and PING) on 127.0.0.1 and flags the EICAR test string.

It checks the protocol as clamd does (a command, 4-byte big-endian chunk lengths, a zero-length end,
a size limit) and records what it received, so tests can see the chunks. Unlike real ClamAV, whose
EICAR signature matches the test file itself, it flags the string anywhere in the stream: the uploads
under test are images that carry it, since a bare EICAR file is refused before any scan.
"""

from __future__ import annotations

import socket
import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

# Built from two halves so this source file itself is not the test file.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
SIGNATURE = "Eicar-Signature"


@dataclass
class Seen:
    """What the fake received: one list of chunk sizes per scanned stream, and the bytes of each stream."""

    chunks: list[list[int]] = field(default_factory=list)
    streams: list[bytes] = field(default_factory=list)
    commands: list[bytes] = field(default_factory=list)


def _read_command(rfile) -> bytes:
    """One command: `z...\\0` or `n...\\n`."""
    first = rfile.read(1)
    end = b"\0" if first == b"z" else b"\n"
    command = first
    while command[-1:] != end and len(command) < 64:
        byte = rfile.read(1)
        if not byte:
            break
        command += byte
    return command


class _Handler(socketserver.StreamRequestHandler):
    """One clamd session: a command and its answer."""

    def handle(self) -> None:
        """Answer PING or INSTREAM like clamd does."""
        server: FakeClamd = self.server  # type: ignore[assignment]
        command = _read_command(self.rfile)
        server.seen.commands.append(command)
        terminator = b"\0" if command.startswith(b"z") else b"\n"
        name = command[1:].rstrip(b"\0\n")
        if name == b"PING":
            self.wfile.write(b"PONG" + terminator)
        elif name == b"INSTREAM":
            self.wfile.write(self._instream(server).encode() + terminator)
        else:
            self.wfile.write(b"UNKNOWN COMMAND" + terminator)

    def _instream(self, server: FakeClamd) -> str:
        """Read length-prefixed chunks up to the zero length; the verdict line."""
        sizes, data = [], b""
        while True:
            header = self.rfile.read(4)
            if len(header) < 4:
                return "INSTREAM: premature end of stream. ERROR"
            size = int.from_bytes(header, "big")
            if size == 0:
                break
            chunk = self.rfile.read(size)
            sizes.append(len(chunk))
            data += chunk
            if len(data) > server.max_stream:
                return "INSTREAM size limit exceeded. ERROR"
        server.answer.wait(10)  # a test may hold the verdict back (see FakeClamd.answer)
        server.seen.chunks.append(sizes)
        server.seen.streams.append(data)
        return f"stream: {SIGNATURE} FOUND" if EICAR in data else "stream: OK"


class FakeClamd(socketserver.ThreadingTCPServer):
    """The fake daemon; `port` is where it listens."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port: int = 0, *, max_stream: int = 25 * 1024 * 1024):
        super().__init__(("127.0.0.1", port), _Handler)
        self.max_stream = max_stream
        self.seen = Seen()
        # Cleared, scans wait for their verdict until it is set again: lets a test look at a pending upload.
        self.answer = threading.Event()
        self.answer.set()

    @property
    def port(self) -> int:
        """The TCP port it listens on."""
        return self.server_address[1]


@contextmanager
def running(port: int = 0, **options) -> Iterator[FakeClamd]:
    """A fake clamd serving in a thread until the block ends."""
    server = FakeClamd(port, **options)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def free_port() -> int:
    """A TCP port on 127.0.0.1 with nothing listening (for 'the scanner is down')."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def silent() -> Iterator[int]:
    """A port that accepts connections and never answers (for timeouts); yields the port."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    try:
        yield listener.getsockname()[1]
    finally:
        listener.close()
