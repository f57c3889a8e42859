"""An account's whole life across domains: deleting it takes everything it owns with it.

This orchestrates several domains (auth, files, and later search and AI), so it sits in admin/,
above all of them: auth does not import files, and files does not reach up into account flows.
"""

from __future__ import annotations

from sqlmodel import Session

from metaic import events
from metaic.audit import service as audit
from metaic.auth import service as user_service
from metaic.auth import sessions
from metaic.auth.models import User
from metaic.files import service as files_service


def delete_account(*, session: Session, user: User, password: str | None, actor: User | None = None) -> None:
    """Sign the account out everywhere, then delete it and everything it owns (stored images included).

    `actor` is an admin erasing someone else's account (audited as an admin action); None is the owner."""
    if actor is not None and actor.id != user.id:
        user_service.require_admin(actor)
        target = {"target_type": "user", "target_id": str(user.id)}
        audit.record(session=session, action="admin.account_deleted", actor_id=actor.id, **target)
    by_admin = actor is not None and actor.id != user.id
    user_service.check_deletable(session=session, user=user, password=password, by_admin=by_admin)
    # Rows cascade in the database; the image objects in storage go once the transaction commits.
    files_service.purge_owner(session=session, owner=user)
    user_service.delete(session=session, user=user, password=password, by_admin=by_admin)
    sessions.revoke_all(session=session, user_id=user.id)
    # Its cards went with it (database cascade): caches of their public pages must go too.
    events.emit(session, "account.deleted", user_id=user.id)
    audit.record(session=session, action="account.deleted", subject_id=user.id, actor_id=(actor or user).id)
