"""Assertions shared by the HTTP tests."""

from __future__ import annotations

PROBLEM = "application/problem+json"


def problem(response, status: int) -> dict:
    """Assert a problem-details response (RFC 9457) with this status and return its body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == status and body["title"] and body["type"].startswith("https://")
    return body
