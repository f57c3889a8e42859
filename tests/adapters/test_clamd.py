"""The clamd adapter against a local server speaking INSTREAM: verdicts, chunking, limits, outages."""

from __future__ import annotations

import os
import time

import pytest

from metaic.adapters.clamd import ClamdScanner, ScannerUnavailable, Verdict, get_scanner, parse_reply
from metaic.config import get_settings
from tests.adapters import fake_clamd


def test_clean_bytes_are_ok():
    with fake_clamd.running() as server:
        verdict = ClamdScanner("127.0.0.1", server.port).scan(b"just a picture")
    assert verdict == Verdict(clean=True)
    assert server.seen.commands == [b"zINSTREAM\0"] and server.seen.streams == [b"just a picture"]


def test_the_eicar_test_string_is_found_with_its_signature():
    with fake_clamd.running() as server:
        verdict = ClamdScanner("127.0.0.1", server.port).scan(b"\xff\xd8\xff" + fake_clamd.EICAR + b"tail")
    assert verdict == Verdict(clean=False, signature="Eicar-Signature")


def test_large_bytes_go_in_chunks_and_arrive_whole():
    data = os.urandom(200_000)
    with fake_clamd.running() as server:
        assert ClamdScanner("127.0.0.1", server.port, chunk_bytes=65_536).scan(data).clean
    assert server.seen.chunks == [[65_536, 65_536, 65_536, 200_000 - 3 * 65_536]]
    assert server.seen.streams == [data]


def test_a_stream_over_clamds_limit_is_no_verdict():
    """clamd refuses a stream over StreamMaxLength: that is not 'clean', the upload must stay held."""
    with fake_clamd.running(max_stream=100_000) as server, pytest.raises(ScannerUnavailable, match="size limit"):
        ClamdScanner("127.0.0.1", server.port, chunk_bytes=8192).scan(os.urandom(300_000))


def test_scanner_down_raises_unavailable():
    with pytest.raises(ScannerUnavailable, match="cannot be reached"):
        ClamdScanner("127.0.0.1", fake_clamd.free_port(), timeout=2).scan(b"data")


def test_a_scanner_that_never_answers_times_out():
    with fake_clamd.silent() as port:
        started = time.monotonic()
        with pytest.raises(ScannerUnavailable):
            ClamdScanner("127.0.0.1", port, timeout=0.5).scan(b"data")
    assert time.monotonic() - started < 5


@pytest.mark.parametrize(
    ("reply", "verdict"),
    [
        ("stream: OK", Verdict(clean=True)),
        ("stream: Win.Test.EICAR_HDB-1 FOUND", Verdict(clean=False, signature="Win.Test.EICAR_HDB-1")),
    ],
)
def test_replies_are_read(reply, verdict):
    assert parse_reply(reply) == verdict


@pytest.mark.parametrize("reply", ["", "INSTREAM size limit exceeded. ERROR", "stream: lstat() failed. ERROR", "?"])
def test_anything_else_is_no_verdict(reply):
    with pytest.raises(ScannerUnavailable):
        parse_reply(reply)


def test_ping_and_the_setting(monkeypatch):
    with fake_clamd.running() as server:
        assert ClamdScanner("127.0.0.1", server.port).ping()
        monkeypatch.setenv("VIRUS_SCANNER", "clamd")
        monkeypatch.setenv("CLAMD_PORT", str(server.port))
        get_settings.cache_clear()
        scanner = get_scanner()
        assert isinstance(scanner, ClamdScanner) and scanner.port == server.port and scanner.scan(b"x").clean
    assert not ClamdScanner("127.0.0.1", fake_clamd.free_port(), timeout=1).ping()
    monkeypatch.setenv("VIRUS_SCANNER", "none")
    get_settings.cache_clear()
    assert get_scanner() is None
