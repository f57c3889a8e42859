"""Publishing: snapshots of the draft, going live and off line, comparing and restoring versions."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, func, select

from metaic import events
from metaic.auth.models import User
from metaic.cards.models import Card, CardVersion
from metaic.cards.normalize import normalize_content
from metaic.cards.schemas import CardContent, VersionRead, parse_content
from metaic.cards.store import content_hash, load_content, require_card, write_content
from metaic.core import clock
from metaic.core.errors import NotFound
from metaic.moderation import service as moderation


def _read(version: CardVersion, card: Card) -> VersionRead:
    """The read model of a version."""
    return VersionRead(
        id=version.id,
        number=version.number,
        published_at=version.published_at,
        name=str(version.content.get("name", "")),
        is_live=card.published_version_id == version.id,
    )


def publishable_content(*, session: Session, card: Card) -> CardContent:
    """The draft, checked against every rule; raises ValidationError when it cannot go live."""
    content = normalize_content(load_content(session=session, card=card))
    # Words and addresses the admins blocked: refused with each field named, like the rules above.
    moderation.refuse_blocked(session=session, slug=card.slug, document=content.model_dump(mode="json"))
    return content


def _live(session: Session, card: Card, digest: str | None) -> CardVersion | None:
    """The live version when it already holds the document with this digest (so there is nothing to snapshot)."""
    if digest and card.published_version_id is not None and card.published_hash == digest:
        return session.get(CardVersion, card.published_version_id)
    return None


def snapshot(*, session: Session, card: Card, actor: User | None = None) -> CardVersion:
    """Copy the draft into the next version and make it live (no new version when nothing changed).

    Only `cards.flows.publish` calls this: publishing also tells other domains, which this module cannot.
    """
    # The draft's hash is kept on the card: an unchanged draft needs no reading of its sections at all.
    unchanged = _live(session, card, card.content_hash)
    if unchanged is not None:
        return unchanged
    content = publishable_content(session=session, card=card)
    digest = content_hash(content)
    live = _live(session, card, digest)
    if live is not None:
        return live
    number = session.exec(select(func.max(CardVersion.number)).where(CardVersion.card_id == card.id)).one() or 0
    now = clock.now()
    version = CardVersion(
        card_id=card.id,
        number=number + 1,
        content=content.model_dump(mode="json"),
        content_hash=digest,
        avatar_file_id=card.avatar_file_id,
        published_at=now,
        published_by=actor.id if actor else None,
    )
    session.add(version)
    session.flush()
    card.published_version_id, card.published_hash, card.published_at = version.id, digest, now
    card.content_hash = digest
    session.add(card)
    session.flush()
    return version


def unpublish_card(*, session: Session, card: Card) -> None:
    """Take a card off line; its versions and draft stay."""
    card.published_version_id = None
    session.add(card)
    session.flush()
    events.emit(session, "card.unpublished", card_id=card.id)


def snapshot_draft(*, session: Session, owner: User, card_id) -> VersionRead:
    """Snapshot the owner's draft as the live version (call `cards.flows.publish`, which also tells other domains)."""
    card = require_card(session=session, owner=owner, card_id=card_id, for_update=True)
    return _read(snapshot(session=session, card=card, actor=owner), card)


def unpublish(*, session: Session, owner: User, card_id) -> None:
    """Take the owner's card off line (visitors get 404 until it is published again)."""
    unpublish_card(session=session, card=require_card(session=session, owner=owner, card_id=card_id))


def list_versions(*, session: Session, owner: User, card_id) -> list[VersionRead]:
    """Every published version, newest first."""
    card = require_card(session=session, owner=owner, card_id=card_id)
    rows = session.exec(
        select(CardVersion).where(CardVersion.card_id == card.id).order_by(CardVersion.number.desc())
    ).all()
    return [_read(v, card) for v in rows]


def _version(*, session: Session, card: Card, number: int) -> CardVersion:
    """One version of a card by number, or NotFound."""
    row = session.exec(
        select(CardVersion).where(CardVersion.card_id == card.id, CardVersion.number == int(number))
    ).first()
    if row is None:
        raise NotFound(f"Version {number} does not exist.")
    return row


def compare_versions(*, session: Session, owner: User, card_id, a: int, b: int) -> list[dict[str, Any]]:
    """The fields that differ between versions `a` and `b`: `[{field, before, after}]` (before = a)."""
    card = require_card(session=session, owner=owner, card_id=card_id)
    before = parse_content(_version(session=session, card=card, number=a).content)
    after = parse_content(_version(session=session, card=card, number=b).content)
    return diff(before, after)


def restore_version(*, session: Session, owner: User, card_id, number: int) -> CardContent:
    """Copy a version into the draft (publish again to make it live); returns the new draft."""
    card = require_card(session=session, owner=owner, card_id=card_id, for_update=True)
    content = parse_content(_version(session=session, card=card, number=number).content)
    write_content(session=session, card=card, content=content)
    return content


def _flatten(value: Any, prefix: str, out: dict[str, Any]) -> None:
    """Flatten nested dicts and lists of objects to dotted paths; lists of plain values stay whole."""
    if isinstance(value, dict):
        for key, item in value.items():
            _flatten(item, f"{prefix}.{key}" if prefix else key, out)
    elif isinstance(value, list) and any(isinstance(item, dict) for item in value):
        for i, item in enumerate(value):
            _flatten(item, f"{prefix}.{i}", out)
    else:
        out[prefix] = value


def diff(before: CardContent, after: CardContent) -> list[dict[str, Any]]:
    """Field-level differences between two documents, in document order; added items have before=None."""
    old: dict[str, Any] = {}
    new: dict[str, Any] = {}
    _flatten(before.model_dump(mode="json"), "", old)
    _flatten(after.model_dump(mode="json"), "", new)
    fields = list(old) + [key for key in new if key not in old]
    changes = [
        {"field": key, "before": old.get(key), "after": new.get(key)} for key in fields if old.get(key) != new.get(key)
    ]
    return sorted(changes, key=lambda row: _order(row["field"]))


_TOP = list(CardContent.model_fields)


def _order(path: str) -> tuple:
    """Sort key: schema order for top-level fields, then item index (a stable sort keeps field order)."""
    head, _, rest = path.partition(".")
    indexes = tuple(int(p) for p in rest.split(".") if p.isdigit()) if rest else ()
    return (_TOP.index(head) if head in _TOP else len(_TOP), indexes)
