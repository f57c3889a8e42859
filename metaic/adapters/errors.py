"""The one error every provider client raises, so callers can tell a retry from a give-up."""

from __future__ import annotations


class ProviderError(Exception):
    """A provider refused or failed a request; `permanent` means retrying will not help."""

    def __init__(self, message: str, *, permanent: bool = False, status: int | None = None):
        super().__init__(message)
        self.permanent = permanent
        self.status = status


class RecipientGone(ProviderError):
    """The address no longer exists (an expired push subscription, an unregistered app): forget it."""

    def __init__(self, message: str, *, status: int | None = None):
        super().__init__(message, permanent=True, status=status)
