"""Ask MetaIC's numbers, printed by bench/ai_bench.py (or alone: .venv/bin/python bench/ai_chat_bench.py).

1. Offline answers: p50/p95 of the offline engine over a mix of questions (who is / where did I meet / who
   works at / not followed up / free text), grounding included, and of a whole turn (question stored, answer
   streamed and stored), on SQLite with the bench's contact book. Goal: p95 <= 300 ms.
2. Relay of a provider's stream: the API served by granian on 127.0.0.1, the fake OpenAI-compatible server
   streaming one word every 50 ms; the time from the fake sending its first piece to the first `delta`
   Server-Sent Event reaching an HTTP client. Goal: <= 300 ms.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script: make `bench` importable

from bench.common import private_environment

if __name__ == "__main__":
    private_environment("metaic-ai-chat-bench-")

from metaic import migrations
from metaic.ai import chat, chat_answers, chat_turn, prefs
from metaic.auth import api_tokens
from metaic.auth import service as user_service
from metaic.auth.models import User
from metaic.config import get_settings
from metaic.contacts import service as contact_service
from metaic.contacts.schemas import ContactInput
from metaic.db import session_scope
from metaic.jobs.queue import drain_local
from metaic.wiring import wire

GOAL_MS = 300.0
QUESTIONS = (
    "Who is Grace Hopper?",
    "Where did I meet Grace?",
    "Who works at Navy Labs?",
    "Who have I not followed up with?",
    "Anyone who knows COBOL vendors?",
    "¿Dónde conocí a Alan Turing?",
    "What did Grace Hopper say?",
)
REPLY = " ".join(["Grace Hopper is a Rear Admiral at Navy Labs; you met her at Web Summit in Lisbon."] * 2)


def percentiles(samples: list[float]) -> tuple[float, float]:
    """p50 and p95 of samples in milliseconds."""
    ordered = sorted(samples)
    return ordered[len(ordered) // 2], ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def seed_people(owner_id: uuid.UUID) -> None:
    """The people the questions are about, beside whatever book the owner already has."""
    with session_scope() as s:
        owner = s.get(User, owner_id)
        for data in (
            {
                "full_name": "Grace Hopper",
                "company": "Navy Labs",
                "event": "Web Summit",
                "place": "Lisbon",
                "note": "Wants an intro to a COBOL vendor.",
            },
            {"full_name": "Alan Turing", "company": "Navy Labs", "event": "Bletchley meetup"},
        ):
            contact_service.create(session=s, owner=owner, data=data)
    drain_local()


def offline_rows(owner_id: uuid.UUID, repeat: int) -> list[tuple[str, float, float]]:
    """(label, p50, p95) of the offline answer alone and of a whole stored turn."""
    answers, turns = [], []
    with session_scope() as s:
        conversation_id = chat.create(session=s, owner=s.get(User, owner_id)).id
    for i in range(repeat + len(QUESTIONS)):
        question = QUESTIONS[i % len(QUESTIONS)]
        start = time.perf_counter()
        with session_scope() as s:
            chat_answers.answer(session=s, owner=s.get(User, owner_id), question=question)
            s.rollback()
        middle = time.perf_counter()
        with session_scope() as s:
            asked = chat.ask(session=s, owner=s.get(User, owner_id), conversation_id=conversation_id, text=question)
        list(chat_turn.reply(owner_id=owner_id, conversation_id=conversation_id, question_id=asked.id))
        if i >= len(QUESTIONS):  # the first round warms caches (language models, index searchers)
            answers.append((middle - start) * 1000)
            turns.append((time.perf_counter() - middle) * 1000)
    return [
        ("offline answer (grounded)", *percentiles(answers)),
        ("offline turn (stored, streamed)", *percentiles(turns)),
    ]


def _free_port() -> int:
    """A port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _serve_api(env: dict) -> tuple[subprocess.Popen, str]:
    """The HTTP API under granian (one worker), as production serves it; waits until it answers."""
    port = _free_port()
    granian = str(Path(sys.executable).parent / "granian")
    cmd = [granian, "--interface", "asgi", "--factory", "--host", "127.0.0.1", "--port", str(port)]
    proc = subprocess.Popen(
        [*cmd, "--log-level", "warning", "metaic.api.app:build_api"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(f"{base}/livez", timeout=1).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("granian did not start")


def relay_samples(owner_id: uuid.UUID, repeat: int) -> list[float]:
    """Milliseconds from the fake provider sending its first piece to the client reading the first delta."""
    from tests.support.fake_openai import API_KEY, MODEL, FakeOpenAI

    fake = FakeOpenAI()
    fake.reply, fake.piece_seconds = REPLY, 0.05
    env = {
        **os.environ,
        "LLM_BACKEND": "openai",
        "OPENAI_API_KEY": API_KEY,
        "OPENAI_BASE_URL": fake.url,
        "OPENAI_MODEL": MODEL,
        "AI_DAILY_REQUESTS": "100000",
        "AI_DAILY_TOKENS": "100000000",
    }
    with session_scope() as s:
        owner = s.get(User, owner_id)
        prefs.update(session=s, user_id=owner_id, external_opt_in=True)
        token = api_tokens.issue(session=s, user=owner).access_token
    proc, base = _serve_api(env)
    headers = {"Authorization": f"Bearer {token}"}
    samples = []
    try:
        with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
            cid = client.post("/api/v1/ai/conversations", json={}).json()["id"]
            for i in range(repeat + 2):
                sent_before = len(fake.first_piece_at)
                with client.stream(
                    "POST", f"/api/v1/ai/conversations/{cid}/messages", json={"text": QUESTIONS[0]}
                ) as r:
                    first = None
                    for line in r.iter_lines():
                        if first is None and line == "event: delta":
                            first = time.perf_counter()
                if i >= 2 and first is not None and len(fake.first_piece_at) > sent_before:
                    samples.append((first - fake.first_piece_at[sent_before]) * 1000)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        fake.close()
    return samples


def report(owner_id: uuid.UUID, repeat: int) -> None:
    """Print the offline table and the relay figure."""
    seed_people(owner_id)
    rows = offline_rows(owner_id, repeat)
    kinds = f"{repeat} questions of {len(QUESTIONS)} kinds"
    print(f"\nAsk MetaIC, offline engine, SQLite, {kinds} (goal p95 <= {GOAL_MS:.0f} ms)")
    for label, p50, p95 in rows:
        print(f"{label:<34}{p50:>10.1f}{p95:>10.1f}  {'ok' if p95 <= GOAL_MS else 'MISSED'}")
    samples = relay_samples(owner_id, min(repeat, 20))
    if samples:
        p50, p95 = percentiles(samples)
        where = f"granian, fake provider on 127.0.0.1, {len(samples)} answers"
        print(f"\nAsk MetaIC, provider stream relayed as Server-Sent Events ({where})")
        verdict = "ok" if p95 <= GOAL_MS else "MISSED"
        print(f"{'first piece sent -> first delta read':<34}{p50:>10.1f}{p95:>10.1f}  {verdict}")
    else:
        print("\nAsk MetaIC relay: no samples (the provider was not reached)")
    sys.stdout.flush()


def main() -> None:
    """Alone: an owner with a small book, then the report."""
    migrations.upgrade(get_settings().database_url)
    wire()
    with session_scope() as s:
        owner = user_service.create(session=s, email="chat@example.com", password="Correct-Horse-42", name="Chat")  # noqa: S106
        for i in range(200):
            row = contact_service.build(
                owner_id=owner.id, data=ContactInput(full_name=f"Person {i}", company=f"Firm {i % 20}")
            )
            contact_service.add(session=s, contact=row, enrich=False)
        owner_id = owner.id
    drain_local()
    report(owner_id, 50)


if __name__ == "__main__":
    main()
