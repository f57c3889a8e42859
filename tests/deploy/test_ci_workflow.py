"""The GitHub Actions workflow: well-formed, and wired to what the repository really has."""

from __future__ import annotations

import re

import yaml

from tests.deploy.chart import CHART, ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "ci.yml"


def _workflow() -> dict:
    """The workflow as data (PyYAML reads the `on` key as True)."""
    data = yaml.safe_load(WORKFLOW.read_text())
    data["on"] = data.pop(True)
    return data


def test_jobs_are_complete_and_actions_pinned():
    """Every job runs somewhere and has steps; each action names a version; `needs` point at real jobs."""
    workflow = _workflow()
    assert {"push", "pull_request"} <= set(workflow["on"])
    jobs = workflow["jobs"]
    assert {"lint", "test", "chart", "image", "deploy-staging", "deploy-production"} <= set(jobs)
    for name, job in jobs.items():
        assert job["runs-on"] and job["steps"], name
        assert set(job.get("needs", [])) <= set(jobs), name
        for step in job["steps"]:
            assert ("uses" in step) != ("run" in step), f"{name}: a step must either use an action or run"
            if "uses" in step:
                assert re.fullmatch(r"[\w.-]+/[\w.-]+@v\d+(\.\d+)*", step["uses"]), step["uses"]


def test_tests_run_against_postgresql_and_redis_services():
    """The test job starts both services and points the suite at them."""
    test = _workflow()["jobs"]["test"]
    assert {"postgres", "redis"} <= set(test["services"])
    assert test["env"]["TEST_DATABASE_URL"].startswith("postgresql+psycopg://postgres@postgres:5432/")
    assert test["env"]["TEST_REDIS_URL"] == "redis://redis:6379"
    commands = " ".join(step.get("run", "") for step in test["steps"])
    assert "pytest" in commands and "make dev" in commands and "chromium" in commands


def test_chart_job_and_deploys_use_the_chart_and_values_that_exist():
    """helm lint/template over each values file that exists; image targets are Dockerfile stages."""
    text = WORKFLOW.read_text()
    for values in set(re.findall(r"values[\w-]*\.yaml", text)):
        assert (CHART / values).exists(), values
    assert "deploy/helm/metaic" in text and "kubeconform -strict" in text and "promtool" in text
    stages = set(re.findall(r"^FROM \S+ AS (\S+)", (ROOT / "Dockerfile").read_text(), re.M))
    image = _workflow()["jobs"]["image"]
    targets = {step["with"]["target"] for step in image["steps"] if "docker/build-push-action" in step.get("uses", "")}
    assert targets == {"runtime", "web"} and targets <= stages
    ruff_pin = re.search(r"^ruff==(\S+)", (ROOT / "requirements-dev.txt").read_text(), re.M).group(1)
    assert f"ruff=={ruff_pin}" in text, "the lint job must use the ruff version the project pins"
