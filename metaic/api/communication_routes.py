"""`/api/v1/templates` and `/api/v1/contacts/{id}/messages`: message templates, preview, send now or later."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["communication"])
