"""The signed-in pages in a real browser: builder keystroke to live preview, and time until real data shows.

Run: `.venv/bin/python bench/ui_bench.py [--keystrokes 50] [--loads 10] [--contacts 300]`
(`make bench` runs it; it needs Debian's Chromium at /usr/bin/chromium and the Python `playwright` package).

It starts the app as `make run` does (`reflex run --env prod --single-port`, SQLite, through
`http_bench.running_app`), seeds the demo account with `python -m metaic seed-demo` and imports
`--contacts` contacts into it with `python -m metaic contacts import`, signs in through the form
in headless Chromium, and measures:

- keystroke to preview: in the builder, one character typed into the headline input (#f-headline)
  at a time, from the keydown event's timestamp to the moment a MutationObserver inside the page sees
  the new headline in the live preview (#card-preview); a pause between keys, as a person types;
- time to data, two ways, for the dashboard (its contacts tile showing the real count), the contacts
  page (the first contact row) and the builder (its name field filled in), `--loads` times each:
  - new tab: a full load in a new tab, from navigation start (performance.timeOrigin) until that
    element is on the page (warm browser cache, as a returning user's; a new tab each time because
    Reflex keeps a tab's state across reloads, so a reload would first show the previous load's data);
  - link click: a click on the app's own link to the page (client-side routing, websocket already
    open) in a tab where the page was not open before, from the click until that element is there.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere
from bench.common import ROOT
from bench.http_bench import app_environment, running_app

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
KEYSTROKE_GOAL_MS = 30.0  # issue 10: p95
DATA_GOAL_MS = 500.0  # issue 10: real data on screen after navigation
TYPED = "abcdefghijklmnopqrstuvwxyz"

# Records in `window.__benchAt` when `ready()` first holds (performance.now(): ms since navigation start).
# A MutationObserver catches the DOM change in the same task; requestAnimationFrame is the fallback.
WATCH_JS = """
(ready) => {
  window.__benchAt = undefined;
  const check = () => {
    if (window.__benchAt === undefined) {
      try { if (ready()) { window.__benchAt = performance.now(); } } catch (e) {}
    }
    return window.__benchAt !== undefined;
  };
  new MutationObserver(check).observe(document, {subtree: true, childList: true, characterData: true,
                                                 attributes: true});
  const frame = () => { if (!check()) requestAnimationFrame(frame); };
  requestAnimationFrame(frame);
}
"""


def watch_script(ready_js: str) -> str:
    """WATCH_JS as an init script, run in every page before the app's own scripts."""
    return f"({WATCH_JS})({ready_js});"


# Installed in the builder: for each keydown on the headline input, the time until the preview shows it.
KEYSTROKE_SCRIPT = """
() => {
  const input = document.querySelector('#f-headline');
  const preview = document.querySelector('#card-preview');
  window.__keys = [];
  let pending = null;
  const seen = () => {
    if (pending && preview.textContent.includes(pending.text)) {
      window.__keys.push(performance.now() - pending.at);
      pending = null;
    }
  };
  input.addEventListener('keydown', (e) => {
    // The headline the preview must show once this key is in: what the input holds plus the key.
    pending = {at: e.timeStamp, text: input.value + e.key};
  }, true);
  new MutationObserver(seen).observe(preview, {subtree: true, childList: true, characterData: true});
}
"""


def percentile(samples: list[float], fraction: float) -> float:
    """The nearest-rank percentile of the samples."""
    ordered = sorted(samples)
    return ordered[min(len(ordered), max(1, math.ceil(fraction * len(ordered)))) - 1]


def cli(env: dict[str, str], *args: str) -> str:
    """Run `python -m metaic ARGS` against the app's database; returns its standard output."""
    done = subprocess.run(
        [sys.executable, "-m", "metaic", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return done.stdout


def seed(env: dict[str, str], work: Path, contacts: int) -> tuple[str, str]:
    """A fresh demo password and `contacts` imported contacts for the demo account; returns (email, password)."""
    email, password = cli(env, "seed-demo", "--force").strip().splitlines()[-1].split(" / ")
    path = work / "contacts.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["First Name", "Last Name", "Company", "Job Title", "E-mail Address", "Mobile Phone"])
        for n in range(contacts):
            writer.writerow([f"Person{n:04d}", "Bench", "Acme", "Engineer", f"person{n}@example.org", ""])
    cli(env, "contacts", "import", "--user", email, "--format", "outlook", str(path))
    return email, password


def demo_card_id(database_url: str) -> tuple[str, str]:
    """The demo account's card: its id and the name the builder must show."""
    from sqlmodel import Session

    from metaic.auth import service as user_service
    from metaic.cards import service as card_service
    from metaic.db import engine_for

    with Session(engine_for(database_url)) as session:
        user = user_service.get_by_email(session=session, email="demo@example.com")
        card = card_service.list_(session=session, owner=user)[0]
        content = card_service.get_content(session=session, owner=user, card_id=str(card.id))
        return str(card.id), content.name


def time_to_data(browser, storage: dict, url: str, ready_js: str, loads: int) -> list[float]:
    """Milliseconds from navigation start until `ready_js` holds, for `loads` full loads of `url`."""
    context = browser.new_context(storage_state=storage, viewport={"width": 1280, "height": 900})
    context.add_init_script(watch_script(ready_js))
    samples = []
    try:
        for n in range(loads + 1):  # the first load only warms the browser cache
            # A new tab each time: a tab's state outlives a reload, and would show the last load's data at once.
            page = context.new_page()
            page.goto(url, wait_until="commit")
            page.wait_for_function("window.__benchAt !== undefined", timeout=30_000)
            if n:
                samples.append(page.evaluate("window.__benchAt"))
            time.sleep(0.3)
            page.close()
    finally:
        context.close()
    return samples


def keystrokes(browser, storage: dict, url: str, count: int, pause: float) -> list[float]:
    """Milliseconds from keydown to the preview showing the character, for `count` characters."""
    context = browser.new_context(storage_state=storage, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(url)
        page.wait_for_selector("#f-headline")
        page.fill("#f-headline", "")
        page.wait_for_timeout(1500)  # the autosave of the cleared headline is done
        page.evaluate(KEYSTROKE_SCRIPT)
        page.focus("#f-headline")
        for n in range(count):
            page.keyboard.press(TYPED[n % len(TYPED)])
            page.wait_for_function(f"window.__keys.length >= {n + 1}", timeout=10_000)
            time.sleep(pause)
        return page.evaluate("window.__keys")
    finally:
        context.close()


def navigations(browser, storage: dict, start: str, link: str, ready_js: str, count: int) -> list[float]:
    """Milliseconds from a click on `link` in a loaded `start` page until `ready_js` holds (client-side routing)."""
    context = browser.new_context(storage_state=storage, viewport={"width": 1280, "height": 900})
    samples = []
    try:
        for n in range(count + 1):  # the first one only warms the browser cache
            page = context.new_page()  # a new tab: the target page's first visit, no state left from before
            page.goto(start)
            page.wait_for_selector(link)
            page.wait_for_timeout(500)  # the start page's own loading is over
            page.evaluate(
                "(link) => document.querySelector(link).addEventListener('click', () => {"
                " window.__clickAt = performance.now(); }, {capture: true})",
                link,
            )
            page.evaluate(f"({WATCH_JS})({ready_js})")
            page.click(link)
            page.wait_for_function("window.__benchAt !== undefined", timeout=30_000)
            if n:
                samples.append(page.evaluate("window.__benchAt - window.__clickAt"))
            page.close()
    finally:
        context.close()
    return samples


def sign_in(browser, base: str, email: str, password: str) -> dict:
    """Sign in through the form; returns the browser storage (the session cookie) for new contexts."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{base}/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("#sign-in")
    page.wait_for_url(re.compile(r".*/dashboard/?$"))
    storage = context.storage_state()
    context.close()
    return storage


def line(label: str, samples: list[float], goal: float) -> str:
    """One result row: p50, p95, max and the p95 goal."""
    p95 = percentile(samples, 0.95)
    return (
        f"  {label:32} p50 {statistics.median(samples):7.1f} ms   p95 {p95:7.1f} ms   max {max(samples):7.1f} ms"
        f"   goal p95 <= {goal:.0f} ms: {'ok' if p95 <= goal else 'MISSED'}"
    )


def measure(base: str, email: str, password: str, card_id: str, card_name: str, args) -> dict[str, list[float]]:
    """Every figure, against a running app whose demo account holds `args.contacts` contacts."""
    from playwright.sync_api import sync_playwright

    count = json.dumps(str(args.contacts))
    ready = {
        "dashboard": f"() => document.querySelector('#stat-contacts')?.textContent === {count}",
        "contacts": "() => document.querySelector('.contact-row') !== null",
        "builder": f"() => document.querySelector('#f-name')?.value === {json.dumps(card_name)}",
    }
    builder = f"{base}/cards/edit?id={card_id}"
    urls = {"dashboard": f"{base}/dashboard", "contacts": f"{base}/contacts", "builder": builder}
    # In-app navigation: (page it starts on, link clicked there).
    links = {
        "dashboard": (f"{base}/contacts", "a[href='/dashboard']"),
        "contacts": (f"{base}/dashboard", "#nav-contacts"),
        "builder": (f"{base}/cards", "a.card-name"),
    }
    results = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        storage = sign_in(browser, base, email, password)
        results["builder keystroke -> preview"] = keystrokes(browser, storage, builder, args.keystrokes, args.pause)
        for name, url in urls.items():
            results[f"{name}: new tab -> data"] = time_to_data(browser, storage, url, ready[name], args.loads)
        for name, (start, link) in links.items():
            results[f"{name}: link click -> data"] = navigations(browser, storage, start, link, ready[name], args.loads)
        browser.close()
    return results


def main() -> None:
    """Start the app, seed it, drive Chromium and print the figures with the goals."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keystrokes", type=int, default=50)
    parser.add_argument("--loads", type=int, default=10, help="loads of each page, each way")
    parser.add_argument("--contacts", type=int, default=300, help="contacts imported into the demo account")
    parser.add_argument("--pause", type=float, default=0.12, help="seconds between keystrokes")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="metaic-ui-bench-") as folder:
        work = Path(folder)
        with running_app("sqlite", work) as base:
            env, _ = app_environment("sqlite", work / "data-sqlite", int(base.rsplit(":", 1)[1]))
            email, password = seed(env, work, args.contacts)
            results = measure(base, email, password, *demo_card_id(env["DATABASE_URL"]), args)
    print(f"Chromium, headless; the app as `make run` starts it (SQLite); {args.contacts} contacts")
    for label, samples in results.items():
        goal = KEYSTROKE_GOAL_MS if "keystroke" in label else DATA_GOAL_MS
        print(line(label, samples, goal))


if __name__ == "__main__":
    main()
