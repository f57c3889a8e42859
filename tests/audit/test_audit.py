"""The audit trail: security events recorded by the auth flows, admin actions, and who may read what."""

from __future__ import annotations

import pyotp
import pytest
from sqlmodel import select

from metaic.admin import accounts, audit_log
from metaic.audit import service as audit
from metaic.audit.models import AuditEvent
from metaic.auth import api_tokens, flows, mfa
from metaic.auth import service as user_service
from metaic.auth.models import ROLE_ADMIN
from metaic.core import ratelimit
from metaic.core.errors import AuthenticationFailed, PermissionDenied, ValidationError
from metaic.core.request_context import request_id_scope
from metaic.db import session_scope

PASSWORD = "Correct-Horse-9-battery"


def _user(email: str, role: str = "user"):
    """A verified account (committed)."""
    with session_scope() as s:
        user = user_service.create(session=s, email=email, password=PASSWORD, name=email.split("@")[0], verified=True)
        user.role = role
        s.add(user)
        s.commit()
        s.refresh(user)
        s.expunge(user)
        return user


def _actions(user_id) -> list[str]:
    """The account's security events, newest first."""
    with session_scope() as s:
        return [event.action for event in audit.for_account(session=s, user_id=user_id)]


def _sign_in(email: str, password: str, ip: str = "198.51.100.7") -> None:
    """One sign-in attempt as the API and the sign-in page make it (the transaction rolls back on failure)."""
    with session_scope() as s:
        try:
            flows.check_password(session=s, email=email, password=password, ip=ip)
        except AuthenticationFailed:
            s.rollback()
            raise
        s.commit()


def test_sign_ins_and_failures_are_kept_with_a_hashed_address(db):
    ada = _user("ada@example.com")
    _sign_in("ada@example.com", PASSWORD)
    with pytest.raises(AuthenticationFailed):
        _sign_in("ada@example.com", "wrong-password-1")
    with pytest.raises(AuthenticationFailed):
        _sign_in("nobody@example.com", "wrong-password-1")  # no account: nothing to attach it to
    assert _actions(ada.id) == ["sign_in.failed", "sign_in"]
    with session_scope() as s:
        rows = s.exec(select(AuditEvent)).all()
    assert len(rows) == 2 and all(row.address_hash == audit.hash_address("198.51.100.7") for row in rows)
    assert all("198.51.100.7" not in (row.address_hash + row.detail + row.after) for row in rows)


def test_a_burst_of_failures_is_flagged_once(db):
    ada = _user("ada@example.com")
    for attempt in range(7):
        ratelimit.reset_all()
        with pytest.raises(AuthenticationFailed):
            _sign_in("ada@example.com", f"wrong-{attempt}-password", ip=f"203.0.113.{attempt}")
    actions = _actions(ada.id)
    assert actions.count("sign_in.failed") == 7 and actions.count("sign_in.failed_burst") == 1


def test_password_email_sessions_and_tokens_changes_are_audited(db):
    ada = _user("ada@example.com")
    with session_scope() as s, request_id_scope("req-audit-1"):
        user = user_service.require(session=s, user_id=ada.id)
        pair = api_tokens.issue(session=s, user=user)
        api_tokens.rotate(session=s, refresh_token=pair.refresh_token)  # a rotation is not a new token
        with pytest.raises(AuthenticationFailed):
            api_tokens.rotate(session=s, refresh_token=pair.refresh_token)  # reused: the whole family ends
        flows.change_password(
            session=s, user=user, current_password=PASSWORD, new_password=PASSWORD + "!", current_token=None
        )
        flows.change_email(session=s, user=user, new_email="ada.new@example.com", password=PASSWORD + "!")
        flows.sign_out_everywhere(session=s, user=user, keep_token=None)
        s.commit()
    actions = _actions(ada.id)
    assert sorted(actions) == sorted(
        ["api_token.created", "api_token.revoked", "password.changed", "email.changed", "sessions.revoked_all"]
    )
    with session_scope() as s:
        revoked = s.exec(select(AuditEvent).where(AuditEvent.action == "api_token.revoked")).one()
        assert "came back" in revoked.detail and revoked.subject_id == ada.id
    with session_scope() as s:
        change = s.exec(select(AuditEvent).where(AuditEvent.action == "email.changed")).one()
        assert (change.before, change.after) == ('{"email": "a…@example.com"}', '{"email": "a…@example.com"}')
        assert change.request_id == "req-audit-1" and "ada.new" not in change.after


def test_two_step_sign_in_changes_and_failed_codes_are_audited(db):
    ada = _user("ada@example.com")
    with session_scope() as s:
        user = user_service.require(session=s, user_id=ada.id)
        secret = mfa.start_enrolment(session=s, user=user)
        mfa.confirm_enrolment(session=s, user=user, code=pyotp.TOTP(secret).now())
        mfa.regenerate_recovery_codes(session=s, user=user)
        s.commit()
    with session_scope() as s:
        step = flows.check_password(session=s, email="ada@example.com", password=PASSWORD, ip="192.0.2.1")
        s.commit()
    with session_scope() as s:
        with pytest.raises(ValidationError):
            flows.check_mfa(session=s, challenge=step.mfa_challenge, code="000000")
        s.rollback()
    with session_scope() as s:
        flows.check_mfa(session=s, challenge=step.mfa_challenge, code=pyotp.TOTP(secret).now())
        s.commit()
    actions = _actions(ada.id)
    assert actions[0] == "sign_in" and "sign_in.mfa_failed" in actions
    assert {"mfa.enabled", "mfa.recovery_codes"} <= set(actions)
    # The password step alone is not a sign-in: only the completed one is.
    assert actions.count("sign_in") == 1


def test_only_ones_own_security_events_are_listed(db):
    ada, bob = _user("ada@example.com"), _user("bob@example.com")
    _sign_in("ada@example.com", PASSWORD)
    _sign_in("bob@example.com", PASSWORD)
    assert _actions(ada.id) == ["sign_in"] and _actions(bob.id) == ["sign_in"]


def test_admin_actions_are_audited_with_before_and_after_and_only_admins_search(db):
    admin, ada = _user("root@example.com", role=ROLE_ADMIN), _user("ada@example.com")
    with session_scope() as s:
        actor, user = user_service.require(session=s, user_id=admin.id), user_service.require(session=s, user_id=ada.id)
        user_service.set_role(session=s, actor=actor, user=user, role=ROLE_ADMIN)
        s.commit()
    with session_scope() as s:
        actor = user_service.require(session=s, user_id=admin.id)
        [entry] = audit_log.search(session=s, actor=actor, action="admin.role_changed")
        assert (entry.actor_id, entry.subject_id) == (admin.id, ada.id)
        assert (entry.before, entry.after) == ('{"role": "user"}', '{"role": "admin"}')
        assert audit_log.search(session=s, actor=actor, query=str(ada.id))[0].id == entry.id
        with pytest.raises(PermissionDenied):
            audit_log.search(
                session=s, actor=user_service.require(session=s, user_id=ada.id).model_copy(update={"role": "user"})
            )
        with pytest.raises(ValidationError):
            audit_log.search(session=s, actor=actor, action="no.such.action")
        exported = audit_log.export_csv(session=s, actor=actor)
        s.commit()
    assert exported.splitlines()[0].startswith("created_at,category,action") and "admin.role_changed" in exported
    with session_scope() as s:
        assert audit_log.search(
            session=s, actor=user_service.require(session=s, user_id=admin.id), action="admin.audit_exported"
        )


def test_deleting_an_account_keeps_its_audit_entry(db):
    admin, ada, bob = _user("root@example.com", role=ROLE_ADMIN), _user("ada@example.com"), _user("bob@example.com")
    with session_scope() as s:
        accounts.delete_account(session=s, user=user_service.require(session=s, user_id=ada.id), password=PASSWORD)
        actor = user_service.require(session=s, user_id=admin.id)
        accounts.delete_account(
            session=s, user=user_service.require(session=s, user_id=bob.id), password=None, actor=actor
        )
        s.commit()
    assert _actions(ada.id) == ["account.deleted"] and _actions(bob.id) == ["account.deleted"]
    with session_scope() as s:
        by_admin = s.exec(select(AuditEvent).where(AuditEvent.action == "admin.account_deleted")).one()
        assert (by_admin.actor_id, by_admin.target_id) == (admin.id, str(bob.id))


def test_the_address_hash_is_keyed_and_stable(monkeypatch):
    first = audit.hash_address("198.51.100.7")
    assert first == audit.hash_address("198.51.100.7") and first != audit.hash_address("198.51.100.8")
    assert len(first) == 16 and "198" not in first and audit.hash_address("") == ""
