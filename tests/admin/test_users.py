"""Admin console domain: who may act, what suspending really does to sessions, tokens and public cards, audit."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from metaic.admin import user_actions, users
from metaic.audit.models import AuditEvent
from metaic.auth import api_tokens, sessions
from metaic.auth.models import ROLE_ADMIN, User
from metaic.core.errors import AuthenticationFailed, PermissionDenied, ValidationError
from metaic.db import session_scope
from tests.admin.helpers import make, publish_card, sign_in
from tests.cards.fixtures import BROWSER


def _act(name: str, actor_id, user_id, **kwargs):
    """Run one action as `actor_id` on `user_id` and commit."""
    with session_scope() as s:
        actor, user = s.get(User, actor_id), s.get(User, user_id)
        result = getattr(user_actions, name)(session=s, actor=actor, user=user, **kwargs)
        s.commit()
        return result


def _entries(action: str) -> list[AuditEvent]:
    """Audit entries of one action."""
    with session_scope() as s:
        return list(s.exec(select(AuditEvent).where(AuditEvent.action == action)))


ACTIONS = [
    ("suspend", {}),
    ("reactivate", {}),
    ("change_role", {"role": "admin"}),
    ("sign_out", {}),
    ("reset_mfa", {"identity_check": "video call, passport shown"}),
    ("resend_verification", {}),
    ("erase", {}),
]


@pytest.mark.parametrize(("name", "kwargs"), ACTIONS)
def test_a_non_admin_is_refused_every_action(db, name, kwargs):
    mallory, ada = make("mallory@example.com"), make("ada@example.com", verified=False)
    with pytest.raises(PermissionDenied):
        _act(name, mallory.id, ada.id, **kwargs)
    with session_scope() as s:
        actor = s.get(User, mallory.id)
        with pytest.raises(PermissionDenied):
            users.search(session=s, actor=actor)
        with pytest.raises(PermissionDenied):
            users.detail(session=s, actor=actor, user_id=ada.id)
        with pytest.raises(PermissionDenied):
            user_actions.bulk(session=s, actor=actor, action="suspend", user_ids=[str(ada.id)])
        assert s.get(User, ada.id).is_active


def test_suspend_signs_out_takes_cards_offline_and_reactivate_restores(db, client):
    client.headers["user-agent"] = BROWSER
    admin, ada = make("root@example.com", ROLE_ADMIN), make("ada@example.com")
    slug = publish_card(ada)
    cookie, access = sign_in(ada)
    assert client.get(f"/c/{slug}").status_code == 200  # now cached in this process
    _act("suspend", admin.id, ada.id, reason="spam reports")
    with session_scope() as s:
        assert sessions.resolve(session=s, token=cookie) is None
        with pytest.raises(AuthenticationFailed):
            api_tokens.user_for_access(session=s, token=access)
    assert client.get(f"/c/{slug}").status_code == 404
    assert client.get(f"/c/{slug}.vcf").status_code == 404
    _act("reactivate", admin.id, ada.id)
    assert client.get(f"/c/{slug}").status_code == 200
    [suspended] = _entries("admin.user_suspended")
    assert (suspended.actor_id, suspended.subject_id, suspended.detail) == (admin.id, ada.id, "spam reports")
    assert json.loads(suspended.before)["active"] is True and json.loads(suspended.after)["active"] is False
    [back] = _entries("admin.user_reactivated")
    assert json.loads(back.before)["active"] is False and json.loads(back.after)["active"] is True


def test_the_last_admin_cannot_be_demoted_or_suspended_and_nobody_suspends_themselves(db):
    root, other = make("root@example.com", ROLE_ADMIN), make("other@example.com", ROLE_ADMIN)
    _act("change_role", root.id, other.id, role="user")
    with pytest.raises(PermissionDenied):
        _act("change_role", root.id, root.id, role="user")
    with pytest.raises(ValidationError):
        _act("suspend", root.id, root.id)
    with session_scope() as s:
        assert s.get(User, root.id).role == ROLE_ADMIN and s.get(User, root.id).is_active
    [entry] = _entries("admin.role_changed")
    assert (json.loads(entry.before), json.loads(entry.after)) == ({"role": "admin"}, {"role": "user"})


def test_sign_out_and_mfa_reset_end_sessions_and_are_audited(db):
    admin, ada = make("root@example.com", ROLE_ADMIN), make("ada@example.com")
    cookie, _ = sign_in(ada)
    assert _act("sign_out", admin.id, ada.id) == 1
    with session_scope() as s:
        assert sessions.resolve(session=s, token=cookie) is None
        s.get(User, ada.id).mfa_secret = "JBSWY3DPEHPK3PXP"
        s.commit()
    with pytest.raises(ValidationError):
        _act("reset_mfa", admin.id, ada.id, identity_check="ok")
    cookie, _ = sign_in(ada)
    _act("reset_mfa", admin.id, ada.id, identity_check="video call, passport shown")
    with session_scope() as s:
        assert s.get(User, ada.id).mfa_secret is None
        assert sessions.resolve(session=s, token=cookie) is None
    [reset] = _entries("admin.mfa_reset")
    assert reset.detail == "video call, passport shown" and reset.actor_id == admin.id
    assert [e.actor_id for e in _entries("mfa.disabled")] == [admin.id]
    assert _entries("admin.sessions_revoked")[0].detail == "1 ended"


def test_resend_verification_mails_unverified_accounts_only(db, outbox):
    admin, ada, bob = make("root@example.com", ROLE_ADMIN), make("ada@example.com", verified=False), make("b@x.org")
    _act("resend_verification", admin.id, ada.id)
    assert len(outbox.emails("ada@example.com")) == 1
    with pytest.raises(ValidationError):
        _act("resend_verification", admin.id, bob.id)
    assert len(_entries("admin.verification_sent")) == 1


def test_search_filters_and_counts(db):
    admin, ada = make("root@example.com", ROLE_ADMIN), make("ada@example.com", verified=False)
    make("bob@example.com")
    publish_card(ada)
    _act("suspend", admin.id, ada.id)
    with session_scope() as s:
        actor = s.get(User, admin.id)
        page = users.search(session=s, actor=actor, query="ADA")
        assert page.total == 1 and page.rows[0].email == "ada@example.com"
        assert (page.rows[0].cards, page.rows[0].published, page.rows[0].active) == (1, 1, False)
        assert users.search(session=s, actor=actor, status="suspended").total == 1
        assert users.search(session=s, actor=actor, status="active").total == 2
        assert users.search(session=s, actor=actor, role="admin").rows[0].email == "root@example.com"
        assert users.search(session=s, actor=actor, verified="no").total == 1
        assert users.search(session=s, actor=actor, query="100%_").total == 0
        assert users.search(session=s, actor=actor, query=str(ada.id)).total == 1
        assert users.search(session=s, actor=actor, limit=2).total == 3
        with pytest.raises(ValidationError):
            users.search(session=s, actor=actor, role="owner")
        page = users.detail(session=s, actor=actor, user_id=str(ada.id))
        assert page.cards[0]["published"] and page.events[0].action == "admin.user_suspended"


def test_bulk_runs_each_account_apart_and_reports_refusals(db, client):
    client.headers["user-agent"] = BROWSER
    admin, ada, bob = make("root@example.com", ROLE_ADMIN), make("ada@example.com"), make("bob@example.com")
    slug = publish_card(bob)
    with session_scope() as s:
        result = user_actions.bulk(
            session=s, actor=s.get(User, admin.id), action="suspend", user_ids=[str(ada.id), str(admin.id), str(bob.id)]
        )
        s.commit()
    assert result.done == [str(ada.id), str(bob.id)] and list(result.failed) == [str(admin.id)]
    assert client.get(f"/c/{slug}").status_code == 404
    with session_scope() as s:
        assert [u.is_active for u in (s.get(User, ada.id), s.get(User, bob.id), s.get(User, admin.id))] == [
            False,
            False,
            True,
        ]
        with pytest.raises(ValidationError):
            user_actions.bulk(session=s, actor=s.get(User, admin.id), action="explode", user_ids=[str(ada.id)])


def test_erase_removes_the_account_and_keeps_the_audit(db, client):
    admin, ada = make("root@example.com", ROLE_ADMIN), make("ada@example.com")
    slug = publish_card(ada)
    _act("erase", admin.id, ada.id)
    with session_scope() as s:
        assert s.get(User, ada.id) is None
    assert client.get(f"/c/{slug}").status_code == 404
    assert _entries("admin.account_deleted")[0].target_id == str(ada.id)
