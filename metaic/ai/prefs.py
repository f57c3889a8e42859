"""Each user's assistant settings: the external-provider opt-in and stripping contact details from prompts."""

from __future__ import annotations

import uuid

from pydantic import BaseModel
from sqlmodel import Session

from metaic.ai.models import AiPreference
from metaic.config import get_settings
from metaic.core import clock


class PreferencesRead(BaseModel):
    """What the settings page shows: the user's choices and whether a provider is configured at all."""

    external_opt_in: bool
    strip_contact_details: bool
    provider_configured: bool
    model: str


def load(*, session: Session, user_id: uuid.UUID) -> AiPreference:
    """The user's stored choices, or the defaults (not opted in) when none are stored."""
    found = session.get(AiPreference, user_id)
    if found is not None:
        return found
    return AiPreference(
        user_id=user_id, external_opt_in=False, strip_contact_details=get_settings().ai_strip_contact_details
    )


def read(*, session: Session, user_id: uuid.UUID) -> PreferencesRead:
    """The user's choices for display."""
    settings = get_settings()
    prefs = load(session=session, user_id=user_id)
    configured = settings.llm_backend == "openai"
    return PreferencesRead(
        external_opt_in=prefs.external_opt_in,
        strip_contact_details=prefs.strip_contact_details,
        provider_configured=configured,
        model=settings.openai_model if configured else "offline",
    )


def update(
    *,
    session: Session,
    user_id: uuid.UUID,
    external_opt_in: bool | None = None,
    strip_contact_details: bool | None = None,
) -> PreferencesRead:
    """Change the given choices; the others stay."""
    prefs = load(session=session, user_id=user_id)
    if external_opt_in is not None:
        prefs.external_opt_in = external_opt_in
    if strip_contact_details is not None:
        prefs.strip_contact_details = strip_contact_details
    prefs.updated_at = clock.now()
    session.add(prefs)
    session.flush()
    return read(session=session, user_id=user_id)
