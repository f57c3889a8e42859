"""Render deploy/helm/metaic into Kubernetes objects: with `helm template` when helm is installed, else gotemplate.

Both paths feed the same assertions (tests/deploy/test_helm_chart.py), so CI with helm and a laptop without
it check the same things.
"""

from __future__ import annotations

import copy
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import yaml

from tests.deploy import gotemplate

ROOT = Path(__file__).resolve().parents[2]
CHART = ROOT / "deploy" / "helm" / "metaic"
RELEASE = "metaic"
NAMESPACE = "metaic"


def merge(base: dict, override: dict) -> dict:
    """Helm's values merge: maps merge key by key, anything else replaces, null removes."""
    merged = copy.deepcopy(base)
    for key, value in (override or {}).items():
        if value is None:
            merged.pop(key, None)
        elif isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def values(*files: str, overrides: dict | None = None) -> dict:
    """values.yaml, then each named values file, then `overrides`."""
    result = yaml.safe_load((CHART / "values.yaml").read_text())
    for name in files:
        result = merge(result, yaml.safe_load((CHART / name).read_text()))
    return merge(result, overrides or {})


def _documents(text: str) -> list[dict[str, Any]]:
    """The non-empty YAML documents of a rendered stream."""
    return [doc for doc in yaml.safe_load_all(text) if doc]


def render_python(*files: str, overrides: dict | None = None) -> dict[str, str]:
    """Every template's output (NOTES.txt included), rendered by tests/deploy/gotemplate.py."""
    chart = yaml.safe_load((CHART / "Chart.yaml").read_text())
    root = {
        "Values": values(*files, overrides=overrides),
        "Release": {"Name": RELEASE, "Namespace": NAMESPACE, "Service": "Helm", "IsInstall": True},
        "Chart": {"Name": chart["name"], "Version": chart["version"], "AppVersion": chart["appVersion"]},
    }
    defines: dict = {}
    parsed = {path.name: gotemplate.parse(path.read_text(), defines) for path in sorted(CHART.glob("templates/*"))}
    renderer = gotemplate.Renderer(defines)
    return {
        name: renderer.render(nodes, root, {"$": root}) for name, nodes in parsed.items() if not name.startswith("_")
    }


def render_helm(*files: str, overrides: dict | None = None) -> dict[str, str]:
    """The same through the real helm: `helm lint` must pass, then `helm template` per values set."""
    args = [arg for name in files for arg in ("-f", str(CHART / name))]
    extra = []
    if overrides:
        path = Path(tempfile.mkdtemp(prefix="metaic-helm-")) / "overrides.yaml"
        path.write_text(yaml.safe_dump(overrides))
        extra = ["-f", str(path)]
    subprocess.run(["helm", "lint", str(CHART), *args, *extra], check=True, capture_output=True)
    text = subprocess.run(
        ["helm", "template", RELEASE, str(CHART), "-n", NAMESPACE, *args, *extra],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return {"all.yaml": text}


def render(*files: str, overrides: dict | None = None) -> list[dict[str, Any]]:
    """The chart's Kubernetes objects for these values files."""
    outputs = (render_helm if shutil.which("helm") else render_python)(*files, overrides=overrides)
    return [doc for name, text in outputs.items() if name.endswith(".yaml") for doc in _documents(text)]


def find(objects: list[dict], kind: str, component: str | None = None) -> list[dict]:
    """Objects of a kind, optionally of one app.kubernetes.io/component."""
    return [
        obj
        for obj in objects
        if obj["kind"] == kind
        and (component is None or obj["metadata"].get("labels", {}).get("app.kubernetes.io/component") == component)
    ]


def one(objects: list[dict], kind: str, component: str | None = None) -> dict:
    """The single object of a kind (and component)."""
    found = find(objects, kind, component)
    assert len(found) == 1, f"expected one {kind} {component or ''}, found {len(found)}"
    return found[0]
