"""Google Contacts and Outlook CSV import (headers old and new, encodings, separators, bad rows) and export."""

from __future__ import annotations

import csv
import io

import pytest

from metaic.contacts import formats
from metaic.contacts.formats import google_csv, outlook_csv
from metaic.contacts.formats.common import EMPTY_REASON
from metaic.core.errors import ValidationError
from tests.contacts.formats.support import lv, rich_drafts, sample


def _table(data: bytes) -> list[dict[str, str]]:
    """The rows of an exported CSV as dicts, read with the csv module."""
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_google_current_header():
    rows = formats.parse(sample("google_current.csv"))
    assert [r.row for r in rows] == [1, 2, 3]
    maria = rows[0].draft
    assert (maria.full_name, maria.company, maria.title) == ("Maria García", "Acme S.L.", "Directora")
    assert maria.emails == [lv("work", "maria@acme.example"), lv("home", "maria.g@gmail.example")]
    # Google packs several values of one label into a cell with " ::: ".
    assert maria.phones == [
        lv("mobile", "+34 600 123 456"),
        lv("work", "+34 91 123 45 67"),
        lv("work", "+34 91 765 43 21"),
    ]
    assert maria.addresses == [lv("work", "Calle Mayor 1\n28013 Madrid\nSpain")]
    assert maria.links == [lv("Profile", "https://acme.example/maria")]
    assert maria.note == "Prefers WhatsApp; call after 5pm, please.\nSecond line"
    assert maria.birthday == "1979-11-03" and maria.tags == ["Clients"]
    assert rows[1].draft is None and rows[1].error == EMPTY_REASON
    assert rows[2].draft.full_name == "李娜" and rows[2].draft.birthday == "--04-01"


def test_google_old_header_with_given_name_and_type_columns():
    [row] = formats.parse(sample("google_old.csv"), "google")
    peter = row.draft
    assert (peter.full_name, peter.first_name, peter.last_name) == ("Peter Müller", "Peter", "Müller")
    assert (peter.company, peter.title) == ("Müller & Söhne, KG", "Inhaber")
    assert peter.emails == [lv("home", "peter@example.de"), lv("home", "p.mueller@example.de")]
    assert peter.phones == [lv("mobile", "+49 170 1234567"), lv("work fax", "+49 30 999")]
    assert peter.links == [lv("Blog", "https://peter.example")] and peter.tags == ["Golf"]


@pytest.mark.parametrize("name", ["outlook_cp1252.csv", "outlook_semicolon.csv"])
def test_outlook_cp1252_comma_and_semicolon(name):
    data = sample(name)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # the sample really is a legacy encoding
    renee, zoe = formats.parse(data)
    assert (renee.draft.full_name, renee.draft.company, renee.draft.title) == (
        "Renée Dupré",
        "Café Élysée",
        "Chef de café",
    )
    assert renee.draft.emails == [lv("", "renee@cafe.example")]
    assert renee.draft.phones == [lv("mobile", "+33 6 12 34 56 78"), lv("work", "+33 1 23 45 67 89")]
    assert renee.draft.addresses == [lv("work", "12 rue de l'Église, Paris, 75008, France")]
    assert renee.draft.note == "Allergique aux noix; préfère le thé, pas le café"
    assert renee.draft.birthday == "1980-07-14"
    assert zoe.row == 2 and zoe.draft.full_name == "Zoë Brontë" and zoe.draft.birthday == ""


def test_gbk_google_csv_is_decoded():
    header = "First Name,Last Name,Organization Name,E-mail 1 - Label,E-mail 1 - Value,Notes\r\n"
    body = "".join(
        f"{given},{family},北京科技有限公司,工作,{n}@example.cn,这是第{n}位联系人的备注信息\r\n"
        for n, (given, family) in enumerate([("伟", "张"), ("娜", "李"), ("强", "王"), ("敏", "刘")])
    )
    rows = formats.parse((header + body).encode("gbk"))
    assert [r.draft.full_name for r in rows] == ["张伟", "李娜", "王强", "刘敏"]
    assert rows[0].draft.company == "北京科技有限公司" and rows[0].draft.emails == [lv("工作", "0@example.cn")]


def test_utf8_bom_and_utf16_files():
    text = "First Name,Last Name,E-mail Address\r\nÅsa,Öberg,asa@example.se\r\n"
    for data in (b"\xef\xbb\xbf" + text.encode(), text.encode("utf-16")):
        [row] = formats.parse(data)
        assert row.draft.full_name == "Åsa Öberg"


def test_wrong_header_is_a_clear_error():
    with pytest.raises(ValidationError) as caught:
        formats.parse(sample("broken_header.csv"))
    assert caught.value.field == "file"
    assert caught.value.message.startswith(
        "We could not recognise this file: its first line (Vorname, Nachname, Telefon) is not the column names"
    )


def test_a_row_with_too_many_columns_is_refused_and_the_others_import():
    rows = formats.parse(sample("outlook_too_many_columns.csv"), "outlook")
    assert [r.row for r in rows] == [1, 2, 3]
    assert rows[0].draft.company == "Lee & Co"
    assert rows[1].draft is None
    assert rows[1].error == (
        "This row has 8 values but the file has 7 columns; a value probably contains an unquoted separator."
    )
    assert rows[2].draft.emails == [lv("", "kim@cho.example")]


def test_google_export_header_grows_with_the_values():
    drafts = rich_drafts()
    data = formats.export(drafts, "google")
    assert not data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    header = next(csv.reader(io.StringIO(data.decode(), newline="")))
    assert header[:17] == google_csv.BASE
    assert "E-mail 4 - Value" in header and "E-mail 5 - Value" not in header
    assert "Phone 6 - Label" in header and "Website 4 - Value" in header and "Address 2 - Formatted" in header
    first = _table(data)[0]
    assert first["E-mail 1 - Label"] == "Work" and first["Phone 4 - Label"] == "Work Fax"
    assert first["E-mail 3 - Label"] == "Club" and first["Labels"] == "Friends ::: VIP, gold"


def test_outlook_export_columns():
    data = formats.export(rich_drafts(), "outlook")
    assert data.startswith(b"\xef\xbb\xbf")
    zoe, zhang, ali = _table(data)
    assert list(zoe)[:3] == ["First Name", "Middle Name", "Last Name"]
    assert set(outlook_csv.HEADER) >= {
        "First Name",
        "Last Name",
        "Company",
        "Job Title",
        "E-mail Address",
        "Mobile Phone",
        "Business Phone",
    }
    assert (zoe["First Name"], zoe["Company"], zoe["Job Title"]) == ("Zoë", "Ångström & Co, Ltd.", "CTO; Founder")
    assert (zoe["E-mail Address"], zoe["E-mail 3 Address"]) == ("zoe@angstrom.example", "zoe@club.example")
    assert (zoe["Mobile Phone"], zoe["Business Fax"]) == ("+46 70 123 45 67", "+46 8 123 499")
    assert zoe["Birthday"] == "5/17/1990" and zhang["Birthday"] == ""
    assert ali["Home Phone"] == "+20 2 1234 5678"


def test_a_csv_the_csv_module_cannot_read_is_a_clear_error():
    huge = b'First Name,Last Name,E-mail Address\r\n"' + b"x" * 200_000 + b'",Lee,a@b.example\r\n'
    with pytest.raises(ValidationError) as caught:
        formats.parse(huge)
    assert caught.value.field == "file"
    assert caught.value.message.startswith("We could not read this CSV file: near line 2, field larger than")
