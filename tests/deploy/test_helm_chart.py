"""The Helm chart renders into valid Kubernetes objects that fit the app: probes, ports, commands, hooks, settings."""

from __future__ import annotations

import re
import shlex

import kubernetes_validate
import pytest
import yaml

from metaic.jobs.policy import QUEUES
from metaic.web import ops_routes
from tests.deploy import chart
from tests.deploy.routes import OTHER_ENV, all_paths, app_paths, covered, setting_names

KUBERNETES_VERSION = "1.30.0"
VALUE_SETS = {
    "default": (),
    "staging": ("values-staging.yaml",),
    "production": ("values-production.yaml",),
}
# Reflex pages (served by the static frontend) whose names are close to backend routes.
PAGES = ("/", "/notifications", "/contacts", "/cards", "/dashboard", "/admin/jobs", "/login")
COMPOSE = yaml.safe_load((chart.ROOT / "deploy" / "docker-compose.prod.yml").read_text())


@pytest.fixture(scope="module", params=sorted(VALUE_SETS))
def objects(request) -> list[dict]:
    """The rendered chart for each values set."""
    return chart.render(*VALUE_SETS[request.param])


def _container(deployment: dict, name: str) -> dict:
    """A container of a workload by name."""
    containers = deployment["spec"]["template"]["spec"]["containers"]
    return next(container for container in containers if container["name"] == name)


def _env(container: dict) -> dict[str, str]:
    """A container's literal environment."""
    return {item["name"]: item.get("value") for item in container.get("env", [])}


def test_every_object_is_valid_against_the_kubernetes_schema(objects):
    """Strict schemas (unknown fields refused), as kubeconform -strict would check them."""
    for obj in objects:
        kubernetes_validate.validate(obj, KUBERNETES_VERSION, strict=True)
    kinds = {obj["kind"] for obj in objects}
    assert {"Deployment", "Service", "Ingress", "PodDisruptionBudget", "Job", "ConfigMap"} <= kinds


def test_selectors_match_the_pods_they_are_meant_for(objects):
    """Deployments select their own pods; every Service, PDB and HPA points at exactly one Deployment."""
    deployments = chart.find(objects, "Deployment")
    pod_labels = {d["metadata"]["name"]: d["spec"]["template"]["metadata"]["labels"] for d in deployments}
    for deployment in deployments:
        selector = deployment["spec"]["selector"]["matchLabels"]
        assert selector.items() <= pod_labels[deployment["metadata"]["name"]].items()
    for kind, path in (("Service", ("spec", "selector")), ("PodDisruptionBudget", ("spec", "selector", "matchLabels"))):
        for obj in chart.find(objects, kind):
            selector = obj[path[0]][path[1]] if len(path) == 2 else obj[path[0]][path[1]][path[2]]
            matched = [name for name, labels in pod_labels.items() if selector.items() <= labels.items()]
            assert len(matched) == 1, f"{kind} {obj['metadata']['name']} selects {matched}"
    for hpa in chart.find(objects, "HorizontalPodAutoscaler"):
        target = hpa["spec"]["scaleTargetRef"]
        assert target["kind"] == "Deployment" and target["name"] in pod_labels
        assert hpa["spec"]["metrics"][0]["resource"]["name"] == "cpu"
        scaled = next(d for d in deployments if d["metadata"]["name"] == target["name"])
        assert "replicas" not in scaled["spec"], "an autoscaled Deployment must leave replicas to the HPA"


def test_app_probes_use_the_real_liveness_and_readiness_routes(objects):
    """Liveness on /livez, readiness on /readyz: the paths ops_routes serves, on the port the server listens on."""
    ops_paths = {route.path for route in ops_routes.router.routes}
    app = _container(chart.one(objects, "Deployment", "app"), "app")
    assert app["livenessProbe"]["httpGet"]["path"] == "/livez" in ops_paths
    assert app["readinessProbe"]["httpGet"]["path"] == "/readyz" in ops_paths
    assert app["startupProbe"]["httpGet"]["path"] in ops_paths
    ports = {port["name"]: port["containerPort"] for port in app["ports"]}
    for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
        assert app[probe]["httpGet"]["port"] in ports
    command = app["command"]
    assert int(command[command.index("--backend-port") + 1]) == ports["http"] == int(_env(app)["PORT"])
    service = chart.one(objects, "Service", "app")
    assert service["spec"]["ports"][0]["targetPort"] in ports


def test_commands_match_the_compose_file(objects):
    """App, worker and migration run exactly what deploy/docker-compose.prod.yml runs (ports aside)."""
    services = COMPOSE["services"]
    app = _container(chart.one(objects, "Deployment", "app"), "app")
    compose_app = services["app"]["command"]
    assert app["command"][:-1] == compose_app[:-1] and compose_app[-2] == "--backend-port"
    worker = _container(chart.one(objects, "Deployment", "worker"), "worker")
    assert worker["command"][: len(services["worker"]["command"])] == services["worker"]["command"]
    assert set(worker["command"][worker["command"].index("--queues") + 1].split(",")) <= set(QUEUES)
    migrate = chart.one(objects, "Job", "migrate")["spec"]["template"]["spec"]["containers"][0]
    assert migrate["command"] == services["migrate"]["command"] == ["python", "-m", "metaic", "migrate"]
    dockerfile = (chart.ROOT / "Dockerfile").read_text()
    assert "USER metaic" in dockerfile and "useradd --create-home --uid 10001" in dockerfile
    assert chart.one(objects, "Deployment", "app")["spec"]["template"]["spec"]["securityContext"]["runAsUser"] == 10001


def _hook(obj: dict) -> tuple[set[str], int]:
    """The hook events and weight of a hook object."""
    annotations = obj["metadata"].get("annotations", {})
    return set(annotations.get("helm.sh/hook", "").split(",")) - {""}, int(annotations.get("helm.sh/hook-weight", 0))


def test_migration_is_a_pre_install_and_pre_upgrade_hook_after_its_settings(objects):
    """The Job runs before the new pods, once; the settings it reads exist before it (a lower weight)."""
    job = chart.one(objects, "Job", "migrate")
    events, weight = _hook(job)
    assert events == {"pre-install", "pre-upgrade"}
    assert "before-hook-creation" in job["metadata"]["annotations"]["helm.sh/hook-delete-policy"]
    assert job["spec"]["template"]["spec"]["restartPolicy"] == "Never"
    refs = job["spec"]["template"]["spec"]["containers"][0]["envFrom"]
    names = {ref.get("configMapRef", ref.get("secretRef", {})).get("name") for ref in refs}
    for obj in chart.find(objects, "ConfigMap") + chart.find(objects, "Secret"):
        assert obj["metadata"]["name"] in names
        settings_events, settings_weight = _hook(obj)
        assert settings_events >= events and settings_weight < weight


def test_metrics_folder_is_a_per_pod_empty_dir(objects):
    """PROMETHEUS_MULTIPROC_DIR points at a mounted emptyDir in the app and in both worker containers."""
    for component, containers in (("app", ("app",)), ("worker", ("worker", "metrics"))):
        deployment = chart.one(objects, "Deployment", component)
        volumes = {volume["name"]: volume for volume in deployment["spec"]["template"]["spec"]["volumes"]}
        for name in containers:
            container = _container(deployment, name)
            folder = _env(container)["PROMETHEUS_MULTIPROC_DIR"]
            mount = next(m for m in container["volumeMounts"] if m["mountPath"] == folder)
            assert volumes[mount["name"]] == {"name": mount["name"], "emptyDir": {}}


def test_settings_are_names_the_app_reads(objects):
    """Every ConfigMap and Secret key is an environment variable of metaic/config.py (or Reflex's/granian's)."""
    known = setting_names() | OTHER_ENV
    values = chart.values()
    for name in [*values["config"], *values["secrets"]]:
        assert name in known, f"{name} is not read by the app"
    for obj in chart.find(objects, "ConfigMap") + chart.find(objects, "Secret"):
        for name in {**obj.get("data", {}), **obj.get("stringData", {})}:
            assert name in known, f"{name} is not read by the app"


def test_ingress_sends_every_backend_route_to_the_app_with_sticky_sessions(objects):
    """Each route the app serves (but /metrics) reaches the app Service; the rest goes to the static frontend."""
    ingress = chart.one(objects, "Ingress")
    annotations = ingress["metadata"]["annotations"]
    assert annotations["nginx.ingress.kubernetes.io/affinity"] == "cookie"
    assert annotations["nginx.ingress.kubernetes.io/session-cookie-name"]
    assert int(annotations["nginx.ingress.kubernetes.io/proxy-read-timeout"]) >= 3600  # the /_event websocket
    app_service = chart.one(objects, "Service", "app")["metadata"]["name"]
    paths = ingress["spec"]["rules"][0]["http"]["paths"]
    to_app = [p["path"] for p in paths if p["backend"]["service"]["name"] == app_service]
    for path in all_paths() - {"/metrics"}:
        assert covered(path, to_app), f"{path} is not routed to the app"
    assert not covered("/metrics", to_app), "/metrics must stay inside the cluster"
    for page in PAGES:
        assert not covered(page, to_app), f"the ingress takes the page {page} away from the frontend"
    for prefix in to_app:
        assert any(covered(path, [prefix]) for path in all_paths()), f"{prefix} matches no route of the app"
    ports = {port["port"] for port in chart.one(objects, "Service", "app")["spec"]["ports"]}
    assert {p["backend"]["service"]["port"]["number"] for p in paths} <= ports


def _sample(path: str) -> str:
    """A concrete address for a route template (`/c/{slug}` becomes `/c/sample`)."""
    return re.sub(r"\{[^}]*\}", "sample", path)


def test_nginx_conf_of_the_compose_deployment_routes_the_same_paths():
    """deploy/nginx.conf sends every route the app serves to the app pool, and the Reflex pages to the frontend."""
    conf = (chart.ROOT / "deploy" / "nginx.conf").read_text()
    backend = re.compile(re.search(r"location ~ (\^/\S+) \{", conf).group(1))
    for path in all_paths() - {"/metrics"}:
        assert backend.match(_sample(path)), f"nginx.conf does not send {path} to the app"
    for page in (*PAGES, "/metrics"):
        assert not backend.match(page), f"nginx.conf takes {page} away from the frontend"


def test_pdb_and_rollout_keep_the_app_serving(objects):
    """A rolling update never removes a ready app pod first, and a PDB guards app and workers."""
    app = chart.one(objects, "Deployment", "app")
    assert app["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
    for component in ("app", "worker"):
        chart.one(objects, "PodDisruptionBudget", component)
    worker = chart.one(objects, "Deployment", "worker")
    assert worker["spec"]["template"]["spec"]["terminationGracePeriodSeconds"] >= 30


def test_production_uses_an_existing_secret_and_autoscales_workers():
    """values-production.yaml: no chart-made Secret (one you manage), HPAs on app and workers."""
    objects = chart.render("values-production.yaml")
    assert chart.find(objects, "Secret") == []
    refs = _container(chart.one(objects, "Deployment", "app"), "app")["envFrom"]
    assert {"secretRef": {"name": "metaic"}} in refs
    assert {h["spec"]["scaleTargetRef"]["name"] for h in chart.find(objects, "HorizontalPodAutoscaler")} == {
        "metaic-app",
        "metaic-worker",
    }


def test_staging_runs_one_of_each_without_autoscaling():
    """values-staging.yaml: fixed single replicas, its own host."""
    objects = chart.render("values-staging.yaml")
    assert chart.find(objects, "HorizontalPodAutoscaler") == []
    assert chart.one(objects, "Deployment", "app")["spec"]["replicas"] == 1
    assert chart.one(objects, "Ingress")["spec"]["rules"][0]["host"] == "staging.cards.example.com"


def test_a_broken_value_fails_the_checks():
    """The checks can fail: a readiness probe on a path the app does not serve is caught."""
    objects = chart.render(overrides={"app": {"port": 9000}})
    app = _container(chart.one(objects, "Deployment", "app"), "app")
    assert app["ports"][0]["containerPort"] == 9000 and "9000" in shlex.join(app["command"])
    assert "/nowhere" not in app_paths()
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(
            {**chart.one(objects, "Service", "app"), "spec": {"ports": [{"port": "http"}]}}, KUBERNETES_VERSION, True
        )


def test_uploads_are_scanned_by_a_clamd_the_chart_and_compose_run(objects):
    """ClamAV runs beside the app (chart and compose alike), and the app's settings point at its Service."""
    clamav = _container(chart.one(objects, "Deployment", "clamav"), "clamav")
    service = chart.one(objects, "Service", "clamav")
    config = chart.one(objects, "ConfigMap")["data"]
    assert config["VIRUS_SCANNER"] == "clamd" and config["CLAMD_HOST"] == service["metadata"]["name"]
    assert int(config["CLAMD_PORT"]) == service["spec"]["ports"][0]["port"] == clamav["ports"][0]["containerPort"]
    assert clamav["startupProbe"]["tcpSocket"]["port"] == service["spec"]["ports"][0]["targetPort"] == "clamd"
    compose_env = COMPOSE["x-metaic-env"]
    assert COMPOSE["services"]["clamav"]["image"] == clamav["image"]
    assert compose_env["CLAMD_HOST"] == "clamav" and compose_env["VIRUS_SCANNER"].endswith(":-clamd}")
    assert int(compose_env["CLAMD_PORT"]) == int(config["CLAMD_PORT"])


def test_without_clamav_nothing_points_at_a_scanner():
    """clamav.enabled=false: no ClamAV objects and no scanner setting (uploads are served at once)."""
    objects = chart.render(overrides={"clamav": {"enabled": False}})
    assert [o for o in objects if o["metadata"]["name"].endswith("-clamav")] == []
    assert "VIRUS_SCANNER" not in chart.one(objects, "ConfigMap")["data"]
