"""`/api/v1/ai/scans`: upload checks on the server, the read result, save with the duplicate offer, owners apart."""

from __future__ import annotations

from tests.ai.test_api import account
from tests.files import imaging
from tests.support.http import problem

BASE = "/api/v1/ai/scans"


def _upload(client, headers, data: bytes, name: str = "card.jpg", kind: str = "image/jpeg"):
    """POST a photo as multipart."""
    return client.post(BASE, files={"file": (name, data, kind)}, headers=headers)


def test_a_photo_is_stored_and_read(client):
    """A blank photo reads as no fields (offline), stored and addressable; the review gets the photo's address."""
    ada, _ = account("ada@example.com")
    answer = _upload(client, ada, imaging.jpeg(900, 540, color="white"))
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["source"] == "ocr" and body["fields"] == [] and body["image_url"].endswith("/original.jpg")


def test_what_is_not_a_photo_is_refused_whatever_it_claims(client, monkeypatch):
    """A PDF named card.jpg: 422 with the reason; a body over MAX_UPLOAD_MB: 413; no file: 422."""
    ada, _ = account("ada@example.com")
    refused = _upload(client, ada, b"%PDF-1.7 fake", kind="image/jpeg")
    assert refused.status_code == 422 and "not an image" in refused.text
    assert client.post(BASE, data={"x": "1"}, headers=ada).status_code == 422
    from metaic.config import get_settings

    monkeypatch.setenv("MAX_UPLOAD_MB", "1")
    get_settings.cache_clear()
    assert _upload(client, ada, imaging.noisy_jpeg(2400, 2400)).status_code == 413
    get_settings.cache_clear()


def test_save_offers_the_duplicate_then_saves_as_new_and_others_cannot_touch_it(client):
    """Save: a contact with the photo; the same email again is offered; Bob gets 404 for Ada's photo."""
    ada, _ = account("ada@example.com")
    bob, _ = account("bob@example.com", name="Bob")
    first = _upload(client, ada, imaging.jpeg()).json()["file_id"]
    fields = [{"kind": "name", "value": "Grace Hopper"}, {"kind": "email", "value": "grace@navy.example"}]
    saved = client.post(f"{BASE}/{first}/contact", json={"fields": fields}, headers=ada).json()
    assert saved["status"] == "saved"
    contact = client.get(f"/api/v1/contacts/{saved['contact_id']}", headers=ada).json()
    assert contact["photo_file_id"] == first
    second = _upload(client, ada, imaging.jpeg()).json()["file_id"]
    offered = client.post(f"{BASE}/{second}/contact", json={"fields": fields}, headers=ada).json()
    assert offered["status"] == "duplicate" and offered["duplicate"]["id"] == saved["contact_id"]
    assert client.post(f"{BASE}/{second}/contact", json={"fields": fields}, headers=bob).status_code == 404
    assert client.delete(f"{BASE}/{second}", headers=bob).status_code == 404
    assert client.delete(f"{BASE}/{second}", headers=ada).status_code == 204


def test_a_scanned_contact_is_marked_scan_and_the_source_filter_finds_it(client):
    """Saved from a scan: source "scan", listed by `?source=scan` and not as added by hand; an unknown source is 422."""
    ada, _ = account("ada@example.com")
    client.post("/api/v1/contacts", json={"full_name": "Alan Turing"}, headers=ada)
    photo = _upload(client, ada, imaging.jpeg()).json()["file_id"]
    fields = [{"kind": "name", "value": "Grace Hopper"}, {"kind": "email", "value": "grace@navy.example"}]
    saved = client.post(f"{BASE}/{photo}/contact", json={"fields": fields}, headers=ada).json()
    assert client.get(f"/api/v1/contacts/{saved['contact_id']}", headers=ada).json()["source"] == "scan"
    scanned = client.get("/api/v1/contacts", params={"source": "scan"}, headers=ada)
    assert scanned.status_code == 200, scanned.text
    assert [c["full_name"] for c in scanned.json()["items"]] == ["Grace Hopper"]
    by_hand = client.get("/api/v1/contacts", params={"source": "manual"}, headers=ada).json()
    assert [c["full_name"] for c in by_hand["items"]] == ["Alan Turing"]
    problem(client.get("/api/v1/contacts", params={"source": "photo"}, headers=ada), 422)
