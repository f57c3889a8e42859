"""A mixed import of files as iOS, Android, Google Contacts and Outlook export them: every person arrives.

The files in tests/contacts/formats/samples imitate those exports: iOS vCard 3.0 (itemN.TEL with X-ABLabel, an inline
JPEG PHOTO, ADR with the country), Android vCard 2.1/3.0 (QUOTED-PRINTABLE UTF-8 names, CHARSET=UTF-8),
Google Contacts CSV and Outlook CSV (cp1252, 0/0/00 for no birthday, a day-first date), with national
numbers, accents, CJK and emoji names, an odd value inside a good record, a row with only a company, and
records with nothing identifying anyone (the only ones refused).
"""

from __future__ import annotations

from pathlib import Path

from metaic.contacts import formats, imports, service
from metaic.contacts.formats.common import EMPTY_REASON
from metaic.files import service as file_service
from tests.contacts.helpers import make_user

DATA = Path(__file__).parent / "formats" / "samples"
FILES = ("ios_export.vcf", "android_export.vcf", "google_export.csv", "outlook_export.csv")


def _import_all(session, owner) -> dict[str, list]:
    """Import every file in order; the report rows by file name."""
    out = {}
    for name in FILES:
        rows = formats.parse((DATA / name).read_bytes())
        out[name] = imports.import_drafts(session=session, owner=owner, rows=rows).rows
    return out


def test_every_person_is_imported_and_odd_values_are_kept_and_flagged(session):
    owner = make_user(session)  # no country of its own: every reading comes from the record
    reports = _import_all(session, owner)
    statuses = {name: [r.status for r in rows] for name, rows in reports.items()}
    assert statuses == {
        "ios_export.vcf": ["created", "created"],
        "android_export.vcf": ["created", "created", "created", "refused"],
        # Sofia Martinez of Andalucia Solar is Sofía Martínez from the iPhone: merged, not duplicated.
        "google_export.csv": ["merged", "created", "created", "created", "created"],
        "outlook_export.csv": ["created", "created", "created", "refused"],
    }
    refused = [r.reason for rows in reports.values() for r in rows if r.status == "refused"]
    assert refused == [EMPTY_REASON, EMPTY_REASON]

    people = {c.full_name or c.company: c for c in service.list_(session=session, owner=owner, limit=100).items}
    assert sorted(people) == sorted(
        [
            "山田 太郎",
            "Sofía Martínez",
            "Zoë Dupré-Lefèvre",
            "Priya Raman",
            "王小明",
            "Sam Lee",
            "김지민",
            "Blue Bottle Roasters",
            "Emoji 🎉 Fan",
            "Hans Müller",
            "Renée Zoë-Brontë",
            "Only Company Ltd",
        ]
    )

    def phones(name: str) -> list[str]:
        return [p.value for p in people[name].phones]

    # National numbers read by the country the record names (address, other numbers, the writing of the name).
    assert phones("山田 太郎") == ["+819012345678"]
    assert phones("Sofía Martínez") == ["+34612345678", "+34612987654"]
    assert phones("Priya Raman") == ["+918023456789", "+919845012345"]
    assert phones("王小明") == ["+8613800138000"]
    assert phones("Sam Lee") == ["+14155550100"]
    assert phones("김지민") == ["+821012345678"]
    assert phones("Hans Müller") == ["+4915123456789", "+49301234567"]
    assert people["Sofía Martínez"].company == "Andalucía Solar" and people["Sofía Martínez"].title == "CEO"
    assert people["Renée Zoë-Brontë"].birthday == "1980-07-14" and people["Hans Müller"].birthday == ""

    # Odd values stay on the contact as written, flagged there and in the row report.
    flagged = {(name, f.field, f.value) for name, rows in reports.items() for r in rows for f in r.flags}
    assert flagged == {
        ("android_export.vcf", "emails", "zoe(at)lumiere"),
        ("android_export.vcf", "birthday", "sometime in May"),
        ("google_export.csv", "phones", "ext. 12"),
        ("outlook_export.csv", "links", "not a url"),
    }
    assert [e.value for e in people["Zoë Dupré-Lefèvre"].emails] == ["zoe(at)lumiere"]
    assert [(f.field, f.kind) for f in people["Zoë Dupré-Lefèvre"].flags] == [("emails", "kept")]
    assert people["王小明"].birthday == "sometime in May"
    assert [link.value for link in people["Renée Zoë-Brontë"].links] == ["not a url"]
    jp_row = reports["ios_export.vcf"][0]
    assert jp_row.changes == ["Phone 090-1234-5678 read as +819012345678 (JP)."]
    sofia = reports["google_export.csv"][0]
    assert "full name: kept Sofía Martínez (the file has Sofia Martinez)" in sofia.changes


def test_the_photo_and_emoji_survive_parsing():
    [taro, _sofia] = formats.parse((DATA / "ios_export.vcf").read_bytes())
    assert taro.draft.photo_jpeg.startswith(b"\xff\xd8") and taro.draft.note == "Met at the Tokyo meetup 🍣"
    assert taro.draft.phones[0].label == "mobile"


def test_a_photo_in_the_file_is_kept_with_the_contact(session):
    """Taro's iPhone card carries a JPEG: it is stored through the files domain and shown on his contact."""
    owner = make_user(session)
    [taro, _sofia] = formats.parse((DATA / "ios_export.vcf").read_bytes())
    [row] = imports.import_drafts(session=session, owner=owner, rows=[taro]).rows
    contact = service.get(session=session, owner=owner, contact_id=row.contact_id)
    photo = file_service.get(session=session, owner=owner, file_id=contact.photo_file_id)
    assert photo.purpose == "contact" and photo.content_type == "image/jpeg" and photo.original_url


def test_a_photo_that_cannot_be_kept_costs_nothing_else(session):
    """A damaged photo: the person is imported, the report says the photo was not; a merge adds a photo later."""
    owner = make_user(session)
    [taro, _sofia] = formats.parse((DATA / "ios_export.vcf").read_bytes())
    good = taro.draft.photo_jpeg
    taro.draft.photo_jpeg = b"\xff\xd8 not really a jpeg"
    [row] = imports.import_drafts(session=session, owner=owner, rows=[taro]).rows
    assert row.status == "created" and any(c.startswith("photo not imported: ") for c in row.changes)
    assert service.get(session=session, owner=owner, contact_id=row.contact_id).photo_file_id is None
    taro.draft.photo_jpeg = good
    [again] = imports.import_drafts(session=session, owner=owner, rows=[taro]).rows
    assert again.status == "merged" and "photo added" in again.changes
