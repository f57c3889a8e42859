"""`/contacts/scan`: upload or take a photo of a paper card, review the fields beside it, save as a contact."""

from __future__ import annotations

import reflex as rx

from metaic.ui import styles
from metaic.ui.components.layout import loading_block, page
from metaic.ui.state.scan import KIND_NAMES, ScanState

S = ScanState
UPLOAD_ID = "scan-upload"
# Phones open the camera for an input with `capture`; the drop zone's input has none, so the button sets it
# for one click (choosing an existing photo stays possible through the drop zone).
TAKE_PHOTO = (
    f"const i = document.querySelector('#{UPLOAD_ID} input[type=file]');"
    "if (i) { i.setAttribute('capture', 'environment'); i.click();"
    " setTimeout(() => i.removeAttribute('capture'), 1500); }"
)


def _upload_step() -> rx.Component:
    """The drop zone (click, drop, or the camera on phones)."""
    return rx.vstack(
        rx.upload(
            rx.vstack(
                rx.center(rx.icon("scan-line", size=28, color=styles.ACCENT), width="56px", height="56px",
                          border_radius="16px", background="var(--indigo-a3)"),
                rx.text("Drop a photo of the card here, or click to choose one", weight="medium", align="center"),
                rx.text("JPEG, PNG or WebP, up to 10 MB. One side, the whole card in the frame.", size="2",
                        color=styles.MUTED, align="center"),
                align="center",
                spacing="3",
            ),
            id=UPLOAD_ID,
            accept={"image/*": [".jpg", ".jpeg", ".png", ".webp"]},
            max_files=1,
            multiple=False,
            on_drop=S.upload(rx.upload_files(upload_id=UPLOAD_ID)),
            border="2px dashed var(--gray-a7)",
            border_radius="16px",
            padding=["32px 16px", "48px 24px"],
            width="100%",
            cursor="pointer",
            background=styles.CARD_BG,
        ),
        rx.button(
            rx.icon("camera", size=16), "Take a photo", size="3", on_click=rx.call_script(TAKE_PHOTO),
            id="take-photo", width="100%", display=rx.breakpoints(initial="flex", md="none"),
        ),
        rx.cond(S.errors.contains("file"), rx.callout(S.errors["file"], icon="triangle-alert", color_scheme="red",
                                                     width="100%", id="scan-error")),
        rx.text(
            "The card is read on this server (offline OCR) unless you turned on the AI provider in your AI settings. "
            "You check every field before anything is saved.",
            size="2", color=styles.MUTED,
        ),
        spacing="3",
        width="100%",
        max_width="640px",
    )  # fmt: skip


def _reading_step() -> rx.Component:
    """Shown while the photo is stored and read."""
    return rx.center(
        rx.vstack(
            rx.spinner(size="3"),
            rx.text("Reading the card…", weight="medium"),
            rx.text("This takes a few seconds.", size="2", color=styles.MUTED),
            align="center",
            spacing="2",
        ),
        style=styles.card_style,
        padding="48px",
        width="100%",
        max_width="640px",
        id="scan-reading",
    )


def _field(row: rx.Var) -> rx.Component:
    """One editable field: its kind, a 'Check' badge when uncertain, the value and why it is marked."""
    return rx.vstack(
        rx.hstack(
            rx.text(row["kind_name"], size="2", weight="medium"),
            rx.cond(row["uncertain"] != "", rx.badge(rx.icon("eye", size=12), "Check", color_scheme="amber")),
            rx.spacer(),
            rx.icon_button(rx.icon("x", size=14), size="1", variant="ghost", color_scheme="gray",
                           on_click=S.remove_field(row["key"]), aria_label="Remove this field"),
            align="center",
            width="100%",
        ),
        rx.input(
            default_value=row["value"], key=row["key"], on_change=lambda v: S.set_value(row["key"], v),
            size="2", width="100%", name=row["kind"],
            color_scheme=rx.cond(row["uncertain"] != "", "amber", "indigo"),
            variant=rx.cond(row["uncertain"] != "", "soft", "surface"),
        ),
        rx.cond(row["note"] != "", rx.text(row["note"], size="1", color=styles.MUTED)),
        spacing="1",
        width="100%",
        class_name="scan-field",
        data_kind=row["kind"],
        data_uncertain=row["uncertain"],
    )  # fmt: skip


def _duplicate() -> rx.Component:
    """The likely existing contact, with merge, open and save-as-new."""
    return rx.callout.root(
        rx.callout.icon(rx.icon("users")),
        rx.vstack(
            rx.text("This may be ", rx.text.strong(S.duplicate["name"]), " (", S.duplicate["reason"], ")."),
            rx.flex(
                rx.button("Merge into them", size="2", on_click=S.merge, id="scan-merge"),
                rx.button("Open their contact", size="2", variant="soft", on_click=S.open_existing, id="scan-open"),
                rx.button("Save as new", size="2", variant="soft", color_scheme="gray", on_click=S.save_new,
                          id="scan-save-new"),
                spacing="2",
                wrap="wrap",
            ),
            spacing="2",
        ),
        color_scheme="amber",
        width="100%",
        id="scan-duplicate",
    )  # fmt: skip


def _photo_column() -> rx.Component:
    """The photo, which engine read it, and the note."""
    return rx.vstack(
        # While the virus scan holds the photo it has no address yet: say so rather than show a broken image.
        rx.cond(
            S.image_url,
            rx.image(src=S.image_url, alt="The scanned card", width="100%", border_radius="12px",
                     border=styles.BORDER, id="scan-photo"),
            rx.hstack(rx.spinner(size="1"), rx.text("Checking file…", size="2", color=styles.MUTED),
                      align="center", spacing="2", padding="16px", width="100%", border_radius="12px",
                      border=styles.BORDER, id="scan-photo-checking"),
        ),
        rx.hstack(
            rx.badge(S.source_name, variant="soft", color_scheme=rx.cond(S.source == "vision", "indigo", "gray")),
            rx.cond(S.uncertain_count > 0, rx.badge(S.uncertain_count, " to check", color_scheme="amber")),
            spacing="2",
            wrap="wrap",
        ),
        rx.cond(S.note != "", rx.text(S.note, size="2", color=styles.MUTED, id="scan-note")),
        spacing="3",
        width="100%",
        style={"@media (min-width: 768px)": {"position": "sticky", "top": "24px"}},
    )  # fmt: skip


def _add_menu() -> rx.Component:
    """Add a field the reader missed."""
    return rx.dropdown_menu.root(
        rx.dropdown_menu.trigger(rx.button(rx.icon("plus", size=14), "Add a field", variant="soft", size="2")),
        rx.dropdown_menu.content(
            *[rx.dropdown_menu.item(name, on_click=S.add_kind(kind)) for kind, name in KIND_NAMES.items()]
        ),
    )


def _fields_column() -> rx.Component:
    """The editable fields, the card's other text, and the actions."""
    return rx.vstack(
        rx.grid(rx.foreach(S.fields, _field), columns=rx.breakpoints(initial="1", sm="2"), spacing="4", width="100%"),
        _add_menu(),
        rx.vstack(
            rx.text("Other text on the card (kept as a note)", size="2", weight="medium"),
            rx.text_area(value=S.other, on_change=S.set_other, width="100%", rows="3", id="scan-other"),
            spacing="1",
            width="100%",
        ),
        rx.cond(S.duplicate.contains("id"), _duplicate()),
        rx.flex(
            rx.button(rx.icon("user-plus", size=16), "Save contact", size="3", on_click=S.save, id="scan-save"),
            rx.button("Discard", size="3", variant="soft", color_scheme="gray", on_click=S.discard, id="scan-discard"),
            spacing="3",
            wrap="wrap",
        ),
        style=styles.card_style,
        spacing="4",
        width="100%",
        min_width="0",
    )


def _review_step() -> rx.Component:
    """The photo beside the parsed fields."""
    return rx.grid(
        _photo_column(),
        _fields_column(),
        columns=rx.breakpoints(initial="1", md="5fr 7fr"),
        spacing="5",
        width="100%",
        align_items="start",
        id="scan-review",
    )


def scan_page() -> rx.Component:
    """The scan page."""
    return page(
        rx.cond(
            S.loaded & S.signed_in,
            rx.vstack(
                rx.link(
                    rx.hstack(rx.icon("arrow-left", size=14), rx.text("All contacts", size="2")),
                    href="/contacts",
                    color=styles.MUTED,
                ),
                rx.heading("Scan a business card", size="7"),
                rx.text("Take or upload a photo of a paper card; check what was read, then save it as a contact.",
                        color=styles.MUTED),
                rx.match(S.stage, ("reading", _reading_step()), ("review", _review_step()), _upload_step()),
                spacing="4",
                width="100%",
            ),
            loading_block(),
        ),
    )  # fmt: skip
