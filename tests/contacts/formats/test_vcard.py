"""vCard import of real-world files (iPhone 3.0, Android/Nextcloud 4.0, 2.1 quoted-printable) and 3.0 export."""

from __future__ import annotations

import base64
import re

import pytest
import vobject

from metaic.contacts import formats
from metaic.contacts.formats import vcard_io
from metaic.contacts.formats.common import EMPTY_REASON
from metaic.contacts.schemas import ContactDraft
from metaic.core.errors import ValidationError
from tests.contacts.formats.support import jpeg, lv, rich_drafts, sample


def _unfold(text: str) -> str:
    """The text with RFC folding undone."""
    return re.sub(r"\r\n[ \t]", "", text)


def test_iphone_card_with_apple_labels_and_photo():
    [row] = formats.parse(sample("iphone.vcf"))
    draft = row.draft
    assert row.row == 1 and row.error == ""
    assert (draft.full_name, draft.first_name, draft.last_name) == ("John Appleseed", "John", "Appleseed")
    assert (draft.company, draft.title) == ("Apple Inc.", "Senior Engineer")
    assert draft.emails == [lv("work", "john@apple.example"), lv("Club", "jq@icloud.example")]
    assert draft.phones == [
        lv("mobile", "+1 (408) 555-0100"),
        lv("mobile", "+1 408 555 0101"),
        lv("work fax", "+1 408 555 0199"),
        lv("other", "+1 408 555 0102"),
    ]
    assert draft.addresses == [lv("home", "1 Infinite Loop, Cupertino, CA, 95014, United States")]
    assert draft.links == [lv("homepage", "http://www.apple.example"), lv("twitter", "http://twitter.com/jappleseed")]
    assert draft.note == "Met at WWDC, San Jose; follow up\nabout the demo."
    assert draft.birthday == "--05-17"  # X-APPLE-OMIT-YEAR: Apple's way of saying "no year"
    assert draft.uid == "8A1C6F2B-0F1D-4B63-9A0E-6C7F3D4B2E11"
    assert draft.photo_jpeg.startswith(b"\xff\xd8") and len(draft.photo_jpeg) > 300


def test_vcard4_from_nextcloud_with_v4_types_and_data_uri_photo():
    [row] = formats.parse(sample("android_v4.vcf"), "vcard")
    draft = row.draft
    assert draft.full_name == "Anna Müller" and draft.title == "Geschäftsführerin"
    assert draft.phones == [lv("mobile", "+49-30-1234567"), lv("work", "+49-30-7654321")]
    assert draft.emails == [lv("work", "anna.mueller@firma.example"), lv("home", "anna@privat.example")]
    assert draft.addresses == [lv("work", "Hauptstraße 5, Berlin, 10115, Deutschland")]
    assert draft.links == [lv("work", "https://firma.example/anna")]
    assert draft.birthday == "1985-03-02" and draft.tags == ["Kunden", "Berlin"]
    assert draft.uid == "3f2a9d1e-8b7c-4e5f-a1b2-c3d4e5f6a7b8"
    # The photo was a PNG in a data: URI; we keep JPEG.
    assert draft.photo_jpeg.startswith(b"\xff\xd8")


def test_quoted_printable_chinese_and_folded_lines():
    first, second = formats.parse(sample("chinese_qp_folded.vcf"))
    assert first.draft.full_name == "张伟（北京分公司）"  # QP with a soft line break in the middle
    assert (first.draft.last_name, first.draft.first_name) == ("张", "伟")
    assert first.draft.company == "华为技术有限公司"
    assert first.draft.note == "第一行\n第二行"
    assert first.draft.phones == [lv("mobile", "+86 138 0013 8000"), lv("work", "+86 10 8888 6666")]
    assert second.row == 2 and second.draft.full_name == "伊藤 博"
    assert second.draft.note.startswith(
        "This note is long enough that the exporting phone folded it across several lines, as RFC 2426"
    )


def test_three_cards_the_middle_one_refused_with_a_reason():
    rows = formats.parse(sample("three_cards_middle_broken.vcf"))
    assert [r.row for r in rows] == [1, 2, 3]
    assert rows[0].draft.full_name == "Jane Doe" and rows[2].draft.full_name == "Bob Stone"
    assert rows[1].draft is None and rows[1].error == EMPTY_REASON
    assert rows[2].draft.phones == [lv("", "+44 20 7946 0000")]


def test_unreadable_and_cut_off_cards_are_refused_and_the_rest_still_import():
    text = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Good One\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bad\r\nthis line has no colon\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Cut Off\r\n"
    )
    rows = formats.parse(text.encode())
    assert rows[0].draft.full_name == "Good One"
    assert rows[1].draft is None and rows[1].error.startswith("This card could not be read")
    assert rows[2].error == "This card is cut off: it has no END:VCARD line."


def test_a_too_long_value_is_cut_and_flagged_not_refused():
    text = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Long Note\r\nNOTE:" + "x" * 6000 + "\r\nEND:VCARD\r\n"
    [row] = formats.parse(text.encode())
    assert row.error == "" and row.draft.full_name == "Long Note" and row.draft.note == "x" * 5000
    [flag] = row.flags
    assert (flag.field, flag.kind, flag.note) == (
        "note",
        "shortened",
        "The note was longer than 5000 characters; the first 5000 were kept.",
    )


def test_export_is_vcard_30_utf8_crlf_folded_with_unbroken_photo():
    draft = rich_drafts()[0]
    data = formats.export([draft], "vcard")
    assert not data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8")
    assert "\n" not in text.replace("\r\n", "")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    lines = _unfold(text).split("\r\n")
    assert lines[:2] == ["BEGIN:VCARD", "VERSION:3.0"] and lines[-2:] == ["END:VCARD", ""]
    assert "N:Ångström;Zoë;;;" in lines and "FN:Zoë Ångström" in lines
    assert "PHOTO;ENCODING=b;TYPE=JPEG:" + base64.b64encode(draft.photo_jpeg).decode() in lines
    assert "TEL;TYPE=CELL,VOICE:+46 70 123 45 67" in lines and "TEL;TYPE=WORK,FAX:+46 8 123 499" in lines
    assert "EMAIL;TYPE=INTERNET,WORK:zoe@angstrom.example" in lines
    assert "X-SOCIALPROFILE;TYPE=linkedin:https://www.linkedin.com/in/zoe" in lines
    assert any(re.fullmatch(r"item\d+\.X-ABLabel:Assistant", line) for line in lines)
    assert (
        'NOTE:Line one\\, with a comma\\; and a semicolon.\\nLine two: "quotes" and a back\\\\slash.\\n\\nEnd.' in lines
    )
    assert f"UID:{draft.uid}" in lines
    assert any(re.fullmatch(r"REV:\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", line) for line in lines)


def test_export_always_has_fn_and_n_and_a_stable_uid():
    nameless = ContactDraft(emails=[lv("", "only@mail.example")])
    named = ContactDraft(full_name="Grace Brewster Hopper")
    text = _unfold(formats.export([nameless, named], "vcard").decode())
    assert "FN:only@mail.example" in text and "N:;;;;" in text
    assert "N:Hopper;Grace;;;" in text and "FN:Grace Brewster Hopper" in text
    uids = re.findall(r"^UID:(.*?)\r?$", text, flags=re.MULTILINE)
    assert uids == [vcard_io.stable_uid(nameless), vcard_io.stable_uid(named)] and uids[0] != uids[1]
    again = re.findall(r"^UID:(.*?)\r?$", _unfold(formats.export([nameless, named], "vcard").decode()), re.MULTILINE)
    assert again == uids
    changed = nameless.model_copy(update={"note": "changed"})
    assert vcard_io.stable_uid(changed) != uids[0]


def test_vobject_reads_our_export():
    drafts = rich_drafts()
    cards = list(vobject.readComponents(formats.export(drafts, "vcard").decode()))
    assert [c.fn.value for c in cards] == ["Zoë Ångström", "张伟", "محمد علي"]
    assert cards[0].photo.value == drafts[0].photo_jpeg
    assert cards[0].note.value == drafts[0].note
    assert cards[1].n.value.family == "张" and cards[1].n.value.given == "伟"


def test_base64_photo_in_a_21_card_is_read():
    photo = jpeg(16)
    b64 = base64.b64encode(photo).decode()
    text = (
        "BEGIN:VCARD\r\nVERSION:2.1\r\nN:Smith;Sam\r\nPHOTO;JPEG;ENCODING=BASE64:\r\n "
        + "\r\n ".join(b64[i : i + 72] for i in range(0, len(b64), 72))
        + "\r\n\r\nEND:VCARD\r\n"
    )
    [row] = formats.parse(text.encode())
    assert row.draft.photo_jpeg == photo and row.draft.full_name == "Sam Smith"


def test_vcard_format_on_a_csv_is_refused():
    with pytest.raises(ValidationError) as caught:
        formats.parse(sample("google_current.csv"), "vcard")
    assert caught.value.field == "file"
    assert caught.value.message.startswith("We could not recognise this file: it has no contact between")
