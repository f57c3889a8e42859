"""ReDoc at /api/v1/redoc: a page, its starter and the vendored bundle, all from this server."""

from __future__ import annotations

import gzip
import re

from metaic.api.docs_routes import REDOC_SCRIPT
from metaic.web import security


def test_redoc_page_and_bundle_are_served_locally(client):
    """The page names only our own scripts; the bundle is ReDoc, gzipped as stored or unpacked on request."""
    page = client.get("/api/v1/redoc")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    scripts = re.findall(r'<script src="([^"]+)"', page.text)
    assert scripts == [REDOC_SCRIPT, "/api/v1/redoc/init.js"] and "http" not in page.text.split("<body")[1]
    init = client.get("/api/v1/redoc/init.js")
    assert init.status_code == 200 and 'Redoc.init("/api/v1/openapi.json"' in init.text
    packed = client.get(REDOC_SCRIPT, headers={"Accept-Encoding": "gzip"})
    assert packed.status_code == 200 and packed.headers["content-encoding"] == "gzip"
    assert "immutable" in packed.headers["cache-control"] and 250_000 < int(packed.headers["content-length"]) < 400_000
    plain = client.get(REDOC_SCRIPT, headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and b"e.Redoc=" in plain.content
    assert packed.content == plain.content  # the client unpacked what was sent gzipped
    assert len(gzip.compress(plain.content)) > 250_000
    assert "/api/v1/redoc" not in client.get("/api/v1/openapi.json").json()["paths"]


def test_redoc_policy_allows_only_this_server():
    """Its Content-Security-Policy runs our scripts (no inline, no CDN) and ReDoc's blob: search worker."""
    policy = dict(security.headers_for("/api/v1/redoc"))[b"content-security-policy"].decode()
    assert "script-src 'self';" in policy and "worker-src blob:" in policy and "https:" not in policy
    assert dict(security.headers_for(REDOC_SCRIPT))[b"content-security-policy"].decode() == policy
