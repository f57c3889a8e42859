"""`python -m metaic contacts import|export`: an account's contact book in and out as files."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from metaic.cli_base import EXIT_OK, CliError, load_settings


def _account(session, email: str):
    """The account with this email, or a CliError naming it."""
    from metaic.auth import service as user_service

    user = user_service.get_by_email(session=session, email=email)
    if user is None:
        raise CliError(f"No account with the email {email.strip()}.")
    return user


def cmd_contacts_import(args: argparse.Namespace) -> int:
    """Import a vCard, Google or Outlook file into an account's contacts and report each refused row."""
    load_settings()
    try:
        data = Path(args.file).read_bytes()
    except OSError as exc:
        raise CliError(f"Cannot read {args.file}: {exc.strerror or exc}.") from exc
    from metaic.contacts import formats
    from metaic.contacts.imports import import_drafts
    from metaic.db import session_scope

    rows = formats.parse(data, args.format)
    with session_scope() as session:
        report = import_drafts(session=session, owner=_account(session, args.user), rows=rows, source="import")
    print(f"Created {report.created}, merged {report.merged}, refused {report.refused}.")
    for result in report.rows:
        if result.status == "refused":
            print(f"row {result.row}: {result.reason}")
        for flag in result.flags:
            print(f"row {result.row}: {flag.field} kept as written: {flag.value} ({flag.note})")
    return EXIT_OK


def cmd_contacts_export(args: argparse.Namespace) -> int:
    """Write all of an account's contacts as vCard, Google CSV or Outlook CSV to a file or stdout."""
    load_settings()
    from metaic.contacts import formats
    from metaic.contacts.imports import export_drafts
    from metaic.db import session_scope

    with session_scope() as session:
        drafts = export_drafts(session=session, owner=_account(session, args.user))
    data = formats.export(drafts, args.format)
    if args.output:
        try:
            Path(args.output).write_bytes(data)
        except OSError as exc:
            raise CliError(f"Cannot write {args.output}: {exc.strerror or exc}.") from exc
        print(f"Exported {len(drafts)} contacts to {args.output} ({args.format}).", file=sys.stderr)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return EXIT_OK


def add_contacts_commands(commands) -> None:
    """Register the `contacts` command group on the main parser's subcommands."""
    contacts = commands.add_parser(
        "contacts",
        help="import or export an account's contacts",
        description="Move an account's contact book in and out as vCard (.vcf), Google Contacts CSV or Outlook "
        "CSV files.",
    )
    contacts_commands = contacts.add_subparsers(dest="contacts_command", metavar="CONTACTS_COMMAND", required=True)
    imp = contacts_commands.add_parser(
        "import",
        help="import a vCard, Google or Outlook file",
        description="Read the file, create new contacts and merge ones the account already has (same UID, email "
        "or phone), then print the counts, one `row N: reason` line per refused record and one line per value "
        "kept as written (flagged on the contact). Rows count "
        "from 1: the first card of a vCard file, the first line after a CSV's header.",
    )
    imp.add_argument("--user", metavar="EMAIL", required=True, help="the account's email address")
    imp.add_argument(
        "--format",
        choices=["auto", "vcard", "google", "outlook"],
        default="auto",
        help="the file's format (default: auto, recognised from its content)",
    )
    imp.add_argument("file", metavar="FILE", help="the file to import")
    imp.set_defaults(handler=cmd_contacts_import)
    exp = contacts_commands.add_parser(
        "export",
        help="export every contact as vCard, Google or Outlook CSV",
        description="Write all the account's contacts: vCard 3.0 (UTF-8, for phones), Google Contacts CSV or "
        "Outlook CSV (UTF-8 with a BOM), to FILE or to standard output.",
    )
    exp.add_argument("--user", metavar="EMAIL", required=True, help="the account's email address")
    exp.add_argument("--format", choices=["vcard", "google", "outlook"], required=True, help="the file format")
    exp.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")
    exp.set_defaults(handler=cmd_contacts_export)
