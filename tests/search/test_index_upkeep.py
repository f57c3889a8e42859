"""The indexes look after themselves: a deleted or corrupt folder is rebuilt while the database answers,
writers from several processes queue behind one lock, and the CLI rebuilds and reports."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from metaic.cli import main
from metaic.contacts import service as contact_service
from metaic.db import after_commit, session_scope
from metaic.search import service, whoosh_store
from metaic.search.engine import get_backend

ROOT = Path(__file__).resolve().parents[2]


def add(owner, name):
    """A committed contact."""
    with session_scope() as s:
        contact_service.create(session=s, owner=owner, data={"full_name": name})


def find(owner, query):
    """Names found by the contacts search."""
    with session_scope() as s:
        page = service.find_contacts(session=s, owner=owner, query=query, filters={}, sort="", limit=20, offset=0)
        return [c.full_name for c in page.items]


def test_deleted_folder_falls_back_to_the_database_and_rebuilds(users, wait, index_dir):
    """Without its folder the search still answers (substring), queues a rebuild, and typos work again after."""
    a, _ = users
    add(a, "Wilhelmina Stone")
    wait()
    shutil.rmtree(index_dir)
    whoosh_store.forget_searchers()
    assert find(a, "wilhelmina") == ["Wilhelmina Stone"]  # the database, meanwhile
    wait()  # the repair job ran
    assert get_backend().status("contacts")["documents"] == 1
    assert find(a, "Wilhelmena Stome") == ["Wilhelmina Stone"]  # typo tolerance: the index is back


def test_corrupt_index_is_repaired(users, wait):
    """A table of contents overwritten with junk: searches fall back, the repair swaps in a fresh generation."""
    a, _ = users
    add(a, "Corrado Rotto")
    wait()
    generation = whoosh_store.current_generation("contacts")
    for toc in generation.glob("*.toc"):
        toc.write_bytes(b"junk")
    whoosh_store.forget_searchers()
    assert find(a, "corrado") == ["Corrado Rotto"]
    wait()
    assert whoosh_store.current_generation("contacts") != generation
    assert find(a, "Corado") == ["Corrado Rotto"]


WRITER = """
import sys
from metaic.search.engine import get_backend
tag = sys.argv[1]
for i in range(40):
    get_backend().upsert("contacts", [{"id": f"{tag}-{i}", "owner": "o", "name": f"Name {tag} {i}", "text": "shared"}])
"""


def test_writers_in_two_processes_wait_for_each_other(index_dir):
    """Two processes writing one document at a time into one index lose nothing (one writer at a time)."""
    env = {**os.environ, "METAIC_DATA_DIR": str(index_dir.parent)}
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, tag], cwd=ROOT, env=env, stderr=subprocess.PIPE)
        for tag in ("one", "two")
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()
    whoosh_store.forget_searchers()
    assert get_backend().status("contacts")["documents"] == 80


def test_cli_reindex_and_status(users, wait, index_dir, capsys):
    """`search status` flags a missing index (exit 1); `search reindex` rebuilds with a progress bar (exit 0)."""
    a, _ = users
    add(a, "Cli Person")
    wait()
    assert main(["search", "status"]) == 0
    shutil.rmtree(index_dir / "contacts")
    whoosh_store.forget_searchers()
    assert main(["search", "status"]) == 1
    assert "MISSING" in capsys.readouterr().out
    assert main(["search", "reindex", "--what", "contacts"]) == 0
    err = capsys.readouterr().err
    assert "contacts [" in err and "contacts: 1 documents" in err
    whoosh_store.forget_searchers()
    assert main(["search", "status"]) == 0
    assert find(a, "cli") == ["Cli Person"]


def test_a_job_queued_before_a_savepoint_waits_for_the_real_commit(db):
    """After-commit actions run when the transaction commits, not when a SAVEPOINT inside it is released."""
    ran = []
    with session_scope() as s:
        after_commit(s, lambda: ran.append("committed"))
        with s.begin_nested():
            pass
        assert ran == []
    assert ran == ["committed"]
