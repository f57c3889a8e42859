""" "Download my data": a zip of everything an account holds, prepared by a job and mailed as a signed link.

The zip has one JSON file per table holding the account's rows (found by following foreign keys from
`users`, so a new table is exported without changes here), the messages of its conversations, its own
audit entries, its contacts as a vCard file, and the images it uploaded. Secrets never leave: columns
holding hashes, secrets, passwords, tokens or salts are dropped, as are raw analytics and search tables
(the account's cards' visitor counts are not personal data of the account and can be huge).
"""

from __future__ import annotations

import io
import json
import logging
import re
import uuid
import zipfile
from collections.abc import Iterable

import sqlalchemy as sa
from sqlmodel import Session, SQLModel, select

from metaic.adapters.storage import ObjectNotFound, get_storage
from metaic.audit import service as audit
from metaic.audit.models import AuditEvent
from metaic.auth import jobs as auth_jobs
from metaic.auth.models import User
from metaic.contacts import formats
from metaic.contacts.imports import export_drafts
from metaic.core import clock, links, ratelimit
from metaic.core.errors import NotFound
from metaic.core.security import sign, unsign
from metaic.db import after_commit, session_scope
from metaic.files import service as files_service
from metaic.files.models import File
from metaic.jobs import enqueue
from metaic.messaging.models import ConversationMember, DirectMessage

log = logging.getLogger(__name__)

LINK_PURPOSE = "data-export"
LINK_DAYS = 7
EXPORT_LIMIT = (3, 86400)  # exports per account per day
_SECRET_COLUMN = re.compile(r"hash|secret|password|token|salt|recovery", re.IGNORECASE)
_SKIPPED_TABLES = re.compile(r"^(analytics_|search_|alembic)")


def request(*, session: Session, user: User, ip: str = "") -> None:
    """Queue the export of `user`'s data; the link arrives by email (rate-limited, audited)."""
    ratelimit.hit(f"data-export:{user.id}", limit=EXPORT_LIMIT[0], window=EXPORT_LIMIT[1])
    audit.record(session=session, action="data.exported", subject_id=user.id, actor_id=user.id, ip=ip)
    user_id = str(user.id)
    # After the commit: the job looks the account up (a new account is not visible to it before).
    after_commit(
        session, lambda: enqueue(build_and_send, user_id, title=f"data export for user {user_id}", queue_name="low")
    )


def build_and_send(user_id: str) -> str:
    """Job: build the zip, store it, email the signed link; returns the storage key."""
    key = f"exports/{user_id}/{uuid.uuid4().hex}.zip"
    with session_scope() as session:
        user = session.get(User, uuid.UUID(user_id))
        if user is None:
            return ""
        data = build_zip(session=session, user=user)
        email, name = user.email, user.name
    get_storage().put(key, data, "application/zip")
    token = sign(LINK_PURPOSE, {"u": user_id, "k": key})
    link = links.absolute(f"/api/v1/me/export/download?token={token}")
    auth_jobs.send_account_email("data_export", email, {"name": name, "email": email, "link": link, "days": LINK_DAYS})
    log.info("data export ready for user %s (%d bytes)", user_id, len(data))
    return key


def open_link(*, session: Session, user: User, token: str) -> bytes:
    """The zip a link names, for the signed-in account it was made for; NotFound when expired or not theirs."""
    try:
        data = unsign(LINK_PURPOSE, token or "", max_age=LINK_DAYS * 86400)
    except Exception:
        raise NotFound("This download link has expired or is not valid. Ask for a new export.") from None
    if data.get("u") != str(user.id):
        raise NotFound("This download link has expired or is not valid. Ask for a new export.")
    try:
        return get_storage().get(str(data["k"]))
    except ObjectNotFound:
        raise NotFound("This export is no longer stored. Ask for a new export.") from None


def build_zip(*, session: Session, user: User) -> bytes:
    """Every row of the account, its messages, audit entries, contacts as vCards and uploaded images."""
    tables = account_rows(session=session, user_id=user.id)
    tables["direct_messages"] = _messages(session, user.id)
    tables["audit_events"] = [_row(e) for e in audit.for_account(session=session, user_id=user.id, limit=200)]
    tables["audit_events"] += _acted(session, user.id)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", _readme(user, tables))
        for name, rows in sorted(tables.items()):
            archive.writestr(f"data/{name}.json", json.dumps(rows, ensure_ascii=False, indent=1, default=str))
        archive.writestr("contacts.vcf", formats.export(export_drafts(session=session, owner=user), "vcard"))
        for path, content in _images(session, user.id):
            archive.writestr(path, content)
    return out.getvalue()


def account_rows(*, session: Session, user_id: uuid.UUID) -> dict[str, list[dict]]:
    """Rows of every table that points at the account, and of the tables that point at those (two levels)."""
    users = SQLModel.metadata.tables["users"]
    me = session.execute(sa.select(users).where(users.c.id == user_id)).mappings().all()
    found: dict[str, list[dict]] = {"users": [_clean(users, row) for row in me]}
    keys: dict[str, list] = {}
    tables = [t for t in SQLModel.metadata.sorted_tables if not _SKIPPED_TABLES.match(t.name) and t.name != "users"]
    for table in tables:
        column = _fk_column(table, "users")
        if column is not None:
            rows = session.execute(sa.select(table).where(column == user_id)).mappings().all()
            found[table.name] = [_clean(table, row) for row in rows]
            if len(table.primary_key.columns) == 1:
                pk = next(iter(table.primary_key.columns)).name
                keys[table.name] = [row[pk] for row in rows]
    for table in tables:
        if table.name in found:
            continue
        for parent, ids in keys.items():
            column = _fk_column(table, parent)
            if column is not None and ids:
                rows = session.execute(sa.select(table).where(column.in_(ids))).mappings().all()
                found.setdefault(table.name, []).extend(_clean(table, row) for row in rows)
    return found


def _fk_column(table: sa.Table, target: str) -> sa.Column | None:
    """The column of `table` that references `target`'s primary key, if one does."""
    for column in table.columns:
        if any(fk.column.table.name == target for fk in column.foreign_keys):
            return column
    return None


def _clean(table: sa.Table, row) -> dict:
    """A row without its secret columns, JSON-ready."""
    return {name: value for name, value in row.items() if not _SECRET_COLUMN.search(name)}


def _row(model: SQLModel) -> dict:
    """A model row without secret columns."""
    return {k: v for k, v in model.model_dump(mode="json").items() if not _SECRET_COLUMN.search(k)}


def _messages(session: Session, user_id: uuid.UUID) -> list[dict]:
    """Every message of the conversations the account is in (what it sent and what it received)."""
    conversations = select(ConversationMember.conversation_id).where(ConversationMember.user_id == user_id)
    rows = session.exec(select(DirectMessage).where(DirectMessage.conversation_id.in_(conversations)))
    return [_row(m) for m in rows]


def _acted(session: Session, user_id: uuid.UUID) -> list[dict]:
    """Audit entries where the account acted on something else (an admin's actions)."""
    rows = session.exec(
        select(AuditEvent).where(AuditEvent.actor_id == user_id, AuditEvent.subject_id != user_id).limit(1000)
    )
    return [_row(e) for e in rows]


def _images(session: Session, user_id: uuid.UUID) -> Iterable[tuple[str, bytes]]:
    """(path in the zip, bytes) of each uploaded original that is still stored."""
    for row in session.exec(select(File).where(File.owner_id == user_id)):
        try:
            content, _type = files_service.read_object(key=row.storage_key)
        except (ObjectNotFound, NotFound):
            continue
        yield f"files/{row.id}-{row.storage_key.rsplit('/', 1)[-1]}", content


def _readme(user: User, tables: dict[str, list[dict]]) -> str:
    """What is in the zip, in plain words."""
    counts = "\n".join(f"  data/{name}.json: {len(rows)} rows" for name, rows in sorted(tables.items()) if rows)
    return (
        f"MetaIC data export for {user.email}, made {clock.now():%Y-%m-%d %H:%M} UTC.\n\n"
        "data/*.json  every record of your account, one file per kind (passwords, keys and tokens left out)\n"
        "contacts.vcf your contacts, to import into any address book\n"
        "files/       the images you uploaded\n\n"
        f"{counts}\n"
    )
