"""deploy/prometheus/alerts.yml and deploy/grafana/metaic-dashboard.json read only metrics the app exports."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest
import yaml
from fastapi.testclient import TestClient
from prometheus_client.metrics import MetricWrapperBase
from prometheus_client.parser import text_string_to_metric_families

from metaic.api.app import build_api
from metaic.core import metrics
from metaic.web.observe import RequestObserver
from tests.deploy import promql
from tests.deploy.chart import ROOT

ALERTS = ROOT / "deploy" / "prometheus" / "alerts.yml"
DASHBOARD = ROOT / "deploy" / "grafana" / "metaic-dashboard.json"
# Series from kubelet and node_exporter that the disk alerts read (not the app's), with their labels.
EXTERNAL = {
    "kubelet_volume_stats_available_bytes": {"persistentvolumeclaim", "namespace"},
    "kubelet_volume_stats_capacity_bytes": {"persistentvolumeclaim", "namespace"},
    "node_filesystem_avail_bytes": {"mountpoint", "fstype", "device"},
    "node_filesystem_size_bytes": {"mountpoint", "fstype", "device"},
}
TARGET_LABELS = {"instance", "job"}  # added by Prometheus to every scraped series
JOB_OUTCOMES = {"enqueued", "succeeded", "retried", "failed"}
SUFFIXES = {"counter": ("_total",), "histogram": ("_bucket", "_count", "_sum")}


@pytest.fixture
def exported(sqlite_db, redis_url) -> dict[str, set[str]]:
    """Series name -> label names: the declared counters and histograms, and the gauges a real scrape shows."""
    series: dict[str, set[str]] = {}
    for value in vars(metrics).values():
        if isinstance(value, MetricWrapperBase):
            for suffix in SUFFIXES[value._type]:
                labels = set(value._labelnames) | ({"le"} if suffix == "_bucket" else set())
                series[value._name + suffix] = labels
    client = TestClient(RequestObserver(build_api()), client=("127.0.0.1", 40000))
    answer = client.get("/metrics")
    assert answer.status_code == 200
    for family in text_string_to_metric_families(answer.text):
        if family.type == "gauge" and family.name.startswith("metaic_"):
            series[family.name] = {label for sample in family.samples for label in sample.labels}
    assert {"metaic_queue_depth", "metaic_db_connections_in_use", "metaic_public_card_cache_entries"} <= set(series)
    return series


def _check_query(expr: str, exported: dict[str, set[str]]) -> promql.Query:
    """Every metric is exported (or an allowed external one), with the labels the query matches and groups by."""
    known = {**exported, **EXTERNAL}
    query = promql.read(expr)
    assert query.metrics, f"no metric in {expr!r}"
    for name in query.metrics:
        assert name in known, f"{name} is not exported by the app: {expr!r}"
    for name, label, _, value in query.matchers:
        assert label in known[name] | TARGET_LABELS, f"{name} has no label {label}: {expr!r}"
        if label == "outcome":
            assert set(value.split("|")) <= JOB_OUTCOMES, f"unknown job outcome {value!r}"
    available = set().union(*(known[name] for name in query.metrics)) | TARGET_LABELS
    assert query.grouping <= available, f"grouping by {query.grouping - available} in {expr!r}"
    return query


def _rules() -> list[dict]:
    """Every alerting rule of alerts.yml."""
    groups = yaml.safe_load(ALERTS.read_text())["groups"]
    assert groups and all(group["name"] and group["rules"] for group in groups)
    return [rule for group in groups for rule in group["rules"]]


def test_alert_rules_are_complete_and_read_exported_metrics(exported):
    """Each rule: a unique name, `for`, a severity, summary and description, and an expression over real series."""
    rules = _rules()
    assert len({rule["alert"] for rule in rules}) == len(rules)
    for rule in rules:
        assert re.fullmatch(r"MetaIC[A-Z][A-Za-z0-9]+", rule["alert"])
        assert re.fullmatch(r"\d+[smh]", rule["for"]), rule["alert"]
        assert rule["labels"]["severity"] in ("critical", "warning")
        assert rule["annotations"]["summary"] and rule["annotations"]["description"]
        query = _check_query(rule["expr"], exported)
        shown = set(re.findall(r"\$labels\.(\w+)", json.dumps(rule["annotations"])))
        outputs = query.grouping or set().union(*({**exported, **EXTERNAL}[m] for m in query.metrics))
        assert shown <= outputs | TARGET_LABELS, f"{rule['alert']} shows labels its result lacks: {shown}"


def test_alerts_cover_errors_latency_queues_failed_jobs_and_disk():
    """The issue's five alerts are there, each reading what it says it reads."""
    exprs = {rule["alert"]: " ".join(rule["expr"].split()) for rule in _rules()}
    joined = " ".join(exprs.values())
    assert 'metaic_http_requests_total{status=~"5.."}' in joined
    assert "histogram_quantile(0.99" in joined and "metaic_http_request_duration_seconds_bucket" in joined
    assert "metaic_queue_depth" in joined
    assert 'metaic_jobs_total{outcome="failed"}' in joined
    assert "kubelet_volume_stats_available_bytes" in joined and "node_filesystem_avail_bytes" in joined


def test_promtool_accepts_the_rules_when_installed():
    """`promtool check rules` where promtool exists; the YAML structure is checked either way."""
    assert yaml.safe_load(ALERTS.read_text())["groups"]
    if shutil.which("promtool"):
        subprocess.run(["promtool", "check", "rules", str(ALERTS)], check=True)


def test_dashboard_panels_query_exported_metrics(exported):
    """The dashboard parses, every panel has a query on exported series, and panels do not overlap."""
    dashboard = json.loads(DASHBOARD.read_text())
    assert dashboard["uid"] and dashboard["title"]
    panels = [panel for panel in dashboard["panels"] if panel["type"] != "row"]
    assert len(panels) >= 10
    seen: set[str] = set()
    for panel in panels:
        assert panel["title"] and panel["targets"], panel.get("title")
        for target in panel["targets"]:
            expr = target["expr"].replace("$__rate_interval", "5m").replace('"$route"', '".*"')
            seen |= _check_query(expr, exported).metrics
    for variable in dashboard["templating"]["list"]:
        found = re.fullmatch(r"label_values\((\w+),\s*(\w+)\)", variable.get("definition", ""))
        if found:
            assert found.group(2) in exported[found.group(1)]
    assert {"metaic_http_requests_total", "metaic_jobs_total", "metaic_queue_depth"} <= seen
    cells = set()
    for panel in dashboard["panels"]:
        box = panel["gridPos"]
        area = {(x, y) for x in range(box["x"], box["x"] + box["w"]) for y in range(box["y"], box["y"] + box["h"])}
        assert not cells & area, f"panel {panel['title']} overlaps another"
        cells |= area


def test_the_checks_catch_a_metric_the_app_does_not_export(exported):
    """A misspelt metric, an unknown label and a made-up job outcome are all refused."""
    for expr in (
        "rate(metaic_http_request_total[5m])",
        'rate(metaic_jobs_total{state="failed"}[5m])',
        'rate(metaic_jobs_total{outcome="lost"}[5m])',
        "sum by (tenant) (metaic_queue_depth)",
    ):
        with pytest.raises(AssertionError):
            _check_query(expr, exported)
