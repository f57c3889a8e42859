"""Ask MetaIC against an external provider in a real browser: the fake OpenAI server streams, the page grows.

The app under test is configured with the fake provider (tests/e2e/conftest.py, `fake_llm`); a user opts in
through the AI settings tab the way anyone would, then asks. The fake paces its pieces, so the test can see
the answer on screen before the provider has sent its last piece.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from metaic.ai.chat_turn import CUT_SHORT
from metaic.ai.models import FollowUpPlan
from metaic.db import engine_for
from tests.e2e.helpers import make_account, sign_in
from tests.support.fake_openai import FakeOpenAI

pytestmark = pytest.mark.e2e
PASSWORD = "Stream-MetaIC-2026"
REPLY = "Grace Hopper works at Navy Labs and wants an intro to a COBOL vendor. You met her at Web Summit in Lisbon."
PIECE_SECONDS = 0.2
QUESTION = "What do I know about Grace Hopper? Should I write to grace@navy.example or call +1 202 555 0143?"
NOTE = "Met at Web Summit. Her direct line is +44 20 7946 0958, private mail grace.private@navy.example."
# Every piece of the answer the page shows while it streams, with the browser's clock (ms since the epoch).
WATCH_STREAM = """() => {
    window.__pieces = [];
    const look = () => {
        const box = document.querySelector('.assistant-streaming .assistant-markdown');
        const text = box ? box.textContent.trim() : '';
        const shown = window.__pieces.length ? window.__pieces[window.__pieces.length - 1].text : '';
        if (text && text !== shown) window.__pieces.push({at: Date.now(), text: text});
    };
    new MutationObserver(look).observe(document.body, {subtree: true, childList: true, characterData: true});
}"""


@pytest.fixture
def fake(fake_llm: FakeOpenAI) -> Iterator[FakeOpenAI]:
    """The session's fake provider, put back as it was after the test (other tests share it)."""
    kept = (fake_llm.reply, fake_llm.piece_seconds)
    yield fake_llm
    fake_llm.reply, fake_llm.piece_seconds = kept
    fake_llm.script.clear()


def _signed_in(app, browser, email: str) -> Page:
    """A signed-in page of a new account (not opted in: the offline assistant answers it)."""
    make_account(app, email, PASSWORD)
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(page, app.base_url, email, PASSWORD)
    return page


def _opt_in(page: Page, base: str) -> None:
    """Turn the AI provider on in the AI settings tab, as a user does; stripping contact details stays on."""
    page.goto(f"{base}/account?tab=ai")
    expect(page.locator("#ai-engine")).to_contain_text("AI provider: fake-gpt")
    expect(page.locator("#ai-strip")).to_have_attribute("data-state", "checked")  # the default
    page.click("#ai-opt-in")
    expect(page.locator("#ai-engine")).to_contain_text("Answers come from the provider")  # stored, read back


def _contact(app, page: Page) -> str:
    """Grace, with contact details in her note; returns her id once her follow-up plan (offline) exists."""
    base = app.base_url
    made = page.request.post(
        f"{base}/api/v1/contacts",
        data={"full_name": "Grace Hopper", "company": "Navy Labs", "event": "Web Summit", "note": NOTE},
        headers={"Origin": base},
    )
    assert made.status == 201, made.text()
    contact_id = made.json()["id"]
    # Saving a contact queues a follow-up plan: let it finish first, so the provider sees only the chat.
    planned = select(FollowUpPlan).where(FollowUpPlan.contact_id == uuid.UUID(contact_id))
    deadline = time.monotonic() + 20
    while True:
        with Session(engine_for(app.database_url)) as session:
            if session.exec(planned).first() is not None:
                break
        assert time.monotonic() < deadline, "no follow-up plan for the new contact"
        time.sleep(0.2)
    return contact_id


def _ask(page: Page, base: str, question: str) -> None:
    """Open a new conversation, watch the streaming answer, and send the question."""
    page.goto(f"{base}/assistant")
    expect(page.locator("#assistant-empty")).to_be_visible()
    page.evaluate(WATCH_STREAM)
    page.fill("#assistant-input", question)
    page.keyboard.press("Enter")


def _pieces_shown(page: Page) -> list[dict]:
    """What the streaming answer showed, in order: [{"at": epoch ms, "text": ...}]."""
    return page.evaluate("window.__pieces")


def test_an_opted_in_question_streams_the_providers_answer_into_the_page_piece_by_piece(app_server, fake, browser):
    base = app_server.base_url
    page = _signed_in(app_server, browser, "stream.asker@example.com")
    contact_id = _contact(app_server, page)
    _opt_in(page, base)
    fake.reply, fake.piece_seconds = REPLY, PIECE_SECONDS
    sent_before = len(fake.chat_bodies())
    clock_gap = time.time() - time.perf_counter()  # the fake's clock to the epoch the browser uses

    _ask(page, base, QUESTION)
    answer = page.locator(".assistant-answer").last
    expect(answer.locator(".assistant-markdown")).to_have_text(REPLY, timeout=20_000)
    expect(page.locator(".assistant-streaming")).to_have_count(0)

    # The answer grew on screen: several partial texts, each the start of the reply, the first one on screen
    # before the provider had sent its last piece (it waits PIECE_SECONDS before each).
    shown = _pieces_shown(page)
    partial = [p for p in shown if p["text"] != REPLY]
    assert len(partial) >= 3, shown
    assert all(REPLY.startswith(p["text"]) for p in shown), shown
    assert [len(p["text"]) for p in shown] == sorted(len(p["text"]) for p in shown), shown
    first_sent = fake.first_piece_at[-1] + clock_gap
    last_sent = first_sent + (len(REPLY.split(" ")) - 1) * PIECE_SECONDS
    first_seen = shown[0]["at"] / 1000
    assert first_seen < last_sent - 1, (first_seen - first_sent, shown)
    print(f"first piece on screen {1000 * (first_seen - first_sent):.0f} ms after the provider sent it")

    # The provider's answer keeps the contact link from grounding, and carries no fallback note.
    expect(answer.locator(f'a[href="/contacts/view?id={contact_id}"]').first).to_be_visible()
    expect(answer.locator(".assistant-retry")).to_have_count(0)
    # What left the machine: one streamed request, grounded in Grace's note, emails and phones stripped.
    [body] = [b for b in fake.chat_bodies()[sent_before:] if b.get("stream")]
    sent = json.dumps(body)
    assert "Should I write to [email] or call [phone]?" in sent and "Met at Web Summit" in sent
    for detail in ("grace@navy.example", "555 0143", "grace.private@navy.example", "7946 0958"):
        assert detail not in sent, detail


def test_a_provider_stream_broken_mid_answer_shows_the_fallback_and_try_again_gets_the_answer(
    app_server, fake, browser
):
    base = app_server.base_url
    page = _signed_in(app_server, browser, "stream.cut@example.com")
    _opt_in(page, base)
    fake.reply, fake.piece_seconds = REPLY, 0.05
    fake.script.append("cut")  # two pieces, then a garbled event and the connection drops

    _ask(page, base, "Who is Grace Hopper?")
    answer = page.locator(".assistant-answer").last
    expect(answer.locator(".assistant-retry")).to_be_visible(timeout=20_000)
    expect(page.locator(".assistant-streaming")).to_have_count(0)  # no answer left hanging
    expect(answer).to_contain_text(CUT_SHORT)
    markdown = answer.locator(".assistant-markdown")
    assert markdown.inner_text().startswith("Grace Hopper"), markdown.inner_text()  # what arrived stays
    expect(markdown.locator("hr")).to_have_count(1)  # then the offline assistant's answer below a rule
    assert REPLY not in markdown.inner_text()

    answer.locator(".assistant-retry").click()
    answer = page.locator(".assistant-answer").last
    expect(answer.locator(".assistant-markdown")).to_have_text(REPLY, timeout=20_000)
    expect(answer.locator(".assistant-retry")).to_have_count(0)
    expect(page.locator(".assistant-question")).to_have_count(1)  # the question was kept, not asked twice
