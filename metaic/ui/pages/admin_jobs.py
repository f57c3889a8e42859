"""`/admin/jobs`: queue lengths and failed jobs, with retry buttons (admins only)."""

from __future__ import annotations

import reflex as rx

from metaic.ui import styles
from metaic.ui.components.admin_nav import admin_header
from metaic.ui.components.layout import loading_block, page
from metaic.ui.state.admin_jobs import AdminJobsState as J


def queue_tile(q: rx.Var) -> rx.Component:
    """Counts of one queue."""
    return rx.vstack(
        rx.text(q["queue"], weight="bold", size="4", text_transform="capitalize"),
        rx.hstack(rx.text("Queued ", q["queued"], size="2"), rx.text("Running ", q["started"], size="2"), spacing="3"),
        rx.hstack(
            rx.text("Scheduled ", q["scheduled"], size="2"),
            rx.text("Failed ", q["failed"], size="2", color=rx.cond(q["failed"] != "0", styles.DANGER, "")),
            spacing="3",
        ),
        rx.text("Finished in the last hour: ", q["finished"], size="1", color=styles.MUTED),
        style=styles.card_style,
        spacing="1",
        class_name="queue-tile",
    )


def failed_row(job: rx.Var) -> rx.Component:
    """One failed job."""
    return rx.hstack(
        rx.vstack(
            rx.text(job["title"], weight="medium"),
            rx.text(job["queue"], " · failed ", job["failed_at"], " · ", job["ids"], size="1", color=styles.MUTED),
            rx.code(job["error"], size="1", color_scheme="red", white_space="pre-wrap"),
            spacing="1",
            flex="1",
            min_width="0",
        ),
        rx.button("Retry", size="1", on_click=J.retry(job["id"]), class_name="retry-job"),
        rx.button("Delete", size="1", variant="soft", color_scheme="red", on_click=J.delete(job["id"])),
        align="center",
        spacing="2",
        width="100%",
        padding_y="12px",
        border_bottom=styles.BORDER,
        class_name="failed-job",
    )


def admin_jobs() -> rx.Component:
    """The admin jobs page."""
    return page(
        rx.cond(
            J.denied,
            rx.callout("Only administrators can see background jobs.", icon="shield-alert", color_scheme="red"),
            rx.cond(
                J.loaded & J.signed_in,
                rx.vstack(
                    admin_header(
                        "/admin/jobs",
                        "Background jobs",
                        "Queue lengths and failed jobs; retry a job once its cause is fixed.",
                        rx.badge(J.backend, variant="outline"),
                    ),
                    rx.grid(
                        rx.foreach(J.queues, queue_tile),
                        columns=rx.breakpoints(initial="1", sm="3"),
                        spacing="3",
                        width="100%",
                    ),
                    rx.vstack(
                        rx.heading("Failed jobs", size="4"),
                        rx.cond(
                            J.failed.length() == 0,
                            rx.text(
                                "No failed jobs. Jobs that fail after their last retry show up here.",
                                color=styles.MUTED,
                                size="2",
                            ),
                        ),
                        rx.foreach(J.failed, failed_row),
                        style=styles.card_style,
                        spacing="2",
                        width="100%",
                    ),
                    spacing="4",
                    width="100%",
                ),
                loading_block(),
            ),
        ),
    )
