"""Search, one import for the UI and the API: the global box, contacts, autocomplete, the directory, analytics.

Every function checks its input, asks the index for ids (owner-scoped where the data is private), loads
the rows from the database (re-checking who may see them) and logs the query for the admins' report.
When an index is missing or unreadable the answer comes from the database and a rebuild is queued.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlmodel import Session, select

from metaic.auth.models import User
from metaic.cards.models import Business, Card
from metaic.contacts.models import Tag
from metaic.core.errors import ValidationError
from metaic.search import analytics, contacts_search, everything, repair
from metaic.search import directory as directory_search
from metaic.search.analyzers import fold, parse
from metaic.search.backend import FAILED, Unavailable
from metaic.search.directory import DirectoryPage
from metaic.search.engine import get_backend
from metaic.search.results import ContactSearchPage, Group, Hit, SearchResults

__all__ = [
    "ContactSearchPage",
    "DirectoryPage",
    "Group",
    "Hit",
    "SearchResults",
    "autocomplete",
    "directory",
    "find_contacts",
    "query_report",
    "record_click",
    "search_everything",
]

log = logging.getLogger(__name__)
AUTOCOMPLETE_FIELDS = ("name", "company", "tag", "industry")
MAX_PER_KIND = 20


def _repair_failed() -> None:
    """Queue a rebuild of every index a search just found missing or unreadable (at most once per grace period)."""
    while FAILED:
        index = FAILED.pop()
        try:
            repair.schedule(index)
        except Exception:  # a repair that cannot even be queued must not fail the search
            log.exception("could not queue the repair of search index %s", index)


def search_everything(*, session: Session, owner: User, query: str, limit_per_kind: int = 5) -> SearchResults:
    """The owner's contacts, cards, messages and notes, and templates matching `query`, grouped in that order."""
    if not 1 <= limit_per_kind <= MAX_PER_KIND:
        raise ValidationError(f"Show between 1 and {MAX_PER_KIND} results a kind.", field="limit_per_kind")
    query_id = analytics.new_query_id()
    parsed = parse(query)
    if parsed.empty:
        return SearchResults(query_id=query_id, groups=[])
    groups = everything.groups(session, owner, parsed, limit_per_kind)
    _repair_failed()
    count = sum(len(g.hits) for g in groups)
    analytics.log_query(session=session, query_id=query_id, query=query, scope="everything", results=count)
    return SearchResults(query_id=query_id, groups=groups)


def find_contacts(
    *,
    session: Session,
    owner: User,
    query: str,
    filters: dict,
    sort: str,
    limit: int,
    offset: int,
) -> ContactSearchPage:
    """A page of the owner's contacts matching `query` (typo-tolerant, ranked) and `filters`, with facet counts.

    `filters` takes the keys of contacts.service.list_ (event, stage, source, tag_id, reminder_due); `sort`
    its sorts plus "relevance" (the default with a query; "name" without). An empty query lists like list_.
    """
    items, total, facets = contacts_search.find(
        session=session, owner=owner, query=query, filters=filters, sort=sort, limit=limit, offset=offset
    )
    _repair_failed()
    query_id = analytics.new_query_id()
    if offset == 0 and query.strip():
        analytics.log_query(session=session, query_id=query_id, query=query, scope="contacts", results=total)
    return ContactSearchPage(items=items, total=total, facets=facets, query_id=query_id)


def autocomplete(*, session: Session, owner: User, field: str, prefix: str, limit: int = 8) -> list[str]:
    """Up to `limit` values starting with `prefix`: names, companies, tags of the owner's book, or industries."""
    if field not in AUTOCOMPLETE_FIELDS:
        raise ValidationError(f"Complete one of: {', '.join(AUTOCOMPLETE_FIELDS)}.", field="field")
    if not 1 <= limit <= 20:
        raise ValidationError("Ask for 1 to 20 suggestions.", field="limit")
    wanted = fold(prefix).strip()
    if not wanted:
        return []
    if field in ("name", "company"):
        found = contacts_search.complete(session=session, owner=owner, field=field, prefix=prefix, limit=limit)
        _repair_failed()
        return found
    if field == "tag":
        names = session.exec(select(Tag.name).where(Tag.owner_id == owner.id)).all()
        return sorted((n for n in names if fold(n).startswith(wanted)), key=fold)[:limit]
    return _industries(session, owner, wanted, limit)


def _industries(session: Session, owner: User, wanted: str, limit: int) -> list[str]:
    """Industries of the owner's own cards, then those of listed directory cards, starting with `wanted`."""
    own = session.exec(
        select(Business.industry).join(Card, Card.id == Business.card_id).where(Card.owner_id == owner.id)
    ).all()
    found = {fold(v): v for v in own if v and fold(v).startswith(wanted)}
    try:
        for value in get_backend().complete("cards", "industry", wanted, limit=limit):
            found.setdefault(fold(value), value)
    except Unavailable:
        _repair_failed()
    return list(found.values())[:limit]


def directory(
    *, session: Session, query: str, facets: dict[str, str], page: int, per_page: int = 20, viewer: User | None = None
) -> DirectoryPage:
    """A page of the people directory: listed cards matching `query` and the chosen facet values.

    Anonymous viewers see "public" listings only; signed-in viewers also "members" ones.
    """
    found = directory_search.search(
        session=session, query=query, facets=facets, page=page, per_page=per_page, viewer=viewer
    )
    _repair_failed()
    found.query_id = analytics.new_query_id()
    if page == 1 and query.strip():
        analytics.log_query(
            session=session, query_id=found.query_id, query=query, scope="directory", results=found.total
        )
    return found


def record_click(*, query_id: str, position: int, kind: str) -> None:
    """Record that result `position` (1-based) of search `query_id` was opened (no user, no IP)."""
    analytics.record_click(query_id=query_id, position=position, kind=kind)


def query_report(*, session: Session, since: datetime, until: datetime, limit: int = 50) -> dict:
    """Admins' report: "top" queries, queries with "no_results", and "ctr_by_position" in a period."""
    return analytics.query_report(session=session, since=since, until=until, limit=limit)
