"""The branded 404/429/503 pages are styled in the browser: their policy allows exactly their own style block."""

from __future__ import annotations

import base64
import hashlib
import re

from metaic.core.errors import RateLimited
from metaic.web import responses


def _allowed_styles(response) -> list[str]:
    """The style-src sources of a response's Content-Security-Policy."""
    policy = response.headers["content-security-policy"]
    return re.search(r"style-src ([^;]+)", policy).group(1).split()


def _hash(block: str) -> str:
    """The CSP source that allows one inline style block."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(block.encode()).digest()).decode() + "'"


def test_an_unknown_card_page_may_apply_its_inline_style(client):
    page = client.get("/c/no-such-card-here")
    assert page.status_code == 404
    blocks = re.findall(r"<style>(.*?)</style>", page.text, flags=re.S)
    assert blocks and ".msg{" in blocks[0]  # the layout lives in the page's own block
    styles = _allowed_styles(page)
    assert _hash(blocks[0]) in styles and "'self'" in styles
    assert "'unsafe-inline'" not in styles  # only that block, nothing injected


def test_429_and_503_pages_carry_the_same_allowance():
    for answer in (responses.too_many(RateLimited(retry_after=5), html=True), responses.unavailable(3)):
        blocks = re.findall(r"<style>(.*?)</style>", answer.body.decode(), flags=re.S)
        assert _hash(blocks[0]) in _allowed_styles(answer)
