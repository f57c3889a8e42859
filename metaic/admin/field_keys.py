"""Field key upkeep: which encrypted values are not under the current key, re-encrypting them, rebuilding blind indexes.

`rotate` reads each stale value (decrypted with whichever configured key wrote it) and writes it back
(encrypted with the first key), a batch per transaction. A batch is committed before the next one starts,
and a row once rewritten no longer matches the stale condition, so an interrupted rotation resumes where
it stopped when run again. Afterwards no value needs the old keys and they can leave FIELD_ENCRYPTION_KEYS.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from sqlalchemy import JSON, Column, LargeBinary, Table, Text, and_, bindparam, cast, func, not_, select, update
from sqlalchemy.sql.expression import type_coerce
from sqlmodel import SQLModel
from sqlmodel import select as select_rows

from metaic.ai import chat_models  # noqa: F401  (registers the chat history columns)
from metaic.audit import service as audit
from metaic.auth import models as auth_models  # noqa: F401  (registers users.mfa_secret and users.phone)
from metaic.contacts import models as contact_models
from metaic.contacts import store
from metaic.core import fieldcrypt
from metaic.core.encrypted_types import EncryptedBytes, EncryptedJSON, EncryptedText
from metaic.db import get_engine, session_scope
from metaic.notifications import models as notification_models  # noqa: F401  (registers notifications.title, .body, .data)
from metaic.webhooks import models as webhook_models  # noqa: F401  (registers its payload and reply excerpt)

ENCRYPTED_TYPES = (EncryptedText, EncryptedJSON, EncryptedBytes)
BATCH = 500
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Target:
    """One encrypted column."""

    table: Table
    column: Column

    @property
    def name(self) -> str:
        """`table.column`."""
        return f"{self.table.name}.{self.column.name}"


def targets() -> list[Target]:
    """Every encrypted column of the schema, table by table."""
    return [
        Target(table, column)
        for table in SQLModel.metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, ENCRYPTED_TYPES)
    ]


def stale(target: Target):
    """SQL condition: a stored value that is not empty and not encrypted with the current key (old key or plaintext)."""
    prefix = fieldcrypt.current_prefix()
    column = target.column
    if isinstance(column.type, EncryptedBytes):
        head = func.substr(type_coerce(column, LargeBinary), 1, len(prefix))
        return and_(column.is_not(None), head != type_coerce(prefix.encode(), LargeBinary))
    if isinstance(column.type, EncryptedJSON):
        text = cast(type_coerce(column, JSON), Text)  # a JSON string: the token inside double quotes
        empty = text.in_(["[]", "{}", "null"])
        return and_(column.is_not(None), not_(empty), not_(text.like(f'"{prefix}%')))
    text = type_coerce(column, Text)
    return and_(column.is_not(None), text != "", not_(text.like(f"{prefix}%")))


def count_stale(target: Target) -> int:
    """How many values of a column still need the rotation."""
    with get_engine().connect() as conn:
        return conn.execute(select(func.count()).select_from(target.table).where(stale(target))).scalar_one()


def _batches(target: Target, size: int) -> Iterator[int]:
    """Rewrite the stale values of one column, a committed transaction per batch; yields each batch's size."""
    key = target.table.c.id
    change = (
        update(target.table)
        .where(key == bindparam("row_id"))
        .values({target.column.name: bindparam("value", type_=target.column.type)})
    )
    last = None
    while True:
        with get_engine().begin() as conn:
            query = select(key, target.column).where(stale(target)).order_by(key).limit(size)
            rows = conn.execute(query if last is None else query.where(key > last)).all()
            if rows:
                conn.execute(change, [{"row_id": row_id, "value": value} for row_id, value in rows])
        if not rows:
            return
        last = rows[-1][0]
        yield len(rows)


def rotate(
    *, progress: Progress | None = None, batch: int = BATCH, done: dict[str, int] | None = None
) -> dict[str, int]:
    """Re-encrypt every value not under the first key with it; returns how many values per column.

    `done`, when given, is filled as batches commit, so it still holds the counts if a batch fails.
    """
    done = {} if done is None else done
    for target in targets():
        total = count_stale(target)
        done[target.name] = 0
        for size in _batches(target, batch):
            done[target.name] += size
            if progress is not None:
                progress(target.name, done[target.name], total)
    return done


def rebuild_blind_index(*, progress: Progress | None = None, batch: int = BATCH) -> int:
    """Recompute every contact's blind index digests with the current BLIND_INDEX_KEY; returns how many contacts.

    Digests carry no key id, so this runs over every contact (safe to repeat; each batch is its own transaction).
    """
    contacts = contact_models.SavedContact
    with get_engine().connect() as conn:
        total = conn.execute(select(func.count()).select_from(contacts)).scalar_one()
    done, last = 0, None
    while True:
        with session_scope() as session:
            query = select_rows(contacts).order_by(contacts.id).limit(batch)
            rows = session.exec(query if last is None else query.where(contacts.id > last)).all()
            for contact in rows:
                store.sync_identities(session=session, contact=contact)
        if not rows:
            return done
        done, last = done + len(rows), rows[-1].id
        if progress is not None:
            progress("contact_identities.value_hash", done, total)


def status() -> list[tuple[str, int]]:
    """(column, values not under the current key) for every encrypted column."""
    return [(target.name, count_stale(target)) for target in targets()]


def any_left() -> bool:
    """True while some value still needs an old key (or is plaintext)."""
    return any(count for _, count in status())


def record_rotation(*, by: str, done: dict[str, int], contacts: int | None = None, stopped: str = "") -> None:
    """Audit one `keys rotate` run in a transaction of its own: who ran it, the key ids, how many values.

    Key ids are public (a hash prefix); no key reaches the entry. `stopped` says why a run ended early.
    """
    keys = fieldcrypt.ring()
    total = sum(done.values())
    changed = {column: count for column, count in done.items() if count}
    if stopped:
        detail = f"Stopped after {total} values re-encrypted with key {keys.primary}: {stopped}"
    else:
        detail = f"Key {keys.primary} encrypts every value: {total} re-encrypted in {len(changed)} columns"
    after = {"key": keys.primary, "keys": list(keys.ids), "re_encrypted": total, "columns": changed}
    after |= {"blind_index_contacts": contacts} if contacts is not None else {}
    after |= {"stopped": stopped} if stopped else {}
    with session_scope() as session:
        audit.record(
            session=session,
            action="keys.rotation_stopped" if stopped else "keys.rotated",
            device=by,
            target_type="field_keys",
            target_id=keys.primary,
            detail=f"{detail}; configured keys: {', '.join(keys.ids)}",
            after=after,
        )
