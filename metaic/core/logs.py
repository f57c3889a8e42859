"""Logging for the app, workers and commands: JSON lines in production, readable lines elsewhere (structlog).

Every record, ours and the libraries', goes through one formatter that adds the time, level, logger and the
request id of the work in progress, and masks what must never reach a log: secrets (passwords, tokens,
keys, cookies, signatures) by field name, and e-mail addresses, phone numbers, bearer tokens and URL
credentials inside messages.
"""

from __future__ import annotations

import logging
import re
import sys
from typing import Any

import structlog

from metaic.core.request_context import current_request_id

REDACTED = "[redacted]"
SECRET_KEYS = re.compile(
    r"pass(word)?|secret|token|api[_-]?key|authorization|cookie|signature|otp|mfa_code|private_key|dsn", re.I
)
_MASKS = (
    (re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}"), r"\1 " + REDACTED),
    (re.compile(r"(?i)([?&](?:key|code)=)[^&\s'\"]+"), r"\1" + REDACTED),
    (
        re.compile(
            r"(?i)\b(\w*(?:token|password|passwd|secret|api[_-]?key|signature))([\"']?\s*[=:]\s*[\"']?)[^\s&'\",}]+"
        ),
        r"\1\2" + REDACTED,
    ),
    (re.compile(r"(?i)(\w+://)[^/\s:@]+:[^/\s@]+@"), r"\1" + REDACTED + "@"),
    (re.compile(r"[A-Za-z0-9._%+-]+@([A-Za-z0-9-]+\.)+[A-Za-z]{2,}"), "[email]"),
    (re.compile(r"(?<![\w.-])\+\d[\d ()./-]{6,}\d"), "[phone]"),
)
_configured: str | None = None


def mask(text: str) -> str:
    """The text with secrets and personal data inside it replaced."""
    for pattern, replacement in _MASKS:
        text = pattern.sub(replacement, text)
    return text


def redact(_logger: Any, _method: str, event: dict) -> dict:
    """structlog processor: mask secret fields by name and personal data inside every string value."""
    for key, value in list(event.items()):
        if key != "event" and SECRET_KEYS.search(key):
            event[key] = REDACTED
        elif isinstance(value, str):
            event[key] = mask(value)
    return event


def add_request_id(_logger: Any, _method: str, event: dict) -> dict:
    """structlog processor: the request or job id, when the line is written on behalf of one."""
    rid = current_request_id()
    if rid and "request_id" not in event:
        event["request_id"] = rid
    return event


def _drop_record_noise(_logger: Any, _method: str, event: dict) -> dict:
    """structlog processor: the stdlib record and formatter bookkeeping are not part of the line."""
    event.pop("_record", None)
    event.pop("_from_structlog", None)
    return event


def formatter(fmt: str) -> logging.Formatter:
    """The one formatter every handler uses: `json` or `console`."""
    renderer = (
        structlog.processors.JSONRenderer(sort_keys=False)
        if fmt == "json"
        else structlog.dev.ConsoleRenderer(colors=False, pad_event_to=0)
    )
    shared = [
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        add_request_id,
        structlog.processors.format_exc_info,
    ]
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            _drop_record_noise,
            redact,
            renderer,
        ],
    )


def configure_logging(*, fmt: str = "auto", level: str = "INFO", production: bool = False, stream=None) -> str:
    """Send every logger to one handler on stderr (or `stream`) in the chosen format; returns the format used.

    Called once per process (the app, a worker, a command); calling again replaces the handler."""
    global _configured
    chosen = ("json" if production else "console") if fmt == "auto" else fmt
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(formatter(chosen))
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "_metaic", False)] or list(root.handlers):
        root.removeHandler(old)
    handler._metaic = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level.upper())
    structlog.configure(
        processors=[structlog.stdlib.filter_by_level, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    _configured = chosen
    return chosen


def configure_from_settings(settings, stream=None) -> str:
    """configure_logging with LOG_FORMAT, LOG_LEVEL and the environment from the settings."""
    return configure_logging(
        fmt=settings.log_format, level=settings.log_level, production=settings.is_production, stream=stream
    )
