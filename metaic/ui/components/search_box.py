"""The top bar's search box: grouped results as you type, highlighted matches, keyboard shortcuts, phone overlay."""

from __future__ import annotations

import reflex as rx

from metaic.ui import styles
from metaic.ui.state.search import ICONS
from metaic.ui.state.search import SearchState as S

# "/" (outside a text field) and Ctrl/Cmd+K focus the box; arrows move through the results, Enter opens the
# focused one (or the first from the box), Escape closes. Installed once per tab, when the top bar first mounts.
KEYS_SCRIPT = """(function(){if(window.metaicSearchKeys){return;}window.metaicSearchKeys=true;
function shown(el){return !!el&&el.offsetParent!==null;}
function byId(i){return document.getElementById(i);}
function box(){var d=byId('global-search');return shown(d)?d:byId('global-search-mobile');}
document.addEventListener('keydown',function(e){
var t=e.target||{};var tag=(t.tagName||'').toUpperCase();
var typing=tag==='INPUT'||tag==='TEXTAREA'||tag==='SELECT'||t.isContentEditable;
if(((e.key==='k'||e.key==='K')&&(e.ctrlKey||e.metaKey))||(e.key==='/'&&!typing)){
 e.preventDefault();var d=document.getElementById('global-search');
 if(shown(d)){d.focus();d.select();}else{var o=document.getElementById('search-open-mobile');if(o){o.click();}}return;}
var hits=Array.prototype.filter.call(document.querySelectorAll('.search-hit'),shown);
var inBox=t.id==='global-search'||t.id==='global-search-mobile';var i=hits.indexOf(t);
if(!inBox&&i<0){return;}
if(e.key==='ArrowDown'&&hits.length){e.preventDefault();hits[Math.min(i+1,hits.length-1)].focus();}
else if(e.key==='ArrowUp'&&i>=0){e.preventDefault();if(i===0){var b=box();if(b){b.focus();}}else{hits[i-1].focus();}}
else if(e.key==='Enter'&&inBox&&hits.length){e.preventDefault();hits[0].click();}
else if(e.key==='Escape'){var c=byId('search-backdrop')||byId('search-close-mobile');
 if(c){c.click();}if(t.blur){t.blur();}}
});})()"""

MARK_STYLE = {
    "background": "var(--amber-a5)",
    "color": "inherit",
    "border_radius": "3px",
    "padding": "0 1px",
    "font_weight": "600",
}


def _runs(parts: rx.Var, **props) -> rx.Component:
    """Text with the matched runs marked (React escapes every run, so no markup can get in)."""
    return rx.text(
        rx.foreach(
            parts,
            lambda p: rx.cond(p.hit, rx.el.mark(p.text, style=MARK_STYLE), rx.text.span(p.text)),
        ),
        **props,
    )


def _hit(h: rx.Var) -> rx.Component:
    """One result: a real link (new tab works), whose click is recorded before going there."""
    return rx.link(
        rx.hstack(
            rx.center(
                rx.match(
                    h.kind,
                    *((kind, rx.icon(icon, size=15, color=styles.ACCENT)) for kind, icon in ICONS.items()),
                    rx.icon("search", size=15, color=styles.ACCENT),
                ),
                width="28px",
                height="28px",
                border_radius="8px",
                background="var(--indigo-a3)",
                flex_shrink="0",
            ),
            rx.vstack(
                _runs(h.title_parts, size="2", weight="medium", trim="both", class_name="search-hit-title"),
                rx.cond(
                    h.snippet_parts.length() > 0,
                    _runs(h.snippet_parts, size="1", color=styles.MUTED, class_name="search-hit-snippet"),
                    rx.cond(h.subtitle != "", rx.text(h.subtitle, size="1", color=styles.MUTED)),
                ),
                spacing="0",
                min_width="0",
                flex="1",
                overflow="hidden",
            ),
            align="center",
            spacing="3",
            width="100%",
        ),
        href=h.url,
        on_click=S.pick(h.position, h.kind, h.url).prevent_default,
        underline="none",
        color="inherit",
        class_name="search-hit",
        display="block",
        padding="8px 12px",
        border_radius="8px",
        outline="none",
        _hover={"background": "var(--gray-a3)"},
        _focus={"background": "var(--indigo-a3)"},
        custom_attrs={"data-kind": h.kind},
    )


def _group(g: rx.Var) -> rx.Component:
    """A heading and its results."""
    return rx.vstack(
        rx.text(
            g.label,
            size="1",
            weight="bold",
            color=styles.MUTED,
            text_transform="uppercase",
            letter_spacing="0.06em",
            padding="8px 12px 2px",
            class_name="search-group-label",
        ),
        rx.foreach(g.hits, _hit),
        spacing="0",
        width="100%",
        class_name="search-group",
        custom_attrs={"data-kind": g.kind},
    )


def _status() -> rx.Component:
    """Searching…, nothing found, or search unavailable (shown above an empty list)."""
    note = {"size": "2", "color": styles.MUTED, "padding": "14px 12px"}
    return rx.cond(
        S.hit_count == 0,
        rx.cond(
            S.loading,
            rx.hstack(rx.spinner(size="1"), rx.text("Searching…", **note), align="center", padding_left="12px"),
            rx.cond(
                S.failed,
                rx.text("Search is not available right now. Try again in a moment.", **note),
                rx.cond(
                    S.shown != "",
                    rx.text("No matches for “", S.shown, "”.", **note, id="search-empty"),
                ),
            ),
        ),
    )


def _results(floating: bool) -> rx.Component:
    """The grouped results under the box (a dropdown on wide screens, the page body on phones)."""
    panel = {
        "position": "absolute",
        "top": "44px",
        "right": "0",
        "width": "min(480px, 90vw)",
        "max_height": "70vh",
        "overflow_y": "auto",
        "background": styles.CARD_BG,
        "border": styles.BORDER,
        "border_radius": "12px",
        "box_shadow": "0 12px 32px rgba(16,24,40,.16)",
        "padding": "6px",
    }
    return rx.box(
        _status(),
        rx.vstack(rx.foreach(S.groups, _group), spacing="1", width="100%"),
        style=panel if floating else {"width": "100%", "overflow_y": "auto", "flex": "1", "padding_top": "8px"},
        id="search-results" if floating else "search-results-mobile",
        role="listbox",
    )


def _input(input_id: str, **props) -> rx.Component:
    """The search field (debounced: a search per pause in typing, not per key)."""
    return rx.input(
        rx.input.slot(rx.icon("search", size=15)),
        rx.input.slot(rx.cond(S.loading, rx.spinner(size="1"))),
        value=S.query,
        on_change=S.typed,
        on_focus=S.open,
        debounce_timeout=250,
        placeholder="Search…  ( / )",
        id=input_id,
        type="search",
        auto_complete="off",
        max_length=200,
        custom_attrs={"aria-label": "Search", "aria-controls": "search-results"},
        **props,
    )


def _desktop() -> rx.Component:
    """The box in the top bar, with its dropdown and a transparent backdrop that closes it on an outside click."""
    showing = S.is_open & S.ready & ~S.mobile_open
    return rx.box(
        rx.cond(
            showing,
            rx.box(position="fixed", inset="0", z_index="20", on_click=S.close, id="search-backdrop"),
        ),
        rx.box(
            _input("global-search", width=rx.breakpoints(initial="190px", xl="280px"), size="2"),
            rx.cond(showing, _results(floating=True)),
            position="relative",
            z_index="21",
        ),
        # From 1280 px; narrower screens have the icon (the nav links need the room).
        display=["none", "none", "none", "none", "block"],
    )


def _mobile() -> rx.Component:
    """Phones: an icon that opens a full-width search over the page."""
    return rx.fragment(
        rx.icon_button(
            rx.icon("search", size=18),
            variant="ghost",
            color_scheme="gray",
            on_click=S.open_mobile,
            id="search-open-mobile",
            display=["flex", "flex", "flex", "flex", "none"],
            custom_attrs={"aria-label": "Search"},
        ),
        rx.cond(
            S.mobile_open,
            rx.flex(
                rx.hstack(
                    _input("global-search-mobile", flex="1", size="3", auto_focus=True),
                    rx.button("Cancel", variant="ghost", on_click=S.close, id="search-close-mobile"),
                    align="center",
                    spacing="2",
                    width="100%",
                ),
                rx.cond(S.ready, _results(floating=False)),
                direction="column",
                position="fixed",
                inset="0",
                z_index="30",
                background=styles.CARD_BG,
                padding="12px",
                id="search-overlay",
            ),
        ),
    )


def search_box() -> rx.Component:
    """The global search (installs its keyboard shortcuts when the bar first mounts, starts empty on a new page)."""
    return rx.box(
        _desktop(),
        _mobile(),
        on_mount=[rx.call_script(KEYS_SCRIPT), S.new_page],
        display="flex",
        align_items="center",
    )
