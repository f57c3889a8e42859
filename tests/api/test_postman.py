"""The Postman collection: v2.1 shape, every OpenAPI operation once, path variables, working example requests."""

from __future__ import annotations

import json
import re

import jsonschema
import pytest

from metaic.api import postman
from metaic.api.app import build_api
from metaic.auth import service as user_service
from metaic.cli import main
from metaic.db import session_scope

# The parts of the Postman v2.1 collection schema that this collection uses (required keys and types).
V21 = {
    "type": "object",
    "required": ["info", "item"],
    "properties": {
        "info": {
            "type": "object",
            "required": ["name", "schema", "_postman_id"],
            "properties": {"schema": {"const": postman.SCHEMA_URL}},
        },
        "auth": {"type": "object", "required": ["type"], "properties": {"type": {"enum": ["bearer", "noauth"]}}},
        "variable": {"type": "array", "items": {"type": "object", "required": ["key", "value"]}},
        "item": {"type": "array", "items": {"$ref": "#/$defs/folder"}},
    },
    "$defs": {
        "folder": {
            "type": "object",
            "required": ["name", "item"],
            "properties": {"item": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/request"}}},
        },
        "request": {
            "type": "object",
            "required": ["name", "request"],
            "properties": {
                "request": {
                    "type": "object",
                    "required": ["method", "url"],
                    "properties": {
                        "method": {"enum": ["GET", "PUT", "POST", "PATCH", "DELETE", "HEAD", "OPTIONS"]},
                        "header": {"type": "array", "items": {"type": "object", "required": ["key", "value"]}},
                        "url": {
                            "type": "object",
                            "required": ["raw", "host", "path"],
                            "properties": {
                                "raw": {"type": "string", "pattern": "^\\{\\{baseUrl\\}\\}/"},
                                "host": {"const": ["{{baseUrl}}"]},
                                "path": {"type": "array", "items": {"type": "string"}},
                                "variable": {"type": "array", "items": {"required": ["key", "value"]}},
                                "query": {"type": "array", "items": {"required": ["key", "value"]}},
                            },
                        },
                        "body": {
                            "type": "object",
                            "required": ["mode"],
                            "properties": {"mode": {"enum": ["raw", "formdata", "urlencoded"]}},
                        },
                    },
                },
                "response": {"type": "array"},
            },
        },
    },
}


@pytest.fixture(scope="module")
def openapi() -> dict:
    """The app's OpenAPI document."""
    return build_api().openapi()


def _requests(collection: dict) -> list[dict]:
    """Every request item of the collection."""
    return [item for folder in collection["item"] for item in folder["item"]]


def _operations(openapi: dict) -> list[tuple[str, str]]:
    """(METHOD, path) of every OpenAPI operation."""
    return [
        (method.upper(), path)
        for path, item in openapi["paths"].items()
        for method in item
        if method in postman.METHODS
    ]


def _as_template(request: dict) -> tuple[str, str]:
    """(METHOD, /path/{var}) of a Postman request, its `:var` segments back in OpenAPI form."""
    path = "/" + "/".join(re.sub(r"^:(\w+)$", r"{\1}", part) for part in request["url"]["path"])
    return request["method"], path


def test_cli_writes_a_v21_collection_with_every_operation_once(openapi, tmp_path, capsys):
    """`python -m metaic api postman -o FILE`: valid shape, a folder per tag, each operation exactly once."""
    out = tmp_path / "metaic.postman_collection.json"
    assert main(["api", "postman", "-o", str(out), "--base-url", "https://cards.example.com"]) == 0
    collection = json.loads(out.read_text())
    jsonschema.validate(collection, V21)
    assert {"key": "baseUrl", "value": "https://cards.example.com", "type": "string"} in collection["variable"]
    assert collection["auth"]["bearer"][0]["value"] == "{{accessToken}}"
    seen = [_as_template(item["request"]) for item in _requests(collection)]
    assert len(seen) == len(set(seen)) and sorted(seen) == sorted(_operations(openapi))
    tags = {op["tags"][0] for item in openapi["paths"].values() for op in item.values() if isinstance(op, dict)}
    assert {folder["name"] for folder in collection["item"]} == tags
    assert re.search(r"\d+ folders, \d+ requests", capsys.readouterr().err)


def test_path_parameters_become_postman_variables(openapi):
    """`{contact_id}` is `:contact_id` in the path and the raw URL, with a url.variable entry of that name."""
    collection = postman.collection(openapi)
    with_params = 0
    for item in _requests(collection):
        _, template = _as_template(item["request"])
        names = re.findall(r"\{(\w+)\}", template)
        url = item["request"]["url"]
        assert [variable["key"] for variable in url.get("variable", [])] == names
        for name in names:
            assert f":{name}" in url["path"] and f"/:{name}" in url["raw"]
        with_params += bool(names)
    assert with_params >= 20


def test_json_example_bodies_satisfy_their_schemas(openapi):
    """Each raw JSON body validates against the operation's request schema."""
    collection = postman.collection(openapi)
    by_operation = {_as_template(item["request"]): item["request"] for item in _requests(collection)}
    checked = 0
    for path, path_item in openapi["paths"].items():
        for method, operation in path_item.items():
            content = operation.get("requestBody", {}).get("content", {}) if isinstance(operation, dict) else {}
            if "application/json" not in content:
                continue
            body = by_operation[(method.upper(), path)]["body"]
            schema = {**content["application/json"]["schema"], "components": openapi["components"]}
            jsonschema.validate(json.loads(body["raw"]), schema)
            checked += 1
    assert checked >= 20


def test_token_requests_store_the_access_token(openapi):
    """The sign-in and refresh requests carry a test script that fills {{accessToken}}."""
    collection = postman.collection(openapi)
    storing = {_as_template(item["request"]) for item in _requests(collection) if item.get("event")}
    assert {("POST", "/api/v1/auth/token"), ("POST", "/api/v1/auth/refresh")} <= storing
    assert ("POST", "/api/v1/auth/signup") not in storing


def test_served_collection_matches_and_its_examples_work(client):
    """/api/v1/postman.json is the same collection; its token and create-contact examples succeed as written."""
    served = client.get("/api/v1/postman.json")
    assert served.status_code == 200 and served.headers["content-type"].startswith("application/json")
    collection = served.json()
    assert collection == postman.collection(client.app.openapi(), base_url="http://testserver")
    assert "/api/v1/postman.json" not in client.get("/api/v1/openapi.json").json()["paths"]
    requests = {_as_template(item["request"]): item["request"] for item in _requests(collection)}
    token_body = json.loads(requests[("POST", "/api/v1/auth/token")]["body"]["raw"])
    with session_scope() as s:
        user_service.create(session=s, email=token_body["email"], password=token_body["password"], verified=True)
    token = client.post("/api/v1/auth/token", json=token_body)
    assert token.status_code == 200, token.text
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    create = requests[("POST", "/api/v1/contacts")]
    made = client.post(
        create["url"]["raw"].replace("{{baseUrl}}", ""),
        content=create["body"]["raw"],
        headers={
            **headers,
            "Content-Type": "application/json",
        },
    )
    assert made.status_code == 201, made.text
    listed = client.get(requests[("GET", "/api/v1/contacts")]["url"]["raw"].replace("{{baseUrl}}", ""), headers=headers)
    assert [row["full_name"] for row in listed.json()["items"]] == ["Ada Lovelace"]


def test_a_missing_operation_would_be_noticed(openapi):
    """The checks can fail: a document with one more operation no longer matches the collection."""
    collection = postman.collection(openapi)
    grown = json.loads(json.dumps(openapi))
    grown["paths"]["/api/v1/extra/{thing_id}"] = {"get": {"tags": ["extra"], "responses": {}}}
    seen = sorted(_as_template(item["request"]) for item in _requests(collection))
    assert seen != sorted(_operations(grown))
    extra = postman.collection(grown)["item"][-1]["item"][0]["request"]["url"]
    assert extra["variable"][0]["key"] == "thing_id" and extra["path"][-1] == ":thing_id"


def test_create_requests_offer_a_fresh_idempotency_key(openapi):
    """Each create carries an (optional) Idempotency-Key set to Postman's per-send UUID."""
    collection = postman.collection(openapi)
    create = next(
        item["request"] for item in _requests(collection) if _as_template(item["request"]) == ("POST", "/api/v1/cards")
    )
    assert {"key": "Idempotency-Key", "value": "{{$guid}}", "disabled": True} in create["header"]
