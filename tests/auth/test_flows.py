"""Sign-up, sign-in, verification, reset and phone flows on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import timedelta

import pyotp
import pytest

from metaic.auth import flows, mfa, sessions, verification
from metaic.auth import service as user_service
from metaic.core import clock
from metaic.core.errors import AuthenticationFailed, RateLimited, ValidationError

PASSWORD = "Correct-Horse-42"


def _link(outbox, to: str, path: str) -> str:
    """The first link to `path` in the newest email to `to`."""
    body = outbox.body(outbox.emails(to)[-1])
    match = re.search(rf"https?://\S+{re.escape(path)}\?token=\S+", body)
    assert match, body
    return match.group(0)


def _signup(session, email: str = "ada@example.com", name: str = "Ada"):
    """Sign up through the flow; the new account."""
    address = flows.signup(session=session, email=email, password=PASSWORD, name=name)
    return user_service.get_by_email(session=session, email=address)


def test_signup_sends_verification_link_that_verifies(session, outbox):
    user = _signup(session, "Ada@Example.COM", " Ada  Lovelace ")
    assert user.email == "ada@example.com" and user.name == "Ada Lovelace"
    assert user.email_verified_at is None
    token = _link(outbox, "ada@example.com", "/auth/verify-email").split("token=")[1]
    assert verification.verify_email(session=session, token=token).email_verified_at is not None


def test_signup_of_a_taken_address_changes_nothing_and_tells_its_owner(session, outbox):
    first = _signup(session)
    assert flows.signup(session=session, email="ADA@example.com", password="Intruder-Pass-9", name="Eve") == (
        "ada@example.com"
    )
    again = user_service.get_by_email(session=session, email="ada@example.com")
    assert again.id == first.id and again.name == "Ada"
    assert user_service.authenticate(session=session, email="ada@example.com", password=PASSWORD)
    assert [m["Subject"] for m in outbox.emails("ada@example.com")] == [
        "Verify your email for MetaIC",
        "You already have a MetaIC account",
    ]


def test_signup_refuses_weak_or_bad_input(session, outbox):
    for email, password, field in [
        ("", PASSWORD, "email"),
        ("not-an-email", PASSWORD, "email"),
        ("a@b.c'; DROP TABLE users;--", PASSWORD, "email"),
        ("bob@example.com", "short", "password"),
        ("bob@example.com", "password123", "password"),
        ("bob@example.com", "x" * 300, "password"),
    ]:
        with pytest.raises(ValidationError) as err:
            flows.signup(session=session, email=email, password=password, name="Bob")
        assert field in err.value.errors


def test_html_and_unicode_names_are_stored_as_text(session, outbox):
    user = _signup(session, "zh@example.com", "<b>王小明</b> 🚀")
    assert user_service.get(session=session, user_id=user.id).name == "<b>王小明</b> 🚀"
    with pytest.raises(ValidationError):
        user_service.update_profile(session=session, user=user, name="x" * 121)


def test_login_wrong_passwords_slow_down_their_address_only(session, outbox):
    _signup(session)
    for _ in range(flows.LOGIN_PAIR.free):
        with pytest.raises(AuthenticationFailed):
            flows.check_password(session=session, email="ada@example.com", password="wrong-password-1", ip="1.1.1.1")
    with pytest.raises(RateLimited) as err:
        flows.check_password(session=session, email="ada@example.com", password=PASSWORD, ip="1.1.1.1")
    assert "Try again in" in err.value.message and err.value.retry_after > 0
    assert flows.check_password(session=session, email="ada@example.com", password=PASSWORD, ip="2.2.2.2").user


def test_login_with_mfa_requires_a_code(session, outbox):
    user = _signup(session)
    secret = mfa.start_enrolment(session=session, user=user)
    codes = mfa.confirm_enrolment(session=session, user=user, code=pyotp.TOTP(secret).now())
    assert len(codes) == 10
    step = flows.check_password(session=session, email="ada@example.com", password=PASSWORD)
    assert step.mfa_challenge
    with pytest.raises(ValidationError):
        flows.check_mfa(session=session, challenge=step.mfa_challenge, code="000000")
    assert flows.check_mfa(session=session, challenge=step.mfa_challenge, code=pyotp.TOTP(secret).now()).id == user.id
    # A recovery code works once.
    assert flows.check_mfa(session=session, challenge=step.mfa_challenge, code=codes[0]).id == user.id
    with pytest.raises(ValidationError):
        flows.check_mfa(session=session, challenge=step.mfa_challenge, code=codes[0])


def test_password_reset_is_single_use_and_signs_out_everywhere(session, outbox):
    user = _signup(session)
    token = sessions.create(session=session, user=user, remember=False, activated=True)
    flows.request_password_reset(session=session, email="nobody@example.com")
    flows.request_password_reset(session=session, email="ada@example.com")
    session.commit()  # the reset job is queued once the request's transaction commits
    assert not outbox.emails("nobody@example.com")
    reset_token = _link(outbox, "ada@example.com", "/reset-password").split("token=")[1]
    flows.reset_password(session=session, token=reset_token, new_password="Another-Secret-77")
    assert sessions.resolve(session=session, token=token) is None
    with pytest.raises(AuthenticationFailed):
        flows.reset_password(session=session, token=reset_token, new_password="Third-Secret-99")
    assert user_service.authenticate(session=session, email="ada@example.com", password="Another-Secret-77")


def test_phone_verification_code(session, outbox):
    user = _signup(session)
    with pytest.raises(ValidationError):
        flows.send_phone_code(session=session, user=user, phone="12")
    number = flows.send_phone_code(session=session, user=user, phone="+44 20 7946 0958")
    assert number == "+442079460958"
    code = re.search(r"\b(\d{6})\b", outbox.texts()[-1]).group(1)
    with pytest.raises(ValidationError):
        flows.confirm_phone(session=session, user=user, code="999999" if code != "999999" else "111111")
    assert flows.confirm_phone(session=session, user=user, code=code).phone_verified_at is not None


def test_phone_code_expires(session, outbox):
    user = _signup(session)
    flows.send_phone_code(session=session, user=user, phone="+14155550123")
    code = re.search(r"\b(\d{6})\b", outbox.texts()[-1]).group(1)
    clock.advance(timedelta(minutes=11))
    with pytest.raises(ValidationError, match="expired"):
        flows.confirm_phone(session=session, user=user, code=code)
