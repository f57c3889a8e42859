"""`/api/v1/ai/network`: suggestions (contacts and directory), double opt-in introductions, the weekly digest."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel
from sqlmodel import Session

from metaic.ai import digest, insights, introductions, network
from metaic.ai.network_schemas import (
    Digest,
    DigestSettings,
    IntroductionDraft,
    IntroductionRead,
    IntroStep,
    NetworkSuggestion,
)
from metaic.api.deps import current_user, db_session
from metaic.auth.models import User

router = APIRouter(prefix="/api/v1/ai/network", tags=["ai"])
NOT_FOUND = {404: {"description": "Not the caller's (or does not exist)."}}
CONFLICT = {409: {"description": "Not possible where the introduction stands."}}


class PairBody(BaseModel):
    """Two of the caller's contacts: `first_id` is asked first (the one looking), then `second_id`."""

    first_id: uuid.UUID
    second_id: uuid.UUID


class AnswerBody(BaseModel):
    """What the contact who was asked answered."""

    agreed: bool


class IntroductionsRead(BaseModel):
    """Suggested pairs and the introductions under way."""

    suggested: list[IntroductionRead]
    open: list[IntroductionRead]


@router.get("/suggestions", responses=NOT_FOUND)
def suggestions(
    card_id: uuid.UUID | None = None,
    limit: int = Query(10, ge=1, le=50),
    directory: bool = True,
    user: User = Depends(current_user),
    session: Session = Depends(db_session, scope="function"),
) -> list[NetworkSuggestion]:
    """The caller's contacts and opted-in directory cards whose offers meet what the caller looks for."""
    return network.suggest(session=session, owner=user, card_id=card_id, limit=limit, directory=directory)


@router.get("/introductions")
def list_introductions(
    user: User = Depends(current_user), session: Session = Depends(db_session, scope="function")
) -> IntroductionsRead:
    """Pairs of the caller's contacts worth introducing, and introductions in progress."""
    return IntroductionsRead(
        suggested=introductions.suggest(session=session, owner=user),
        open=introductions.list_open(session=session, owner=user),
    )


@router.post("/introductions", responses={**NOT_FOUND, **CONFLICT})
def start_introduction(
    body: PairBody, user: User = Depends(current_user), session: Session = Depends(db_session, scope="function")
) -> IntroductionDraft:
    """Begin an introduction: the draft asks the first contact; nothing is sent."""
    return introductions.start(session=session, owner=user, first_id=body.first_id, second_id=body.second_id)


@router.post("/introductions/dismiss", status_code=204, responses=NOT_FOUND)
def dismiss_introduction(
    body: PairBody, user: User = Depends(current_user), session: Session = Depends(db_session, scope="function")
) -> None:
    """Set a pair aside so it is not suggested again."""
    introductions.dismiss(session=session, owner=user, first_id=body.first_id, second_id=body.second_id)


@router.post("/introductions/{intro_id}/answer", responses={**NOT_FOUND, **CONFLICT})
def answer_introduction(
    intro_id: uuid.UUID,
    body: AnswerBody,
    user: User = Depends(current_user),
    session: Session = Depends(db_session, scope="function"),
) -> IntroductionDraft | IntroductionRead:
    """Record a yes (the next draft comes back) or a no (the introduction closes)."""
    return introductions.answer(session=session, owner=user, intro_id=intro_id, agreed=body.agreed)


@router.get("/introductions/{intro_id}/draft", responses={**NOT_FOUND, **CONFLICT})
def introduction_draft(
    intro_id: uuid.UUID,
    step: IntroStep,
    user: User = Depends(current_user),
    session: Session = Depends(db_session, scope="function"),
) -> IntroductionDraft:
    """The message of one step again (for compose)."""
    return introductions.draft(session=session, owner=user, intro_id=intro_id, step=step)


@router.get("/digest")
def weekly_digest(
    user: User = Depends(current_user), session: Session = Depends(db_session, scope="function")
) -> Digest:
    """The caller's insights as of now: people to follow up, gone quiet, leads who came back."""
    return insights.compose(session=session, owner=user)


@router.get("/digest/settings")
def digest_settings(
    user: User = Depends(current_user), session: Session = Depends(db_session, scope="function")
) -> DigestSettings:
    """Whether the weekly digest also comes by email."""
    return DigestSettings(email=digest.email_on(session=session, user=user))


@router.put("/digest/settings")
def set_digest_settings(
    body: DigestSettings, user: User = Depends(current_user), session: Session = Depends(db_session, scope="function")
) -> DigestSettings:
    """Switch the digest email on or off."""
    digest.set_email(session=session, user=user, enabled=body.email)
    return DigestSettings(email=digest.email_on(session=session, user=user))
