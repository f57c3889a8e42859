"""`python -m metaic keys generate|rotate|status`: field encryption keys (metaic/core/fieldcrypt.py)."""

from __future__ import annotations

import argparse
import getpass
import os
import socket
import sys
import time

from metaic.cli_base import EXIT_ERROR, EXIT_OK, CliError, load_settings


def cmd_keys_generate(args: argparse.Namespace) -> int:
    """Print a new random key for FIELD_ENCRYPTION_KEYS or BLIND_INDEX_KEY."""
    from metaic.core import fieldcrypt

    print(fieldcrypt.generate_key())
    print(
        "Put it first in FIELD_ENCRYPTION_KEYS (keep the old keys after it), restart, then run "
        "`python -m metaic keys rotate`.",
        file=sys.stderr,
    )
    return EXIT_OK


def _progress(started: float):
    """A progress callback printing `column done/total (rate)` on standard error."""

    def show(column: str, done: int, total: int) -> None:
        rate = done / max(time.monotonic() - started, 1e-6)
        print(f"\r{column:<32} {done:>9,}/{total:<9,} ({rate:,.0f}/s)", end="", file=sys.stderr, flush=True)

    return show


def _operator() -> str:
    """Who runs the command, for the audit entry: the command line, the system user and the host."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a container's arbitrary user)
        user = str(os.getuid())
    return f"command line: {user}@{socket.gethostname()}"[:80]


def cmd_keys_rotate(args: argparse.Namespace) -> int:
    """Re-encrypt every value not under the first key (resumable); with --blind-index, recompute the digests.

    Every run is audited (keys.rotated, or keys.rotation_stopped with what was done before it stopped).
    """
    load_settings()
    from metaic.admin import field_keys
    from metaic.core import fieldcrypt

    if args.batch < 1:
        raise CliError("--batch must be at least 1.")
    print(f"Encrypting with key {fieldcrypt.ring().primary}.", file=sys.stderr)
    started = time.monotonic()
    done: dict[str, int] = {}
    contacts = None
    stopped = "interrupted"  # until the run ends or says why it stopped
    try:
        field_keys.rotate(progress=_progress(started), batch=args.batch, done=done)
        if args.blind_index:
            contacts = field_keys.rebuild_blind_index(progress=_progress(started), batch=args.batch)
        stopped = ""
    except fieldcrypt.FieldKeyError as exc:
        stopped = str(exc)
        raise CliError(
            f"\nStopped: {exc}. The batches before this one are saved; run the command again to resume."
        ) from exc
    finally:
        field_keys.record_rotation(by=_operator(), done=done, contacts=contacts, stopped=stopped)
    print(file=sys.stderr)
    for column, count in done.items():
        print(f"{column}: {count} re-encrypted")
    if args.blind_index:
        print(f"contact_identities: digests of {contacts} contacts recomputed")
    print(f"Done in {time.monotonic() - started:.1f} s. Keys after the first one can be removed.", file=sys.stderr)
    return EXIT_OK


def cmd_keys_status(args: argparse.Namespace) -> int:
    """Print the key ids and, per encrypted column, how many values still need the rotation; exit 1 if any."""
    load_settings()
    from metaic.admin import field_keys
    from metaic.core import fieldcrypt

    keys = fieldcrypt.ring()
    print(f"Encrypting key: {keys.primary}; decrypting keys: {', '.join(keys.ids)}")
    left = field_keys.status()
    for column, count in left:
        print(f"{column:<32} {'ok' if not count else f'{count} to rotate'}")
    return EXIT_ERROR if any(count for _, count in left) else EXIT_OK


def add_keys_commands(commands) -> None:
    """Register the `keys` command group on the main parser's subcommands."""
    keys = commands.add_parser(
        "keys",
        help="field encryption keys: generate, rotate, status",
        description="Contacts' emails, phones, notes and consent records, reminder notes, account phones, MFA "
        "secrets, AI chat history and webhook payloads are encrypted at rest with FIELD_ENCRYPTION_KEYS (the first "
        "key encrypts, all decrypt). To rotate: generate a key, put it first, restart, run `keys rotate` (audited), "
        "then drop the old key.",
    )
    sub = keys.add_subparsers(dest="keys_command", metavar="KEYS_COMMAND", required=True)
    generate = sub.add_parser("generate", help="print a new random key", description=cmd_keys_generate.__doc__)
    generate.set_defaults(handler=cmd_keys_generate)
    rotate = sub.add_parser(
        "rotate",
        help="re-encrypt every value with the first key",
        description="Re-encrypt, in batches of committed transactions, every value that is not under the first "
        "key of FIELD_ENCRYPTION_KEYS (values stored before encryption too). Interrupted, it resumes where it "
        "stopped when run again.",
    )
    rotate.add_argument("--batch", type=int, default=500, metavar="N", help="rows per transaction (default 500)")
    rotate.add_argument(
        "--blind-index",
        action="store_true",
        help="also recompute the email/phone digests (after changing BLIND_INDEX_KEY)",
    )
    rotate.set_defaults(handler=cmd_keys_rotate)
    status = sub.add_parser("status", help="show what is left to rotate", description=cmd_keys_status.__doc__)
    status.set_defaults(handler=cmd_keys_status)
