"""Reflex configuration: the app module, theme plugin, trusted origins, and Redis state when configured."""

import os

import reflex as rx
from reflex_base.plugins.sitemap import SitemapPlugin

from metaic.config import get_settings

config = rx.Config(
    app_name="metaic",
    telemetry_enabled=False,
    redis_url=os.environ.get("REDIS_URL") or None,
    # Reflex's CORS middlewares and its Socket.IO server trust only these origins with the user's cookies
    # (its default "*" reflects any Origin with credentials).
    cors_allowed_origins=list(get_settings().allowed_origins),
    plugins=[
        rx.plugins.RadixThemesPlugin(theme=rx.theme(accent_color="indigo", gray_color="slate", radius="large")),
    ],
    disable_plugins=[SitemapPlugin],
    show_built_with_reflex=False,
    # Memoize inside the generated components: a state update re-renders every component reading that state,
    # and without this each one rebuilt its whole element tree (the builder: 87 of them on every keystroke,
    # ~26 ms of JavaScript a key in Chromium here; with it ~9 ms). See bench/ui_bench.py.
    react_compiler=True,
)
