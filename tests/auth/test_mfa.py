"""Two-step sign-in: enrolment, code checks with clock skew, recovery codes and disabling."""

from __future__ import annotations

import base64
import time
import urllib.parse
from datetime import timedelta

import pyotp
import pytest

from metaic.auth import mfa
from metaic.auth import service as user_service
from metaic.core import clock
from metaic.core.errors import Conflict, ValidationError

PASSWORD = "Correct-Horse-42"


def _mid_step() -> None:
    """Wait out the end of a 30-second TOTP step so a test never straddles a boundary."""
    left = 30 - (clock.now().timestamp() % 30)
    if left < 2:
        time.sleep(left + 0.1)


def _code(secret: str, seconds: int = 0) -> str:
    """The TOTP code `seconds` away from now by our clock."""
    return pyotp.TOTP(secret).at(clock.now() + timedelta(seconds=seconds))


def _enrolled(session):
    """An account with MFA on; returns (user, secret, recovery codes)."""
    user = user_service.create(session=session, email="ada@example.com", password=PASSWORD, name="Ada")
    secret = mfa.start_enrolment(session=session, user=user)
    _mid_step()
    codes = mfa.confirm_enrolment(session=session, user=user, code=_code(secret))
    return user, secret, codes


def test_enrolment_qr_is_svg_data_uri(session):
    """Enrolment shows an SVG QR code of an otpauth URI naming the issuer and the account."""
    user = user_service.create(session=session, email="ada@example.com", password=PASSWORD, name="Ada")
    secret = mfa.start_enrolment(session=session, user=user)
    assert len(secret) >= 16 and user.mfa_enabled_at is None
    uri = mfa.provisioning_uri(user)
    assert uri.startswith("otpauth://totp/") and f"secret={secret}" in uri and "issuer=MetaIC" in uri
    assert "ada%40example.com" in uri or "ada@example.com" in urllib.parse.unquote(uri)
    data_uri = mfa.qr_data_uri(uri)
    assert data_uri.startswith("data:image/svg+xml")
    payload = data_uri.split(",", 1)[1]
    svg = base64.b64decode(payload).decode() if ";base64" in data_uri.split(",")[0] else urllib.parse.unquote(payload)
    assert "<svg" in svg and "</svg>" in svg and "<script" not in svg
    # Starting again before confirming replaces the pending secret.
    assert mfa.start_enrolment(session=session, user=user) != secret


def test_wrong_first_code_is_refused(session):
    """MFA is not turned on until a correct code comes back."""
    user = user_service.create(session=session, email="ada@example.com", password=PASSWORD, name="Ada")
    secret = mfa.start_enrolment(session=session, user=user)
    _mid_step()
    right = _code(secret)
    for wrong in ("000000" if right != "000000" else "111111", "", "12345", "abcdef", right + "1", _code(secret, 120)):
        with pytest.raises(ValidationError) as err:
            mfa.confirm_enrolment(session=session, user=user, code=wrong)
        assert "code" in err.value.errors
    assert user.mfa_enabled_at is None
    assert mfa.verify(session=session, user=user, code="anything") is True  # MFA off: no second step
    codes = mfa.confirm_enrolment(session=session, user=user, code=f" {right[:3]} {right[3:]} ")
    assert user.mfa_enabled_at is not None and len(codes) == mfa.RECOVERY_CODE_COUNT
    with pytest.raises(Conflict):
        mfa.start_enrolment(session=session, user=user)
    with pytest.raises(Conflict):
        mfa.confirm_enrolment(session=session, user=user, code=_code(secret))


def test_clock_skew_window_is_one_step(session):
    """Codes one 30-second step early or late pass; two steps away fail."""
    user, secret, _ = _enrolled(session)
    _mid_step()
    for seconds in (-30, 0, 30):
        assert mfa.verify(session=session, user=user, code=_code(secret, seconds)), seconds
    for seconds in (-90, -60, 60, 90):
        assert not mfa.verify(session=session, user=user, code=_code(secret, seconds)), seconds


def test_phone_behind_server_by_moving_clock(session):
    """A code typed from a phone 30 s behind works; 60 s behind does not."""
    user, secret, _ = _enrolled(session)
    _mid_step()
    code = _code(secret)
    clock.advance(timedelta(seconds=30))
    assert mfa.verify(session=session, user=user, code=code)
    clock.advance(timedelta(seconds=30))
    assert not mfa.verify(session=session, user=user, code=code)


def test_recovery_codes_single_use_and_regenerate(session):
    """Each recovery code works once; regenerating voids the old set."""
    user, _, codes = _enrolled(session)
    assert len(set(codes)) == mfa.RECOVERY_CODE_COUNT
    assert mfa.remaining_recovery_codes(session=session, user=user) == 10
    assert mfa.verify(session=session, user=user, code=codes[0])
    assert not mfa.verify(session=session, user=user, code=codes[0])
    assert mfa.verify(session=session, user=user, code=f"  {codes[1].upper()} ")
    assert mfa.remaining_recovery_codes(session=session, user=user) == 8
    fresh = mfa.regenerate_recovery_codes(session=session, user=user)
    assert not set(fresh) & set(codes)
    assert mfa.remaining_recovery_codes(session=session, user=user) == 10
    assert not mfa.verify(session=session, user=user, code=codes[2])
    assert mfa.verify(session=session, user=user, code=fresh[9])
    assert mfa.remaining_recovery_codes(session=session, user=user) == 9


def test_disable_requires_password_and_code(session):
    """Turning MFA off needs the password and a current code; it removes the recovery codes."""
    user, secret, codes = _enrolled(session)
    _mid_step()
    with pytest.raises(ValidationError) as err:
        mfa.disable(session=session, user=user, password="wrong-password", code=_code(secret))
    assert "password" in err.value.errors
    with pytest.raises(ValidationError) as err:
        mfa.disable(session=session, user=user, password=PASSWORD, code="000000" if _code(secret) != "000000" else "1")
    assert "code" in err.value.errors
    with pytest.raises(ValidationError):
        mfa.disable(session=session, user=user, password=None, code=_code(secret))
    assert user.mfa_enabled_at is not None and user.mfa_secret == secret
    mfa.disable(session=session, user=user, password=PASSWORD, code=codes[0])
    session.flush()
    assert user.mfa_enabled_at is None and user.mfa_secret is None
    assert mfa.remaining_recovery_codes(session=session, user=user) == 0
    # It can be turned on again with a new secret.
    new_secret = mfa.start_enrolment(session=session, user=user)
    assert new_secret != secret
    assert len(mfa.confirm_enrolment(session=session, user=user, code=_code(new_secret))) == 10


def test_social_only_account_disables_with_code_alone(session):
    """An account without a password disables MFA with a code only."""
    user = user_service.create(session=session, email="soc@example.com", password=None, name="Soc")
    secret = mfa.start_enrolment(session=session, user=user)
    _mid_step()
    mfa.confirm_enrolment(session=session, user=user, code=_code(secret))
    with pytest.raises(ValidationError):
        mfa.disable(session=session, user=user, password=None, code="")
    mfa.disable(session=session, user=user, password=None, code=_code(secret))
    assert user.mfa_enabled_at is None
