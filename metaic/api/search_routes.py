"""`/api/v1/search` and `/api/v1/directory`: the global search, autocomplete, the people directory, clicks."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, Field
from sqlmodel import Session

from metaic.ai import summaries
from metaic.api.deps import client_ip, current_user, db_session
from metaic.auth import api_tokens, sessions
from metaic.auth.models import User
from metaic.core import ratelimit
from metaic.core.errors import DomainError
from metaic.search import service

router = APIRouter(tags=["search"])
# Searches per user (or per address for the directory) and minute: typing fast is ~5 a second for a while.
SEARCHES_PER_MINUTE = 240
CLICKS_PER_MINUTE = 120


class Part(BaseModel):
    """A piece of a title or snippet; `hit` marks a matched word."""

    text: str
    hit: bool


class HitOut(BaseModel):
    """One search result."""

    kind: str
    id: str
    title: str
    subtitle: str
    url: str
    title_parts: list[Part]
    snippet_parts: list[Part]


class GroupOut(BaseModel):
    """The results of one kind."""

    kind: str
    label: str
    hits: list[HitOut]


class SearchOut(BaseModel):
    """The grouped answer of the global search (`query_id` goes back with clicks)."""

    query_id: str
    groups: list[GroupOut]


class Suggestions(BaseModel):
    """Autocomplete values."""

    suggestions: list[str]


class FacetValue(BaseModel):
    """One facet value with its count."""

    value: str
    label: str
    count: int


class DirectoryItem(BaseModel):
    """One listed card."""

    slug: str
    name: str
    headline: str
    company: str
    title: str
    industry: str
    city: str
    country: str
    avatar_url: str
    open_to: list[str]
    title_parts: list[Part]
    snippet_parts: list[Part]
    summary: str = Field("", description="The card's two-line summary, written when it was published.")


class DirectoryOut(BaseModel):
    """A page of the directory."""

    query_id: str
    items: list[DirectoryItem]
    total: int
    page: int
    per_page: int
    facets: dict[str, list[FacetValue]]


class ClickIn(BaseModel):
    """A result opened from a search."""

    query_id: str = Field(min_length=1, max_length=32)
    position: int = Field(ge=1, le=100)
    kind: Literal["contact", "card", "message", "note", "template", "directory"]


def _optional_user(request: Request, session: Session) -> User | None:
    """The signed-in user (bearer token or session cookie) or None; an invalid bearer token is refused."""
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return api_tokens.user_for_access(session=session, token=header.split(" ", 1)[1].strip())
    token = request.cookies.get(sessions.COOKIE_NAME)
    if not token:
        return None
    try:
        found = sessions.resolve(session=session, token=token)
    except DomainError:
        return None
    return found[0] if found else None


@router.get("/api/v1/search")
def search(
    q: str = Query("", max_length=200, description="What to look for."),
    limit_per_kind: int = Query(5, ge=1, le=20),
    user: User = Depends(current_user),
    session: Session = Depends(db_session, scope="function"),
) -> SearchOut:
    """The signed-in user's contacts, cards, messages and notes, and templates matching `q`, grouped."""
    ratelimit.hit(f"search:{user.id}", limit=SEARCHES_PER_MINUTE, window=60)
    found = service.search_everything(session=session, owner=user, query=q, limit_per_kind=limit_per_kind)
    return SearchOut.model_validate(found, from_attributes=True)


@router.get("/api/v1/search/autocomplete")
def autocomplete(
    field: Literal["name", "company", "tag", "industry"] = Query(...),
    prefix: str = Query("", max_length=80),
    limit: int = Query(8, ge=1, le=20),
    user: User = Depends(current_user),
    session: Session = Depends(db_session, scope="function"),
) -> Suggestions:
    """Names, companies, tags of the user's book, or industries, starting with `prefix`."""
    ratelimit.hit(f"search:{user.id}", limit=SEARCHES_PER_MINUTE, window=60)
    values = service.autocomplete(session=session, owner=user, field=field, prefix=prefix, limit=limit)
    return Suggestions(suggestions=values)


@router.get("/api/v1/directory")
def directory(
    request: Request,
    q: str = Query("", max_length=200),
    industry: str = Query("", max_length=80),
    city: str = Query("", max_length=120),
    country: str = Query("", max_length=120),
    open_to: Literal["", "mentoring", "hiring", "investing", "partnering"] = Query(""),
    page: int = Query(1, ge=1, le=50),
    per_page: int = Query(20, ge=1, le=50),
    session: Session = Depends(db_session, scope="function"),
) -> DirectoryOut:
    """Listed cards matching `q` and the facet values; anonymous callers see "public" listings only."""
    viewer = _optional_user(request, session)
    key = f"search:{viewer.id}" if viewer else f"directory:{client_ip(request)}"
    ratelimit.hit(key, limit=SEARCHES_PER_MINUTE, window=60)
    facets = {"industry": industry, "city": city, "country": country, "open_to": open_to}
    found = service.directory(session=session, query=q, facets=facets, page=page, per_page=per_page, viewer=viewer)
    summaries.attach(session=session, items=found.items)
    return DirectoryOut(
        query_id=found.query_id,
        items=[DirectoryItem.model_validate(i) for i in found.items],
        total=found.total,
        page=found.page,
        per_page=found.per_page,
        facets={k: [FacetValue(**v) for v in values] for k, values in found.facets.items()},
    )


@router.post("/api/v1/search/clicks", status_code=204)
def click(body: ClickIn, request: Request) -> Response:
    """Record that a result was opened (no user id, no address is stored)."""
    ratelimit.hit(f"search-clicks:{client_ip(request)}", limit=CLICKS_PER_MINUTE, window=60)
    service.record_click(query_id=body.query_id, position=body.position, kind=body.kind)
    return Response(status_code=204)
