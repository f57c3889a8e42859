"""Issue 11 #11: the OpenAPI document says what the errors look like, and the errors look like that."""

from __future__ import annotations

import uuid

import pytest
from pydantic import TypeAdapter

from metaic.api.app import build_api
from metaic.api.errors import PROBLEM, ProblemDetails
from metaic.communication import templates
from tests.api.test_contacts_api import bearer
from tests.support.http import problem

REF = {"$ref": "#/components/schemas/ProblemDetails"}


@pytest.fixture(scope="module")
def spec() -> dict:
    """The served document, as a client reads it."""
    return build_api().openapi()


def _operations(spec: dict) -> list[tuple[str, str, dict]]:
    """Every /api/v1 operation: (path, method, operation)."""
    return [
        (path, method, operation)
        for path, operations in spec["paths"].items()
        if path.startswith("/api/v1/")
        for method, operation in operations.items()
    ]


def test_the_document_covers_the_api(spec):
    assert len(_operations(spec)) > 40


def test_every_operation_documents_its_problem_answers(spec):
    missing = []
    for path, method, operation in _operations(spec):
        expected = {"401", "403", "422", "429"} | ({"404"} if "{" in path else set())
        expected |= {"409"} if method in ("post", "put", "patch") else set()
        for status in sorted(expected):
            answer = operation["responses"].get(status)
            if answer is None or answer.get("content") != {PROBLEM: {"schema": REF}} or not answer["description"]:
                missing.append((method, path, status))
    assert missing == []


def test_every_documented_client_error_is_a_problem_and_fastapis_422_is_gone(spec):
    for path, method, operation in _operations(spec):
        for status, answer in operation["responses"].items():
            if status.startswith("4"):
                assert answer["content"] == {PROBLEM: {"schema": REF}}, (method, path, status)
    assert "HTTPValidationError" not in str(spec)
    assert spec["paths"]["/api/v1/conversations"]["post"]["responses"]["403"]["description"].startswith("Not linked")
    retry = spec["paths"]["/api/v1/templates"]["post"]["responses"]["429"]["headers"]["Retry-After"]
    assert retry["schema"] == {"type": "integer"}


def test_the_problem_schema_is_a_component(spec):
    schema = spec["components"]["schemas"]["ProblemDetails"]
    assert set(schema["required"]) == {"type", "title", "status", "detail"}
    assert set(schema["properties"]) == {"type", "title", "status", "detail", "errors"}


def test_real_problem_answers_match_the_documented_schema(client):
    """A 401, 404, 409, 422 (from a parameter and from a body) and 429 each parse as the documented ProblemDetails."""
    ada = bearer("ada@example.com")
    answers = [
        problem(client.get("/api/v1/templates"), 401),
        problem(client.get(f"/api/v1/templates/{uuid.uuid4()}", headers=ada), 404),
        problem(client.get("/api/v1/templates/not-a-uuid", headers=ada), 422),
        problem(client.post("/api/v1/templates", json={"name": 5}, headers=ada), 422),
    ]
    client.post("/api/v1/templates", json={"name": "Twice", "body": "Hi"}, headers=ada)
    answers.append(problem(client.post("/api/v1/templates", json={"name": "twice", "body": "Hi"}, headers=ada), 409))
    for i in range(templates.SAVES_PER_WINDOW):
        client.post("/api/v1/templates", json={"name": f"T{i}", "body": "Hi"}, headers=ada)
    answers.append(problem(client.post("/api/v1/templates", json={"name": "Late", "body": "Hi"}, headers=ada), 429))
    parsed = TypeAdapter(list[ProblemDetails]).validate_python(answers, strict=True)
    assert [p.status for p in parsed] == [401, 404, 422, 422, 409, 429]
    assert parsed[3].errors and all(isinstance(v, str) for v in parsed[3].errors.values())
