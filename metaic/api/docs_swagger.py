"""Swagger UI at /api/v1/docs, served from this repository (no CDN): the page, its starter and the bundle.

FastAPI's own page loads Swagger UI from jsDelivr and starts it with an inline script; this one works
offline and lets the page's policy allow scripts from this server only (metaic/web/security.py).
"""

from __future__ import annotations

import gzip
from functools import cache
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response

DOCS_PATH = "/api/v1/docs"
SWAGGER_VERSION = "5.36.0"  # metaic/api/static/swagger/README.md says where the files come from
SWAGGER_SCRIPT = f"{DOCS_PATH}/swagger-ui-{SWAGGER_VERSION}-bundle.js"
SWAGGER_STYLE = f"{DOCS_PATH}/swagger-ui-{SWAGGER_VERSION}.css"
SWAGGER_INIT = f"{DOCS_PATH}/init.js"
IMMUTABLE = "public, max-age=31536000, immutable"
_FOLDER = Path(__file__).parent / "static" / "swagger"

_PAGE = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>MetaIC API - Swagger UI</title>
<link rel="icon" href="/favicon.ico">
<link rel="stylesheet" href="{SWAGGER_STYLE}">
</head>
<body>
<div id="swagger-ui"></div>
<script src="{SWAGGER_SCRIPT}"></script>
<script src="{SWAGGER_INIT}"></script>
</body>
</html>
"""
# The same options FastAPI's page sets, minus the online validator badge (it would call validator.swagger.io).
_INIT = """window.ui = SwaggerUIBundle({
  url: "/api/v1/openapi.json",
  dom_id: "#swagger-ui",
  layout: "BaseLayout",
  deepLinking: true,
  showExtensions: true,
  showCommonExtensions: true,
  validatorUrl: null,
  persistAuthorization: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset]
});
"""


@cache
def _stored(name: str) -> bytes:
    """One gzipped vendored file (read once)."""
    return (_FOLDER / name).read_bytes()


def gzipped_answer(request: Request, stored: bytes, media_type: str) -> Response:
    """A gzipped file as stored when the browser accepts gzip, else unpacked; cached for a year."""
    headers = {"Cache-Control": IMMUTABLE, "Vary": "Accept-Encoding"}
    if "gzip" in request.headers.get("accept-encoding", ""):
        return Response(stored, media_type=media_type, headers={**headers, "Content-Encoding": "gzip"})
    return Response(gzip.decompress(stored), media_type=media_type, headers=headers)


def install(api: FastAPI) -> None:
    """Serve Swagger UI for `api`'s OpenAPI document (left out of that document); FastAPI's docs_url is off."""

    @api.get(DOCS_PATH, include_in_schema=False)
    def swagger_page() -> HTMLResponse:
        """The Swagger UI page of /api/v1/openapi.json."""
        return HTMLResponse(_PAGE, headers={"Cache-Control": "no-cache"})

    @api.get(SWAGGER_INIT, include_in_schema=False)
    def swagger_init() -> Response:
        """Starts Swagger UI (in a file, so the page needs no inline script)."""
        return Response(_INIT, media_type="text/javascript", headers={"Cache-Control": "no-cache"})

    @api.get(SWAGGER_SCRIPT, include_in_schema=False)
    def swagger_script(request: Request) -> Response:
        """The vendored Swagger UI bundle."""
        return gzipped_answer(request, _stored("swagger-ui-bundle.js.gz"), "text/javascript")

    @api.get(SWAGGER_STYLE, include_in_schema=False)
    def swagger_style(request: Request) -> Response:
        """The vendored Swagger UI styles."""
        return gzipped_answer(request, _stored("swagger-ui.css.gz"), "text/css")
