"""A card's images from the files domain: the avatar's JPEG for the vCard, and right-sized variants for the page."""

from __future__ import annotations

import logging
import re
import uuid
from urllib.parse import urlsplit

from sqlmodel import Session, select

from metaic.cards.schemas import CardContent
from metaic.files import service as file_service
from metaic.files.models import File

log = logging.getLogger(__name__)

# The address of an upload's cleaned original ends in its storage key (files.service.original_key).
_ORIGINAL = re.compile(r"img/([0-9a-f]{32})/(?:[0-9a-f]{16}/)?original\.(?:jpg|png|webp)$")


def avatar_jpeg(*, session: Session, file_id: uuid.UUID | None) -> bytes | None:
    """The avatar as JPEG bytes, or None when no avatar is set or it cannot be read.

    A photo that cannot be read only leaves the vCard without a picture: the download must still work.
    """
    if file_id is None:
        return None
    try:
        return file_service.read_original_jpeg(session=session, file_id=file_id)
    except Exception:
        log.warning("avatar %s could not be read for a vCard", file_id, exc_info=True)
        return None


def _file_id(url: str) -> uuid.UUID | None:
    """The upload behind an image address the builder stored, or None for any other address."""
    match = _ORIGINAL.search(urlsplit(url).path)
    return uuid.UUID(match.group(1)) if match else None


def image_sources(
    *, session: Session, content: CardContent, avatar_file_id: uuid.UUID | None
) -> dict[str, dict[int, str]]:
    """Ready variants by width of every uploaded image on a card, keyed by the address the card holds (one query).

    Images still being processed, and addresses that are not uploads, have no entry: the page shows them as they are.
    """
    wanted: dict[str, uuid.UUID] = {}
    if content.avatar_url and avatar_file_id is not None:
        wanted[content.avatar_url] = avatar_file_id
    for url in (content.cover_url, content.business.logo_url, *(w.image_url for w in content.works)):
        file_id = _file_id(url) if url else None
        if file_id is not None:
            wanted.setdefault(url, file_id)
    if not wanted:
        return {}
    try:
        rows = session.exec(select(File).where(File.id.in_(set(wanted.values())))).all()
        ready = {row.id: file_service.read(row).urls for row in rows}
    except Exception:
        log.warning("image variants of a card could not be read", exc_info=True)
        return {}
    return {url: ready[file_id] for url, file_id in wanted.items() if ready.get(file_id)}
