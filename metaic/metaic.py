"""Composition root: builds the Reflex app, mounts the HTTP API, registers the pages."""

from __future__ import annotations

import reflex as rx

from metaic import migrations
from metaic.api.app import build_api
from metaic.config import get_settings
from metaic.core import error_reports, tracing
from metaic.core.heap import freeze_after_start
from metaic.core.logs import configure_from_settings
from metaic.ui import styles
from metaic.ui.event_ids import EventRequestIds
from metaic.ui.pages.account import account
from metaic.ui.pages.admin import admin_overview
from metaic.ui.pages.admin_analytics import admin_analytics
from metaic.ui.pages.admin_audit import admin_audit
from metaic.ui.pages.admin_jobs import admin_jobs
from metaic.ui.pages.admin_reports import admin_reports
from metaic.ui.pages.admin_search import admin_search
from metaic.ui.pages.admin_user import admin_user
from metaic.ui.pages.admin_users import admin_users
from metaic.ui.pages.analytics import analytics_page
from metaic.ui.pages.assistant import assistant_page
from metaic.ui.pages.auth_pages import email_verified, forgot_password, login, reset_password, signup
from metaic.ui.pages.builder import builder
from metaic.ui.pages.cards import cards_page
from metaic.ui.pages.contacts import contact_view, contacts_page
from metaic.ui.pages.dashboard import dashboard
from metaic.ui.pages.duplicates import duplicates_page
from metaic.ui.pages.landing import landing
from metaic.ui.pages.messages import messages_page
from metaic.ui.pages.network import network_page
from metaic.ui.pages.not_found import not_found
from metaic.ui.pages.notifications import notifications_page
from metaic.ui.pages.privacy import privacy_page
from metaic.ui.pages.scan import scan_page
from metaic.ui.pages.templates import templates_page
from metaic.ui.resilient_state import ResilientStateManager
from metaic.ui.state.account import AccountState
from metaic.ui.state.admin import AdminOverviewState
from metaic.ui.state.admin_analytics import AdminAnalyticsState
from metaic.ui.state.admin_audit import AdminAuditState
from metaic.ui.state.admin_jobs import AdminJobsState
from metaic.ui.state.admin_reports import AdminReportsState
from metaic.ui.state.admin_search import AdminSearchState
from metaic.ui.state.admin_user import AdminUserState
from metaic.ui.state.admin_users import AdminUsersState
from metaic.ui.state.analytics import AnalyticsState
from metaic.ui.state.assistant import AssistantState
from metaic.ui.state.auth import EmailVerifiedState, ForgotPasswordState, ResetPasswordState, SignInState, SignUpState
from metaic.ui.state.builder import BuilderState
from metaic.ui.state.cards import CardsState
from metaic.ui.state.compose import ComposeState
from metaic.ui.state.contact_followup import FollowUpState
from metaic.ui.state.contacts import ContactsState, ContactState
from metaic.ui.state.dashboard import DashboardState
from metaic.ui.state.duplicates import DuplicatesState
from metaic.ui.state.messages import MessagesState
from metaic.ui.state.network import NetworkState
from metaic.ui.state.network_draft import ComposeHandoffState
from metaic.ui.state.notifications import NotificationsState
from metaic.ui.state.privacy import PrivacyState
from metaic.ui.state.scan import ScanState
from metaic.ui.state.session import SessionState
from metaic.ui.state.templates import TemplatesState
from metaic.upkeep import analytics_flush_loop, upkeep_loop
from metaic.web import security
from metaic.web.fastpath import public_card_fastpath
from metaic.web.observe import RequestObserver, metrics_sync_loop
from metaic.wiring import wire

configure_from_settings(get_settings())  # JSON lines in production, readable lines elsewhere
error_reports.setup(get_settings())  # SENTRY_DSN
tracing.setup(get_settings())  # OTEL_EXPORTER_OTLP_ENDPOINT
wire()  # domain events reach their subscribers (metaic/wiring.py)

if not get_settings().is_production:
    # Development and test builds keep the embedded database current on every start.
    migrations.upgrade()

# Reflex applies these in order, each wrapping the last: the API mounted over Reflex's routes, then our
# middlewares (body caps, trusted origins of /_event, security headers) around everything, and outermost
# the public card fast path, which answers cached /c/ pages before any of them (web/fastpath.py).
api_transformers = [
    build_api(),
    *security.transformers(upload_client_known=security.reflex_client_check(lambda: app)),
    RequestObserver,
    public_card_fastpath,
]
app = rx.App(
    api_transformer=api_transformers,
    style=styles.global_style,
    # The icons live in assets/ (scripts/make_icons.py draws them); Reflex serves that folder at the site root.
    head_components=[
        rx.el.link(rel="icon", href="/favicon.ico", sizes="32x32"),
        rx.el.link(rel="icon", href="/icon.svg", type="image/svg+xml"),
        rx.el.link(rel="apple-touch-icon", href="/apple-touch-icon.png"),
        rx.el.link(rel="manifest", href="/manifest.webmanifest"),
        rx.el.meta(name="theme-color", content="#3E63DD"),
    ],
)
app.add_middleware(EventRequestIds())  # a request id per event, for audit entries, logs and jobs
# Tabs keep working on this process's copy of their state while Redis is down (metaic/ui/resilient_state.py).
app._state_manager = ResilientStateManager.wrapping(app._state_manager)
app.register_lifespan_task(upkeep_loop)
app.register_lifespan_task(analytics_flush_loop)
app.register_lifespan_task(metrics_sync_loop)
app.register_lifespan_task(freeze_after_start)  # short full GC passes (metaic/core/heap.py)

app.add_page(
    landing,
    route="/",
    title="MetaIC — digital business cards",
    on_load=SessionState.load_public,
    description="Build a rich digital business card, share it with a QR code, and keep track of everyone you meet.",
)
app.add_page(signup, route="/signup", title="Create your account · MetaIC", on_load=SignUpState.load)
app.add_page(login, route="/login", title="Sign in · MetaIC", on_load=SignInState.load)
app.add_page(login, route="/login/mfa", title="Two-step sign-in · MetaIC", on_load=SignInState.load)
app.add_page(
    forgot_password, route="/forgot-password", title="Forgot password · MetaIC", on_load=ForgotPasswordState.load
)
app.add_page(
    reset_password, route="/reset-password", title="Choose a new password · MetaIC", on_load=ResetPasswordState.load
)
app.add_page(
    email_verified, route="/email-verified", title="Email verification · MetaIC", on_load=EmailVerifiedState.load
)
app.add_page(dashboard, route="/dashboard", title="Dashboard · MetaIC", on_load=DashboardState.load)
app.add_page(account, route="/account", title="Account settings · MetaIC", on_load=AccountState.load)
app.add_page(cards_page, route="/cards", title="Your cards · MetaIC", on_load=CardsState.load)
app.add_page(builder, route="/cards/edit", title="Card builder · MetaIC", on_load=BuilderState.load)
app.add_page(
    notifications_page, route="/notifications", title="Notifications · MetaIC", on_load=NotificationsState.load_page
)
app.add_page(admin_jobs, route="/admin/jobs", title="Background jobs · MetaIC", on_load=AdminJobsState.load)
app.add_page(admin_overview, route="/admin", title="Admin · MetaIC", on_load=AdminOverviewState.load)
app.add_page(admin_users, route="/admin/users", title="Users · Admin · MetaIC", on_load=AdminUsersState.load)
app.add_page(admin_user, route="/admin/users/view", title="User · Admin · MetaIC", on_load=AdminUserState.load)
app.add_page(admin_audit, route="/admin/audit", title="Audit log · Admin · MetaIC", on_load=AdminAuditState.load)
app.add_page(admin_reports, route="/admin/reports", title="Reports · Admin · MetaIC", on_load=AdminReportsState.load)
app.add_page(analytics_page, route="/analytics", title="Analytics · MetaIC", on_load=AnalyticsState.load)
app.add_page(
    admin_analytics, route="/admin/analytics", title="Platform analytics · MetaIC", on_load=AdminAnalyticsState.load
)
app.add_page(privacy_page, route="/privacy", title="Privacy · MetaIC", on_load=PrivacyState.load)
app.add_page(not_found, route="404", title="Page not found · MetaIC", on_load=SessionState.load_public)
app.add_page(admin_search, route="/admin/search", title="Search analytics · MetaIC", on_load=AdminSearchState.load)
app.add_page(contacts_page, route="/contacts", title="Contacts · MetaIC", on_load=ContactsState.load)
app.add_page(
    contact_view,
    route="/contacts/view",
    title="Contact · MetaIC",
    on_load=[ContactState.load, ComposeState.load_messages, FollowUpState.load, ComposeHandoffState.apply],
)
app.add_page(messages_page, route="/messages", title="Messages · MetaIC", on_load=MessagesState.load)
app.add_page(network_page, route="/network", title="Network · MetaIC", on_load=NetworkState.load)
app.add_page(assistant_page, route="/assistant", title="Ask MetaIC · MetaIC", on_load=AssistantState.load)
app.add_page(templates_page, route="/templates", title="Message templates · MetaIC", on_load=TemplatesState.load)
app.add_page(scan_page, route="/contacts/scan", title="Scan a business card · MetaIC", on_load=ScanState.load)
app.add_page(duplicates_page, route="/contacts/duplicates", title="Duplicates · MetaIC", on_load=DuplicatesState.load)
