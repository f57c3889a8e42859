"""`/api/v1/reports`: report a public card without an account (the same checks and limits as the card's form)."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field
from sqlmodel import Session

from metaic.api.deps import client_ip, db_session
from metaic.cards.public import get_public
from metaic.cards.schemas import PublicCard
from metaic.core.errors import NotFound
from metaic.moderation import reports
from metaic.moderation.models import REASONS

router = APIRouter(prefix="/api/v1/reports", tags=["moderation"])


class ReportCreate(BaseModel):
    """A report about a public card, by its address."""

    slug: str = Field(max_length=60, examples=["ada-lovelace"])
    reason: str = Field(max_length=24, examples=["spam"], description="One of GET /api/v1/reports/reasons.")
    details: str = Field(default="", max_length=2000)
    contact_email: str = Field(default="", max_length=254, description="Optional: where moderators may ask.")


class ReportReceipt(BaseModel):
    """What the reporter gets back: the report was received and waits for a moderator."""

    id: str
    status: str
    created_at: datetime


class ReasonRead(BaseModel):
    """A reason a report may give."""

    key: str
    label: str


@router.get("/reasons", response_model=list[ReasonRead])
def list_reasons() -> list[ReasonRead]:
    """The reasons a report may give."""
    return [ReasonRead(key=key, label=label) for key, label in REASONS.items()]


@router.post(
    "",
    status_code=201,
    response_model=ReportReceipt,
    responses={404: {"description": "No public card at this address."}},
)
def create_report(
    body: ReportCreate, request: Request, session: Session = Depends(db_session, scope="function")
) -> ReportReceipt:
    """Report a public card (no account needed; a few reports per address an hour, 429 beyond)."""
    card = get_public(session=session, slug=body.slug)
    if not isinstance(card, PublicCard) or card.visibility == "private":
        raise NotFound("Card not found.")
    about = reports.ReportedCard(card_id=card.card_id, owner_id=card.owner_id, slug=card.slug, name=card.content.name)
    row = reports.submit(
        session=session,
        card=about,
        reason=body.reason,
        details=body.details,
        contact_email=body.contact_email,
        ip=client_ip(request),
    )
    return ReportReceipt(id=str(row.id), status=row.status, created_at=row.created_at)
