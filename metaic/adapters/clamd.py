"""Virus scanning through ClamAV's daemon (clamd), speaking its INSTREAM protocol over TCP.

The protocol is small enough to speak directly (no client library to keep up to date): send
`zINSTREAM\\0`, then the bytes as chunks each led by its length (4 bytes, big-endian), then a
zero length; clamd answers `stream: OK` or `stream: <signature> FOUND`, NUL-terminated, or a
line ending in `ERROR` (the stream was over its `StreamMaxLength`, or it could not scan).
Anything but a clear OK or FOUND raises ScannerUnavailable, so the caller keeps the upload held.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass
from typing import Protocol

from metaic.adapters.errors import ProviderError
from metaic.config import Settings, get_settings

CHUNK_BYTES = 64 * 1024
MAX_REPLY_BYTES = 4096


class ScannerUnavailable(ProviderError):
    """The scanner could not give a verdict (down, timed out, refused the stream): try again later."""


@dataclass(frozen=True)
class Verdict:
    """What the scanner said about some bytes: clean, or infected with a named signature."""

    clean: bool
    signature: str = ""


class VirusScanner(Protocol):
    """Anything that can look at bytes and say whether they carry malware."""

    def scan(self, data: bytes) -> Verdict:
        """Scan the bytes; raise ScannerUnavailable when no verdict can be had."""


class ClamdScanner:
    """A clamd reached over TCP; one short connection per scan."""

    def __init__(self, host: str, port: int, *, timeout: float = 30.0, chunk_bytes: int = CHUNK_BYTES):
        self.host, self.port, self.timeout, self.chunk_bytes = host, port, timeout, chunk_bytes

    def _connect(self) -> socket.socket:
        """An open connection to clamd, or ScannerUnavailable."""
        try:
            return socket.create_connection((self.host, self.port), timeout=self.timeout)
        except OSError as exc:
            raise ScannerUnavailable(f"clamd at {self.host}:{self.port} cannot be reached: {exc}") from exc

    def ping(self) -> bool:
        """True when clamd answers PING with PONG (for health checks)."""
        try:
            with self._connect() as conn:
                conn.sendall(b"zPING\0")
                return _read_reply(conn) == "PONG"
        except (OSError, ScannerUnavailable):
            return False

    def scan(self, data: bytes) -> Verdict:
        """Stream the bytes to clamd in chunks and read its verdict."""
        with self._connect() as conn:
            try:
                conn.sendall(b"zINSTREAM\0")
                for start in range(0, len(data), self.chunk_bytes):
                    chunk = data[start : start + self.chunk_bytes]
                    conn.sendall(len(chunk).to_bytes(4, "big") + chunk)
                conn.sendall(b"\0\0\0\0")
            except OSError as exc:
                # clamd closes the stream early when it is over StreamMaxLength, after saying why.
                reply = _reply_after_failed_send(conn)
                raise ScannerUnavailable(f"clamd stopped reading the stream: {reply or exc}") from exc
            try:
                reply = _read_reply(conn)
            except OSError as exc:
                raise ScannerUnavailable(f"clamd did not answer: {exc}") from exc
        return parse_reply(reply)


def _read_reply(conn: socket.socket) -> str:
    """clamd's answer up to its terminating NUL (or the end of the connection)."""
    received = b""
    while b"\0" not in received and len(received) < MAX_REPLY_BYTES:
        part = conn.recv(1024)
        if not part:
            break
        received += part
    return received.split(b"\0", 1)[0].decode("utf-8", "replace").strip()


def _reply_after_failed_send(conn: socket.socket) -> str:
    """Whatever clamd said before it closed the connection, or an empty string."""
    try:
        return _read_reply(conn)
    except OSError:
        return ""


def parse_reply(reply: str) -> Verdict:
    """A verdict from clamd's INSTREAM answer; ScannerUnavailable for an error or anything unexpected."""
    if reply.endswith("ERROR") or not reply:
        raise ScannerUnavailable(f"clamd could not scan the upload: {reply or 'no answer'}")
    if reply.endswith(": OK"):
        return Verdict(clean=True)
    if reply.endswith(" FOUND"):
        signature = reply.split(": ", 1)[-1].removesuffix(" FOUND").strip()
        return Verdict(clean=False, signature=signature or "unknown")
    raise ScannerUnavailable(f"clamd gave an unexpected answer: {reply[:200]}")


def get_scanner(settings: Settings | None = None) -> VirusScanner | None:
    """The configured scanner, or None when uploads are not scanned (`VIRUS_SCANNER=none`)."""
    settings = settings or get_settings()
    if settings.virus_scanner == "clamd":
        return ClamdScanner(settings.clamd_host, settings.clamd_port, timeout=settings.clamd_timeout_seconds)
    return None
