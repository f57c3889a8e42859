"""Shared look: colours, spacing and reusable style dicts."""

BRAND = "MetaIC"
ACCENT = "var(--indigo-9)"
MUTED = "var(--gray-11)"
BORDER = "1px solid var(--gray-a5)"
PAGE_BG = "var(--gray-2)"
CARD_BG = "var(--color-panel-solid)"
DANGER = "var(--red-11)"

CONTENT_WIDTH = "1080px"
FORM_WIDTH = "420px"

card_style = {
    "background": CARD_BG,
    "border": BORDER,
    "border_radius": "16px",
    "padding": ["20px", "28px"],
    "box_shadow": "0 1px 2px rgba(16,24,40,.04), 0 8px 24px rgba(16,24,40,.06)",
    "width": "100%",
}

section_title = {"size": "4", "weight": "bold"}

field_error = {"color": DANGER, "size": "1"}

# A badge holding text people wrote (a tag, an industry): it wraps inside the screen rather than run off a phone's
# edge (Radix badges never wrap). Text people wrote elsewhere takes `overflow_wrap="anywhere"` for the same reason.
wrapping_badge = {"white_space": "normal", "overflow_wrap": "anywhere", "max_width": "100%"}

nav_link = {"color": "var(--gray-12)", "font_weight": "500", "_hover": {"color": ACCENT}}

global_style = {
    "font_family": "Inter, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif",
    "background": PAGE_BG,
}
