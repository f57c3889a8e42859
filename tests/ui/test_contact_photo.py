"""The contact view shows the photo kept with a contact (a scanned paper card), never a held or foreign one."""

from __future__ import annotations

import asyncio
import json
import uuid

from sqlmodel import select

from metaic.db import session_scope
from metaic.files import service as file_service
from metaic.files.models import SCAN_PENDING, File
from metaic.ui.pages.contacts import contact_view
from metaic.ui.state.contacts import ContactState
from tests.files import imaging
from tests.ui.support import contact, signed_in, state


def _photo(user, purpose: str = "scan") -> str:
    """A photo uploaded by `user` (a paper card by default); returns its id."""
    with session_scope() as s:
        stored = file_service.upload(
            session=s, owner=s.merge(user), purpose=purpose, filename="card.jpg", data=imaging.jpeg(900, 520)
        )
        return str(stored.id)


def _view(token: str, contact_id: str) -> ContactState:
    """The contact view's state after it loaded."""
    page = state(ContactState, token, "/contacts/view", f"id={contact_id}")
    asyncio.run(page.load())
    return page


def test_a_scanned_card_photo_is_shown_and_opens_full_size(db):
    token, user = signed_in("ada@example.com", "Ada")
    photo_id = _photo(user)
    page = _view(token, contact(user, photo_file_id=photo_id))
    assert "/files/img/" in page.photo_url and page.photo_full_url.endswith("/original.jpg") and page.photo_is_card
    assert "contact-photo" in json.dumps(contact_view().render(), default=str)


def test_no_photo_while_the_virus_scan_holds_it_or_for_someone_elses_file(db):
    token, user = signed_in("ada@example.com", "Ada")
    held = _photo(user)
    with session_scope() as s:
        s.exec(select(File).where(File.id == uuid.UUID(held))).one().scan_status = SCAN_PENDING
    assert _view(token, contact(user, photo_file_id=held)).photo_url == ""
    _other_token, other = signed_in("eve@example.com", "Eve")
    foreign = _photo(other)
    assert _view(token, contact(user, photo_file_id=foreign, full_name="Bob")).photo_url == ""
    assert _view(token, contact(user, full_name="Carol")).photo_url == ""


def test_their_own_photo_from_an_import_is_the_avatar_not_a_card(db):
    token, user = signed_in("ada@example.com", "Ada")
    page = _view(token, contact(user, photo_file_id=_photo(user, purpose="contact")))
    assert "/files/img/" in page.photo_url and not page.photo_is_card
