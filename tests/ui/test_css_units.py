"""Spacing written as a bare number is no CSS at all: `gap="4"` compiles to `gap: 4` and the browser drops it."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.support.ast_parse import parse, parse_file

UI = Path(__file__).resolve().parents[2] / "metaic" / "ui"
# Props that Reflex passes to CSS as they are (rx.flex's Radix scale is `spacing`, not these).
CSS_LENGTHS = {"gap", "column_gap", "row_gap", "grid_gap", "grid_column_gap", "grid_row_gap"}


def _bare_number(value: ast.expr) -> bool:
    """A string constant that is only a (non-zero) number: "4", "1.5"."""
    text = value.value.strip() if isinstance(value, ast.Constant) and isinstance(value.value, str) else ""
    return text.replace(".", "", 1).isdigit() and text != "0"


def _unitless(tree: ast.AST) -> list[tuple[int, str, str]]:
    """Calls that give a CSS length prop a bare number ("4"), as (line, prop, value)."""
    return [
        (node.lineno, kw.arg, kw.value.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        for kw in node.keywords
        if kw.arg in CSS_LENGTHS and _bare_number(kw.value)
    ]


def test_no_ui_component_gives_a_css_gap_without_a_unit():
    """Every gap the UI sets has a unit (px, rem, a var): a bare number is silently ignored by the browser."""
    bad = [
        f"{path.relative_to(UI.parent.parent)}:{line} {prop}={value!r}"
        for path in sorted(UI.rglob("*.py"))
        for line, prop, value in _unitless(parse_file(path))
    ]
    assert bad == [], 'use spacing="N" (Radix scale) or a length with a unit:\n' + "\n".join(bad)


def test_the_check_sees_a_bare_number():
    """The scanner itself finds `gap="4"` and lets `gap="16px"` through."""
    tree = parse('rx.flex(gap="4", column_gap="12px", row_gap="var(--space-2)")')
    assert _unitless(tree) == [(1, "gap", "4")]
