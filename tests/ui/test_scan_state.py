"""The scan page's state: upload -> reading -> review with marked fields -> save, duplicate offered, discard."""

from __future__ import annotations

import io
import json
import uuid

import pytest
from sqlmodel import select

from metaic.contacts.models import SavedContact
from metaic.db import session_scope
from metaic.files.models import File
from metaic.ui.pages.scan import scan_page
from metaic.ui.state.contacts import ContactsState
from metaic.ui.state.scan import ScanState
from tests.ai.scan_cards import CARDS, render
from tests.ui.support import contact, run, signed_in, state

ADA = CARDS[0]


class Chosen:
    """A file as the browser sends it to an upload handler (name and bytes)."""

    def __init__(self, name: str, data: bytes):
        self.name = name
        self._data = io.BytesIO(data)

    async def read(self) -> bytes:
        """The file's bytes."""
        return self._data.read()


@pytest.fixture(scope="module")
def ada_photo() -> bytes:
    """Ada's card photographed."""
    return render(ADA, seed=3)


def _reviewed(db, photo: bytes):
    """A signed-in tab that uploaded `photo` and reached the review step."""
    token, user = signed_in("owner@example.com", "Owner")
    page = state(ScanState, token, "/contacts/scan")
    run(page.load())
    events = run(page.upload([Chosen("card.jpg", photo)]))
    return page, user, events


def test_page_builds():
    """The page renders (upload, reading and review branches)."""
    assert json.dumps(scan_page().render(), default=str)


def test_signed_out_visitors_go_to_sign_in(db):
    """No session: to sign-in, back here after."""
    page = state(ScanState, None, "/contacts/scan")
    assert "/login?next=/contacts/scan" in json.dumps(run(page.load()), default=str)


def test_upload_reads_the_card_and_marks_what_to_check(db, ada_photo):
    """The photo beside the fields: email and phone read, the OCR note shown, the name field first."""
    page, _, _ = _reviewed(db, ada_photo)
    assert page.stage == "review" and page.source == "ocr" and page.image_url.endswith("/original.jpg")
    values = {f["kind"]: f["value"] for f in page.fields}
    assert values["email"] == ADA.email and values["phone"] == ADA.phone_e164 and values["name"] == ADA.name
    assert page.source_name == "Read offline (OCR)"
    assert page.uncertain_count == sum(1 for f in page.fields if f["uncertain"])


def test_a_file_that_is_not_an_image_stays_on_the_upload_step_with_the_reason(db):
    """The files domain refuses it; the page says why and nothing is stored."""
    page, _, events = _reviewed(db, b"GIF89a but not really an image")
    assert page.stage == "upload" and "damaged" in page.errors["file"]
    assert "damaged" in json.dumps(events, default=str)
    with session_scope() as s:
        assert s.exec(select(File)).all() == []


def test_editing_clears_the_mark_and_save_makes_the_contact_with_the_photo(db, ada_photo):
    """An edited field counts as checked; saving redirects to the new contact, which has the photo."""
    page, user, _ = _reviewed(db, ada_photo)
    name = next(f for f in page.fields if f["kind"] == "name")
    page.set_value(name["key"], "Ada King, Countess of Lovelace")
    assert not next(f for f in page.fields if f["key"] == name["key"])["uncertain"]
    done = json.dumps(run(page.save()), default=str)
    with session_scope() as s:
        saved = s.exec(select(SavedContact).where(SavedContact.owner_id == user.id)).one()
        assert saved.full_name == "Ada King, Countess of Lovelace" and str(saved.photo_file_id) == page.file_id
    assert f"/contacts/view?id={saved.id}" in done


def test_a_known_email_offers_the_existing_contact_then_merges(db, ada_photo):
    """Ada is already in the book with the same email: the page offers her; merging keeps one contact."""
    page, user, _ = _reviewed(db, ada_photo)
    existing = contact(user, full_name="Ada Lovelace", emails=[{"label": "", "value": ADA.email}])
    assert run(page.save()) is None
    assert page.duplicate == {"id": existing, "name": "Ada Lovelace", "reason": "Same email address"}
    assert f"/contacts/view?id={existing}" in json.dumps(run(page.merge()), default=str)
    with session_scope() as s:
        [kept] = s.exec(select(SavedContact).where(SavedContact.owner_id == user.id)).all()
        assert str(kept.id) == existing and str(kept.photo_file_id) == page.file_id


def test_discard_deletes_the_photo_and_starts_again(db, ada_photo):
    """Discard: the stored photo goes and the page is back at the upload step."""
    page, _, _ = _reviewed(db, ada_photo)
    file_id = page.file_id
    run(page.discard())
    assert page.stage == "upload" and page.fields == []
    with session_scope() as s:
        assert s.get(File, uuid.UUID(file_id)) is None


def test_a_saved_scan_is_a_scanned_card_in_the_contact_list_and_its_source_filter(fresh_index, ada_photo):
    """The list's badge says "scan", the source filter counts it as "Scanned card", not "Added by hand"."""
    token, user = signed_in("owner@example.com", "Owner")
    contact(user, full_name="Alan Turing", emails=[])
    page = state(ScanState, token, "/contacts/scan")
    run(page.load())
    run(page.upload([Chosen("card.jpg", ada_photo)]))
    run(page.save())
    fresh_index()
    listed = state(ContactsState, token, "/contacts", "source=scan")
    run(listed.load())
    labels = {o["value"]: o["label"] for o in listed.source_options}
    assert (labels["scan"], labels["manual"]) == ("Scanned card (1)", "Added by hand (1)")
    assert listed.source == "scan" and [(r["source"], r["email"]) for r in listed.rows] == [("Scanned card", ADA.email)]
