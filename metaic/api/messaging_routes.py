"""`/api/v1/conversations`: in-app messages between MetaIC users."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api/v1/conversations", tags=["messaging"])
