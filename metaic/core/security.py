"""Password hashing, random tokens and signed values."""

from __future__ import annotations

import functools
import hashlib
import hmac
import re
import secrets

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer
from passlib.context import CryptContext

from metaic.config import get_settings
from metaic.core import clock
from metaic.core.errors import AuthenticationFailed, ValidationError


@functools.cache
def _context(time_cost: int, memory_kib: int) -> CryptContext:
    """The argon2id hasher at a cost (a hash records its own cost, so any cost verifies any hash).

    One lane (parallelism 1, as OWASP's settings have it): passlib's default of four starts four hashing
    threads per sign-in, so a few sign-ins at once took every core from the event loop serving everyone else.
    """
    return CryptContext(
        schemes=["argon2"],
        deprecated="auto",
        argon2__rounds=time_cost,
        argon2__memory_cost=memory_kib,
        argon2__parallelism=1,
    )


def _passwords() -> CryptContext:
    """The hasher at the configured cost."""
    settings = get_settings()
    return _context(settings.argon2_time_cost, settings.argon2_memory_kib)


MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256
_COMMON_PASSWORDS = {
    "password",
    "password1",
    "password123",
    "1234567890",
    "qwertyuiop",
    "letmein123",
    "iloveyou12",
    "welcome123",
    "adminadmin",
    "passw0rd12",
    "12345678910",
    "metaic1234",
}


def hash_password(password: str) -> str:
    """Hash a password with argon2."""
    return _passwords().hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    """Check a password against its hash; False for a missing hash."""
    if not password_hash:
        # Still spend the time, so a missing account is not visible by timing.
        _passwords().dummy_verify()
        return False
    try:
        return _passwords().verify(password, password_hash)
    except ValueError:
        return False


def check_password_strength(password: str, *, email: str = "", field: str = "password") -> None:
    """Raise ValidationError unless the password meets the strength rule."""
    problem = password_problem(password, email=email)
    if problem:
        raise ValidationError(problem, field=field)


def password_problem(password: str, *, email: str = "") -> str | None:
    """Describe what is wrong with a password, or None when it is strong enough."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Use at least {MIN_PASSWORD_LENGTH} characters."
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Use at most {MAX_PASSWORD_LENGTH} characters."
    classes = [r"[a-z]", r"[A-Z]", r"[0-9]", r"[^a-zA-Z0-9]"]
    if sum(bool(re.search(c, password)) for c in classes) < 2 and len(password) < 16:
        return "Mix letters with numbers or symbols, or use 16 or more characters."
    lowered = password.lower()
    if lowered in _COMMON_PASSWORDS or len(set(password)) < 4:
        return "This password is too easy to guess."
    local = email.split("@")[0].lower()
    if local and len(local) >= 4 and local in lowered:
        return "Do not use your email address in your password."
    return None


def new_token(nbytes: int = 32) -> str:
    """A URL-safe random token."""
    return secrets.token_urlsafe(nbytes)


def hash_token(token: str) -> str:
    """Store only a digest of a bearer token, so a database leak gives nothing usable."""
    return hashlib.sha256(token.encode()).hexdigest()


def tokens_equal(a: str, b: str) -> bool:
    """Compare secrets in constant time."""
    return hmac.compare_digest(a.encode(), b.encode())


class _ClockSigner(TimestampSigner):
    """Timestamps from `metaic.core.clock`, so link expiry follows the same clock as everything else."""

    def get_timestamp(self) -> int:
        """Seconds since the epoch by our clock."""
        return int(clock.now().timestamp())


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    """A signer scoped to one purpose, so a token for one use never works for another."""
    return URLSafeTimedSerializer(get_settings().secret_key, salt=f"metaic.{purpose}", signer=_ClockSigner)


def sign(purpose: str, value: object) -> str:
    """Sign a JSON-able value for one purpose."""
    return _serializer(purpose).dumps(value)


def unsign(purpose: str, token: str, *, max_age: int) -> object:
    """Read a signed value back, or raise AuthenticationFailed when bad or expired."""
    try:
        return _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise AuthenticationFailed("This link has expired. Ask for a new one.") from exc
    except BadSignature as exc:
        raise AuthenticationFailed("This link is not valid.") from exc
