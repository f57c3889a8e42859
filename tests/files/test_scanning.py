"""Virus scanning through the real upload route: held until clean, infected removed and the owner told, outages wait.

A local fake clamd (tests/adapters/fake_clamd.py) speaks INSTREAM and flags the EICAR test string.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlmodel import select

from metaic.config import get_settings
from metaic.core import clock
from metaic.core.errors import NotFound
from metaic.db import session_scope
from metaic.files import scanning
from metaic.files import service as file_service
from metaic.files.models import File
from metaic.jobs.queue import drain_local
from metaic.notifications.models import Notification
from tests.adapters import fake_clamd
from tests.files import imaging
from tests.files.test_api import ORIGIN, _post, _signed_in


def _scanner_at(monkeypatch: pytest.MonkeyPatch, port: int) -> None:
    """Turn scanning on against clamd at 127.0.0.1:port."""
    monkeypatch.setenv("VIRUS_SCANNER", "clamd")
    monkeypatch.setenv("CLAMD_HOST", "127.0.0.1")
    monkeypatch.setenv("CLAMD_PORT", str(port))
    monkeypatch.setenv("CLAMD_TIMEOUT_SECONDS", "2")
    get_settings.cache_clear()


@pytest.fixture
def clamd(monkeypatch: pytest.MonkeyPatch) -> Iterator[fake_clamd.FakeClamd]:
    """A running fake clamd, with VIRUS_SCANNER=clamd pointing at it."""
    with fake_clamd.running() as server:
        _scanner_at(monkeypatch, server.port)
        yield server


def _row(file_id: str) -> File:
    """The stored row of an upload."""
    with session_scope() as s:
        row = s.get(File, uuid.UUID(file_id))
        s.expunge(row)
        return row


def _stored(data_dir: Path, file_id: str) -> list[str]:
    """Every stored object of an upload (held or public), as keys."""
    root = data_dir / "files"
    hex_id = uuid.UUID(file_id).hex
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() and hex_id in str(p))


def test_without_a_scanner_uploads_are_clean_at_once(client, data_dir):
    """The default (VIRUS_SCANNER=none): served at once, nothing held."""
    _signed_in(client)
    body = _post(client, imaging.jpeg(320, 240)).json()
    assert body["scan_status"] == "clean" and body["original_url"]
    assert client.get(urlsplit(body["original_url"]).path).status_code == 200
    assert not [k for k in _stored(data_dir, body["id"]) if k.startswith("held/")]
    drain_local()


def test_a_clean_upload_is_held_until_the_scan_then_served(client, clamd, data_dir):
    """Pending: no address, the object is not served (404), only held copies exist; the scan releases it."""
    _signed_in(client)
    upload = imaging.jpeg(800, 600)
    clamd.answer.clear()  # the scan waits for its verdict while the test looks
    body = _post(client, upload).json()
    assert body["scan_status"] == "pending" and body["original_url"] == "" and body["urls"] == {}
    row = _row(body["id"])
    assert client.get(f"/files/{row.storage_key}").status_code == 404
    assert client.get(f"/files/{scanning.raw_key(row.id)}").status_code == 404  # held keys are never served
    assert _stored(data_dir, body["id"]) == sorted(scanning.held_keys(row))
    listed = client.get("/api/v1/files").json()
    assert [(f["id"], f["scan_status"], f["original_url"]) for f in listed] == [(body["id"], "pending", "")]

    clamd.answer.set()
    drain_local()  # the scan, then the variants it queues
    ready = client.get(f"/api/v1/files/{body['id']}").json()
    assert ready["scan_status"] == "clean" and ready["status"] == "ready" and ready["original_url"]
    assert client.get(urlsplit(ready["original_url"]).path).status_code == 200
    assert client.get(urlsplit(ready["urls"]["400"]).path).status_code == 200
    assert clamd.seen.streams == [upload]  # the bytes exactly as received, not the re-encode
    assert not [k for k in _stored(data_dir, body["id"]) if k.startswith("held/")]


def test_an_infected_upload_is_deleted_never_served_and_the_owner_told(client, clamd, data_dir):
    """EICAR inside an image: every object goes, no address ever, a security notification says what happened."""
    user = _signed_in(client)
    body = _post(client, imaging.jpeg(400, 300) + fake_clamd.EICAR, purpose="avatar").json()
    assert body["scan_status"] == "pending"
    row = _row(body["id"])
    drain_local()  # the scan, then the notification job it causes

    gone = client.get(f"/api/v1/files/{body['id']}").json()
    assert gone["scan_status"] == "infected" and gone["original_url"] == "" and gone["urls"] == {}
    assert _stored(data_dir, body["id"]) == []
    assert client.get(f"/files/{row.storage_key}").status_code == 404
    assert client.get("/api/v1/files").json() == []
    assert client.get("/api/v1/files/usage").json()["used_bytes"] == 0
    assert _row(body["id"]).scan_result == "Eicar-Signature"
    with session_scope() as s:
        notes = list(s.exec(select(Notification).where(Notification.user_id == user.id)))
    assert [n.kind for n in notes] == ["security"]
    assert "removed" in notes[0].title and "profile photo" in notes[0].body and "Eicar-Signature" in notes[0].body
    listed = client.get("/api/v1/notifications").json()
    assert "Eicar-Signature" in str(listed)


def test_scanner_down_keeps_the_upload_pending_and_a_later_sweep_releases_it(client, monkeypatch, data_dir):
    """No verdict: held (never served, never lost), retried with backoff; once clamd is back it is released."""
    _scanner_at(monkeypatch, fake_clamd.free_port())
    _signed_in(client)
    body = _post(client, imaging.png(300, 200)).json()
    drain_local()
    row = _row(body["id"])
    assert row.scan_status == "pending" and row.scan_attempts == 1
    assert timedelta(seconds=25) < clock.as_utc(row.scan_retry_at) - clock.now() <= timedelta(seconds=30)
    assert client.get(f"/files/{row.storage_key}").status_code == 404
    assert _stored(data_dir, body["id"]) == sorted(scanning.held_keys(row))

    with session_scope() as s:
        assert file_service.scan_due(session=s) == 0  # not due yet
    clock.advance(timedelta(seconds=31))
    with session_scope() as s:
        assert file_service.scan_due(session=s) == 1
    drain_local()
    assert _row(body["id"]).scan_attempts == 2  # still down: the next wait doubles
    assert timedelta(seconds=55) < clock.as_utc(_row(body["id"]).scan_retry_at) - clock.now() <= timedelta(seconds=60)

    with fake_clamd.running() as server:
        _scanner_at(monkeypatch, server.port)
        clock.advance(timedelta(seconds=61))
        with session_scope() as s:
            assert file_service.scan_due(session=s) == 1
        with session_scope() as s:
            assert file_service.scan_due(session=s) == 0  # leased: one sweep queues it once
        drain_local()
    ready = client.get(f"/api/v1/files/{body['id']}").json()
    assert ready["scan_status"] == "clean" and ready["status"] == "ready"
    assert client.get(urlsplit(ready["original_url"]).path).status_code == 200


def test_big_uploads_are_streamed_in_chunks(client, clamd):
    """A few megabytes go to clamd in 64 KiB chunks and arrive whole."""
    _signed_in(client)
    upload = imaging.noisy_jpeg(1600, 1200)
    assert len(upload) > 1_000_000
    body = _post(client, upload).json()
    drain_local()
    assert clamd.seen.streams == [upload]
    sizes = clamd.seen.chunks[0]
    assert len(sizes) == -(-len(upload) // 65_536) and max(sizes) == 65_536
    assert client.get(f"/api/v1/files/{body['id']}").json()["scan_status"] == "clean"


def test_a_pending_upload_can_be_deleted_and_its_scan_does_nothing(client, clamd, data_dir):
    """Deleting a held upload removes its held objects; the queued scan then finds nothing to do."""
    _signed_in(client)
    clamd.answer.clear()
    body = _post(client, imaging.jpeg()).json()
    assert client.delete(f"/api/v1/files/{body['id']}", headers=ORIGIN).status_code == 204
    clamd.answer.set()
    drain_local()
    assert _stored(data_dir, body["id"]) == [] and client.get("/api/v1/files").json() == []
    with session_scope() as s:
        assert s.get(File, uuid.UUID(body["id"])) is None


def test_held_uploads_count_against_the_quota(client, clamd, data_dir):
    """The bytes kept for the scan count until it is done; then exactly what is stored does."""
    _signed_in(client)
    upload = imaging.noisy_jpeg(800, 600)
    clamd.answer.clear()
    body = _post(client, upload).json()

    def stored_bytes() -> int:
        return sum((data_dir / "files" / key).stat().st_size for key in _stored(data_dir, body["id"]))

    used = client.get("/api/v1/files/usage").json()["used_bytes"]
    assert used == body["total_bytes"] == stored_bytes() and used > len(upload)
    clamd.answer.set()
    drain_local()
    assert client.get("/api/v1/files/usage").json()["used_bytes"] == stored_bytes()
    assert not [k for k in _stored(data_dir, body["id"]) if k.startswith("held/")]


def test_our_own_code_reads_a_held_image_but_nothing_hands_it_out(client, clamd):
    """Reading a scanned card uses the held re-encode; the vCard photo waits for clean; an infected one is gone."""
    user = _signed_in(client)
    clamd.answer.clear()
    held = _post(client, imaging.jpeg(640, 400), purpose="scan").json()
    infected = _post(client, imaging.jpeg(300, 200) + fake_clamd.EICAR, purpose="scan").json()
    with session_scope() as s:
        owner = s.merge(user)
        data = file_service.read_original(session=s, owner=owner, file_id=uuid.UUID(held["id"]))
        assert data.startswith(b"\xff\xd8\xff") and fake_clamd.EICAR not in data
        assert file_service.read_original_jpeg(session=s, file_id=uuid.UUID(held["id"])) is None
    clamd.answer.set()
    drain_local()
    with session_scope() as s:
        owner = s.merge(user)
        assert file_service.read_original_jpeg(session=s, file_id=uuid.UUID(held["id"])) is not None
        with pytest.raises(NotFound):
            file_service.read_original(session=s, owner=owner, file_id=uuid.UUID(infected["id"]))
