"""Imports: row by row with savepoints, merges by UID then email/phone, all-or-nothing on a crash; exports; jobs."""

from __future__ import annotations

import pytest
from sqlmodel import func, select

from metaic.contacts import flows as contact_flows
from metaic.contacts import imports, service
from metaic.contacts.models import ImportJob, SavedContact
from metaic.contacts.schemas import ContactDraft, ContactFilters, LabeledValue, ParsedRow
from metaic.core.errors import NotFound, ValidationError
from metaic.db import session_scope
from metaic.jobs.queue import drain_local
from tests.contacts.helpers import make_user, notifications


def _row(row: int, name: str, email: str = "", phone: str = "", **fields) -> ParsedRow:
    """A parsed row with a draft."""
    draft = ContactDraft(
        full_name=name,
        emails=[LabeledValue(value=email)] if email else [],
        phones=[LabeledValue(value=phone)] if phone else [],
        **fields,
    )
    return ParsedRow(row=row, draft=draft)


def test_a_bad_row_in_the_middle_does_not_stop_the_others(session):
    owner = make_user(session)
    seen = []
    rows = [
        _row(1, "Ada", "ada@example.com", tags=["imported"]),
        _row(2, "Broken", "not-an-email"),
        ParsedRow(row=3, error="Line 7: no name, email or phone."),
        _row(4, "Grace", phone="+1 202 555 0143"),
        _row(5, "Ada Again", "ADA@example.com", company="Engines"),
    ]
    report = imports.import_drafts(
        session=session, owner=owner, rows=rows, progress=lambda done, total: seen.append((done, total))
    )
    # "not-an-email" does not cost Broken their place in the book: kept as written and flagged.
    assert (report.created, report.merged, report.refused, report.flagged) == (3, 1, 1, 1)
    assert [r.status for r in report.rows] == ["created", "created", "refused", "created", "merged"]
    assert [(f.field, f.value, f.kind) for f in report.rows[1].flags] == [("emails", "not-an-email", "kept")]
    assert report.rows[2].reason == "Line 7: no name, email or phone."
    assert report.rows[4].contact_id == report.rows[0].contact_id
    assert seen == [(i, 5) for i in range(1, 6)]
    page = service.list_(session=session, owner=owner)
    assert [c.full_name for c in page.items] == ["Ada Again", "Broken", "Grace"]
    ada = page.items[0]
    assert [(f.field, f.value) for f in page.items[1].flags] == [("emails", "not-an-email")]
    assert (ada.company, ada.source, [t.name for t in ada.tags]) == ("Engines", "import", ["imported"])


def test_uid_matches_before_email(session):
    owner = make_user(session)
    first = imports.import_drafts(session=session, owner=owner, rows=[_row(1, "Ada", "ada@one.example", uid="u-1")])
    again = imports.import_drafts(session=session, owner=owner, rows=[_row(1, "Ada L.", "ada@two.example", uid="u-1")])
    assert again.rows[0].status == "merged" and again.rows[0].contact_id == first.rows[0].contact_id
    read = service.get(session=session, owner=owner, contact_id=first.rows[0].contact_id)
    assert [e.value for e in read.emails] == ["ada@one.example", "ada@two.example"]


def test_a_crash_leaves_nothing_behind(db):
    with session_scope() as s:
        owner = make_user(s)

    def explode(done: int, total: int) -> None:
        if done == 2:
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError), session_scope() as s:
        imports.import_drafts(
            session=s,
            owner=s.merge(owner),
            rows=[_row(1, "Ada", "a@example.com"), _row(2, "Bob", "b@example.com")],
            progress=explode,
        )
    with session_scope() as s:
        assert s.exec(select(func.count()).select_from(SavedContact)).one() == 0


def test_export_all_filtered_or_chosen_and_reimport_updates(session):
    owner, other = make_user(session), make_user(session, "other@example.com")
    a = service.create(
        session=session,
        owner=owner,
        data={"full_name": "Ada", "stage": "client", "tags": ["vip"], "emails": [{"value": "ada@example.com"}]},
    )
    service.create(session=session, owner=owner, data={"full_name": "Bob"})
    theirs = service.create(session=session, owner=other, data={"full_name": "Eve"})
    assert [d.full_name for d in imports.export_drafts(session=session, owner=owner)] == ["Ada", "Bob"]
    [draft] = imports.export_drafts(session=session, owner=owner, filters=ContactFilters(stage="client"))
    assert (draft.uid, draft.tags, draft.emails[0].value) == (str(a.id), ["vip"], "ada@example.com")
    assert [d.full_name for d in imports.export_drafts(session=session, owner=owner, contact_ids=[a.id])] == ["Ada"]
    with pytest.raises(NotFound):
        imports.export_drafts(session=session, owner=owner, contact_ids=[theirs.id])
    draft.title = "Countess"
    report = imports.import_drafts(session=session, owner=owner, rows=[ParsedRow(row=1, draft=draft)])
    assert report.rows[0].status == "merged" and report.rows[0].contact_id == a.id
    assert service.get(session=session, owner=owner, contact_id=a.id).title == "Countess"
    assert imports.import_drafts(session=session, owner=other, rows=[ParsedRow(row=1, draft=draft)]).created == 1


VCARDS = (
    b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada Lovelace\r\nN:Lovelace;Ada;;;\r\n"
    b"EMAIL;TYPE=work:ada@engines.example.com\r\nUID:abc-1\r\nEND:VCARD\r\n"
    b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bad Mail\r\nEMAIL:not-an-email\r\nEND:VCARD\r\n"
    b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Grace\r\nTEL:+1 202 555 0143\r\nEND:VCARD\r\n"
)


def test_import_job_runs_in_the_background_and_stores_its_report(db):
    with session_scope() as s:
        owner = make_user(s)
        job_id = contact_flows.start_import(session=s, owner=owner, filename="people.vcf", data=VCARDS, format="vcard")
        assert imports.get_job(session=s, owner=owner, job_id=job_id).status == "queued"
    drain_local()
    with session_scope() as s:
        job = imports.get_job(session=s, owner=owner, job_id=job_id)
        assert (job.status, job.total, job.processed, job.data) == ("done", 3, 3, None)
        assert (job.report["created"], job.report["refused"], job.report["flagged"]) == (3, 0, 1)
        assert [r["status"] for r in job.report["rows"]] == ["created", "created", "created"]
        assert job.report["rows"][1]["flags"][0]["value"] == "not-an-email"
        assert service.list_(session=s, owner=owner).total == 3
        assert len(notifications(s, owner, "job_finished")) == 1
        other = make_user(s, "other@example.com")
        with pytest.raises(NotFound):
            imports.get_job(session=s, owner=other, job_id=job_id)


def test_an_unreadable_file_fails_the_job_cleanly(db):
    with session_scope() as s:
        owner = make_user(s)
        job_id = contact_flows.start_import(
            session=s, owner=owner, filename="x.vcf", data=b"\x00\x01garbage", format="auto"
        )
    drain_local()
    with session_scope() as s:
        job = s.get(ImportJob, job_id)
        assert job.status == "failed" and job.error and job.data is None
        assert service.list_(session=s, owner=owner).total == 0


def test_start_import_checks_the_upload(session):
    owner = make_user(session)
    with pytest.raises(ValidationError):
        contact_flows.start_import(session=session, owner=owner, filename="a.vcf", data=b"", format="vcard")
    with pytest.raises(ValidationError):
        contact_flows.start_import(session=session, owner=owner, filename="a.xls", data=b"x", format="excel")
    with pytest.raises(ValidationError):
        contact_flows.start_import(
            session=session, owner=owner, filename="a.vcf", data=b"x" * (imports.MAX_IMPORT_BYTES + 1), format="vcard"
        )
