"""API documentation: Swagger UI at /api/v1/docs and ReDoc at /api/v1/redoc (both served from this repository,
no CDN) and the Postman collection at /api/v1/postman.json."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from metaic.api import docs_swagger, postman
from metaic.config import get_settings

POSTMAN_PATH = "/api/v1/postman.json"
REDOC_PATH = "/api/v1/redoc"
REDOC_VERSION = "2.5.4"  # metaic/api/static/redoc/README.md says where the bundle comes from
REDOC_SCRIPT = f"{REDOC_PATH}/redoc-{REDOC_VERSION}.standalone.js"
REDOC_INIT = f"{REDOC_PATH}/init.js"
_BUNDLE = Path(__file__).parent / "static" / "redoc" / "redoc.standalone.js.gz"

_PAGE = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>MetaIC API reference</title>
<link rel="icon" href="/favicon.ico">
</head>
<body style="margin:0">
<div id="redoc"></div>
<script src="{REDOC_SCRIPT}"></script>
<script src="{REDOC_INIT}"></script>
</body>
</html>
"""
# In a file rather than inline, so the page's policy needs no 'unsafe-inline' for scripts.
_INIT = """Redoc.init("/api/v1/openapi.json", {
  hideDownloadButton: false,
  expandResponses: "200,201",
  sortPropsAlphabetically: false,
  jsonSampleExpandLevel: 3,
  theme: {
    colors: { primary: { main: "#4f46e5" } },
    typography: {
      fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
      headings: { fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif" },
      code: { fontFamily: "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace" }
    },
    sidebar: { backgroundColor: "#f8fafc" },
    rightPanel: { backgroundColor: "#1e1b4b" }
  }
}, document.getElementById("redoc"));
"""


@cache
def _bundle() -> bytes:
    """The gzipped ReDoc bundle (read once)."""
    return _BUNDLE.read_bytes()


def install(api: FastAPI) -> None:
    """Serve Swagger UI, ReDoc and the Postman collection of `api`'s OpenAPI document (all left out of it)."""
    docs_swagger.install(api)

    @api.get(POSTMAN_PATH, include_in_schema=False)
    def postman_collection() -> JSONResponse:
        """The Postman v2.1 collection, with baseUrl set to this deployment's public address."""
        data = postman.collection(api.openapi(), base_url=get_settings().public_base_url.rstrip("/"))
        disposition = 'inline; filename="metaic.postman_collection.json"'
        return JSONResponse(data, headers={"Content-Disposition": disposition, "Cache-Control": "no-cache"})

    @api.get(REDOC_PATH, include_in_schema=False)
    def redoc_page() -> HTMLResponse:
        """The ReDoc reference of /api/v1/openapi.json."""
        return HTMLResponse(_PAGE, headers={"Cache-Control": "no-cache"})

    @api.get(REDOC_INIT, include_in_schema=False)
    def redoc_init() -> Response:
        """Starts ReDoc with MetaIC's colours and the system fonts (nothing fetched from elsewhere)."""
        return Response(_INIT, media_type="text/javascript", headers={"Cache-Control": "no-cache"})

    @api.get(REDOC_SCRIPT, include_in_schema=False)
    def redoc_script(request: Request) -> Response:
        """The vendored ReDoc bundle."""
        return docs_swagger.gzipped_answer(request, _bundle(), "text/javascript")
