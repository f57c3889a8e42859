"""Imports keep every value: national numbers read by the record's or account's country, odd values flagged."""

from __future__ import annotations

from metaic.contacts import imports, regions, service
from metaic.contacts.schemas import ContactDraft, LabeledValue, ParsedRow
from tests.contacts.helpers import make_user


def _row(row: int, name: str, phones=(), emails=(), addresses=(), **fields) -> ParsedRow:
    """A parsed row with a draft."""
    draft = ContactDraft(
        full_name=name,
        phones=[LabeledValue(value=v) for v in phones],
        emails=[LabeledValue(value=v) for v in emails],
        addresses=[LabeledValue(value=v) for v in addresses],
        **fields,
    )
    return ParsedRow(row=row, draft=draft)


def test_national_numbers_are_read_by_the_country_the_record_points_to(session):
    owner = make_user(session)  # language "en", time zone UTC: no country of its own
    rows = [
        _row(1, "Yamada Taro", phones=["090-1234-5678"], addresses=["1-2-3 Shibuya, Tokyo, 150-0002, Japan"]),
        _row(2, "Priya Raman", phones=["+91 98450 12345", "080 2345 6789"]),
        _row(3, "山田 花子", phones=["090-8765-4321"]),  # kanji only, valid in CN and JP alike: kept
        _row(4, "王小明", phones=["138 0013 8000"]),  # a Chinese mobile, valid in China only
    ]
    report = imports.import_drafts(session=session, owner=owner, rows=rows)
    assert [r.status for r in report.rows] == ["created"] * 4 and report.flagged == 1
    phones = [
        [p.value for p in service.get(session=session, owner=owner, contact_id=r.contact_id).phones]
        for r in report.rows
    ]
    assert phones == [["+819012345678"], ["+919845012345", "+918023456789"], ["090-8765-4321"], ["+8613800138000"]]
    assert [f.value for f in report.rows[2].flags] == ["090-8765-4321"]
    assert report.rows[0].changes == ["Phone 090-1234-5678 read as +819012345678 (JP)."]


def test_without_any_hint_the_account_country_then_the_number_as_written(session):
    owner = make_user(session)
    lone = _row(1, "Sam Lee", phones=["(415) 555-0100"])
    report = imports.import_drafts(session=session, owner=owner, rows=[lone])
    [row] = report.rows
    assert row.status == "created" and report.refused == 0
    read = service.get(session=session, owner=owner, contact_id=row.contact_id)
    assert [p.value for p in read.phones] == ["(415) 555-0100"]
    assert [(f.field, f.value, f.kind) for f in read.flags] == [("phones", "(415) 555-0100", "kept")]
    assert [(f.field, f.value) for f in row.flags] == [("phones", "(415) 555-0100")]
    us = make_user(session, "us@example.com")
    us.timezone = "America/Los_Angeles"
    again = imports.import_drafts(session=session, owner=us, rows=[_row(1, "Sam Lee", phones=["(415) 555-0100"])])
    read = service.get(session=session, owner=us, contact_id=again.rows[0].contact_id)
    assert [p.value for p in read.phones] == ["+14155550100"] and read.flags == []


def test_account_country_comes_from_locale_phone_time_zone_or_language(session):
    user = make_user(session)
    assert regions.for_account(user) is None
    user.timezone = "Asia/Kolkata"
    assert regions.for_account(user) == "IN"
    user.phone = "+81 90 1234 5678"
    assert regions.for_account(user) == "JP"
    user.language = "pt-BR"
    assert regions.for_account(user) == "BR"
    user.language, user.phone, user.timezone = "ko", None, "UTC"
    assert regions.for_account(user) == "KR"


def test_bad_email_link_and_date_are_kept_as_written_and_flagged(session):
    owner = make_user(session)
    row = _row(
        1,
        "Odd Values",
        emails=["odd at example dot com", "fine@example.com"],
        links=[LabeledValue(value="not a url at all")],
        birthday="spring 1990",
    )
    [result] = imports.import_drafts(session=session, owner=owner, rows=[row]).rows
    read = service.get(session=session, owner=owner, contact_id=result.contact_id)
    assert [e.value for e in read.emails] == ["odd at example dot com", "fine@example.com"]
    assert [link.value for link in read.links] == ["not a url at all"] and read.birthday == "spring 1990"
    assert {(f.field, f.value) for f in read.flags} == {
        ("emails", "odd at example dot com"),
        ("links", "not a url at all"),
        ("birthday", "spring 1990"),
    }
    assert {(f.field, f.value) for f in result.flags} == {(f.field, f.value) for f in read.flags}


def test_a_flag_goes_once_its_value_is_corrected(session):
    owner = make_user(session)
    [result] = imports.import_drafts(session=session, owner=owner, rows=[_row(1, "Sam", phones=["555-0100"])]).rows
    service.update(
        session=session, owner=owner, contact_id=result.contact_id, changes={"phones": [{"value": "+1 415 555 0100"}]}
    )
    assert service.get(session=session, owner=owner, contact_id=result.contact_id).flags == []


def test_only_a_row_with_nothing_identifying_is_refused(session):
    owner = make_user(session)
    rows = [
        _row(1, "", company="Andalucía Solar"),
        _row(2, "", phones=["12"]),
        _row(3, "\u200b", note="just a note"),
    ]
    report = imports.import_drafts(session=session, owner=owner, rows=rows)
    assert [r.status for r in report.rows] == ["created", "created", "refused"]
    assert "Enter a name, a company, an email address or a phone number." in report.rows[2].reason
