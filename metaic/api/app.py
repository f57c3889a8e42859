"""The FastAPI app that Reflex mounts in front of its own routes."""

from __future__ import annotations

from fastapi import FastAPI

from metaic.api import (
    account_data_routes,
    ai_chat_routes,
    ai_routes,
    analytics_routes,
    api_key_routes,
    audit_routes,
    cards_routes,
    communication_routes,
    contacts_routes,
    docs_routes,
    errors,
    files_routes,
    idempotency,
    inbound_routes,
    messaging_routes,
    moderation_routes,
    network_routes,
    notifications_routes,
    oauth_routes,
    scan_routes,
    search_routes,
    session_routes,
    v1_auth,
    webhook_routes,
)
from metaic.web import directory, ops_routes, public, responses
from metaic.wiring import wire


def build_api() -> FastAPI:
    """Assemble every HTTP router and the problem-details error handlers (wiring domain events first)."""
    wire()
    api = FastAPI(
        title="MetaIC API",
        version="1.0",
        openapi_url="/api/v1/openapi.json",
        docs_url=None,  # Swagger UI is served offline by metaic/api/docs_swagger.py
        redoc_url=None,
    )
    errors.install(api, unavailable_page=responses.unavailable)
    idempotency.install(api)  # Idempotency-Key on create routes
    api.include_router(session_routes.router)
    api.include_router(v1_auth.router)
    api.include_router(files_routes.router)
    api.include_router(notifications_routes.router)
    api.include_router(inbound_routes.router)
    api.include_router(cards_routes.router)
    api.include_router(contacts_routes.router)
    api.include_router(communication_routes.router)
    api.include_router(messaging_routes.router)
    api.include_router(ai_routes.router)
    api.include_router(scan_routes.router)
    api.include_router(ai_chat_routes.router)
    api.include_router(network_routes.router)
    api.include_router(audit_routes.router)
    api.include_router(moderation_routes.router)
    api.include_router(account_data_routes.router)
    api.include_router(api_key_routes.router)
    api.include_router(webhook_routes.router)
    api.include_router(search_routes.router)
    api.include_router(directory.router)
    api.include_router(public.router)
    oauth_routes.install(api)
    docs_routes.install(api)  # /api/v1/postman.json

    api.include_router(analytics_routes.router)
    api.include_router(ops_routes.router)  # /livez (and /healthz), /readyz, /metrics

    return api
