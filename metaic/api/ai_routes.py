"""`/api/v1/ai`: assistant settings, card writing, translation and translated copies, summaries, follow-ups, usage."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, Field
from sqlmodel import Session

from metaic.ai import followups, networking, prefs, summaries, usage, writing
from metaic.ai.schemas import (
    ConnectionSuggestion,
    FollowUpAccepted,
    FollowUpEdit,
    FollowUpRead,
    Length,
    Tone,
    TranslationProposal,
    WritableField,
    WritingProposal,
)
from metaic.ai.usage import Budget, UsageRow
from metaic.api.cards_models import CardRead
from metaic.api.deps import current_user, db_session
from metaic.api.idempotency import IDEMPOTENT
from metaic.auth.models import ROLE_ADMIN, User
from metaic.cards import service as card_service
from metaic.core.errors import PermissionDenied

router = APIRouter(prefix="/api/v1/ai", tags=["ai"])
NOT_FOUND = {404: {"description": "Not the caller's (or does not exist)."}}


class PreferencesBody(BaseModel):
    """Turn the external provider on or off, and stripping emails and phone numbers from prompts."""

    external_opt_in: bool | None = None
    strip_contact_details: bool | None = None


class WriteBody(BaseModel):
    """Which field to draft, in which tone, length and language; `improve` reworks the current text."""

    field: WritableField
    tone: Tone = "professional"
    length: Length = "medium"
    language: str | None = Field(default=None, max_length=16)
    improve: bool = False


class TranslateBody(BaseModel):
    """The language of the second version (two-letter code)."""

    target_language: str = Field(min_length=2, max_length=16)


class TranslatedCopyBody(BaseModel):
    """The reviewed texts of a translation (its keys, as `/translate` gave them) and their language."""

    target_language: str = Field(min_length=2, max_length=16, examples=["es"])
    texts: dict[Annotated[str, Field(max_length=40)], Annotated[str, Field(max_length=5000)]] = Field(
        min_length=1,
        max_length=100,
        examples=[{"headline": "Ingeniera de software", "services.0.title": "Flujos de datos"}],
    )


class SummaryRead(BaseModel):
    """A card's stored two-line summary (empty until its first publish has been summarised)."""

    card_id: uuid.UUID
    summary: str | None


class UsageRead(BaseModel):
    """The caller's provider use today against the daily allowance."""

    requests: int
    tokens: int
    request_limit: int
    token_limit: int
    exhausted: bool


@router.get("/preferences")
def get_preferences(
    user: User = Depends(current_user), session: Session = Depends(db_session, scope="function")
) -> prefs.PreferencesRead:
    """The caller's assistant settings (nothing goes to an external provider before opting in)."""
    return prefs.read(session=session, user_id=user.id)


@router.patch("/preferences")
def set_preferences(
    body: PreferencesBody, user: User = Depends(current_user), session: Session = Depends(db_session, scope="function")
) -> prefs.PreferencesRead:
    """Change the caller's assistant settings."""
    return prefs.update(
        session=session,
        user_id=user.id,
        external_opt_in=body.external_opt_in,
        strip_contact_details=body.strip_contact_details,
    )


@router.post("/cards/{card_id}/write", responses=NOT_FOUND)
def write_card(
    card_id: uuid.UUID,
    body: WriteBody,
    user: User = Depends(current_user),
    session: Session = Depends(db_session, scope="function"),
) -> WritingProposal:
    """Proposals for the card's headline or "about" text; nothing is saved."""
    return writing.propose(
        session=session,
        owner=user,
        card_id=card_id,
        field=body.field,
        tone=body.tone,
        length=body.length,
        language=body.language,
        improve=body.improve,
    )


@router.post("/cards/{card_id}/translate", responses=NOT_FOUND)
def translate_card(
    card_id: uuid.UUID,
    body: TranslateBody,
    user: User = Depends(current_user),
    session: Session = Depends(db_session, scope="function"),
) -> TranslationProposal:
    """The card's texts in another language, as a proposal; nothing is saved."""
    return writing.translate(session=session, owner=user, card_id=card_id, target_language=body.target_language)


@router.post(
    "/cards/{card_id}/translations",
    status_code=201,
    dependencies=[IDEMPOTENT],
    responses={**NOT_FOUND, 422: {"description": "A text that is not on the card, too long, or the card limit."}},
)
def create_translated_copy(
    card_id: uuid.UUID,
    body: TranslatedCopyBody,
    response: Response,
    user: User = Depends(current_user),
    session: Session = Depends(db_session, scope="function"),
) -> CardRead:
    """A second version: a new draft card copied from this one in the other language, with the reviewed texts.

    No AI call: send what `/translate` proposed, after the user read and edited it. The original is unchanged.
    """
    made = writing.translated_copy(
        session=session, owner=user, card_id=card_id, target_language=body.target_language, texts=body.texts
    )
    card = card_service.get_owned(session=session, owner=user, card_id=made)
    content = card_service.get_content(session=session, owner=user, card_id=made)
    response.headers["Location"] = f"/api/v1/cards/{made}"
    return CardRead.of(card, card_service.status_of(card), content)


@router.get("/cards/{card_id}/summary", responses=NOT_FOUND)
def card_summary(
    card_id: uuid.UUID, user: User = Depends(current_user), session: Session = Depends(db_session, scope="function")
) -> SummaryRead:
    """The stored summary of one of the caller's cards."""
    card = card_service.get_owned(session=session, owner=user, card_id=card_id)
    return SummaryRead(card_id=card.id, summary=summaries.card_summary(session=session, card_id=card.id))


@router.get("/followups")
def list_followups(
    status: str | None = Query("proposed", pattern="^(proposed|accepted|dismissed)$"),
    contact_id: uuid.UUID | None = None,
    user: User = Depends(current_user),
    session: Session = Depends(db_session, scope="function"),
) -> list[FollowUpRead]:
    """The caller's follow-up plans, newest first."""
    return followups.list_plans(session=session, owner=user, status=status, contact_id=contact_id)


@router.get("/followups/{plan_id}", responses=NOT_FOUND)
def get_followup(
    plan_id: uuid.UUID, user: User = Depends(current_user), session: Session = Depends(db_session, scope="function")
) -> FollowUpRead:
    """One follow-up plan."""
    return followups.get_plan(session=session, owner=user, plan_id=plan_id)


@router.patch("/followups/{plan_id}", responses={**NOT_FOUND, 409: {"description": "Already decided."}})
def edit_followup(
    plan_id: uuid.UUID,
    body: FollowUpEdit,
    user: User = Depends(current_user),
    session: Session = Depends(db_session, scope="function"),
) -> FollowUpRead:
    """Edit a proposed plan's message, channel or reminder time."""
    return followups.edit_plan(session=session, owner=user, plan_id=plan_id, changes=body)


@router.post("/followups/{plan_id}/accept", responses={**NOT_FOUND, 409: {"description": "Already decided."}})
def accept_followup(
    plan_id: uuid.UUID, user: User = Depends(current_user), session: Session = Depends(db_session, scope="function")
) -> FollowUpAccepted:
    """Create the reminder and return the draft for compose; nothing is sent."""
    return followups.accept_plan(session=session, owner=user, plan_id=plan_id)


@router.post("/followups/{plan_id}/dismiss", responses={**NOT_FOUND, 409: {"description": "Already decided."}})
def dismiss_followup(
    plan_id: uuid.UUID, user: User = Depends(current_user), session: Session = Depends(db_session, scope="function")
) -> FollowUpRead:
    """Set a proposed plan aside."""
    return followups.dismiss_plan(session=session, owner=user, plan_id=plan_id)


@router.get("/suggestions/connections", responses=NOT_FOUND)
def connection_suggestions(
    card_id: uuid.UUID | None = None,
    limit: int = Query(10, ge=1, le=50),
    user: User = Depends(current_user),
    session: Session = Depends(db_session, scope="function"),
) -> list[ConnectionSuggestion]:
    """The caller's contacts whose offers meet what the caller's card is looking for, with reasons."""
    return networking.suggest(session=session, owner=user, card_id=card_id, limit=limit)


@router.get("/usage")
def my_usage(user: User = Depends(current_user), session: Session = Depends(db_session, scope="function")) -> UsageRead:
    """The caller's provider use today against the daily allowance."""
    found: Budget = usage.budget(session=session, user_id=user.id)
    return UsageRead(**found.model_dump(), exhausted=found.exhausted)


@router.get("/admin/usage", responses={403: {"description": "Admins only."}})
def admin_usage(
    since: date | None = None,
    until: date | None = None,
    user: User = Depends(current_user),
    session: Session = Depends(db_session, scope="function"),
) -> list[UsageRow]:
    """Totals per feature and engine with the cost estimate (default: the last 30 days)."""
    if user.role != ROLE_ADMIN:
        raise PermissionDenied("Admins only.")
    start = since or usage.today() - timedelta(days=30)
    return usage.totals(session=session, since=start, until=until)
