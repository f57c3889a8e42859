"""No database connection is held while Ask MetaIC's answer streams from a slow provider (issue 14).

A pool of 15 connections shared by every request of a process would run dry after 15 slow answers; so the
question and its context are read in one short transaction, the provider streams with the connection back in
the pool, and the answer is stored in a new short transaction.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time

import pytest
from sqlmodel import select

from metaic.ai import chat, chat_turn
from metaic.ai.chat_models import AiMessage
from metaic.ai.models import AiUsage
from metaic.api.app import build_api
from metaic.auth.models import User
from metaic.db import checked_out_connections, session_scope
from tests.ai.chat_helpers import book
from tests.ai.test_chat_api import bearer

pytestmark = pytest.mark.usefixtures("fresh_index")

REPLY = "Grace Hopper is a Rear Admiral at Navy Labs; you met at Web Summit in Lisbon."


class Sampler:
    """Counts the connections out of the pool every 10 ms, in a thread of its own, while it runs."""

    def __init__(self) -> None:
        self.counts: list[int] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        """Sample until stopped."""
        while not self._stop.is_set():
            self.counts.append(checked_out_connections())
            time.sleep(0.01)

    def start(self) -> None:
        """Begin sampling."""
        self._thread.start()

    def stop(self) -> list[int]:
        """Stop and return the counts."""
        self._stop.set()
        self._thread.join()
        return self.counts


def held_while_streaming(counts: list[int]) -> bool:
    """Whether a connection stayed out during the stream (a background job's brief query may show once or twice)."""
    assert len(counts) > 20, counts
    return sum(1 for n in counts if n) > 2


def _question(owner_id, text: str):
    """A committed question in a new conversation: (conversation id, question id)."""
    with session_scope() as s:
        owner = s.get(User, owner_id)
        conversation = chat.create(session=s, owner=owner)
        return conversation.id, chat.ask(session=s, owner=owner, conversation_id=conversation.id, text=text).id


def test_the_connection_is_back_in_the_pool_while_the_provider_streams(db, fake_openai):
    """Between the first and the last piece (the provider pausing 40 ms each) no connection is out; then stored."""
    fake_openai.reply, fake_openai.piece_seconds = REPLY, 0.04
    ids = book(opt_in=True)
    cid, qid = _question(ids["owner"], "Who is Grace Hopper?")
    sampler, events = Sampler(), []
    for event in chat_turn.reply(owner_id=ids["owner"], conversation_id=cid, question_id=qid):
        events.append(event)
        if event["type"] == "meta":
            sampler.start()
        elif "".join(e.get("text", "") for e in events) == REPLY:
            counts = sampler.stop()  # the last piece: what follows is the short transaction storing the answer
    assert not held_while_streaming(counts), counts
    assert events[-1]["type"] == "done" and events[-1]["message"]["content"] == REPLY
    with session_scope() as s:
        stored = s.exec(select(AiMessage).where(AiMessage.role == "assistant")).one()
        assert (stored.content, stored.engine) == (REPLY, "provider")
        assert [u.source for u in s.exec(select(AiUsage).where(AiUsage.feature == "chat"))] == ["provider"]
    assert checked_out_connections() == 0


async def _drive(app, path: str, headers: dict, body: dict, on_delta) -> bytes:
    """POST to the ASGI app and read the answer as a server sends it, calling `on_delta` at each delta event."""
    sent, finished, chunks = False, asyncio.Event(), []

    async def receive() -> dict:
        """The body once, then nothing until the answer is complete (a client that stays connected)."""
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": json.dumps(body).encode(), "more_body": False}
        await finished.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        """Keep the body; while a delta is being sent, the answer's iterator waits for us."""
        if message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))
            if b"event: delta" in chunks[-1]:
                await on_delta()
            if not message.get("more_body"):
                finished.set()

    raw = [(k.lower().encode(), v.encode()) for k, v in {**headers, "content-type": "application/json"}.items()]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": raw,
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    await app(scope, receive, send)
    return b"".join(chunks)


def test_the_sse_route_holds_no_connection_while_it_streams(db, fake_openai):
    """POST …/messages over ASGI: at every delta the request's own session and the answer's are both closed."""
    fake_openai.reply, fake_openai.piece_seconds = REPLY, 0.02
    ids = book(opt_in=True)
    ada = bearer(ids["owner"])
    with session_scope() as s:
        cid = chat.create(session=s, owner=s.get(User, ids["owner"])).id
    counts: list[int] = []

    async def on_delta() -> None:
        """Sample the pool a few times while the answer waits for this piece to go out."""
        for _ in range(3):
            counts.append(checked_out_connections())
            await asyncio.sleep(0.005)

    path = f"/api/v1/ai/conversations/{cid}/messages"
    body = asyncio.run(_drive(build_api(), path, ada, {"text": "Who is Grace Hopper?"}, on_delta))
    assert b"event: done" in body and REPLY.split(" ")[-1].encode() in body
    assert len(counts) == 3 * len(REPLY.split(" ")), counts
    assert not held_while_streaming(counts), counts
    assert checked_out_connections() == 0
