"""Users: registration, credentials, profile and roles."""

from __future__ import annotations

import uuid

from email_validator import EmailNotValidError, validate_email
from sqlmodel import Session, func, select

from metaic.audit import service as audit
from metaic.auth.models import ROLE_ADMIN, ROLE_USER, User
from metaic.core import clock
from metaic.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from metaic.core.security import check_password_strength, hash_password, verify_password

MAX_NAME_LENGTH = 120


def normalize_email(raw: str, *, field: str = "email") -> str:
    """Validate an email address (syntax only) and return its normalised, lower-cased form."""
    value = (raw or "").strip()
    if not value:
        raise ValidationError("Enter your email address.", field=field)
    if len(value) > 254:
        raise ValidationError("That email address is too long.", field=field)
    try:
        result = validate_email(value, check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValidationError(f"That is not a valid email address: {exc}", field=field) from exc
    return result.normalized.lower()


def clean_name(raw: str) -> str:
    """Trim a display name and check its length."""
    value = " ".join((raw or "").split())
    if len(value) > MAX_NAME_LENGTH:
        raise ValidationError(f"Use at most {MAX_NAME_LENGTH} characters.", field="name")
    if any(ord(ch) < 32 for ch in value):
        raise ValidationError("The name contains control characters.", field="name")
    return value


def get(*, session: Session, user_id: uuid.UUID) -> User | None:
    """Return a user by id."""
    return session.get(User, user_id)


def get_by_email(*, session: Session, email: str) -> User | None:
    """Return a user by email address (case-insensitive)."""
    return session.exec(select(User).where(User.email == email.strip().lower())).first()


def require(*, session: Session, user_id: uuid.UUID) -> User:
    """Return an active user or raise NotFound."""
    user = get(session=session, user_id=user_id)
    if user is None or not user.is_active:
        raise NotFound("Account not found.")
    return user


def create(
    *,
    session: Session,
    email: str,
    password: str | None,
    name: str = "",
    role: str = ROLE_USER,
    verified: bool = False,
) -> User:
    """Create an account; `password=None` makes a social-login-only account."""
    email = normalize_email(email)
    name = clean_name(name)
    if password is not None:
        check_password_strength(password, email=email)
    if role not in (ROLE_USER, ROLE_ADMIN):
        raise ValidationError("Unknown role.", field="role")
    if get_by_email(session=session, email=email):
        raise Conflict("An account with this email already exists. Sign in instead.", field="email")
    user = User(
        email=email,
        name=name,
        role=role,
        password_hash=hash_password(password) if password is not None else None,
        email_verified_at=clock.now() if verified else None,
    )
    session.add(user)
    session.flush()
    return user


def authenticate(*, session: Session, email: str, password: str) -> User | None:
    """Return the user when email and password match an active account."""
    user = get_by_email(session=session, email=(email or "").strip())
    ok = verify_password(password or "", user.password_hash if user else None)
    if not ok or user is None or not user.is_active:
        return None
    return user


def update_profile(
    *, session: Session, user: User, name: str, timezone: str | None = None, language: str | None = None
) -> User:
    """Change the display name, time zone and language."""
    user.name = clean_name(name)
    if timezone is not None:
        user.timezone = _check_timezone(timezone)
    if language is not None:
        if language not in ("en", "zh", "es", "fr", "de"):
            raise ValidationError("Unsupported language.", field="language")
        user.language = language
    session.add(user)
    return user


def _check_timezone(value: str) -> str:
    """Accept only IANA time zone names."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError("Unknown time zone.", field="timezone") from exc
    return value


def set_password(*, session: Session, user: User, new_password: str) -> None:
    """Set a new password after checking its strength."""
    check_password_strength(new_password, email=user.email, field="new_password")
    user.password_hash = hash_password(new_password)
    session.add(user)


def change_password(*, session: Session, user: User, current_password: str, new_password: str) -> None:
    """Change the password, requiring the current one when the account has one."""
    if user.password_hash and not verify_password(current_password or "", user.password_hash):
        raise ValidationError("Your current password is not correct.", field="current_password")
    set_password(session=session, user=user, new_password=new_password)


def change_email(*, session: Session, user: User, new_email: str, password: str) -> User:
    """Change the email address; it must be verified again."""
    if user.password_hash and not verify_password(password or "", user.password_hash):
        raise ValidationError("Your password is not correct.", field="password")
    email = normalize_email(new_email)
    if email == user.email:
        return user
    if get_by_email(session=session, email=email):
        raise Conflict("Another account uses this email address.", field="email")
    user.email = email
    user.email_verified_at = None
    session.add(user)
    return user


def check_deletable(*, session: Session, user: User, password: str | None, by_admin: bool = False) -> None:
    """Refuse to delete an account without its password (unless an admin erases it), or the last admin."""
    if not by_admin and user.password_hash and not verify_password(password or "", user.password_hash):
        raise ValidationError("Your password is not correct.", field="password")
    if user.role == ROLE_ADMIN and count_admins(session=session) <= 1:
        raise PermissionDenied("You are the last admin; make someone else an admin first.")


def delete(*, session: Session, user: User, password: str | None, by_admin: bool = False) -> None:
    """Delete an account and everything it owns (rows cascade); `by_admin` once the caller checked the admin."""
    check_deletable(session=session, user=user, password=password, by_admin=by_admin)
    session.delete(user)
    session.flush()


def count_admins(*, session: Session) -> int:
    """Number of active admins."""
    query = select(func.count()).select_from(User).where(User.role == ROLE_ADMIN, User.is_active)
    return session.exec(query).one()


def set_role(*, session: Session, actor: User, user: User, role: str) -> User:
    """Change a user's role; only admins may do it."""
    require_admin(actor)
    if role not in (ROLE_USER, ROLE_ADMIN):
        raise ValidationError("Unknown role.", field="role")
    if user.role == ROLE_ADMIN and role != ROLE_ADMIN and count_admins(session=session) <= 1:
        raise PermissionDenied("At least one admin must remain.")
    before, user.role = user.role, role
    session.add(user)
    if before != role:
        audit.record(
            session=session,
            action="admin.role_changed",
            subject_id=user.id,
            actor_id=actor.id,
            target_type="user",
            target_id=str(user.id),
            before={"role": before},
            after={"role": role},
        )
    return user


def require_admin(user: User | None) -> None:
    """Raise PermissionDenied unless the user is an admin (RBAC lives here, not only in the UI)."""
    if user is None or user.role != ROLE_ADMIN or not user.is_active:
        raise PermissionDenied("Only administrators may do this.")


def list_(*, session: Session, actor: User, offset: int = 0, limit: int = 50) -> list[User]:
    """List accounts, newest first (admins only)."""
    require_admin(actor)
    query = select(User).order_by(User.created_at.desc()).offset(offset).limit(min(limit, 200))
    return list(session.exec(query))
