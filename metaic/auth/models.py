"""Account tables (users, sessions, MFA, API refresh tokens, social logins) and their schemas."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from metaic.core.encrypted_types import EncryptedText
from metaic.core.models import created_at_field, utc_column, uuid_pk
from metaic.core.times import UtcDatetime

ROLE_USER = "user"
ROLE_ADMIN = "admin"


class User(SQLModel, table=True):
    """A person with an account."""

    __tablename__ = "users"

    id: uuid.UUID = uuid_pk()
    email: str = Field(max_length=254, unique=True, index=True)
    name: str = Field(default="", max_length=120)
    password_hash: str | None = Field(default=None, max_length=255)
    role: str = Field(default=ROLE_USER, max_length=16)
    is_active: bool = True
    email_verified_at: datetime | None = utc_column(default=None)
    # E.164, encrypted at rest; nothing looks a user up by phone (no blind index needed).
    phone: str | None = Field(default=None, sa_type=EncryptedText("users.phone"))
    phone_verified_at: datetime | None = utc_column(default=None)
    # The TOTP secret, encrypted at rest (metaic/core/fieldcrypt.py).
    mfa_secret: str | None = Field(default=None, sa_type=EncryptedText("users.mfa_secret"))
    mfa_enabled_at: datetime | None = utc_column(default=None)
    timezone: str = Field(default="UTC", max_length=64)
    language: str = Field(default="en", max_length=8)
    created_at: datetime = created_at_field()
    last_login_at: datetime | None = utc_column(default=None)
    # In every access token; bumped when the password, MFA or sign-outs change, which voids the older tokens.
    credential_version: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class UserRead(BaseModel):
    """What the UI and the API may show about a user (never hashes or secrets)."""

    id: uuid.UUID
    email: str
    name: str
    role: str
    email_verified: bool
    phone: str | None
    phone_verified: bool
    mfa_enabled: bool
    has_password: bool
    timezone: str
    language: str
    created_at: UtcDatetime

    @classmethod
    def of(cls, user: User) -> UserRead:
        """Build the public view of a user."""
        return cls(
            id=user.id,
            email=user.email,
            name=user.name,
            role=user.role,
            email_verified=user.email_verified_at is not None,
            phone=user.phone,
            phone_verified=user.phone_verified_at is not None,
            mfa_enabled=user.mfa_enabled_at is not None,
            has_password=user.password_hash is not None,
            timezone=user.timezone,
            language=user.language,
            created_at=user.created_at,
        )


class UserSession(SQLModel, table=True):
    """A signed-in browser; the cookie holds a random id, the table only its digest."""

    __tablename__ = "user_sessions"

    id: str = Field(primary_key=True, max_length=64)
    user_id: uuid.UUID = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    created_at: datetime = created_at_field()
    last_seen_at: datetime = created_at_field()
    expires_at: datetime = utc_column()
    activated_at: datetime | None = utc_column(default=None)
    revoked_at: datetime | None = utc_column(default=None)
    remember: bool = False
    ip: str = Field(default="", max_length=64)
    user_agent: str = Field(default="", max_length=400)


class SessionRead(BaseModel):
    """A session as shown on the security page."""

    id: str
    created_at: UtcDatetime
    last_seen_at: UtcDatetime
    expires_at: UtcDatetime
    ip: str
    device: str
    current: bool = False


class RecoveryCode(SQLModel, table=True):
    """A single-use MFA recovery code (digest only)."""

    __tablename__ = "mfa_recovery_codes"

    id: uuid.UUID = uuid_pk()
    user_id: uuid.UUID = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    code_hash: str = Field(max_length=64)
    used_at: datetime | None = utc_column(default=None)


class PhoneVerification(SQLModel, table=True):
    """A pending phone verification code."""

    __tablename__ = "phone_verifications"

    id: uuid.UUID = uuid_pk()
    user_id: uuid.UUID = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    phone: str = Field(sa_type=EncryptedText("phone_verifications.phone"))
    code_hash: str = Field(max_length=64)
    attempts: int = 0
    created_at: datetime = created_at_field()
    expires_at: datetime = utc_column()
    used_at: datetime | None = utc_column(default=None)


class RefreshToken(SQLModel, table=True):
    """An API refresh token; each use rotates it within its family."""

    __tablename__ = "refresh_tokens"

    id: uuid.UUID = uuid_pk()
    user_id: uuid.UUID = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    family_id: uuid.UUID = Field(index=True)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = created_at_field()
    expires_at: datetime = utc_column()
    used_at: datetime | None = utc_column(default=None)
    revoked_at: datetime | None = utc_column(default=None)


class SocialAccount(SQLModel, table=True):
    """A link between a user and an identity at Google, Apple or WeChat."""

    __tablename__ = "social_accounts"
    __table_args__ = (UniqueConstraint("provider", "subject"),)

    id: uuid.UUID = uuid_pk()
    user_id: uuid.UUID = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    provider: str = Field(max_length=16)
    subject: str = Field(max_length=255)
    email: str | None = Field(default=None, max_length=254)
    created_at: datetime = created_at_field()


class ApiKey(SQLModel, table=True):
    """A personal API key: shown once, stored as a hash, limited to scopes, revocable, last use recorded."""

    __tablename__ = "api_keys"

    id: uuid.UUID = uuid_pk()
    owner_id: uuid.UUID = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=80)
    prefix: str = Field(max_length=16, index=True)  # the first characters, shown to tell keys apart
    key_hash: str = Field(max_length=64, unique=True, index=True)
    scopes: str = Field(max_length=400)  # comma-separated "<area>:read" / "<area>:write"
    created_at: datetime = created_at_field()
    last_used_at: datetime | None = utc_column(default=None)
    revoked_at: datetime | None = utc_column(default=None)
