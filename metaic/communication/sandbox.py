"""The Jinja sandbox message templates render in, on a budget: steps, value sizes, output and wall-clock time.

Jinja's own sandbox stops attribute tricks but not work: nested `range()` loops, `'x'|center(10**8)` or
`s.replace('', s)` pin a CPU or fill the memory from a few dozen characters. Here every loop step, call,
filter, operator and output piece counts against one render's budget, every value they produce is size
checked, and the few operations that could grow a value past the limit are checked before they run.
"""

from __future__ import annotations

import contextvars
import functools
import time
from collections.abc import Callable, Iterable, Iterator, Sized
from typing import Any

from jinja2 import nodes
from jinja2.filters import FILTERS
from jinja2.sandbox import SandboxedEnvironment, SecurityError
from jinja2.visitor import NodeTransformer

# A message template needs a handful of steps; a thousand times that is still a friendly letter.
MAX_STEPS = 20_000
# CPU seconds of the rendering thread (not wall time: a busy server must not refuse an ordinary template).
MAX_SECONDS = 0.5
MAX_RANGE = 1_000
# Characters (or items) in any value a template builds along the way, and the largest number it may compute.
MAX_VALUE = 50_000
MAX_NUMBER = 10**15


def _words(text: str) -> frozenset[str]:
    """A set of names from a space-separated list."""
    return frozenset(text.split())


# Filters that cannot grow a value much beyond their inputs (or are pre-checked below). Left out: `format`
# (`%0999999999d`), `indent` (width x lines), `urlize` (regexes over user text), `batch` (pads with fill).
SAFE_FILTERS = _words(
    "abs attr capitalize center count d default dictsort e escape filesizeformat first float forceescape "
    "groupby int items join last length list lower map max min pprint random reject rejectattr replace "
    "reverse round safe select selectattr slice sort string striptags sum title tojson trim truncate "
    "unique upper urlencode wordcount wordwrap xmlattr"
)
# Methods of strings, lists and dicts a template may call: none of them builds more than it is given
# (`replace` is pre-checked). `format`, `center`, `ljust`, `zfill`, `join`, `expandtabs`, `append` are not here.
SAFE_METHODS = _words(
    "capitalize casefold count endswith find get index isalnum isalpha isdigit islower isnumeric isspace "
    "istitle isupper items keys lower lstrip removeprefix removesuffix replace rfind rindex rsplit "
    "rstrip split splitlines startswith strip swapcase title upper values"
)
_BUILTIN_TYPES = (str, bytes, list, tuple, dict, set, frozenset, int, float, complex, range)


class TooMuchWork(Exception):
    """A render went over one of its budgets (steps, value size, output size or time)."""


class _Budget:
    """What one render may still spend."""

    __slots__ = ("deadline", "steps")

    def __init__(self) -> None:
        self.steps = MAX_STEPS
        self.deadline = time.thread_time() + MAX_SECONDS


_budget: contextvars.ContextVar[_Budget | None] = contextvars.ContextVar("metaic_template_budget", default=None)


def _tick(count: int = 1) -> None:
    """Spend `count` steps; TooMuchWork once the steps or the time run out."""
    budget = _budget.get()
    if budget is None:
        raise TooMuchWork("rendered outside a budget")
    budget.steps -= count
    if budget.steps < 0 or time.thread_time() > budget.deadline:
        raise TooMuchWork("budget spent")


def _checked(value: Any) -> Any:
    """`value`, unless it is bigger than a template may build."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and abs(value) > MAX_NUMBER:
        raise TooMuchWork("number too large")
    if isinstance(value, Sized) and not isinstance(value, range) and len(value) > MAX_VALUE:
        raise TooMuchWork("value too large")
    return value


def _counted(iterable: Iterable[Any]) -> Iterator[Any]:
    """Every `{% for %}` iterates through this: one step per item."""
    for item in iterable:
        _tick()
        yield item


def _concat(parts: list[Any]) -> str:
    """The `~` operator, refusing to build more than MAX_VALUE characters."""
    _tick()
    texts = [str(p) for p in parts]
    if sum(map(len, texts)) > MAX_VALUE:
        raise TooMuchWork("text too long")
    return "".join(texts)


def _range(*args: int) -> range:
    """`range()` of at most MAX_RANGE numbers."""
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise TooMuchWork("range too long")
    return numbers


def _replace_size(text: str, old: str, new: str, count: int = -1) -> int:
    """How long `text.replace(old, new, count)` would be, without building it."""
    hits = text.count(old) if old else len(text) + 1
    hits = hits if count is None or count < 0 else min(hits, count)
    return len(text) + hits * (len(new) - len(old))


def _prechecked_join(join: Callable[..., Any]) -> Callable[..., Any]:
    """The `join` filter, refusing before it builds more than MAX_VALUE characters."""

    @functools.wraps(join)
    def run(eval_ctx: Any, value: Iterable[Any], d: str = "", attribute: Any = None) -> Any:
        items = list(_counted(value))
        if len(str(d)) * max(len(items) - 1, 0) + sum(len(str(i)) for i in items) > MAX_VALUE:
            raise TooMuchWork("join too long")
        return join(eval_ctx, items, d, attribute)

    return run


def _budgeted_filter(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    """A filter that spends a step, takes no width or count over MAX_VALUE and returns a bounded value."""
    skip = 1 if getattr(func, "jinja_pass_arg", None) else 0  # the context, eval context or environment

    @functools.wraps(func)
    def run(*args: Any, **kwargs: Any) -> Any:
        _tick()
        options = [*args[skip + 1 :], *kwargs.values()]
        if any(isinstance(o, int) and not isinstance(o, bool) and abs(o) > MAX_VALUE for o in options):
            raise TooMuchWork("argument too large")
        if name == "replace" and len(args) > skip + 2:
            value, old, new = (str(a) for a in args[skip : skip + 3])
            if _replace_size(value, old, new, *args[skip + 3 : skip + 4]) > MAX_VALUE:
                raise TooMuchWork("replace too long")
        return _checked(func(*args, **kwargs))

    return run


class _Guard(NodeTransformer):
    """Routes every loop through `_counted` and every `~` through `_concat`; refuses recursive loops."""

    def visit_For(self, node: nodes.For) -> nodes.Node:
        """Count the loop's steps (recursive loops call themselves with uncounted items: refused)."""
        if node.recursive:
            raise SecurityError("recursive loops are not allowed")
        self.generic_visit(node)
        node.iter = nodes.Call(nodes.EnvironmentAttribute("counted"), [node.iter], [], None, None, lineno=node.lineno)
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        """Check the joined length."""
        self.generic_visit(node)
        parts = nodes.List(node.nodes, lineno=node.lineno)
        return nodes.Call(nodes.EnvironmentAttribute("concat"), [parts], [], None, None, lineno=node.lineno)


class BudgetedEnvironment(SandboxedEnvironment):
    """A Jinja sandbox whose renders stop at MAX_STEPS, MAX_SECONDS, MAX_VALUE and `max_output` characters."""

    intercepted_binops = frozenset({"+", "-", "*", "/", "//", "%", "**"})
    counted = staticmethod(_counted)
    concat = staticmethod(_concat)

    def __init__(self, **options: Any) -> None:
        super().__init__(finalize=self._finalize_output, **options)
        self.globals.pop("lipsum", None)  # 447 MB from `lipsum(10**6)`
        self.globals["range"] = _range
        self.filters = {n: _budgeted_filter(n, f) for n, f in FILTERS.items() if n in SAFE_FILTERS}
        self.filters["join"] = _budgeted_filter("join", _prechecked_join(FILTERS["join"]))

    @staticmethod
    def _finalize_output(value: Any) -> Any:
        """Every `{{ expression }}` printed spends a step and must be of a printable size."""
        _tick()
        return _checked(value)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        """Arithmetic on numbers within MAX_NUMBER; `+` may also join sequences within MAX_VALUE; no `**`."""
        _tick()
        numbers = all(isinstance(v, int | float) for v in (left, right))
        if operator == "**" or (operator != "+" and not numbers):
            raise SecurityError(f"The {operator} operator is not allowed here.")
        sized = not numbers and isinstance(left, Sized) and isinstance(right, Sized)
        if sized and len(left) + len(right) > MAX_VALUE:
            raise TooMuchWork("value too large")
        return _checked(super().call_binop(context, operator, left, right))

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        """Plain attributes as Jinja allows; methods of built-in values only from SAFE_METHODS."""
        if isinstance(obj, _BUILTIN_TYPES) and callable(value) and attr not in SAFE_METHODS:
            return False
        return super().is_safe_attribute(obj, attr, value)

    def wrap_str_format(self, value: Any) -> None:
        """No `str.format`: a width in its format string is not seen by any check (`'{:>999999999}'`)."""
        return None

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        """Every call (functions, methods, macros) spends a step and returns a bounded value."""
        _tick()
        for value in (*args, *kwargs.values()):
            _checked(value)
        owner = getattr(__obj, "__self__", None)
        replacing = isinstance(owner, str) and getattr(__obj, "__name__", "") == "replace" and len(args) >= 2
        if replacing and _replace_size(owner, str(args[0]), str(args[1]), *args[2:3]) > MAX_VALUE:
            raise TooMuchWork("replace too long")
        return _checked(super().call(__context, __obj, *args, **kwargs))

    def render_bounded(self, source: str, variables: dict[str, Any], *, max_output: int) -> str:
        """Compile and render `source` on a fresh budget; TooMuchWork when it spends too much or says too much."""
        token = _budget.set(_Budget())
        try:
            tree = _Guard().visit(self.parse(source))
            pieces, size = [], 0
            for piece in self.from_string(tree).generate(variables):
                _tick()
                size += len(piece)
                if size > max_output:
                    raise TooMuchWork("output too long")
                pieces.append(piece)
            return "".join(pieces)
        except (RecursionError, MemoryError, OverflowError) as exc:
            raise TooMuchWork(type(exc).__name__) from None
        finally:
            _budget.reset(token)
