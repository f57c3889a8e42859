"""One Ask MetaIC answer, streamed: ground the question, stream the provider (or the offline engine), store it.

`reply` is a plain iterator of events, so the API can send it as Server-Sent Events and the UI can
append it from a background task:

    {"type": "meta", "sources": [...], "actions": [...], "language": "en"}   what the answer uses and proposes
    {"type": "delta", "text": "..."}                                          pieces of the answer, in order
    {"type": "done", "message": {...}}                                        the stored answer (ChatMessageRead)

A provider failure before the first piece gives the offline answer with a note; a failure mid-stream
keeps what arrived and adds the offline answer below it, with a note. The question was committed before
the stream began, so nothing the owner typed is lost, and `retry` in the note means one click asks again.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

from sqlmodel import Session

from metaic.ai import chat, chat_answers, engine, grounding
from metaic.ai.chat_models import AiConversation, AiMessage
from metaic.ai.chat_schemas import message_read
from metaic.ai.language import name_of
from metaic.ai.safety import Prompt
from metaic.auth.models import User
from metaic.core.errors import NotFound
from metaic.db import session_scope

FEATURE = "chat"
HISTORY_MESSAGES = 6
CUT_SHORT = (
    "The AI provider stopped in the middle of this answer, so the offline assistant added its own below. Try again."
)
SEPARATOR = "\n\n---\n\n"


def _task(question: str, language: str) -> str:
    """The provider's task: answer from the owner's data blocks only, in the owner's language, with links."""
    return (
        "You are Ask MetaIC, the assistant of a digital business card and contacts app. Answer the owner's "
        f"question below in {name_of(language)}, briefly, in Markdown, using only the data blocks (the owner's own "
        "cards, contacts, notes and messages). When you mention a person or item from a block, link it as "
        "[Title](link) with the link given in its label. If the blocks do not hold the answer, say so. Never "
        "claim to have sent, changed or scheduled anything: the app shows its own buttons for that.\n\n"
        f"The owner's question: {question}"
    )


def build_prompt(
    question: str, language: str, sources: list[grounding.Source], history: list[AiMessage], strip: bool
) -> Prompt:
    """The question as the task; earlier turns, the owner's cards and the sources as fenced data."""
    prompt = Prompt(_task(question, language), strip_contact_details=strip)
    earlier = "\n".join(f"{m.role}: {m.content}" for m in history[-HISTORY_MESSAGES:])
    prompt.data("Conversation so far", earlier)
    for source in sources:
        prompt.data(f"{source.kind} “{source.title}” (link: {source.url})", source.text)
    return prompt


def _question(session: Session, owner: User, conversation_id: uuid.UUID, question_id: uuid.UUID):
    """(conversation, the question, the messages before it), all the owner's; NotFound otherwise."""
    conversation = chat.require(session=session, owner=owner, conversation_id=conversation_id)
    history = chat.messages_of(session, conversation)
    index = next((i for i, m in enumerate(history) if m.id == question_id and m.role == "user"), None)
    if index is None:
        raise NotFound("Question not found.")
    return conversation, history[index], history[:index]


def _owner(session: Session, owner_id: uuid.UUID) -> User:
    """The asking account (gone: its conversation is gone too)."""
    owner = session.get(User, owner_id)
    if owner is None:
        raise NotFound("Conversation not found.")
    return owner


def _prepare(
    owner_id: uuid.UUID, conversation_id: uuid.UUID, question_id: uuid.UUID
) -> tuple[chat_answers.Answer, engine.StreamPlan]:
    """In one short transaction: the question, its context, the offline answer and who streams (prompt built)."""
    with session_scope() as session:
        owner = _owner(session, owner_id)
        _conversation, question, history = _question(session, owner, conversation_id, question_id)
        offline = chat_answers.answer(session=session, owner=owner, question=question.content)
        sources = [*offline.sources, *grounding.own_cards(session, owner)]
        plan = engine.plan_stream(
            session=session,
            user_id=owner.id,
            prompt=lambda strip: build_prompt(question.content, offline.language, sources, history, strip),
        )
    return offline, plan


def reply(*, owner_id: uuid.UUID, conversation_id: uuid.UUID, question_id: uuid.UUID) -> Iterator[dict]:
    """Stream the answer to a stored question and store it when done (see the module docstring).

    No database connection is held while the provider streams (a slow answer would keep one of the pool's few):
    everything is read before, and the answer and its usage are written after, each in a short transaction.
    """
    offline, plan = _prepare(owner_id, conversation_id, question_id)
    yield {
        "type": "meta",
        "sources": [s.public() for s in offline.sources],
        "actions": [_public(a) for a in offline.actions],
        "language": offline.language,
    }
    pieces, finish = [], {}
    for event in engine.relay(plan, lambda: offline.text):
        if "delta" in event:
            pieces.append(event["delta"])
            yield {"type": "delta", "text": event["delta"]}
        else:
            finish = event
    labelled = finish
    if finish.get("retry") and finish.get("source") == "provider":  # cut short mid-stream
        pieces.append(SEPARATOR + offline.text)
        yield {"type": "delta", "text": SEPARATOR + offline.text}
        labelled = {"source": "offline", "note": CUT_SHORT, "retry": True}
    with session_scope() as session:
        engine.record_stream(session=session, user_id=owner_id, feature=FEATURE, done=finish)
        conversation = chat.require(session=session, owner=_owner(session, owner_id), conversation_id=conversation_id)
        stored = _store(session, conversation, offline, "".join(pieces), labelled)
        done = message_read(stored).model_dump(mode="json")
    yield {"type": "done", "message": done}


def _public(action: dict) -> dict:
    """What the UI sees of a proposal (its parameters stay on the server)."""
    return {k: action[k] for k in ("id", "kind", "label", "status")}


def _store(
    session: Session, conversation: AiConversation, offline: chat_answers.Answer, text: str, finish: dict
) -> AiMessage:
    """Keep the answer with its sources, proposals, engine and note."""
    message = AiMessage(
        conversation_id=conversation.id,
        owner_id=conversation.owner_id,
        role="assistant",
        content=text,
        sources=[s.public() for s in offline.sources],
        actions=offline.actions,
        engine=finish.get("source", "offline"),
        note=(finish.get("note") or "")[:300],
        retry=bool(finish.get("retry")),
        language=offline.language,
    )
    conversation.updated_at = message.created_at
    session.add_all([message, conversation])
    session.flush()
    return message
