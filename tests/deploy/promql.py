"""Just enough PromQL reading to check alert rules and dashboard queries against the metrics the app exports."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_GROUPING = re.compile(r"\b(by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)")
_SELECTOR = re.compile(r"([a-zA-Z_:][a-zA-Z0-9_:]*)?\s*\{([^}]*)\}")
_MATCHER = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"')
_NAME = re.compile(r"(?<![\w:.$])([a-zA-Z_:][a-zA-Z0-9_:]*)\b(?!\s*\()")
_KEYWORDS = {"and", "or", "unless", "bool", "offset", "inf", "nan", "e"}


@dataclass
class Query:
    """What an expression reads: metric names, label matchers per metric, and the labels it groups by."""

    metrics: set[str] = field(default_factory=set)
    matchers: list[tuple[str, str, str, str]] = field(default_factory=list)  # (metric, label, op, value)
    grouping: set[str] = field(default_factory=set)


def read(expr: str) -> Query:
    """The metrics, matchers and grouping labels of a PromQL expression."""
    query = Query()
    text = re.sub(r"\[[^\]]*\]", " ", expr)  # range selectors: [5m], [$__rate_interval]
    for match in _GROUPING.finditer(text):
        query.grouping.update(label.strip() for label in match.group(2).split(",") if label.strip())
    text = _GROUPING.sub(" ", text)

    def selector(match: re.Match) -> str:
        """Record one `metric{matchers}` and leave the bare name behind."""
        name = match.group(1) or ""
        for label, op, value in _MATCHER.findall(match.group(2)):
            if label == "__name__":
                name = value
            else:
                query.matchers.append((name, label, op, value))
        if not name:
            raise ValueError(f"a selector without a metric name in {expr!r}")
        return f" {name} "

    text = _SELECTOR.sub(selector, text)
    text = re.sub(r'"(?:[^"\\]|\\.)*"', " ", text)
    for name in _NAME.findall(text):
        if name not in _KEYWORDS and not re.fullmatch(r"\d.*", name):
            query.metrics.add(name)
    return query
