"""The chart renderer used without helm: it renders the subset right and refuses what it does not know."""

from __future__ import annotations

import pytest

from tests.deploy.gotemplate import Renderer, TemplateError, parse


def _render(source: str, values: dict) -> str:
    """Render one template string against `.Values`."""
    defines: dict = {}
    nodes = parse(source, defines)
    root = {"Values": values, "Release": {"Name": "r"}}
    return Renderer(defines).render(nodes, root, {"$": root})


def test_trimming_pipelines_blocks_and_includes():
    """Whitespace markers, default/quote/nindent/toYaml, if/else, range over a map, include with a dot."""
    source = (
        '{{- define "n" -}}{{ .Release.Name }}-x{{- end -}}\n'
        "a: {{ .Values.missing | default 3 }}\n"
        'b: {{ include "n" . | quote }}\n'
        "{{- if .Values.on }}\nc: on\n{{- else }}\nc: off\n{{- end }}\n"
        "d:\n{{- range $k, $v := .Values.map }}\n  {{ $k }}: {{ $v | quote }}\n{{- end }}\n"
        "e:\n  {{- toYaml .Values.list | nindent 2 }}\n"
    )
    out = _render(source, {"on": False, "map": {"z": 1, "a": "two"}, "list": [{"k": "v"}]})
    assert out == 'a: 3\nb: "r-x"\nc: off\nd:\n  a: "two"\n  z: "1"\ne:\n  - k: v\n'


def test_unknown_functions_and_nil_fields_fail_like_helm():
    """A function outside the subset, a field of a missing value and an unclosed block all raise."""
    with pytest.raises(TemplateError, match="not in the supported subset"):
        _render("{{ .Values.x | upper }}", {"x": "a"})
    with pytest.raises(TemplateError, match="nil pointer"):
        _render("{{ .Values.absent.field }}", {})
    with pytest.raises(TemplateError, match="unclosed"):
        _render("{{ if .Values.x }}y", {"x": 1})
