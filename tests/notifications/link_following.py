"""Following a link as a browser would: to a Reflex page that reads its query parameters, or to an HTTP route
of the app that answers (redirects followed). Used by tests/notifications/test_links.py."""

from __future__ import annotations

import inspect
import re
import sys
from email.message import Message
from functools import cache
from urllib.parse import parse_qs, urlsplit

from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.routing import Match

from metaic.config import get_settings

URL_IN_TEXT = re.compile(r"https?://[^\s<>\"']+")
HREF = re.compile(r'href="([^"]+)"')
PARAM_READ = re.compile(r"""(?:query_parameters|params)\.get\(\s*["'](\w+)["']""")


@cache
def _app():
    """The Reflex app object exactly as `reflex run` builds it (pages + the mounted HTTP API)."""
    from metaic.metaic import app

    return app


@cache
def pages() -> dict[str, frozenset[str]]:
    """Each page route the app registers -> the query parameters its on_load handlers read."""
    pages = {}
    for key in _app()._unevaluated_pages:
        route = "/" if key == "index" else "/" + key.strip("/")
        read: set[str] = set()
        for handler in _app()._load_events.get(key, []):
            state_class = getattr(sys.modules[handler.fn.__module__], handler.fn.__qualname__.split(".")[0])
            for cls in state_class.__mro__:  # the state and the mixins it reads through (e.g. the period picker)
                if cls.__module__.startswith("metaic."):
                    read |= set(PARAM_READ.findall(inspect.getsource(cls)))
        pages[route] = frozenset(read)
    return pages


def _http_app() -> FastAPI:
    """The HTTP app mounted over Reflex's routes (the first of the app's transformers; the rest are middleware)."""
    [api] = [t for t in _app().api_transformer if isinstance(t, FastAPI)]
    return api


def http_route(path: str) -> bool:
    """Whether one of the app's HTTP routes answers GET on this path."""
    scope = {"type": "http", "path": path, "method": "GET", "root_path": ""}
    return any(route.matches(scope)[0] == Match.FULL for route in _http_app().router.routes)


def follow(url: str, hops: int = 0) -> tuple[str, dict[str, list[str]]]:
    """Open a link as a browser would; returns the page it lands on and the query it carries, or fails."""
    parts = urlsplit(url)
    base = get_settings().public_base_url.rstrip("/")
    if parts.scheme or parts.netloc:
        assert f"{parts.scheme}://{parts.netloc}" == base, f"{url} leaves the site"
    path, query = parts.path.rstrip("/") or "/", parse_qs(parts.query, keep_blank_values=True)
    assert path.startswith("/"), f"{url} is not a site path"
    if path in pages():
        unread = set(query) - pages()[path]
        assert not unread, f"{url}: the page {path} never reads {sorted(unread)}"
        return path, query
    assert http_route(path), f"{url}: no page and no HTTP route at {path}"
    response = TestClient(_http_app()).get(url if parts.scheme else base + url, follow_redirects=False)
    assert response.status_code < 400, f"{url} answered {response.status_code}"
    if response.is_redirect:
        assert hops < 5, f"{url} redirects in a loop"
        return follow(response.headers["location"], hops + 1)
    return path, query


def email_links(message: Message) -> list[str]:
    """Every link in an email: the HTML part's hrefs, the text part's URLs, the List-Unsubscribe header."""
    found = [message["List-Unsubscribe"].strip("<>")] if message["List-Unsubscribe"] else []
    for part in message.walk():
        if part.get_content_maintype() != "text":
            continue
        text = part.get_payload(decode=True).decode()
        found += HREF.findall(text) if part.get_content_subtype() == "html" else URL_IN_TEXT.findall(text)
    return found
