"""Issue 11 #6: what anyone types into a share-back form cannot become a formula in the owner's spreadsheet.

Formula-like cells leave in Google and Outlook CSV exports with a leading `'` (OWASP), come back without it
on import, and phone numbers such as `+34 612 345 678` are written and read as they are.
"""

from __future__ import annotations

import csv
import io
import itertools
import time

import pytest

from metaic.auth import api_tokens
from metaic.contacts import formats
from metaic.contacts.formats.common import escape_cell, unescape_cell
from metaic.contacts.schemas import ContactDraft, LabeledValue
from metaic.contacts.sharing import issue_form_token
from metaic.db import session_scope
from tests.cards.fixtures import client, owner, publish  # noqa: F401

HYPERLINK = '=HYPERLINK("http://evil","x")'
PAYLOADS = [HYPERLINK, "@SUM(1+1)*cmd|' /C calc'!A0", "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0"]
CSV_FORMATS = ["google", "outlook"]


def _cells(data: bytes) -> list[dict[str, str]]:
    """The rows of an exported CSV, by column, exactly as a spreadsheet receives them."""
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def _export(client, owner, fmt: str) -> bytes:  # noqa: F811
    """The owner's contacts as a CSV file, downloaded over the API."""
    with session_scope() as s:
        token = api_tokens.issue(session=s, user=s.merge(owner)).access_token
    response = client.get(
        "/api/v1/contacts/export", params={"format": fmt}, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200, response.text
    return response.content


@pytest.mark.parametrize("fmt", CSV_FORMATS)
def test_a_share_back_formula_lands_escaped_in_the_csv_exports(client, publish, owner, fmt):  # noqa: F811
    slug = publish()
    form = {
        "name": HYPERLINK,
        "email": "lead@example.com",
        "phone": "+34 612 345 678",
        "company": PAYLOADS[1],
        "note": PAYLOADS[2],
        "consent": "1",
        "form_token": issue_form_token(now=time.time() - 10),
        "website": "",
    }
    assert client.post(f"/c/{slug}/share-back", data=form, follow_redirects=False).status_code == 303
    [row] = _cells(_export(client, owner, fmt))
    written = {cell for cell in row.values() if cell}
    assert "'" + HYPERLINK in written and "'" + PAYLOADS[1] in written and "'" + PAYLOADS[2] in written
    assert "+34612345678" in written  # the phone number (as the form stores it) stays a phone number
    risky = [c for c in written if c.startswith(("=", "+", "-", "@", "\t", "\r")) and c != "+34612345678"]
    assert risky == []


def _draft(**fields) -> ContactDraft:
    """A contact as exports see it."""
    return ContactDraft(**{"full_name": "Ada Lovelace", "first_name": "Ada", "last_name": "Lovelace", **fields})


@pytest.mark.parametrize("fmt", CSV_FORMATS)
@pytest.mark.parametrize("phone", ["+34 612 345 678", "+1 (202) 555-0143", "-0143", "+44 20 7946 0958 ext. 12"])
def test_phone_numbers_round_trip_through_export_and_import(fmt, phone):
    data = formats.export([_draft(phones=[LabeledValue(label="mobile", value=phone)])], fmt)
    [back] = formats.parse(data, fmt)
    assert [p.value for p in back.draft.phones] == [phone]
    cells = {c for c in _cells(data)[0].values() if c}
    # Digits and punctuation only: written as they are; a phone with words in it is escaped like any text.
    assert (phone in cells) == ("ext" not in phone) and (("'" + phone) in cells) == ("ext" in phone)


TEXTS = [*PAYLOADS, "=1+1", "'=1+1", "''=1+1", "'", "''", "'quoted", "-", "+", "@ada", "plain", "Zoë = Ångström"]


@pytest.mark.parametrize("fmt", CSV_FORMATS)
@pytest.mark.parametrize("text", TEXTS)
def test_escaped_text_comes_back_as_it_was_written(fmt, text):
    tag = text.replace(",", " ")  # Outlook's Categories are separated by commas or semicolons
    draft = _draft(first_name=text, last_name="Lovelace", company=text, title=text, note=text, tags=[tag])
    data = formats.export([draft], fmt)
    [back] = formats.parse(data, fmt)
    got = back.draft
    assert (got.first_name, got.company, got.title, got.note, got.tags) == (text, text, text, text, [tag])
    for cell in _cells(data)[0].values():
        assert not cell.startswith(("=", "+", "-", "@"))


def test_control_character_starts_are_escaped_too():
    for start in ("\t", "\r"):
        assert escape_cell(start + "=1+1") == "'" + start + "=1+1"


def test_escape_and_unescape_are_inverse_for_every_short_string():
    alphabet = ["=", "+", "-", "@", "\t", "'", "a", "1", " "]
    for length in range(4):
        for chars in itertools.product(alphabet, repeat=length):
            text = "".join(chars)
            for phone in (False, True):
                escaped = escape_cell(text, phone=phone)
                assert unescape_cell(escaped) == text, (text, escaped)
                assert not escaped.startswith(("=", "+", "-", "@", "\t", "\r")) or (
                    phone and escaped == text and not any(ch.isalpha() for ch in text)
                )
