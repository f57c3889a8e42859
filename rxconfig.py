"""Reflex configuration: the app module, theme plugin, and Redis state when configured."""

import os

import reflex as rx
from reflex_base.plugins.sitemap import SitemapPlugin

config = rx.Config(
    app_name="metaic",
    telemetry_enabled=False,
    redis_url=os.environ.get("REDIS_URL") or None,
    plugins=[
        rx.plugins.RadixThemesPlugin(theme=rx.theme(accent_color="indigo", gray_color="slate", radius="large")),
    ],
    disable_plugins=[SitemapPlugin],
    show_built_with_reflex=False,
)
