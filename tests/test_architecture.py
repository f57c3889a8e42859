"""The layering rules of DESIGN.md, checked on the source.

One direction between packages (LAYERS), no framework in the domains, no import hidden inside a
function to dodge a cycle, and no SQL in the edges.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

from tests.support.ast_parse import parse, parse_file

PACKAGE = Path(__file__).resolve().parents[1] / "metaic"

# Lowest first. A module may import its own package and anything on a lower line, never higher.
# Names are packages or top-level modules of metaic/; a dotted name ("api.app") is one module that
# sits apart from its package. Same-line names may import each other.
LAYERS: list[set[str]] = [
    {"config"},
    {"core"},
    {"db"},
    # Wraps Alembic's config only; alembic/env.py loads schema.py when a migration runs, not on import.
    {"migrations"},
    {"events"},  # domain events run after commit (uses db), below every domain that emits them
    {"adapters"},
    {"jobs"},
    {"audit"},  # the audit trail: every domain below the edges records into it
    # The domains.
    {"auth"},
    {"idempotency"},  # stored answers of create requests sent with an Idempotency-Key (owner = a user)
    {"files"},
    {"notifications"},
    {"analytics"},
    {"moderation"},  # reports, takedowns, blocked words: cards ask it whether a card is offline or a text allowed
    {"cards"},
    {"contacts"},
    {"communication"},
    {"messaging"},
    {"search"},
    {"ai"},
    {"webhooks"},  # outgoing webhooks: payloads read cards, contacts, messages and analytics
    {"admin"},
    # Composition above the domains: upkeep tasks and event subscriptions.
    {"upkeep", "wiring"},
    # The edges.
    {"api"},
    {"web"},  # public pages reuse the API's dependencies and problem responses
    {"api.app"},  # the HTTP app factory mounts the API's routers and the web pages' router
    {"ui"},
    {"cli", "cli_base", "cli_jobs", "cli_contacts", "cli_search", "cli_api", "cli_keys", "__main__"},
    {"metaic"},  # metaic/metaic.py, the composition root
    {"schema"},
]
EDGES = (
    "api",
    "web",
    "api.app",
    "ui",
    "cli",
    "cli_base",
    "cli_jobs",
    "cli_contacts",
    "cli_search",
    "cli_api",
    "cli_keys",
    "__main__",
    "metaic",
    "schema",
)
# Plumbing built on a framework on purpose: the job queue is RQ.
FRAMEWORK_PLUMBING = {"jobs": {"rq"}}
FRAMEWORKS = {"reflex", "fastapi", "starlette", "rq"}
# Function-level `import metaic...` allowed below the edges: none. Add "path: why" only for a reason
# other than dodging a cycle (a cycle means the code sits on the wrong layer).
LAZY_IMPORTS_ALLOWED: dict[str, str] = {}
SQL_NAMES = {"select", "text", "insert", "update", "delete"}


def _level() -> dict[str, int]:
    """Each layer name and its height."""
    return {name: height for height, names in enumerate(LAYERS) for name in names}


def _unit(module: str) -> str | None:
    """The LAYERS name a dotted metaic module belongs to ("metaic.cards.flows" -> "cards"), None outside metaic."""
    parts = module.split(".")
    if parts[0] != "metaic":
        return None
    if len(parts) == 1:
        return "metaic"
    dotted = ".".join(parts[1:3])
    return dotted if dotted in _level() else parts[1]


def _module_name(path: Path) -> str:
    """The dotted name of a source file ("metaic.cards.flows", "metaic.contacts" for __init__)."""
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def _sources() -> dict[Path, ast.Module]:
    """Every metaic source file, parsed once."""
    return {p: parse_file(p) for p in sorted(PACKAGE.rglob("*.py"))}


def _imports(tree: ast.Module, path: Path) -> list[tuple[str, ast.AST]]:
    """Every absolute module an import statement names (anywhere in the file), with the statement."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolve against the file's own package
                package = _module_name(path).split(".")
                package = package if path.name == "__init__.py" else package[:-1]
                base = ".".join(package[: len(package) - node.level + 1] + ([base] if base else []))
            # `from metaic import wiring` imports the module metaic.wiring.
            found += [(f"{base}.{alias.name}" if base == "metaic" else base, node) for alias in node.names]
    return found


def _lazy_imports(tree: ast.Module) -> list[ast.AST]:
    """Import statements inside a function or method body."""
    lazy = []
    for func in ast.walk(tree):
        if isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
            lazy += [n for n in ast.walk(func) if isinstance(n, ast.Import | ast.ImportFrom)]
    return lazy


def _below_edges(path: Path) -> bool:
    """Whether a file belongs to plumbing, a domain or the composition above them (not an edge)."""
    return _unit(_module_name(path)) not in EDGES


def test_every_import_follows_the_direction_between_packages():
    """No module imports a package above its own layer, at the top of the file or inside a function."""
    level, upward, unknown = _level(), [], set()
    for path, tree in _sources().items():
        here = _unit(_module_name(path))
        if here not in level:
            unknown.add(here)
            continue
        for module, node in _imports(tree, path):
            there = _unit(module)
            if there is None or there == here:
                continue
            if there not in level:
                unknown.add(there)
            elif level[there] > level[here]:
                upward.append(f"{path.relative_to(PACKAGE)}:{node.lineno} ({here}) imports {module} ({there})")
    assert unknown == set(), "place every package of metaic/ on a line of LAYERS"
    assert upward == []


def test_domains_and_plumbing_import_no_framework():
    """Below the edges nothing imports reflex, fastapi, starlette or rq (the job queue may use rq)."""
    offenders = []
    for path, tree in _sources().items():
        if not _below_edges(path):
            continue
        allowed = FRAMEWORK_PLUMBING.get(_unit(_module_name(path)) or "", set())
        used = {module.split(".")[0] for module, _ in _imports(tree, path)} & (FRAMEWORKS - allowed)
        if used:
            offenders.append(f"{path.relative_to(PACKAGE)} imports {sorted(used)}")
    assert offenders == []


def test_no_import_of_our_own_code_hides_inside_a_function_below_the_edges():
    """A lazy `from metaic...` import dodges a cycle; fix the layering instead (edges may import lazily)."""
    offenders = []
    for path, tree in _sources().items():
        where = str(path.relative_to(PACKAGE))
        if not _below_edges(path) or where in LAZY_IMPORTS_ALLOWED:
            continue
        for node in _lazy_imports(tree):
            for module, _ in _imports(ast.Module(body=[node], type_ignores=[]), path):
                if _unit(module) is not None:
                    offenders.append(f"{where}:{node.lineno} imports {module}")
    assert offenders == []


def test_the_rules_see_imports_wherever_they_are_written():
    """The checks above would pass vacuously if the parser missed imports: prove it finds each kind."""
    source = parse(
        "import metaic.cards.flows\nfrom metaic import wiring\n"
        "def f():\n    from metaic.contacts import jobs\n    import rq\n"
    )
    path = PACKAGE / "auth" / "flows.py"
    assert [m for m, _ in _imports(source, path)] == ["metaic.cards.flows", "metaic.wiring", "metaic.contacts", "rq"]
    assert [_unit(m) for m, _ in _imports(source, path)] == ["cards", "wiring", "contacts", None]
    assert len(_lazy_imports(source)) == 2
    assert _unit("metaic.api.app") == "api.app" and _unit("metaic.api.deps") == "api" and _unit("metaic") == "metaic"
    assert {_unit(_module_name(p)) for p in _sources()} >= {"auth", "cards", "contacts", "jobs", "metaic"}


def test_edges_hold_no_sql():
    """UI state, API routes and web pages call services; they never build queries themselves."""
    offenders = []
    for edge in ("ui", "api", "web"):
        for path in (PACKAGE / edge).rglob("*.py"):
            tree = _sources()[path]
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and node.module in {"sqlmodel", "sqlalchemy"}:
                    used = {a.name for a in node.names} & SQL_NAMES
                    if used:
                        offenders.append(f"{path.relative_to(PACKAGE)} imports {sorted(used)}")
    assert offenders == []


def test_request_sessions_commit_before_the_answer_is_sent():
    """`Depends(db_session)` commits after the response went out (FastAPI runs teardown late): a failed commit
    would have been answered 201. Every use says `scope="function"`, which commits before the answer."""
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if "Depends(db_session" in line and 'scope="function"' not in line:
                offenders.append(f"{path.relative_to(PACKAGE)}:{number}")
    assert offenders == []
