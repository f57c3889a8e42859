// The card builder's browser side: warn before leaving with unsaved edits, and move to a field that needs a fix.
// The page marks its root with data-unsaved="1" while the server holds edits not yet in the database.
(function () {
  "use strict";
  const ROOT = "builder";
  // An input counts as unsaved from the keystroke on, before the server has even seen it.
  const GRACE_MS = 400;
  let lastInput = 0;
  let installed = false;

  function unsaved() {
    const root = document.getElementById(ROOT);
    if (!root) return false;
    return root.dataset.unsaved === "1" || Date.now() - lastInput < GRACE_MS;
  }

  function onBeforeUnload(event) {
    if (!unsaved()) return undefined;
    // Reflex drops its websocket on beforeunload and does not reconnect when the user then chooses to stay.
    // Timers wait while the prompt is open and never run if the page goes: this one runs only when the user
    // stayed, and makes Reflex's own visibility check reconnect (which also brings the latest save status).
    window.setTimeout(function () { document.dispatchEvent(new Event("visibilitychange")); }, 0);
    event.preventDefault();
    event.returnValue = "";  // older browsers show the prompt only when this is set
    return "";
  }

  function onInput(event) {
    const root = document.getElementById(ROOT);
    if (root && root.contains(event.target)) lastInput = Date.now();
  }

  // In-app links do not unload the page: ask before following one away from the builder.
  function onClick(event) {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    const link = event.target.closest && event.target.closest("a[href]");
    if (!link || link.target === "_blank" || !unsaved()) return;
    const url = new URL(link.href, window.location.href);
    const here = window.location.pathname + window.location.search;
    if (url.origin !== window.location.origin || url.pathname + url.search === here) return;
    if (!window.confirm("Your latest changes are still being saved. Leave anyway?")) {
      event.preventDefault();
      event.stopPropagation();
    }
  }

  // The field may live on a tab that is only now being shown: look for it for a moment. Without an input of
  // its own (a whole list item, a section), fall back to the nearest id that exists: f-works.1 then f-works.
  function focusField(id, tries) {
    let candidate = id;
    let el = document.getElementById(candidate);
    while (!el && candidate.includes(".")) {
      candidate = candidate.slice(0, candidate.lastIndexOf("."));
      el = document.getElementById(candidate);
    }
    const left = tries === undefined ? 20 : tries;
    if ((!el || candidate !== id) && left > 0) {
      window.setTimeout(function () { focusField(id, left - 1); }, 50);
      return;
    }
    if (!el) return;
    el.scrollIntoView({ behavior: "smooth", block: "center" });
    if (typeof el.focus === "function") el.focus({ preventScroll: true });
  }

  function install() {
    if (installed) return;
    installed = true;
    window.addEventListener("beforeunload", onBeforeUnload);
    document.addEventListener("input", onInput, true);
    document.addEventListener("click", onClick, true);
  }

  window.metaicBuilder = { install: install, focusField: focusField, unsaved: unsaved };
})();
