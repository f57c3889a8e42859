"""Who answers: the provider when configured, opted in and within budget; the offline engine otherwise.

Every feature calls `run` with a prompt builder, a parser for the provider's text and an offline
answer. A provider failure (timeout, 429 after retries, 5xx, malformed answer) never loses the request:
the offline answer comes back with a note saying why, and `retry` tells the UI a retry may help.
A streamed answer is planned with the database (`plan_stream`), relayed with no session open (`relay`),
and its usage written afterwards in a short transaction (`record_stream`).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlmodel import Session

from metaic.ai import prefs, usage
from metaic.ai.providers import OpenAIProvider, ProviderError
from metaic.ai.safety import Prompt
from metaic.config import get_settings

T = TypeVar("T")

OFFLINE = "Written by the offline assistant."
NOT_OPTED_IN = (
    "Written by the offline assistant: your data goes to the AI provider only after you turn it on in AI settings."
)
BUDGET = "You have used today's AI allowance, so the offline assistant wrote this. It renews tomorrow (UTC)."
FAILED = {
    "timeout": "The AI provider took too long to answer, so the offline assistant wrote this. Try again in a moment.",
    "rate_limited": "The AI provider is busy (rate limited), so the offline assistant wrote this. Try again shortly.",
    "unavailable": "The AI provider is unavailable right now, so the offline assistant wrote this. Try again later.",
    "malformed": "The AI provider's answer could not be read, so the offline assistant wrote this. Try again.",
    "refused": "The AI provider refused the request, so the offline assistant wrote this.",
}


@dataclass
class Outcome(Generic[T]):
    """A feature's answer, which engine wrote it, the note to show and whether retrying may help."""

    value: T
    source: str
    note: str
    retry: bool = False


def provider_for(*, session: Session, user_id: uuid.UUID) -> tuple[OpenAIProvider | None, str]:
    """The provider this user's data may go to now, or None with the note explaining why not."""
    settings = get_settings()
    if settings.llm_backend != "openai":
        return None, OFFLINE
    if not prefs.load(session=session, user_id=user_id).external_opt_in:
        return None, NOT_OPTED_IN
    if usage.budget(session=session, user_id=user_id, settings=settings).exhausted:
        return None, BUDGET
    return OpenAIProvider(settings), ""


def strip_for(*, session: Session, user_id: uuid.UUID) -> bool:
    """Whether this user's prompts have emails and phone numbers replaced."""
    return prefs.load(session=session, user_id=user_id).strip_contact_details


def run(
    *,
    session: Session,
    user_id: uuid.UUID,
    feature: str,
    prompt: Callable[[bool], Prompt],
    parse: Callable[[str], T],
    offline: Callable[[], T],
    max_tokens: int = 400,
) -> Outcome[T]:
    """Answer with the provider when allowed, the offline engine otherwise or on any provider failure."""
    provider, note = provider_for(session=session, user_id=user_id)
    if provider is None:
        usage.record(session=session, user_id=user_id, feature=feature, source="offline", failure=_why(note))
        return Outcome(offline(), "offline", note)
    messages = prompt(strip_for(session=session, user_id=user_id)).messages()
    try:
        answer = provider.chat(messages, max_tokens=max_tokens)
        try:
            value = parse(answer.text)
        except (ValueError, KeyError, TypeError) as exc:
            raise ProviderError("malformed", type(exc).__name__) from exc
    except ProviderError as exc:
        usage.record(session=session, user_id=user_id, feature=feature, source="offline", failure=exc.reason)
        return Outcome(offline(), "offline", FAILED.get(exc.reason, FAILED["unavailable"]), retry=True)
    usage.record(
        session=session,
        user_id=user_id,
        feature=feature,
        source="provider",
        model=answer.model,
        prompt_tokens=answer.prompt_tokens,
        completion_tokens=answer.completion_tokens,
    )
    return Outcome(value, "provider", "")


@dataclass
class StreamPlan:
    """Who answers a streamed request and the prompt it gets, decided with the database before any piece comes."""

    provider: OpenAIProvider | None
    note: str
    messages: list[dict[str, str]]


def plan_stream(*, session: Session, user_id: uuid.UUID, prompt: Callable[[bool], Prompt]) -> StreamPlan:
    """Read the settings, opt-in and budget and build the prompt; the session may close once this returns."""
    provider, note = provider_for(session=session, user_id=user_id)
    messages = prompt(strip_for(session=session, user_id=user_id)).messages() if provider is not None else []
    return StreamPlan(provider, note, messages)


def relay(plan: StreamPlan, offline: Callable[[], str]) -> Iterator[dict]:
    """Events of a planned answer: {"delta"} pieces, then {"done", source, note, retry, usage}.

    It touches no database, so no connection waits on the provider: the caller records `usage` (usage.record's
    arguments) afterwards in a short transaction of its own (`record_stream`). A failure before the first piece
    gives the offline text as one piece; after it, the pieces already sent stay and the note says the answer
    was cut short (the UI keeps both and offers a retry).
    """
    if plan.provider is None:
        yield {"delta": offline()}
        yield {"done": True, "source": "offline", "note": plan.note, "retry": False, "usage": _offline(plan.note)}
        return
    sent: list[str] = []
    try:
        for piece in plan.provider.stream(plan.messages):
            sent.append(piece)
            yield {"delta": piece}
    except ProviderError as exc:
        if not sent:
            yield {"delta": offline()}
        message = FAILED.get(exc.reason, FAILED["unavailable"]) if not sent else "The answer was cut short; try again."
        used = {"source": "offline", "failure": exc.reason}
        yield {
            "done": True,
            "source": "offline" if not sent else "provider",
            "note": message,
            "retry": True,
            "usage": used,
        }
        return
    words = sum(len(m["content"].split()) for m in plan.messages)
    # Streams carry no usage block on every server: count words as a token estimate (about 0.75 words a token).
    used = {
        "source": "provider",
        "model": plan.provider.model,
        "prompt_tokens": int(words / 0.75),
        "completion_tokens": int(len("".join(sent).split()) / 0.75),
    }
    yield {"done": True, "source": "provider", "note": "", "retry": False, "usage": used}


def record_stream(*, session: Session, user_id: uuid.UUID, feature: str, done: dict) -> None:
    """Store the usage a `relay` answer's done event carries."""
    usage.record(session=session, user_id=user_id, feature=feature, **done["usage"])


def _offline(note: str) -> dict:
    """The usage record of an offline answer chosen before any call."""
    return {"source": "offline", "failure": _why(note)}


def _why(note: str) -> str:
    """The usage record's failure code for an offline answer chosen before any call."""
    return {BUDGET: "budget", NOT_OPTED_IN: "not_opted_in"}.get(note, "")
