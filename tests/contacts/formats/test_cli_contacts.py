"""`python -m metaic contacts import|export` on a fresh SQLite database, in this process (tests/support/cli.py)."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from metaic.contacts import formats
from tests.contacts.formats.support import SAMPLES, rich_drafts
from tests.support.cli import run_cli

USER = "owner@example.com"

Cli = Callable[..., subprocess.CompletedProcess]


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    """Run the CLI against its own data folder and SQLite file, with one account already created."""
    data = tmp_path / "data"
    env = {
        "METAIC_ENV": "test",
        "METAIC_DATA_DIR": str(data),
        "DATABASE_URL": f"sqlite:///{data / 'cli.db'}",
        "SECRET_KEY": "cli-test-secret-key-0123456789-abcdefgh",
        "REDIS_URL": "",
    }

    def run(*args: str) -> subprocess.CompletedProcess:
        """Run `python -m metaic *args`, capturing bytes."""
        return run_cli(*args, stdin=b"", env=env, text=False)

    created = run("create-user", USER, "--password", "Correct-Horse-42")
    assert created.returncode == 0, created.stderr.decode()
    return run


def test_import_reports_counts_and_refused_rows_then_merges_on_reimport(cli):
    first = cli("contacts", "import", "--user", USER, str(SAMPLES / "three_cards_middle_broken.vcf"))
    assert first.returncode == 0, first.stderr.decode()
    lines = first.stdout.decode().splitlines()
    assert lines == [
        "Created 2, merged 0, refused 1.",
        "row 2: This contact has no name, email address or phone number, so there is nothing to import.",
    ]
    again = cli(
        "contacts", "import", "--user", USER, "--format", "vcard", str(SAMPLES / "three_cards_middle_broken.vcf")
    )
    assert again.stdout.decode().splitlines()[0] == "Created 0, merged 2, refused 1."


def test_import_csv_refuses_a_bad_row_and_a_bad_file(cli):
    mixed = cli("contacts", "import", "--user", USER, str(SAMPLES / "outlook_too_many_columns.csv"))
    assert mixed.returncode == 0, mixed.stderr.decode()
    out = mixed.stdout.decode().splitlines()
    assert out[0] == "Created 2, merged 0, refused 1." and out[1].startswith("row 2: This row has 8 values")
    bad = cli("contacts", "import", "--user", USER, str(SAMPLES / "broken_header.csv"))
    assert bad.returncode == 1 and b"Traceback" not in bad.stderr
    assert bad.stderr.decode().startswith("error: We could not recognise this file")
    missing = cli("contacts", "import", "--user", USER, str(SAMPLES / "no-such-file.vcf"))
    assert missing.returncode == 1 and "Cannot read" in missing.stderr.decode()
    stranger = cli("contacts", "import", "--user", "nobody@example.com", str(SAMPLES / "iphone.vcf"))
    assert stranger.returncode == 1 and "No account with the email nobody@example.com" in stranger.stderr.decode()
    assert cli("contacts", "import", "--user", USER, "--format", "excel", "x.csv").returncode == 2


def test_export_to_stdout_and_to_a_file_reimports(cli, tmp_path):
    source = tmp_path / "rich.vcf"
    source.write_bytes(formats.export(rich_drafts(), "vcard"))
    imported = cli("contacts", "import", "--user", USER, str(source))
    assert imported.stdout.decode().splitlines() == ["Created 3, merged 0, refused 0."]

    vcard = cli("contacts", "export", "--user", USER, "--format", "vcard")
    assert vcard.returncode == 0, vcard.stderr.decode()
    names = sorted(r.draft.full_name for r in formats.parse(vcard.stdout, "vcard"))
    assert names == sorted(["Zoë Ångström", "张伟", "محمد علي"])

    for fmt in ("google", "outlook"):
        target = tmp_path / f"out-{fmt}.csv"
        result = cli("contacts", "export", "--user", USER, "--format", fmt, "-o", str(target))
        assert result.returncode == 0 and result.stdout == b""
        assert f"Exported 3 contacts to {target} ({fmt})." in result.stderr.decode()
        rows = formats.parse(target.read_bytes())
        assert sorted(r.draft.full_name for r in rows) == names
        back = cli("contacts", "import", "--user", USER, str(target))
        assert back.stdout.decode().splitlines() == ["Created 0, merged 3, refused 0."]
    assert cli("contacts", "export", "--user", USER).returncode == 2
