"""The pure helpers behind the Reflex state: cookie parsing and redirect targets."""

from __future__ import annotations

import pytest

from metaic.ui.state.auth import oauth_error_text, safe_next
from metaic.ui.state.session import cookie_token


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("metaic_session=abc123", "abc123"),
        ("theme=dark; metaic_session=tok-en_1; other=x", "tok-en_1"),
        ("theme=dark", None),
        ("", None),
        ('metaic_session="unterminated', None),
    ],
)
def test_cookie_token_reads_only_the_session_cookie(header, expected):
    assert cookie_token(header) == expected


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/account", "/account"),
        ("/cards/edit?id=1", "/cards/edit?id=1"),
        ("//evil.example", "/dashboard"),
        ("https://evil.example", "/dashboard"),
        ("/\\evil.example", "/dashboard"),
        ("", "/dashboard"),
        (None, "/dashboard"),
    ],
)
def test_safe_next_only_allows_same_site_paths(target, expected):
    assert safe_next(target) == expected


def test_oauth_error_codes_have_specific_text_and_a_fallback():
    assert "cancelled" in oauth_error_text("denied")
    assert "another MetaIC account" in oauth_error_text("linked_elsewhere")
    assert oauth_error_text("something-new") == oauth_error_text("provider")
