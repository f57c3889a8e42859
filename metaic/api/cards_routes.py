"""`/api/v1/cards`: the caller's cards, their drafts (whole or a section at a time), publishing and versions.

Every route calls the services the builder uses (metaic/cards/service.py, flows.py, versions.py), so the API
and the browser share one set of rules: a draft may be incomplete, publishing checks everything.
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Depends, Path, Query, Response
from pydantic import BaseModel
from sqlmodel import Session

from metaic.api import etags
from metaic.api.cards_models import (
    SECTIONS,
    CardCreate,
    CardItem,
    CardPage,
    CardPatch,
    CardRead,
    Status,
    VersionItem,
    VersionPage,
    Visibility,
    section_changes,
)
from metaic.api.deps import current_user, db_session
from metaic.api.idempotency import IDEMPOTENT
from metaic.api.paging import offset_query
from metaic.auth.models import User
from metaic.cards import flows, service
from metaic.cards.schemas import CardContent

router = APIRouter(prefix="/api/v1/cards", tags=["cards"])

CARD = "/{card_id}"
NOT_YOURS = {404: {"description": "No such card, or it is not the caller's."}}
MAX_VERSION = 1_000_000


def _read(session: Session, user: User, card_id: uuid.UUID) -> CardRead:
    """The caller's card with its draft (NotFound for anyone else's)."""
    card = service.get_owned(session=session, owner=user, card_id=card_id)
    content = service.get_content(session=session, owner=user, card_id=card_id)
    return CardRead.of(card, service.status_of(card), content)


def _save(session: Session, user: User, card_id: uuid.UUID, changes: dict[str, Any], if_match: str | None) -> None:
    """Replace the given draft fields, checked with the whole document exactly as the builder saves it."""
    current = _read(session, user, card_id)
    etags.require(current, if_match)
    if changes:
        draft = {**current.content.model_dump(), **changes}
        service.save_draft(session=session, owner=user, card_id=card_id, content=draft)


@router.get("")
def list_cards(
    status: Status | None = None,
    visibility: Visibility | None = None,
    limit: int = Query(50, ge=1, le=service.MAX_CARDS_PER_OWNER),
    offset: int = offset_query(),
    user: User = Depends(current_user),
    session: Session = Depends(db_session, scope="function"),
) -> CardPage:
    """A page of the caller's cards, most recently edited first (filter by `status` or `visibility`)."""
    rows = service.list_(session=session, owner=user)
    rows = [r for r in rows if (status is None or r.status == status) and (visibility in (None, r.visibility))]
    items = [CardItem.model_validate(r.model_dump()) for r in rows[offset : offset + limit]]
    return CardPage(items=items, total=len(rows), limit=limit, offset=offset)


@router.post("", status_code=201, dependencies=[IDEMPOTENT])
def create_card(
    body: CardCreate,
    response: Response,
    user: User = Depends(current_user),
    session: Session = Depends(db_session, scope="function"),
) -> CardRead:
    """A new draft card with a free address made from its name (send `content` for the whole first draft)."""
    card = service.create(session=session, owner=user, name=body.name)
    if body.content is not None:
        draft = {**body.content.model_dump(), "name": card.name}
        service.save_draft(session=session, owner=user, card_id=card.id, content=draft)
    response.headers["Location"] = f"/api/v1/cards/{card.id}"
    created = _read(session, user, card.id)
    response.headers["ETag"] = etags.of(created)
    return created


@router.get(CARD, responses={**etags.READ_RESPONSES, **NOT_YOURS})
def get_card(
    card_id: uuid.UUID,
    response: Response,
    if_none_match: etags.IfNoneMatch = None,
    user: User = Depends(current_user),
    session: Session = Depends(db_session, scope="function"),
) -> CardRead:
    """One of the caller's cards with its draft; send the ETag back as If-None-Match to get 304 when unchanged."""
    return etags.answer(_read(session, user, card_id), response, if_none_match)


@router.put(CARD, responses={**etags.WRITE_RESPONSES, **NOT_YOURS})
def replace_card(
    card_id: uuid.UUID,
    body: CardContent,
    response: Response,
    if_match: etags.IfMatch = None,
    user: User = Depends(current_user),
    session: Session = Depends(db_session, scope="function"),
) -> CardRead:
    """Replace the whole draft (what is live changes only when the card is published)."""
    _save(session, user, card_id, body.model_dump(), if_match)
    return etags.answer(_read(session, user, card_id), response)


@router.patch(CARD, responses={**etags.WRITE_RESPONSES, **NOT_YOURS, 409: {"description": "The address is taken."}})
def update_card(
    card_id: uuid.UUID,
    body: CardPatch,
    response: Response,
    if_match: etags.IfMatch = None,
    user: User = Depends(current_user),
    session: Session = Depends(db_session, scope="function"),
) -> CardRead:
    """Change the draft fields given, and the address, visibility or directory listing; the rest stays."""
    _save(session, user, card_id, body.content_changes(), if_match)
    if body.slug is not None:
        service.set_slug(session=session, owner=user, card_id=card_id, slug=body.slug)
    if body.visibility is not None:
        service.set_visibility(session=session, owner=user, card_id=card_id, visibility=body.visibility)
    if body.directory_listing is not None:
        service.set_directory_listing(session=session, owner=user, card_id=card_id, value=body.directory_listing)
    return etags.answer(_read(session, user, card_id), response)


def _section_route(section: str, model: type[BaseModel]) -> None:
    """Register `PUT /api/v1/cards/{card_id}/<section>`, replacing one section of the draft."""

    def put_section(
        card_id: uuid.UUID,
        body: BaseModel,
        response: Response,
        if_match: etags.IfMatch = None,
        user: User = Depends(current_user),
        session: Session = Depends(db_session, scope="function"),
    ) -> CardRead:
        """Replace one section of the draft."""
        _save(session, user, card_id, section_changes(section, body), if_match)
        return etags.answer(_read(session, user, card_id), response)

    put_section.__annotations__["body"] = model  # FastAPI reads the body's type from here
    put_section.__name__ = f"replace_card_{section}"
    router.put(
        f"{CARD}/{section}",
        name=put_section.__name__,
        summary=f"Replace the card's {section.replace('_', ' ')}",
        description=f"{(model.__doc__ or '').strip()} The rest of the draft stays; answers the whole card.",
        responses={**etags.WRITE_RESPONSES, **NOT_YOURS},
    )(put_section)


for _section, (_model, _target) in SECTIONS.items():
    _section_route(_section, _model)


@router.delete(CARD, status_code=204, responses=NOT_YOURS)
def delete_card(
    card_id: uuid.UUID, user: User = Depends(current_user), session: Session = Depends(db_session, scope="function")
) -> Response:
    """Delete a card with its versions, former addresses and statistics; its address answers 404 at once."""
    service.delete(session=session, owner=user, card_id=card_id)
    return Response(status_code=204)


@router.post(f"{CARD}/publish", responses=NOT_YOURS)
def publish_card(
    card_id: uuid.UUID, user: User = Depends(current_user), session: Session = Depends(db_session, scope="function")
) -> VersionItem:
    """Check the draft against every rule and make it the live version (422 names each field to fix)."""
    version = flows.publish(session=session, owner=user, card_id=card_id)
    return VersionItem.model_validate(version.model_dump())


@router.post(f"{CARD}/unpublish", responses=NOT_YOURS)
def unpublish_card(
    card_id: uuid.UUID, user: User = Depends(current_user), session: Session = Depends(db_session, scope="function")
) -> CardRead:
    """Take the card off line (its address answers 404; the draft and versions stay)."""
    service.unpublish(session=session, owner=user, card_id=card_id)
    return _read(session, user, card_id)


@router.get(f"{CARD}/versions", responses=NOT_YOURS)
def list_versions(
    card_id: uuid.UUID,
    limit: int = Query(50, ge=1, le=200),
    offset: int = offset_query(),
    user: User = Depends(current_user),
    session: Session = Depends(db_session, scope="function"),
) -> VersionPage:
    """The card's published versions, newest first (`is_live` marks the one visitors see)."""
    rows = service.list_versions(session=session, owner=user, card_id=card_id)
    items = [VersionItem.model_validate(v.model_dump()) for v in rows[offset : offset + limit]]
    return VersionPage(items=items, total=len(rows), limit=limit, offset=offset)


@router.post(f"{CARD}/versions/{{number}}/restore", responses={404: {"description": "No such card or version."}})
def restore_version(
    card_id: uuid.UUID,
    number: int = Path(ge=1, le=MAX_VERSION),
    user: User = Depends(current_user),
    session: Session = Depends(db_session, scope="function"),
) -> CardRead:
    """Copy a published version into the draft; publish again to make it live."""
    service.restore_version(session=session, owner=user, card_id=card_id, number=number)
    return _read(session, user, card_id)
