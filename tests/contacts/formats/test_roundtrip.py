"""parse(export(drafts, f), f) gives the drafts back, for the fields each format carries."""

from __future__ import annotations

import pytest

from metaic.contacts import formats
from metaic.contacts.formats import vcard_io
from metaic.contacts.schemas import ContactDraft
from metaic.core.errors import ValidationError
from tests.contacts.formats.support import lv, rich_drafts, sample


def _round_trip(drafts: list[ContactDraft], fmt: str) -> list[ContactDraft]:
    """Export then import, checking every row came back as a draft numbered in order."""
    rows = formats.parse(formats.export(drafts, fmt), fmt)
    assert [(r.row, r.error) for r in rows] == [(n, "") for n in range(1, len(drafts) + 1)]
    return [r.draft for r in rows]


def test_vcard_round_trip_keeps_everything():
    drafts = rich_drafts()
    assert _round_trip(drafts, "vcard") == drafts


def test_vcard_round_trip_without_uid_gets_the_stable_uid():
    draft = ContactDraft(
        full_name="Ada Lovelace", first_name="Ada", last_name="Lovelace", emails=[lv("home", "ada@example.org")]
    )
    [back] = _round_trip([draft], "vcard")
    assert back == draft.model_copy(update={"uid": vcard_io.stable_uid(draft)})


def test_vcard_round_trip_of_real_files():
    for name in ("iphone.vcf", "android_v4.vcf", "chinese_qp_folded.vcf"):
        drafts = [r.draft for r in formats.parse(sample(name))]
        back = _round_trip(drafts, "vcard")
        # Drafts without a UID (the 2.1 file) get the stable one; everything else is identical.
        assert [b.model_copy(update={"uid": d.uid or b.uid}) for b, d in zip(back, drafts, strict=True)] == back
        assert [b.model_copy(update={"uid": d.uid}) for b, d in zip(back, drafts, strict=True)] == drafts


def test_google_round_trip():
    drafts = rich_drafts()
    # Google CSV has no photo and no UID; everything else comes back, labels included.
    expected = [d.model_copy(update={"photo_jpeg": None, "uid": ""}) for d in drafts]
    assert _round_trip(drafts, "google") == expected


def test_outlook_round_trip():
    drafts = [
        ContactDraft(
            full_name="Renée Dupré",
            first_name="Renée",
            last_name="Dupré",
            company="Café, Élysée; SARL",
            title="Chef",
            emails=[lv("work", "r@cafe.example"), lv("home", "r@home.example")],
            phones=[
                lv("mobile", "+33 6 1"),
                lv("work", "+33 1 2"),
                lv("work", "+33 1 3"),
                lv("home", "+33 1 4"),
                lv("work fax", "+33 1 5"),
                lv("other", "+33 1 6"),
            ],
            addresses=[lv("work", "12 rue de l'Église\n75008 Paris"), lv("home", "3 rue Haute, Lyon")],
            links=[lv("", "https://cafe.example"), lv("home", "https://renee.example")],
            note='Notes, with "quotes";\nand a second line',
            birthday="1980-07-14",
            tags=["Clients", "Paris"],
            photo_jpeg=b"\xff\xd8not-kept",
            uid="not-kept",
        ),
        ContactDraft(full_name="王芳", first_name="芳", last_name="王", phones=[lv("mobile", "+86 139 0000 0000")]),
    ]
    # Outlook has no photo, UID or email labels; everything else comes back.
    expected = [
        d.model_copy(update={"photo_jpeg": None, "uid": "", "emails": [lv("", e.value) for e in d.emails]})
        for d in drafts
    ]
    assert _round_trip(drafts, "outlook") == expected


def test_auto_detection_of_each_export_and_sample():
    drafts = rich_drafts()
    for fmt in formats.FORMATS:
        assert formats.detect(formats.export(drafts, fmt)) == fmt
    assert formats.detect(sample("google_old.csv")) == "google"
    assert formats.detect(sample("outlook_semicolon.csv")) == "outlook"
    assert formats.detect(b"\r\n\r\nbegin:vcard\r\nversion:3.0\r\nfn:x\r\nend:vcard\r\n") == "vcard"


@pytest.mark.parametrize(
    ("data", "start"),
    [
        (b"", "We could not recognise this file: it is empty."),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "We could not recognise this file: its first line"),
        (b"name;phone\nBob;123\n", "We could not recognise this file: its first line (name, phone)"),
    ],
)
def test_unknown_files_are_refused(data, start):
    with pytest.raises(ValidationError) as caught:
        formats.parse(data)
    assert caught.value.field == "file" and caught.value.message.startswith(start)


def test_format_names_are_checked():
    with pytest.raises(ValidationError) as caught:
        formats.parse(b"BEGIN:VCARD\r\nEND:VCARD\r\n", "excel")
    assert caught.value.field == "format"
    with pytest.raises(ValidationError):
        formats.export([], "auto")
    with pytest.raises(ValidationError) as caught:
        formats.parse(sample("google_current.csv"), "outlook")
    assert "Outlook export" in caught.value.message
