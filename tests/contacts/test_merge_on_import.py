"""A merge on import keeps the richer spelling, says what changed, and matches people on folded names."""

from __future__ import annotations

from metaic.contacts import imports, service
from metaic.contacts.schemas import ContactDraft, LabeledValue, ParsedRow
from tests.contacts.helpers import make_user


def _row(name: str, company: str = "", email: str = "", **fields) -> ParsedRow:
    """A parsed row (row 1) with a draft."""
    emails = [LabeledValue(value=email)] if email else []
    return ParsedRow(row=1, draft=ContactDraft(full_name=name, company=company, emails=emails, **fields))


def test_an_unaccented_row_never_degrades_what_the_user_typed(session):
    owner = make_user(session)
    typed = service.create(
        session=session,
        owner=owner,
        data={
            "full_name": "Sofía Martínez",
            "company": "Andalucía Solar",
            "emails": [{"value": "sofia@solar.example"}],
        },
    )
    report = imports.import_drafts(
        session=session,
        owner=owner,
        rows=[_row("Sofia Martinez", "Andalucia Solar", "SOFIA@solar.example", title="CEO")],
    )
    [row] = report.rows
    assert (row.status, row.contact_id) == ("merged", typed.id)
    read = service.get(session=session, owner=owner, contact_id=typed.id)
    assert (read.full_name, read.company, read.title) == ("Sofía Martínez", "Andalucía Solar", "CEO")
    assert row.changes == [
        "full name: kept Sofía Martínez (the file has Sofia Martinez)",
        "company: kept Andalucía Solar (the file has Andalucia Solar)",
        "title added: CEO",
    ]


def test_an_accented_row_upgrades_the_plain_spelling(session):
    owner = make_user(session)
    plain = service.create(
        session=session, owner=owner, data={"full_name": "Sofia Martinez", "emails": [{"value": "s@solar.example"}]}
    )
    [row] = imports.import_drafts(
        session=session, owner=owner, rows=[_row("Sofía Martínez", email="s@solar.example")]
    ).rows
    assert service.get(session=session, owner=owner, contact_id=plain.id).full_name == "Sofía Martínez"
    assert row.changes == ["full name: Sofia Martinez → Sofía Martínez (same name, fuller spelling)"]


def test_same_folded_name_and_company_is_the_same_person(session):
    owner = make_user(session)
    zoe = service.create(
        session=session, owner=owner, data={"full_name": "Zoë Dupré-Lefèvre", "company": "Ciné Lumière"}
    )
    rows = [
        _row("Zoe Dupre-Lefevre", "CINE LUMIERE", "zoe@lumiere.example"),
        ParsedRow(row=2, draft=ContactDraft(full_name="ｻﾄｳ ﾕｷ", company="ＡＣＭＥ")),
        ParsedRow(row=3, draft=ContactDraft(full_name="サトウ ユキ", company="Acme")),
        ParsedRow(row=4, draft=ContactDraft(full_name="Zoe Dupre-Lefevre", company="Another Firm")),
    ]
    report = imports.import_drafts(session=session, owner=owner, rows=rows)
    assert [r.status for r in report.rows] == ["merged", "created", "merged", "created"]
    assert report.rows[0].contact_id == zoe.id and report.rows[2].contact_id == report.rows[1].contact_id
    read = service.get(session=session, owner=owner, contact_id=zoe.id)
    assert (read.full_name, [e.value for e in read.emails]) == ("Zoë Dupré-Lefèvre", ["zoe@lumiere.example"])
