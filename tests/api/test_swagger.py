"""Swagger UI at /api/v1/docs: a page, its starter, styles and the vendored bundle, all from this server."""

from __future__ import annotations

import re

from metaic.api.docs_swagger import SWAGGER_INIT, SWAGGER_SCRIPT, SWAGGER_STYLE
from metaic.web import security


def test_swagger_page_names_only_files_from_this_server(client):
    """No jsDelivr, no inline script: the page loads our bundle, styles and starter."""
    page = client.get("/api/v1/docs")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert re.findall(r'<script src="([^"]+)"', page.text) == [SWAGGER_SCRIPT, SWAGGER_INIT]
    assert re.findall(r'<link rel="stylesheet" href="([^"]+)"', page.text) == [SWAGGER_STYLE]
    assert "http" not in page.text and "<script>" not in page.text
    init = client.get(SWAGGER_INIT)
    assert 'url: "/api/v1/openapi.json"' in init.text and "validatorUrl: null" in init.text
    assert "/api/v1/docs" not in client.get("/api/v1/openapi.json").json()["paths"]


def test_swagger_bundle_and_styles_are_gzipped_and_immutable(client):
    """Sent gzipped as stored to browsers that accept it, unpacked to those that do not; cached for a year."""
    packed = client.get(SWAGGER_SCRIPT, headers={"Accept-Encoding": "gzip"})
    assert packed.headers["content-encoding"] == "gzip" and "immutable" in packed.headers["cache-control"]
    assert 400_000 < int(packed.headers["content-length"]) < 600_000
    plain = client.get(SWAGGER_SCRIPT, headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and b"SwaggerUIBundle" in plain.content
    style = client.get(SWAGGER_STYLE, headers={"Accept-Encoding": "identity"})
    assert style.headers["content-type"].startswith("text/css") and b".swagger-ui" in style.content


def test_swagger_policy_allows_only_this_server():
    """Scripts from this server only; its styles may be inline (Swagger UI sets them on elements)."""
    policy = dict(security.headers_for("/api/v1/docs"))[b"content-security-policy"].decode()
    assert "script-src 'self';" in policy and "https:" not in policy and "unsafe-eval" not in policy
    assert dict(security.headers_for(SWAGGER_SCRIPT))[b"content-security-policy"].decode() == policy
