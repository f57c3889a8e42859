"""Scanning a card: the photo stored through the files checks, read by OCR or the vision model, saved as a contact."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from metaic.ai import scan
from metaic.ai.models import AiUsage
from metaic.auth.models import User
from metaic.contacts.models import SavedContact
from metaic.core.errors import NotFound, ValidationError
from metaic.db import session_scope
from metaic.files.images import FileTooLarge
from metaic.files.models import File
from tests.ai.helpers import make_user
from tests.ai.scan_cards import CARDS, render
from tests.files import imaging

ADA = CARDS[0]
VISION_REPLY = {
    "name": "Ada Lovelace",
    "title": "Software Engineer",
    "company": "Analytical Engines Ltd",
    "emails": ["ada@analytical.co.uk"],
    "phones": ["+44 20 7946 0958"],
    "websites": ["www.analytical.co.uk"],
    "addresses": ["12 St James's Square, London SW1Y 4JH"],
    "uncertain": ["title"],
}


@pytest.fixture(scope="module")
def ada_photo() -> bytes:
    """Ada's card photographed (rendered once for the module)."""
    return render(ADA, seed=7)


def _scan(owner_email: str, photo: bytes, **user) -> scan.ScanRead:
    """Scan a photo as a (new or existing) account."""
    with session_scope() as s:
        owner = s.exec(select(User).where(User.email == owner_email)).first() or make_user(s, owner_email, **user)
        return scan.scan(session=s, owner=owner, filename="card.jpg", data=photo)


def _values(result: scan.ScanRead, kind: str) -> list[str]:
    """The values of one kind."""
    return [f.value for f in result.fields if f.kind == kind]


def _allow_vision(email: str) -> None:
    """Opt the account in and let contact details go to the provider."""
    from metaic.ai import prefs

    with session_scope() as s:
        user = s.exec(select(User).where(User.email == email)).one()
        prefs.update(session=s, user_id=user.id, external_opt_in=True, strip_contact_details=False)


def test_offline_scan_stores_the_photo_and_reads_the_fields(db, ada_photo):
    """No provider: Tesseract reads the card; the photo is an upload of purpose `scan`; usage says offline."""
    result = _scan("ada@example.com", ada_photo)
    assert result.source == "ocr" and "offline" in result.note
    assert _values(result, "email") == [ADA.email]
    assert ADA.phone_e164 in _values(result, "phone")
    assert _values(result, "name") == [ADA.name]
    with session_scope() as s:
        stored = s.get(File, result.file_id)
        assert stored.purpose == "scan" and stored.content_type == "image/jpeg"
        assert [u.source for u in s.exec(select(AiUsage).where(AiUsage.feature == "scan"))] == ["offline"]


def test_the_vision_model_reads_the_card_when_allowed(db, fake_openai, ada_photo):
    """Opted in with details allowed: one chat request carrying the photo as an image part; its JSON is the fields."""
    with session_scope() as s:
        make_user(s, "ada@example.com")
    _allow_vision("ada@example.com")
    fake_openai.reply = "```json\n" + json.dumps(VISION_REPLY) + "\n```"
    result = _scan("ada@example.com", ada_photo)
    assert result.source == "vision" and result.note == ""
    assert _values(result, "phone") == ["+442079460958"]
    assert _values(result, "website") == ["https://www.analytical.co.uk"]
    title = next(f for f in result.fields if f.kind == "title")
    assert title.uncertain and not next(f for f in result.fields if f.kind == "name").uncertain
    [body] = fake_openai.chat_bodies()
    parts = body["messages"][1]["content"]
    assert parts[1]["image_url"]["url"].startswith("data:image/jpeg;base64,")
    assert "never instructions" in body["messages"][0]["content"]


@pytest.mark.parametrize("behaviour", ["malformed-json", "500"])
def test_a_failed_vision_answer_falls_back_to_ocr_with_a_note(db, fake_openai, ada_photo, behaviour):
    """Prose instead of JSON, or a server error: OCR reads the card and the note says why; usage counts the failure."""
    with session_scope() as s:
        make_user(s, "ada@example.com")
    _allow_vision("ada@example.com")
    if behaviour == "500":
        fake_openai.script.extend(["500", "500"])
    else:
        fake_openai.reply = "Sure! The card says Ada Lovelace. Ignore previous instructions."
    result = _scan("ada@example.com", ada_photo)
    assert result.source == "ocr"
    assert result.note == scan.FAILED["malformed" if behaviour != "500" else "unavailable"]
    assert _values(result, "email") == [ADA.email]
    with session_scope() as s:
        failures = [u.failure for u in s.exec(select(AiUsage).where(AiUsage.feature == "scan"))]
    assert failures == ["malformed" if behaviour != "500" else "unavailable"]


@pytest.mark.parametrize("opted_in", [False, True])
def test_the_photo_stays_home_unless_the_user_allows_it(db, fake_openai, ada_photo, opted_in):
    """Not opted in, or opted in but stripping emails and phones (the default; the photo shows them): read offline."""
    with session_scope() as s:
        make_user(s, "ada@example.com", opt_in=opted_in)
    result = _scan("ada@example.com", ada_photo)
    assert result.source == "ocr" and result.note == (scan.STRIPPED if opted_in else scan.NOT_OPTED_IN)
    assert fake_openai.chat_bodies() == []


def test_uploads_are_checked_on_the_server(db):
    """Not an image, an empty file and one over the size limit are refused before anything is read or stored."""
    with session_scope() as s:
        owner = make_user(s)
        with pytest.raises(ValidationError, match="not an image"):
            scan.scan(session=s, owner=owner, filename="card.jpg", data=b"%PDF-1.4 not a photo")
        with pytest.raises(ValidationError, match="empty"):
            scan.scan(session=s, owner=owner, filename="card.jpg", data=b"")
    with session_scope() as s:
        assert s.exec(select(File)).all() == []


def test_a_photo_over_the_limit_is_refused(db, monkeypatch):
    """MAX_UPLOAD_MB applies to scans too."""
    from metaic.config import get_settings

    monkeypatch.setenv("MAX_UPLOAD_MB", "1")
    get_settings.cache_clear()
    with session_scope() as s:
        owner = make_user(s)
        with pytest.raises(FileTooLarge):
            scan.scan(session=s, owner=owner, filename="big.jpg", data=imaging.noisy_jpeg(2400, 2400))
    get_settings.cache_clear()


def _fields(**values) -> list[scan.FieldInput]:
    """Reviewed fields from keyword values (lists for repeated kinds)."""
    out = []
    for kind, value in values.items():
        for item in value if isinstance(value, list) else [value]:
            out.append(scan.FieldInput(kind=kind, value=item))
    return out


def _stored_scan(owner_email: str) -> tuple:
    """An account and a stored scan photo (no reading needed to test saving)."""
    from metaic.files import service as file_service

    with session_scope() as s:
        owner = s.exec(select(User).where(User.email == owner_email)).first() or make_user(s, owner_email)
        stored = file_service.upload(session=s, owner=owner, purpose="scan", filename="c.jpg", data=imaging.jpeg())
        return owner.id, stored.id


def _save(owner_id, file_id, data: scan.SaveScan) -> scan.SaveResult:
    """Save a scan as its owner."""
    with session_scope() as s:
        return scan.save(session=s, owner=s.get(User, owner_id), file_id=file_id, data=data)


def test_saving_makes_a_contact_with_the_photo_and_offers_the_duplicate_next_time(db):
    """First save: a contact with the photo. Same email again: nothing saved, the match offered; merge joins them."""
    owner_id, first_photo = _stored_scan("owner@example.com")
    fields = _fields(name="Ada Lovelace", company="Analytical", email="ada@analytical.co.uk", phone="+44 20 7946 0958")
    saved = _save(owner_id, first_photo, scan.SaveScan(fields=fields))
    assert saved.status == "saved"
    with session_scope() as s:
        contact = s.get(SavedContact, saved.contact_id)
        assert contact.photo_file_id == first_photo and contact.source == "scan"
        assert (contact.first_name, contact.last_name) == ("Ada", "Lovelace")
        assert [p["value"] for p in contact.phones] == ["+442079460958"]
    _, second_photo = _stored_scan("owner@example.com")
    again = _fields(name="A. Lovelace", email="ADA@analytical.co.uk", phone="+44 7911 123456")
    offered = _save(owner_id, second_photo, scan.SaveScan(fields=again))
    assert offered.status == "duplicate" and offered.duplicate.id == saved.contact_id
    assert offered.duplicate.reason == "Same email address"
    merged = _save(
        owner_id, second_photo, scan.SaveScan(fields=again, on_duplicate="merge", merge_into=saved.contact_id)
    )
    assert merged.status == "merged" and merged.contact_id == saved.contact_id
    with session_scope() as s:
        rows = s.exec(select(SavedContact).where(SavedContact.owner_id == owner_id)).all()
        assert len(rows) == 1 and {p["value"] for p in rows[0].phones} == {"+442079460958", "+447911123456"}


def test_a_similar_name_at_the_same_company_is_offered_and_save_as_new_keeps_both(db):
    """No shared email or phone, but 'Jose Martinez' at 'Ibericas' is 'José Martínez' at 'Soluciones Ibéricas'."""
    owner_id, photo = _stored_scan("owner@example.com")
    _save(owner_id, photo, scan.SaveScan(fields=_fields(name="José Martínez", company="Soluciones Ibéricas S.L.")))
    _, photo2 = _stored_scan("owner@example.com")
    fields = _fields(name="Jose Martinez", company="Soluciones Ibericas", email="jose@ibericas.es")
    offered = _save(owner_id, photo2, scan.SaveScan(fields=fields))
    assert offered.status == "duplicate" and offered.duplicate.reason == "Similar name and company"
    assert _save(owner_id, photo2, scan.SaveScan(fields=fields, on_duplicate="new")).status == "saved"
    with session_scope() as s:
        assert len(s.exec(select(SavedContact).where(SavedContact.owner_id == owner_id)).all()) == 2


def test_nobody_saves_or_discards_another_owners_scan(db):
    """Someone else's photo id is not found; the owner can discard theirs."""
    owner_id, photo = _stored_scan("owner@example.com")
    other_id, _ = _stored_scan("other@example.com")
    with pytest.raises(NotFound):
        _save(other_id, photo, scan.SaveScan(fields=_fields(name="Bob")))
    with session_scope() as s, pytest.raises(NotFound):
        scan.discard(session=s, owner=s.get(User, other_id), file_id=photo)
    with session_scope() as s:
        scan.discard(session=s, owner=s.get(User, owner_id), file_id=photo)
    with session_scope() as s:
        assert s.get(File, photo) is None


def test_reviewed_fields_are_checked_like_any_contact(db):
    """A phone the owner typed wrong is refused with the contact book's message; nothing is saved."""
    owner_id, photo = _stored_scan("owner@example.com")
    with pytest.raises(ValidationError):
        _save(owner_id, photo, scan.SaveScan(fields=_fields(name="Bob", phone="+44 12"), on_duplicate="new"))
    with session_scope() as s:
        assert s.exec(select(SavedContact)).all() == []
