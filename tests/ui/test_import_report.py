"""The import dialog's report: refused rows, values kept as written, and what each merge changed."""

from __future__ import annotations

import json

from metaic.contacts import imports, service
from metaic.contacts.schemas import ContactDraft, LabeledValue, ParsedRow
from metaic.ui.components.contacts_dialogs import import_dialog
from metaic.ui.state.contact_import import report_lines
from tests.contacts.helpers import make_user

SOFIA = "s@solar.example"


def _rows() -> list[ParsedRow]:
    """A merge that keeps accents, a number kept as written, a new person and a row with nobody in it."""
    return [
        ParsedRow(
            row=1, draft=ContactDraft(full_name="Sofia Martinez", emails=[LabeledValue(value="s@solar.example")])
        ),
        ParsedRow(row=2, draft=ContactDraft(full_name="Kenji", phones=[LabeledValue(value="call me maybe 12")])),
        ParsedRow(row=3, draft=ContactDraft(full_name="Ada Lovelace")),
        ParsedRow(row=4, draft=ContactDraft()),
    ]


def test_the_report_says_what_a_merge_changed_after_refusals_and_flags(session):
    owner = make_user(session)
    service.create(
        session=session,
        owner=owner,
        data={"full_name": "Sofía Martínez", "emails": [{"value": SOFIA}]},
    )
    report = imports.import_drafts(session=session, owner=owner, rows=_rows()).model_dump(mode="json")
    lines = report_lines(report)
    assert [(line["row"], line["status"]) for line in lines] == [("4", "refused"), ("2", "flagged"), ("1", "changed")]
    assert lines[2]["reason"] == "Merged: full name: kept Sofía Martínez (the file has Sofia Martinez)"
    assert "3" not in [line["row"] for line in lines]  # a plain new contact needs no line


def test_the_dialog_styles_each_kind_of_line():
    rendered = json.dumps(import_dialog().render(), default=str)
    assert "import-" in rendered and "var(--amber-11)" in rendered
