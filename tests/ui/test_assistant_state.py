"""The /assistant state as a tab drives it: ask (streamed in), open, rename, confirm, delete, retry, failures."""

from __future__ import annotations

import asyncio
import threading

import pytest

from metaic.ai import chat_turn
from metaic.auth import sessions
from metaic.auth.models import User
from metaic.db import session_scope
from metaic.ui.state.assistant import AssistantState, safe_markdown
from metaic.ui.state.stream_off_loop import batches_off_loop
from tests.ai.chat_helpers import book
from tests.ui.support import run, state


def background(tab: AssistantState, name: str, *args):
    """Drive a background handler to its end on this tab (Reflex refuses a direct call from outside an event)."""
    return run(getattr(AssistantState, name).fn(tab, *args))


def tab_for(owner_id, query: str = "") -> AssistantState:
    """A signed-in tab of the owner on /assistant."""
    with session_scope() as s:
        token = sessions.create(session=s, user=s.get(User, owner_id), remember=False, activated=True)
    tab = state(AssistantState, token, "/assistant", query)
    run(tab.load())
    return tab


def test_a_question_streams_into_a_new_conversation_which_then_lists(db):
    """Sending from an empty page creates the conversation, shows the answer with its source and the URL follows."""
    ids = book()
    tab = tab_for(ids["owner"])
    assert tab.conversations == [] and tab.thread == []
    events = background(tab, "send", {"text": "Who is Grace Hopper?"})
    assert not tab.streaming and tab.error == ""
    assert [m.role for m in tab.thread] == ["user", "assistant"]
    answer = tab.thread[1]
    assert f"[Grace Hopper](/contacts/view?id={ids['grace']})" in answer.content
    assert [(s.kind, s.url) for s in answer.sources] == [("contact", f"/contacts/view?id={ids['grace']}")]
    assert [c["title"] for c in tab.conversations] == ["Who is Grace Hopper?"] and tab.active_id
    assert any(f"/assistant?c={tab.active_id}" in str(e) for e in events)


def test_confirm_rename_open_and_delete(db):
    """An action runs on Confirm only; rename and delete change the list; another tab opens it by ?c=."""
    ids = book()
    tab = tab_for(ids["owner"])
    background(tab, "send", {"text": "Remind me to follow up with Marie Curie next week"})
    [action] = tab.thread[1].actions
    assert not action.done and action.label == "Remind me to follow up with Marie Curie next week"
    run(tab.confirm(action.id))
    assert tab.thread[1].actions[0].done and tab.thread[1].actions[0].url.endswith(str(ids["marie"]))
    run(tab.rename({"title": "Marie"}))
    assert tab.active_title == "Marie" and tab.conversations[0]["title"] == "Marie"
    other = tab_for(ids["owner"], f"c={tab.active_id}")
    assert other.active_title == "Marie" and len(other.thread) == 2
    run(tab.delete())
    assert tab.conversations == [] and tab.active_id == "" and tab.thread == []


def test_someone_elses_conversation_opens_as_a_new_one(db):
    """Eve's tab given Ada's conversation id shows her own empty page."""
    ada, eve = book(), book("eve@example.com", "Eve")
    tab = tab_for(ada["owner"])
    background(tab, "send", {"text": "Who is Grace Hopper?"})
    eves = tab_for(eve["owner"], f"c={tab.active_id}")
    assert eves.active_id == "" and eves.thread == [] and eves.conversations == []


def test_a_stream_that_fails_keeps_the_question_and_says_so(db, monkeypatch: pytest.MonkeyPatch):
    """The reply breaks after its first event: an error with a retry shows, the stored question stays."""
    ids = book()
    tab = tab_for(ids["owner"])
    real = chat_turn.reply

    def broken(**kwargs):
        """The first event, then a failure."""
        for event in real(**kwargs):
            yield event
            raise RuntimeError("provider connection lost")

    monkeypatch.setattr(chat_turn, "reply", broken)
    background(tab, "send", {"text": "Who is Grace Hopper?"})
    assert "try again" in tab.error and not tab.streaming
    assert [m.role for m in tab.thread] == ["user"]
    monkeypatch.setattr(chat_turn, "reply", real)
    background(tab, "retry")
    assert tab.error == "" and [m.role for m in tab.thread] == ["user", "assistant"]


def test_answers_show_html_as_text():
    """An answer's "<script>" is escaped before the Markdown view."""
    assert safe_markdown("<img src=x onerror=alert(1)> **ok**") == "&lt;img src=x onerror=alert(1)> **ok**"


def test_pieces_come_off_the_loop_in_one_thread_and_in_order():
    """The iterator runs in a single worker thread; the loop keeps ticking and gets every item in order."""
    threads = set()

    def items():
        """Blocking work between items."""
        for i in range(5):
            threads.add(threading.get_ident())
            threading.Event().wait(0.01)
            yield i

    async def consume() -> tuple[list[int], int]:
        """Collect the batches while counting loop ticks."""
        ticks = 0
        stop = False

        async def ticker():
            nonlocal ticks
            while not stop:
                ticks += 1
                await asyncio.sleep(0.001)

        task = asyncio.create_task(ticker())
        got = [i async for batch in batches_off_loop(items) for i in batch]
        stop = True
        await task
        return got, ticks

    got, ticks = asyncio.run(consume())
    assert got == [0, 1, 2, 3, 4] and len(threads) == 1 and threading.get_ident() not in threads and ticks > 10
