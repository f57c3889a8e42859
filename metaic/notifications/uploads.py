"""Telling an owner that the virus scan removed one of their uploads (reacts to the files domain's `file.infected`)."""

from __future__ import annotations

import logging
import uuid

from metaic.auth.models import User
from metaic.core import clock, links
from metaic.db import session_scope
from metaic.files.models import SCAN_INFECTED, File
from metaic.notifications import kinds
from metaic.notifications.flows import notify

log = logging.getLogger(__name__)

# What each upload was for, in the owner's language.
_PURPOSES = {
    "en": {
        "avatar": "profile photo",
        "cover": "cover image",
        "logo": "logo",
        "work": "portfolio image",
        "scan": "card photo",
    },
    "zh": {"avatar": "头像", "cover": "封面图片", "logo": "标志", "work": "作品图片", "scan": "名片照片"},
    "es": {
        "avatar": "foto de perfil",
        "cover": "imagen de portada",
        "logo": "logotipo",
        "work": "imagen de portafolio",
        "scan": "foto de tarjeta",
    },
}
_WORDS = {
    "en": (
        "an uploaded file was removed",
        "The {what} you uploaded on {day} contained malware ({signature}) and was deleted. It was never shown "
        "to anyone. Check the device it came from with an up-to-date virus scanner before uploading again.",
    ),
    "zh": (
        "已删除一个上传的文件",
        "您于 {day} 上传的{what}含有恶意软件（{signature}），已被删除，从未向任何人展示。"
        "请先用最新的杀毒软件检查该文件所在的设备，再重新上传。",
    ),
    "es": (
        "se eliminó un archivo subido",
        "La {what} que subiste el {day} contenía malware ({signature}) y se eliminó. Nunca se mostró a nadie. "
        "Revisa el dispositivo de origen con un antivirus actualizado antes de volver a subirla.",
    ),
}


def infected_upload_data(row: File, language: str) -> dict:
    """The security notification's words for a removed upload, in the owner's language."""
    lang = kinds.language_for(language)
    event, detail = _WORDS[lang]
    what = _PURPOSES[lang].get(row.purpose, row.purpose)
    day = clock.as_utc(row.created_at).strftime("%Y-%m-%d")
    text = detail.format(what=what, day=day, signature=row.scan_result or "?")
    return {"event": event, "detail": text, "url": links.cards(), "file_id": str(row.id)}


def tell_owner_of_infected_upload(file_id: str | uuid.UUID) -> str:
    """Job: an in-app security notification (and the owner's chosen channels) about a removed upload."""
    file_id = uuid.UUID(str(file_id))
    with session_scope() as session:
        row = session.get(File, file_id)
        owner = session.get(User, row.owner_id) if row is not None else None
        if row is None or owner is None or row.scan_status != SCAN_INFECTED:
            log.info("file %s: no infected upload to tell its owner about", file_id)
            return "gone"
        notify(session=session, user=owner, kind="security", data=infected_upload_data(row, owner.language))
    return "told"
