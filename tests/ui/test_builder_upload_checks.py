"""The builder with virus scanning on: "Checking file…" while held, attached once clean, refused if infected."""

from __future__ import annotations

import asyncio
import uuid
from types import SimpleNamespace

import pytest
from reflex.istate.proxy import StateProxy
from reflex_base.event.context import EventContext

from metaic.cards import service as card_service
from metaic.config import get_settings
from metaic.db import session_scope
from metaic.jobs.queue import drain_local
from metaic.ui.components.builder_sections import profile_block
from metaic.ui.state.builder import BuilderState
from metaic.ui.state.builder_autosave import autosave_loop
from metaic.ui.state.builder_checks import checks_loop, scan_states
from tests.adapters import fake_clamd
from tests.files import imaging
from tests.ui.support import signed_in, state
from tests.ui.test_scan_state import Chosen

FAST = (0.01,)


@pytest.fixture
def clamd(monkeypatch, tmp_path):
    """Scanning on, against a fake clamd whose verdicts the test releases; a data folder of the test's own."""
    monkeypatch.setenv("METAIC_DATA_DIR", str(tmp_path))
    with fake_clamd.running() as server:
        monkeypatch.setenv("VIRUS_SCANNER", "clamd")
        monkeypatch.setenv("CLAMD_PORT", str(server.port))
        get_settings.cache_clear()
        yield server


def _tab(name: str = "Ada"):
    """A signed-in builder tab on a new card of its own; returns (tab, user, card id)."""
    token, user = signed_in(f"{name.lower()}@example.com", name)
    with session_scope() as s:
        card_id = str(card_service.create(session=s, owner=s.merge(user), name=name).id)
    tab = state(BuilderState, token, "/cards/edit", f"id={card_id}")
    asyncio.run(tab.load())
    return tab, user, card_id


async def _watch(tab) -> list:
    """Run the tab's watch over its held uploads to the end, with short waits; the events it sent."""
    return [event async for event in checks_loop(tab, delays=FAST, every=0.01)]


def _draft(user, card_id: str):
    """The stored draft."""
    with session_scope() as s:
        return card_service.get_content(session=s, owner=s.merge(user), card_id=uuid.UUID(card_id))


def test_the_uploader_shows_checking_while_held():
    """The drop zone switches to "Checking file…" (a spinner) while its purpose waits."""
    rendered = str(profile_block())
    assert "Checking file" in rendered and "upload-checking" in rendered
    assert 'checking_purposes_rx_state_.includes("avatar")' in rendered
    assert 'checking_purposes_rx_state_.includes("cover")' in rendered


def test_a_held_avatar_shows_checking_and_is_attached_once_clean(db, clamd):
    """No address while pending (no broken image); once clean the photo is set and autosaved."""
    tab, user, card_id = _tab()
    clamd.answer.clear()
    event = asyncio.run(tab.upload_avatar([Chosen("me.jpg", imaging.jpeg(400, 400))]))
    assert tab.checking_purposes == ["avatar"] and tab.avatar_url == "" and not tab.dirty
    assert event is not None and "watch_checks" in str(event)
    clamd.answer.set()
    drain_local()
    events = asyncio.run(_watch(tab))
    assert tab.checking == [] and tab.avatar_url.endswith(".jpg") and tab.avatar_file_id
    assert any("autosave" in str(e) for e in events)
    asyncio.run(autosave_loop(tab))
    assert _draft(user, card_id).avatar_url == tab.avatar_url


def test_a_work_from_an_infected_image_is_never_added(db, clamd):
    """The scan finds EICAR: the item never appears, the tab says why, the draft is untouched."""
    tab, user, card_id = _tab()
    asyncio.run(tab.upload_work([Chosen("work.jpg", imaging.jpeg(300, 200) + fake_clamd.EICAR)]))
    assert tab.checking_purposes == ["work"] and tab.works == []
    drain_local()
    events = asyncio.run(_watch(tab))
    assert tab.checking == [] and tab.works == [] and not tab.dirty
    assert "malware" in " ".join(str(e) for e in events)
    assert _draft(user, card_id).works == []


def test_a_clean_work_is_added_after_its_scan(db, clamd):
    """ "Add from an image": the portfolio item appears with its image once the scan says clean."""
    tab, _user, _card = _tab()
    asyncio.run(tab.upload_work([Chosen("work.png", imaging.png(300, 200))]))
    drain_local()
    asyncio.run(_watch(tab))
    assert [w["image_url"].rsplit(".", 1)[-1] for w in tab.works] == ["jpg"] and tab.checking == []


def test_without_a_scanner_the_image_is_attached_at_once(db, monkeypatch, tmp_path):
    """The default (none): nothing is held, the cover is set by the upload itself."""
    monkeypatch.setenv("METAIC_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    tab, _user, _card = _tab()
    event = asyncio.run(tab.upload_cover([Chosen("cover.jpg", imaging.jpeg(1200, 400))]))
    assert tab.cover_url and tab.checking == [] and "autosave" in str(event)
    drain_local()


def test_settling_through_the_background_tasks_state_proxy_starts_the_autosave(db, clamd, monkeypatch):
    """In the app the watch runs on Reflex's StateProxy: attaching there must still name the autosave event."""
    monkeypatch.setattr(EventContext, "get", classmethod(lambda cls: SimpleNamespace(token="tab-1")))
    tab, _user, _card = _tab()
    asyncio.run(tab.upload_logo([Chosen("logo.png", imaging.png(200, 200))]))
    drain_local()
    states = scan_states(tab._token(), [tab.checking[0]["id"]])
    proxy = StateProxy(tab)
    proxy._self_mutable = True  # as inside `async with self` of a background event
    events = proxy._settle(states)
    assert tab.business["logo_url"] and tab.checking == [] and "autosave" in str(events)
