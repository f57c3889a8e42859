"""A Postman collection (format v2.1) built from the OpenAPI document: one folder per tag, one request per operation.

Requests use `{{baseUrl}}` and `:name` path variables, carry example bodies made from the schemas, and inherit
the collection's bearer auth (`{{accessToken}}`); the token operations store the new token in that variable.
"""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

SCHEMA_URL = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
DEFAULT_BASE_URL = "http://127.0.0.1:3000"
_FORMAT_EXAMPLES = {
    "email": "ada@example.com",
    "uuid": "00000000-0000-4000-8000-000000000000",
    "date-time": "2026-01-01T09:00:00Z",
    "date": "2026-01-01",
    "uri": "https://example.com",
    "binary": "",
}
# Realistic values by property name, so example bodies read like real requests (and pass validation).
_NAME_HINTS = (
    ("email", "ada@example.com"),
    ("password", "correct horse battery staple"),
    ("phone", "+14155550123"),
    ("full_name", "Ada Lovelace"),
    ("first_name", "Ada"),
    ("last_name", "Lovelace"),
    ("company", "Analytical Engines Ltd"),
    ("title", "Engineer"),
    ("url", "https://example.com"),
    ("link", "https://example.com"),
    ("address", "12 St James's Square, London"),
    ("name", "Ada Lovelace"),
)
_STORE_TOKEN = [
    "const body = pm.response.json();",
    "if (body.access_token) { pm.collectionVariables.set('accessToken', body.access_token); }",
    "if (body.refresh_token) { pm.collectionVariables.set('refreshToken', body.refresh_token); }",
]


def _resolve(doc: dict, schema: dict) -> dict:
    """Follow a local `$ref` to its schema."""
    while isinstance(schema, dict) and "$ref" in schema:
        node: Any = doc
        for part in schema["$ref"].removeprefix("#/").split("/"):
            node = node[part]
        schema = node
    return schema or {}


def _hint(name: str) -> str | None:
    """A realistic string for a property name, if it says what it holds."""
    lowered = name.lower()
    return next((value for key, value in _NAME_HINTS if key in lowered), None)


def example(doc: dict, schema: dict, depth: int = 0, name: str = "") -> Any:
    """An example value for a JSON schema: its example or default, else one made from its type (and name)."""
    schema = _resolve(doc, schema)
    if "example" in schema:
        return schema["example"]
    if schema.get("examples"):
        return schema["examples"][0]
    if schema.get("default") not in (None, "", [], {}):
        return schema["default"]
    if "default" in schema and schema["default"] is None:
        return None  # an optional field: leave it unset
    if schema.get("enum"):
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    options = [option for option in schema.get("anyOf", schema.get("oneOf", [])) if option.get("type") != "null"]
    if options:
        return example(doc, options[0], depth, name)
    if schema.get("allOf"):
        merged: dict = {}
        for part in schema["allOf"]:
            value = example(doc, part, depth, name)
            merged.update(value if isinstance(value, dict) else {})
        return merged
    if schema.get("type") == "string" and not schema.get("format") and _hint(name):
        return _hint(name)
    if "default" in schema and schema["default"] is not None:
        return schema["default"]
    return _from_type(doc, schema, depth, name)


def _from_type(doc: dict, schema: dict, depth: int, name: str) -> Any:
    """An example made from the schema's type and bounds."""
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        if depth > 4:
            return {}
        required = set(schema.get("required", []))
        return {
            key: example(doc, sub, depth + 1, f"{name}.{key}" if key == "value" else key)
            for key, sub in schema.get("properties", {}).items()
            # Optional references to other rows would point nowhere: leave them out.
            if key in required or not key.endswith(("_id", "_ids", "_jpeg"))
        }
    if kind == "array":
        return [] if depth > 4 else [example(doc, schema.get("items", {}), depth + 1, name)]
    if kind == "integer":
        return int(schema.get("minimum", schema.get("exclusiveMinimum", -1) + 1))
    if kind == "number":
        return float(schema.get("minimum", 0))
    if kind == "boolean":
        return False
    if kind == "string":
        if schema.get("format") in _FORMAT_EXAMPLES:
            return _FORMAT_EXAMPLES[schema["format"]]
        return "x" * max(int(schema.get("minLength", 0)), 0) or "string"
    return None


def _text(value: Any) -> str:
    """A parameter example as Postman shows it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    return value if isinstance(value, str) else json.dumps(value)


def _body(doc: dict, operation: dict) -> dict | None:
    """The request body in Postman's raw (JSON), formdata or urlencoded mode."""
    content = _resolve(doc, operation.get("requestBody", {})).get("content", {})
    if not content:
        return None
    media, spec = next(iter(content.items()))
    schema = _resolve(doc, spec.get("schema", {}))
    if media.startswith("multipart/form-data") or media == "application/x-www-form-urlencoded":
        fields = []
        for name, sub in schema.get("properties", {}).items():
            sub = _resolve(doc, sub)
            if sub.get("format") == "binary" or sub.get("contentMediaType"):
                fields.append({"key": name, "type": "file", "src": []})
            else:
                fields.append({"key": name, "value": _text(example(doc, sub, name=name)), "type": "text"})
        mode = "formdata" if media.startswith("multipart") else "urlencoded"
        if mode == "urlencoded":
            fields = [{key: value for key, value in field.items() if key != "type"} for field in fields]
        return {"mode": mode, mode: fields}
    value = spec.get("example", example(doc, schema))
    language = "json" if "json" in media else "text"
    raw = json.dumps(value, indent=2) if language == "json" else _text(value)
    return {"mode": "raw", "raw": raw, "options": {"raw": {"language": language}}}


def _url(doc: dict, path: str, parameters: list[dict]) -> dict:
    """The request URL: `{{baseUrl}}`, `:name` path variables and the (optional ones disabled) query."""
    segments = [re.sub(r"^\{([^}:]+)(?::[^}]*)?\}$", r":\1", part) for part in path.strip("/").split("/")]
    url: dict[str, Any] = {"raw": "{{baseUrl}}/" + "/".join(segments), "host": ["{{baseUrl}}"], "path": segments}
    variables, query = [], []
    for parameter in parameters:
        value = _text(parameter.get("example", example(doc, parameter.get("schema", {}), name=parameter["name"])))
        entry = {"key": parameter["name"], "value": value, "description": parameter.get("description", "")}
        if parameter["in"] == "path":
            variables.append(entry)
        elif parameter["in"] == "query":
            query.append({**entry, "disabled": not parameter.get("required", False)})
    declared = {variable["key"] for variable in variables}
    for segment in segments:  # a path variable the document forgot to declare still needs a value
        if segment.startswith(":") and segment[1:] not in declared:
            variables.append({"key": segment[1:], "value": "", "description": ""})
    order = [segment[1:] for segment in segments if segment.startswith(":")]
    variables.sort(key=lambda variable: order.index(variable["key"]) if variable["key"] in order else len(order))
    if variables:
        url["variable"] = variables
    if query:
        url["query"] = query
        enabled = [f"{item['key']}={item['value']}" for item in query if not item["disabled"]]
        url["raw"] += "?" + "&".join(enabled) if enabled else ""
    return url


def _header_value(doc: dict, parameter: dict) -> str:
    """An example header value; an Idempotency-Key gets Postman's fresh UUID per send (`{{$guid}}`)."""
    if parameter["name"].lower() == "idempotency-key":
        return "{{$guid}}"
    return _text(example(doc, parameter.get("schema", {})))


def _request(doc: dict, path: str, method: str, operation: dict, shared: list[dict]) -> dict:
    """One Postman item for an OpenAPI operation."""
    parameters = [_resolve(doc, p) for p in shared + operation.get("parameters", [])]
    headers = [
        {"key": p["name"], "value": _header_value(doc, p), "disabled": not p.get("required")}
        for p in parameters
        if p["in"] == "header"
    ]
    request: dict[str, Any] = {"method": method.upper(), "header": headers, "url": _url(doc, path, parameters)}
    body = _body(doc, operation)
    if body is not None:
        request["body"] = body
        if body["mode"] == "raw" and body["options"]["raw"]["language"] == "json":
            headers.append({"key": "Content-Type", "value": "application/json"})
    description = operation.get("description") or ""
    if operation.get("deprecated"):
        description = f"**Deprecated.** {description}".strip()
    request["description"] = description
    item: dict[str, Any] = {"name": operation.get("summary") or f"{method.upper()} {path}", "request": request}
    item["response"] = []
    if _issues_tokens(doc, operation):
        item["event"] = [{"listen": "test", "script": {"type": "text/javascript", "exec": list(_STORE_TOKEN)}}]
    return item


def _issues_tokens(doc: dict, operation: dict) -> bool:
    """True when a successful answer carries an access token (sign-in, refresh)."""
    for code, response in operation.get("responses", {}).items():
        if not str(code).startswith("2"):
            continue
        for spec in _resolve(doc, response).get("content", {}).values():
            if "access_token" in _resolve(doc, spec.get("schema", {})).get("properties", {}):
                return True
    return False


def collection(doc: dict, *, base_url: str = DEFAULT_BASE_URL) -> dict:
    """The Postman v2.1 collection for an OpenAPI document."""
    info = doc.get("info", {})
    tag_docs = {tag["name"]: tag.get("description", "") for tag in doc.get("tags", [])}
    folders: dict[str, list[dict]] = {}
    for path, path_item in doc.get("paths", {}).items():
        shared = path_item.get("parameters", [])
        for method in METHODS:
            operation = path_item.get(method)
            if operation is None:
                continue
            tag = (operation.get("tags") or ["default"])[0]
            folders.setdefault(tag, []).append(_request(doc, path, method, operation, shared))
    name = info.get("title", "API")
    return {
        "info": {
            "_postman_id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"metaic:{name}:{info.get('version', '')}")),
            "name": name,
            "description": (info.get("description") or "") + "\n\nSet `baseUrl`, then run the token request: "
            "it stores `accessToken`, which every request sends as a bearer token.",
            "version": info.get("version", ""),
            "schema": SCHEMA_URL,
        },
        "auth": {"type": "bearer", "bearer": [{"key": "token", "value": "{{accessToken}}", "type": "string"}]},
        "variable": [
            {"key": "baseUrl", "value": base_url, "type": "string"},
            {"key": "accessToken", "value": "", "type": "string"},
            {"key": "refreshToken", "value": "", "type": "string"},
        ],
        "item": [{"name": tag, "description": tag_docs.get(tag, ""), "item": items} for tag, items in folders.items()],
    }
