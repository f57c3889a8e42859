"""`/directory`: the people directory as a server-rendered, crawlable, paged HTML page.

Anonymous visitors see cards listed "public"; a signed-in visitor (session cookie) also "members" ones.
Every filter and page is a plain link (GET parameters), so it works without JavaScript and crawlers
follow the pages.
"""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlmodel import Session

from metaic.ai import summaries
from metaic.api.deps import db_session
from metaic.auth import sessions
from metaic.auth.models import User
from metaic.core.errors import RateLimited, ValidationError
from metaic.search import service as search_service
from metaic.web import render
from metaic.web.responses import CACHE_SIGNED_IN, limit, too_many

router = APIRouter(include_in_schema=False)
FACET_TITLES = {"industry": "Industry", "city": "City", "country": "Country", "open_to": "Open to"}


def _viewer(request: Request, session: Session) -> User | None:
    """The signed-in user behind the session cookie, if any (a broken session store means anonymous)."""
    token = request.cookies.get(sessions.COOKIE_NAME)
    if not token:
        return None
    try:
        found = sessions.resolve(session=session, token=token)
    except Exception:  # sessions live in Redis: while it is down the directory still shows, to a stranger
        return None
    return found[0] if found else None


def _link(params: dict[str, str], **changes: str | int) -> str:
    """The directory address with `params` changed (empty values dropped)."""
    merged = {**params, **{k: str(v) for k, v in changes.items()}}
    query = urlencode({k: v for k, v in merged.items() if v and not (k == "page" and v == "1")})
    return "/directory" + (f"?{query}" if query else "")


@router.api_route("/directory", methods=["GET", "HEAD"])
def directory_page(
    request: Request,
    q: str = Query("", max_length=200),
    industry: str = Query("", max_length=80),
    city: str = Query("", max_length=120),
    country: str = Query("", max_length=120),
    open_to: str = Query("", max_length=20),
    page: int = Query(1, ge=1, le=50),
    session: Session = Depends(db_session, scope="function"),
) -> Response:
    """The directory page: a search box, facets with counts, twenty cards a page, previous/next links."""
    try:
        limit(request)
    except RateLimited as exc:
        return too_many(exc, html=True, request=request)
    viewer = _viewer(request, session)
    chosen = {"industry": industry, "city": city, "country": country, "open_to": open_to}
    params = {"q": q, **chosen, "page": str(page)}
    try:
        found = search_service.directory(session=session, query=q, facets=chosen, page=page, viewer=viewer)
        summaries.attach(session=session, items=found.items)  # one query for the page's twenty cards
        error = ""
    except ValidationError as exc:
        found, error = None, exc.message
    pages = max(1, -(-found.total // found.per_page)) if found else 1
    html = (
        render.environment()
        .get_template("directory.html")
        .render(
            q=q,
            found=found,
            error=error,
            chosen=chosen,
            titles=FACET_TITLES,
            page=page,
            pages=pages,
            link=lambda **changes: _link(params, **changes),
            css_url=render.stylesheet_url(),
            signed_in=viewer is not None,
        )
    )
    headers = {"Cache-Control": CACHE_SIGNED_IN if viewer else "public, max-age=60", "Vary": "Cookie"}
    if q or any(chosen.values()):
        headers["X-Robots-Tag"] = "noindex"  # result pages of a search are not worth indexing; the plain pages are
    return HTMLResponse(html, status_code=200 if found is not None else 400, headers=headers)
