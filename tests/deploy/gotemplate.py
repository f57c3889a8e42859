"""A small Go text/template + Sprig renderer for the Helm chart, for machines without `helm`.

It knows exactly the subset the chart's templates keep to (see deploy/helm/metaic/templates/_helpers.tpl):
actions with `{{-`/`-}}` trimming, comments, `define`/`include`, `if`/`else if`/`else`, `with`, `range`
(over lists and maps, with `$k, $v :=`), variables, parenthesised pipelines and the functions in FUNCTIONS.
Anything else raises TemplateError, so a template that strays outside the subset fails the tests instead of
rendering something helm would not. Like helm, a field of a missing value is an error ("nil pointer").
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

import yaml


class TemplateError(Exception):
    """The template is outside the supported subset, or fails the way helm would fail."""


_ACTION = re.compile(r"\{\{(-\s)?(.*?)(\s-)?\}\}", re.S)
_TOKEN = re.compile(
    r"""\s*(?:
      (?P<str>"(?:[^"\\]|\\.)*") | (?P<raw>`[^`]*`) | (?P<num>-?\d+(?:\.\d+)?) |
      (?P<decl>:=) | (?P<punct>[|(),]) |
      (?P<var>\$[A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*) | (?P<field>(?:\.[A-Za-z0-9_]+)+|\.) |
      (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
    )""",
    re.X,
)


@dataclass
class Node:
    """One piece of a parsed template: text, an action or a block with its bodies."""

    kind: str
    text: str = ""
    tokens: list = field(default_factory=list)
    body: list = field(default_factory=list)
    branches: list = field(default_factory=list)  # [(tokens, body)] for if / else if
    otherwise: list = field(default_factory=list)


def _lex(source: str) -> list[tuple[str, str]]:
    """Split the source into ("text", s) and ("action", s) pieces, applying the trim markers."""
    pieces: list[tuple[str, str]] = []
    position, trim_next = 0, False
    for match in _ACTION.finditer(source):
        text = source[position : match.start()]
        if trim_next:
            text = text.lstrip()
        if match.group(1):
            text = text.rstrip()
        pieces.append(("text", text))
        pieces.append(("action", match.group(2).strip()))
        trim_next, position = bool(match.group(3)), match.end()
    tail = source[position:]
    pieces.append(("text", tail.lstrip() if trim_next else tail))
    return [piece for piece in pieces if piece != ("text", "")]


def _tokenize(action: str) -> list[tuple[str, str]]:
    """The tokens of one action."""
    tokens, position = [], 0
    while position < len(action):
        match = _TOKEN.match(action, position)
        if not match or match.end() == position:
            if action[position:].strip() == "":
                break
            raise TemplateError(f"cannot read {action[position:]!r} in {{{{ {action} }}}}")
        kind = match.lastgroup
        tokens.append((kind, match.group(kind)))
        position = match.end()
    return tokens


def parse(source: str, defines: dict[str, list[Node]]) -> list[Node]:
    """Parse a template into nodes, adding its `define` blocks to `defines`."""
    stack: list[tuple[Node, list[Node]]] = []
    out: list[Node] = []
    for kind, value in _lex(source):
        if kind == "text":
            out.append(Node("text", text=value))
            continue
        if value.startswith("/*"):
            if not value.endswith("*/"):
                raise TemplateError(f"unclosed comment {value[:30]!r}")
            continue
        tokens = _tokenize(value)
        head = tokens[0][1] if tokens and tokens[0][0] == "ident" else ""
        if head in ("if", "with", "range", "define"):
            node = Node(head, tokens=tokens[1:])
            if head == "if":
                node.branches.append((tokens[1:], node.body))
            out.append(node)
            stack.append((node, out))
            out = node.body
        elif head == "else":
            if not stack:
                raise TemplateError("else without a block")
            node = stack[-1][0]
            if len(tokens) > 1 and tokens[1][1] == "if" and node.kind == "if":
                body: list[Node] = []
                node.branches.append((tokens[2:], body))
                out = body
            else:
                out = node.otherwise
        elif head == "end":
            if not stack:
                raise TemplateError("end without a block")
            node, out = stack.pop()
            if node.kind == "define":
                out.remove(node)
                defines[json.loads(node.tokens[0][1])] = node.body
        else:
            out.append(Node("action", tokens=tokens))
    if stack:
        raise TemplateError(f"unclosed {stack[-1][0].kind}")
    return out


def _truthy(value: Any) -> bool:
    """Go's notion of true: not nil, false, zero or empty."""
    return bool(value) if value is not None else False


def _text(value: Any) -> str:
    """How an action prints a value (helm prints nothing for a missing one)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dict | list):
        raise TemplateError(f"printing a {type(value).__name__} directly (use toYaml)")
    return str(value)


def _to_yaml(value: Any) -> str:
    """Sprig's toYaml: block style, sorted keys, no trailing newline."""
    return yaml.safe_dump(value, default_flow_style=False, sort_keys=True).rstrip("\n").removesuffix("\n...")


def _indent(width: int, text: str) -> str:
    """Sprig's indent: every line prefixed with `width` spaces."""
    pad = " " * int(width)
    return "\n".join(pad + line for line in str(text).split("\n"))


def _printf(pattern: str, *args: Any) -> str:
    """Go's Sprintf for the verbs the chart uses (%s, %d, %v)."""
    return re.sub(r"%[sdv]", "{}", pattern).format(*(_text(arg) for arg in args))


def _default(fallback: Any, *given: Any) -> Any:
    """Sprig's default: the given value unless it is empty."""
    return given[0] if given and _truthy(given[0]) else fallback


FUNCTIONS = {
    "quote": lambda *args: " ".join(json.dumps(_text(arg)) for arg in args),
    "default": _default,
    "toYaml": _to_yaml,
    "toJson": lambda value: json.dumps(value, sort_keys=True, separators=(",", ":")),
    "sha256sum": lambda text: hashlib.sha256(str(text).encode()).hexdigest(),
    "nindent": lambda width, text: "\n" + _indent(width, text),
    "indent": _indent,
    "trunc": lambda width, text: str(text)[: int(width)],
    "trimSuffix": lambda suffix, text: str(text).removesuffix(suffix),
    "printf": _printf,
    "not": lambda value: not _truthy(value),
    "and": lambda *values: next((v for v in values if not _truthy(v)), values[-1]),
    "or": lambda *values: next((v for v in values if _truthy(v)), values[-1]),
    "contains": lambda part, text: str(part) in str(text),
    "eq": lambda a, b: a == b,
    "ne": lambda a, b: a != b,
}


class Renderer:
    """Renders parsed templates against a root context (Values, Release, Chart)."""

    def __init__(self, defines: dict[str, list[Node]]) -> None:
        self.defines = defines

    def render(self, nodes: list[Node], dot: Any, variables: dict[str, Any]) -> str:
        """The text of `nodes` with `.` bound to `dot`."""
        out: list[str] = []
        for node in nodes:
            if node.kind == "text":
                out.append(node.text)
            elif node.kind == "action":
                out.append(self._action(node.tokens, dot, variables))
            elif node.kind == "if":
                out.append(self._if(node, dot, variables))
            elif node.kind == "with":
                value = self.pipeline(node.tokens, dot, variables)
                chosen = (node.body, value) if _truthy(value) else (node.otherwise, dot)
                out.append(self.render(chosen[0], chosen[1], dict(variables)))
            elif node.kind == "range":
                out.append(self._range(node, dot, variables))
        return "".join(out)

    def _action(self, tokens: list, dot: Any, variables: dict[str, Any]) -> str:
        """An output action, or a variable declaration (which prints nothing)."""
        if len(tokens) > 1 and tokens[0][0] == "var" and tokens[1][0] == "decl":
            variables[tokens[0][1]] = self.pipeline(tokens[2:], dot, variables)
            return ""
        return _text(self.pipeline(tokens, dot, variables))

    def _if(self, node: Node, dot: Any, variables: dict[str, Any]) -> str:
        """The first branch whose condition holds, else the else body."""
        for condition, body in node.branches:
            if _truthy(self.pipeline(condition, dot, variables)):
                return self.render(body, dot, dict(variables))
        return self.render(node.otherwise, dot, dict(variables))

    def _range(self, node: Node, dot: Any, variables: dict[str, Any]) -> str:
        """The body once per item (maps in key order, as Go does)."""
        tokens, names = node.tokens, []
        if any(kind == "decl" for kind, _ in tokens):
            split = [kind for kind, _ in tokens].index("decl")
            names = [value for kind, value in tokens[:split] if kind == "var"]
            tokens = tokens[split + 1 :]
        value = self.pipeline(tokens, dot, variables)
        items = sorted(value.items()) if isinstance(value, dict) else list(enumerate(value or []))
        if not items:
            return self.render(node.otherwise, dot, dict(variables))
        out = []
        for key, item in items:
            scope = dict(variables)
            if len(names) == 2:
                scope[names[0]], scope[names[1]] = key, item
            elif len(names) == 1:
                scope[names[0]] = item
            out.append(self.render(node.body, item, scope))
        return "".join(out)

    def pipeline(self, tokens: list, dot: Any, variables: dict[str, Any]) -> Any:
        """Evaluate `cmd | cmd ...`, each result passed as the next command's last argument."""
        commands, depth, current = [], 0, []
        for token in tokens:
            if token == ("punct", "|") and depth == 0:
                commands.append(current)
                current = []
                continue
            depth += {"(": 1, ")": -1}.get(token[1], 0) if token[0] == "punct" else 0
            current.append(token)
        commands.append(current)
        result, piped = None, False
        for command in commands:
            result = self._command(command, dot, variables, [result] if piped else [])
            piped = True
        return result

    def _command(self, tokens: list, dot: Any, variables: dict[str, Any], extra: list) -> Any:
        """A function call or a single value."""
        if not tokens:
            raise TemplateError("empty command")
        args, position = [], 0
        head_kind, head = tokens[0]
        if head_kind == "ident" and head not in ("true", "false", "nil"):
            position = 1
        while position < len(tokens):
            value, position = self._operand(tokens, position, dot, variables)
            args.append(value)
        if position and head_kind == "ident":
            return self._call(head, args + extra, dot)
        if len(args) != 1 or extra:
            raise TemplateError(f"cannot call a value: {tokens}")
        return args[0]

    def _call(self, name: str, args: list, dot: Any) -> Any:
        """Call a template function."""
        if name == "include":
            if args[0] not in self.defines:
                raise TemplateError(f"no template named {args[0]!r}")
            return self.render(self.defines[args[0]], args[1], {"$": args[1]})
        if name not in FUNCTIONS:
            raise TemplateError(f"function {name!r} is not in the supported subset")
        return FUNCTIONS[name](*args)

    def _operand(self, tokens: list, position: int, dot: Any, variables: dict[str, Any]) -> tuple[Any, int]:
        """One argument and the position after it."""
        kind, value = tokens[position]
        if kind == "punct" and value == "(":
            depth, end = 0, position
            for end in range(position, len(tokens)):
                depth += {"(": 1, ")": -1}.get(tokens[end][1], 0) if tokens[end][0] == "punct" else 0
                if depth == 0:
                    break
            return self.pipeline(tokens[position + 1 : end], dot, variables), end + 1
        if kind == "str":
            return json.loads(value), position + 1
        if kind == "raw":
            return value[1:-1], position + 1
        if kind == "num":
            return (float(value) if "." in value else int(value)), position + 1
        if kind == "ident" and value in ("true", "false", "nil"):
            return {"true": True, "false": False, "nil": None}[value], position + 1
        if kind == "field":
            return _walk(dot, value.strip(".").split(".") if value != "." else []), position + 1
        if kind == "var":
            name, _, rest = value.partition(".")
            if name not in variables:
                raise TemplateError(f"undefined variable {name}")
            return _walk(variables[name], rest.split(".") if rest else []), position + 1
        raise TemplateError(f"unexpected {value!r}")


def _walk(value: Any, names: list[str]) -> Any:
    """Follow field names through maps; a missing key is nil, a field of nil is helm's nil-pointer error."""
    for name in names:
        if value is None:
            raise TemplateError(f"nil pointer evaluating .{name}")
        if not isinstance(value, dict):
            raise TemplateError(f"can't evaluate field {name} in {type(value).__name__}")
        value = value.get(name)
    return value
