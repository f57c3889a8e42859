"""API documentation beside Swagger UI: the Postman collection at /api/v1/postman.json."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import JSONResponse

from metaic.api import postman
from metaic.config import get_settings

POSTMAN_PATH = "/api/v1/postman.json"


def install(api: FastAPI) -> None:
    """Serve the Postman collection of `api`'s own OpenAPI document (left out of that document)."""

    @api.get(POSTMAN_PATH, include_in_schema=False)
    def postman_collection() -> JSONResponse:
        """The Postman v2.1 collection, with baseUrl set to this deployment's public address."""
        data = postman.collection(api.openapi(), base_url=get_settings().public_base_url.rstrip("/"))
        disposition = 'inline; filename="metaic.postman_collection.json"'
        return JSONResponse(data, headers={"Content-Disposition": disposition, "Cache-Control": "no-cache"})
