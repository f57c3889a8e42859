"""What the running app really answers, for checking the deploy files against it."""

from __future__ import annotations

from functools import lru_cache

from reflex.constants import Endpoint

from metaic.api.app import build_api
from metaic.config import Settings

# Reflex's own backend routes, served beside ours (--backend-only).
REFLEX_ROUTES = tuple(str(endpoint) for endpoint in (Endpoint.EVENT, Endpoint.UPLOAD, Endpoint.PING, Endpoint.HEALTH))
# Read from the environment by Reflex, granian or prometheus-client rather than by metaic/config.py.
OTHER_ENV = {"PORT", "GRANIAN_WORKERS", "PROMETHEUS_MULTIPROC_DIR", "REFLEX_REDIS_URL", "REFLEX_API_URL"}


@lru_cache(maxsize=1)
def app_paths() -> frozenset[str]:
    """Every path template of the FastAPI app Reflex mounts (included routers flattened)."""
    paths: set[str] = set()
    for route in build_api().routes:
        contexts = getattr(route, "effective_route_contexts", None)
        if contexts is not None:
            paths.update(context.path for context in (contexts() if callable(contexts) else contexts))
        else:
            paths.add(route.path)
    return frozenset(paths)


def all_paths() -> frozenset[str]:
    """The app's routes plus Reflex's own."""
    return app_paths() | frozenset(REFLEX_ROUTES)


def covered(path: str, prefixes: list[str]) -> bool:
    """True when an ingress `Prefix` path (element-wise match, as Kubernetes does it) takes `path`."""
    parts = path.rstrip("/").split("/")
    return any(parts[: len(prefix.rstrip("/").split("/"))] == prefix.rstrip("/").split("/") for prefix in prefixes)


def setting_names() -> frozenset[str]:
    """Environment variable names metaic/config.py reads."""
    return frozenset(str(field.validation_alias) for field in Settings.model_fields.values() if field.validation_alias)
