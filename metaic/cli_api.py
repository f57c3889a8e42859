"""`python -m metaic api postman|openapi`: write the API's Postman collection or OpenAPI document."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from metaic.cli_base import EXIT_OK, load_settings


def _openapi() -> dict:
    """The OpenAPI document of the app's API, as /api/v1/openapi.json serves it."""
    from metaic.api.app import build_api

    return build_api().openapi()


def _write(data: dict, output: str | None, what: str) -> None:
    """Write JSON to OUTPUT (or standard output for none or `-`) and say so on standard error."""
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if output in (None, "-"):
        sys.stdout.write(text)
        return
    Path(output).write_text(text, encoding="utf-8")
    print(f"Wrote {what} to {output}.", file=sys.stderr)


def cmd_api_postman(args: argparse.Namespace) -> int:
    """Build the Postman v2.1 collection from the OpenAPI document."""
    settings = load_settings()
    from metaic.api import postman

    data = postman.collection(_openapi(), base_url=args.base_url or settings.public_base_url)
    count = sum(len(folder["item"]) for folder in data["item"])
    _write(data, args.output, f"the Postman collection ({len(data['item'])} folders, {count} requests)")
    return EXIT_OK


def cmd_api_openapi(args: argparse.Namespace) -> int:
    """Write the OpenAPI document."""
    load_settings()
    _write(_openapi(), args.output, "the OpenAPI document")
    return EXIT_OK


def add_api_commands(commands) -> None:
    """Register the `api` command group on the main parser's subcommands."""
    api = commands.add_parser(
        "api",
        help="export the API's Postman collection or OpenAPI document",
        description="Write machine-readable descriptions of the /api/v1 JSON API.",
    )
    api_commands = api.add_subparsers(dest="api_command", metavar="API_COMMAND", required=True)
    postman = api_commands.add_parser(
        "postman",
        help="write a Postman v2.1 collection",
        description="Build a Postman collection from the OpenAPI document: a folder per tag, every operation with "
        "its path variables, query parameters and an example body; requests use {{baseUrl}} and the bearer "
        "token in {{accessToken}}, which the token request fills in. Also served at /api/v1/postman.json.",
    )
    postman.add_argument("-o", "--output", metavar="FILE", help="where to write it (default: standard output)")
    postman.add_argument(
        "--base-url", metavar="URL", default="", help="the collection's baseUrl (default: PUBLIC_BASE_URL)"
    )
    postman.set_defaults(handler=cmd_api_postman)
    openapi = api_commands.add_parser(
        "openapi", help="write the OpenAPI document", description="Write the OpenAPI 3 document of /api/v1."
    )
    openapi.add_argument("-o", "--output", metavar="FILE", help="where to write it (default: standard output)")
    openapi.set_defaults(handler=cmd_api_openapi)
