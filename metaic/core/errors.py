"""Domain exceptions; the edges (UI, API) map them to toasts and HTTP statuses."""

from __future__ import annotations


class DomainError(Exception):
    """Base class for errors a user can act on; `message` is safe to show."""

    status = 400
    code = "invalid"

    def __init__(self, message: str, *, field: str | None = None, errors: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.errors = errors or ({field: message} if field else {})


class ValidationError(DomainError):
    """Input broke a rule; `errors` maps field names to messages."""

    status = 422
    code = "validation_error"


class NotFound(DomainError):
    """The thing does not exist, or the caller may not know it exists."""

    status = 404
    code = "not_found"


class PermissionDenied(DomainError):
    """The caller is known but not allowed to do this."""

    status = 403
    code = "forbidden"


class AuthenticationFailed(DomainError):
    """Credentials or a token were wrong, expired or revoked."""

    status = 401
    code = "unauthenticated"


class Conflict(DomainError):
    """The change clashes with existing data (a taken email, a reused slug)."""

    status = 409
    code = "conflict"


class RateLimited(DomainError):
    """Too many attempts; `retry_after` says how many seconds to wait."""

    status = 429
    code = "rate_limited"

    def __init__(self, retry_after: int):
        super().__init__(f"Too many attempts. Try again in {retry_after} s.")
        self.retry_after = retry_after
