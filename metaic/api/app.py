"""The FastAPI app that Reflex mounts in front of its own routes."""

from __future__ import annotations

from fastapi import FastAPI

from metaic.api import (
    account_data_routes,
    ai_routes,
    analytics_routes,
    api_key_routes,
    audit_routes,
    communication_routes,
    contacts_routes,
    docs_routes,
    errors,
    files_routes,
    inbound_routes,
    messaging_routes,
    notifications_routes,
    oauth_routes,
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
        docs_url="/api/v1/docs",
        redoc_url=None,
    )
    errors.install(api, unavailable_page=responses.unavailable)
    api.include_router(session_routes.router)
    api.include_router(v1_auth.router)
    api.include_router(files_routes.router)
    api.include_router(notifications_routes.router)
    api.include_router(inbound_routes.router)
    api.include_router(contacts_routes.router)
    api.include_router(communication_routes.router)
    api.include_router(messaging_routes.router)
    api.include_router(ai_routes.router)
    api.include_router(audit_routes.router)
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
