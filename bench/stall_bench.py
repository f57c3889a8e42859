"""Does one user stall another? The public card's p99 and a builder tab's keystroke-to-preview, idle and under sign-ins.

Run: `.venv/bin/python bench/stall_bench.py [--duration 10] [--connections 64] [--keystrokes 40] [--signers 5]`
(`make bench` runs it; needs wrk and /usr/bin/chromium).

It starts the app as `make run` does (`reflex run --env prod --single-port`, SQLite, via http_bench's
`running_app`) at the production argon2 cost (the app's default outside tests), behind a pretend proxy
(TRUSTED_PROXIES=127.0.0.1, so each signing-in tab has an address, and a rate limit, of its own). Then,
twice, on an idle server and while N browser tabs sign in over and over through the real form:

- wrk drives /c/demo for `--duration` seconds (http_bench's `wrk`): req/s, p50, p99, non-2xx;
- a signed-in builder tab sets the headline input (as one keystroke does) and a MutationObserver times,
  with performance.now(), until the live preview shows the new text: p50, p95, max.

The last row is the difference; the goal (issue 10) is at most 20 ms added to the card's p99 and to the
keystroke time. A sign-in here is the full handler (rate limits, an argon2 check at t=3/64 MiB, a session
row, the one-time ticket); the tab's jump to /auth/session is answered with 204 so it can sign in again
at once instead of loading the dashboard.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import re
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere
from bench.common import ROOT
from bench.http_bench import WrkResult, app_environment, running_app, wrk

CHROMIUM = "/usr/bin/chromium"
SIGNER_PASSWORD = "Bench-Signer-Horse-42"
SIGN_IN_TIMEOUT = 30.0  # seconds before a tab gives a sign-in up and starts over
PER_ADDRESS = 25  # sign-ins per tab before it takes a new address (the limit is 30 per address in 5 minutes)
# Set the headline as one keystroke would (React reads the native setter + an input event), then wait for the
# preview to show it; resolves to the milliseconds in between.
KEYSTROKE_JS = """
(text) => new Promise((resolve, reject) => {
  const input = document.querySelector('#f-headline');
  const preview = document.querySelector('#card-preview');
  const start = performance.now();
  const done = () => { observer.disconnect(); clearTimeout(timer); resolve(performance.now() - start); };
  const observer = new MutationObserver(() => { if (preview.textContent.includes(text)) done(); });
  const timer = setTimeout(() => { observer.disconnect(); reject(new Error('preview never showed ' + text)); }, 10000);
  observer.observe(preview, {subtree: true, childList: true, characterData: true});
  Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set.call(input, text);
  input.dispatchEvent(new Event('input', {bubbles: true}));
})
"""


@dataclass
class Row:
    """One scenario's figures."""

    card: WrkResult
    keys: list[float]  # keystroke-to-preview, ms
    sign_ins: int = 0
    refused: int = 0
    seconds: float = 0.0

    def key(self, q: float) -> float:
        """A quantile of the keystroke times (q=1: the slowest)."""
        ordered = sorted(self.keys)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def cli(env: dict[str, str], *args: str) -> str:
    """Run `python -m metaic ...` against the bench app's database; its standard output."""
    done = subprocess.run(
        [sys.executable, "-m", "metaic", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    if done.returncode != 0:
        raise SystemExit(f"metaic {args[0]} failed:\n{done.stderr[-2000:]}")
    return done.stdout


def accounts(base: str, work: Path, signers: int) -> tuple[tuple[str, str], list[str]]:
    """The demo account's credentials (its password is reset) and the signers' emails, made with the CLI."""
    env, _ = app_environment("sqlite", work / "data-sqlite", urlsplit(base).port)
    email, password = cli(env, "seed-demo", "--force").strip().splitlines()[-1].split(" / ")
    emails = [f"signer{n}@bench.example" for n in range(signers)]
    for address in emails:
        cli(env, "create-user", address, "--password", SIGNER_PASSWORD, "--name", "Signer")
    return (email, password), emails


async def open_builder(browser, base: str, email: str, password: str):
    """A tab signed in as the demo account with its card open in the builder."""
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    await page.goto(f"{base}/login")
    await page.fill("#email", email)
    await page.fill("#password", password)
    await page.click("#sign-in")
    await page.wait_for_url(re.compile(r".*/dashboard/?$"), timeout=60_000)
    await page.goto(f"{base}/cards")
    await page.click("a.card-name", timeout=60_000)
    await page.wait_for_selector("#f-headline", timeout=60_000)
    await page.wait_for_selector("#card-preview")
    return page


async def keystrokes(page, count: int) -> list[float]:
    """Time `count` keystroke-to-preview round trips, 150 ms apart (after two unmeasured warm-ups)."""
    times = []
    for i in range(count + 2):
        took = await page.evaluate(KEYSTROKE_JS, f"Probe {i} {uuid.uuid4().hex[:6]}")
        if i >= 2:
            times.append(took)
        await asyncio.sleep(0.15)
    return times


class Signers:
    """N tabs signing in over and over through the real form, until stopped."""

    def __init__(self, browser, base: str, emails: list[str]):
        self.browser, self.base, self.emails = browser, base, emails
        self.done, self.refused = 0, 0
        self._stop = asyncio.Event()
        self._addresses = itertools.count(1)
        self._tasks: list[asyncio.Task] = []

    async def start(self, timeout: float = 180) -> None:
        """Start every tab, and return once each has signed in once (its form is loaded and working)."""
        self._tasks = [asyncio.create_task(self._tab(email)) for email in self.emails]
        deadline = time.monotonic() + timeout
        while self.done < len(self.emails):
            if time.monotonic() > deadline or any(t.done() for t in self._tasks):
                raise SystemExit(f"the signing-in tabs did not get going ({self.done} sign-ins in {timeout:.0f} s)")
            await asyncio.sleep(0.1)

    async def stop(self) -> None:
        """Let each tab finish its sign-in in flight, then close them."""
        self._stop.set()
        await asyncio.gather(*self._tasks)

    async def _tab(self, email: str) -> None:
        """One tab: sign in PER_ADDRESS times from one address, then again from a new one."""
        while not self._stop.is_set():
            n = next(self._addresses)
            address = f"198.18.{n // 250}.{n % 250 + 1}"
            context = await self.browser.new_context(extra_http_headers={"X-Forwarded-For": address})
            try:
                await self._sign_in_repeatedly(await context.new_page(), email)
            finally:
                await context.close()

    async def _sign_in_repeatedly(self, page, email: str) -> None:
        """Submit the sign-in form again each time the last one finished."""
        finished = asyncio.Event()

        async def ticket(route) -> None:
            """The handler sent the browser to redeem its ticket: that sign-in is done (204: stay on the form)."""
            self.done += 1
            finished.set()
            await route.fulfill(status=204)

        await page.route(re.compile(r"/auth/session\?"), ticket)
        await page.goto(f"{self.base}/login")
        await page.fill("#email", email)
        await page.fill("#password", SIGNER_PASSWORD)
        refused = page.locator("#form-error")
        for _ in range(PER_ADDRESS):
            if self._stop.is_set():
                return
            finished.clear()
            await page.evaluate("document.querySelector('#password').form.requestSubmit()")
            deadline = time.monotonic() + SIGN_IN_TIMEOUT
            while not finished.is_set():
                if await refused.count() or time.monotonic() > deadline:  # limited, refused or lost: start over
                    self.refused += 1
                    text = await refused.all_inner_texts()
                    print(f"  a sign-in did not finish ({' '.join(text) or 'no answer'}); new tab", file=sys.stderr)
                    return
                await asyncio.sleep(0.02)


async def scenario(browser, builder, base: str, args, emails: list[str] | None) -> Row:
    """wrk on the card, then keystrokes in the builder; with `emails`, while those accounts keep signing in."""
    signers = Signers(browser, base, emails) if emails else None
    print(f"measuring {'with ' + str(len(emails)) + ' tabs signing in' if emails else 'idle'}...", file=sys.stderr)
    if signers:
        await signers.start()
    began = time.perf_counter()
    before = signers.done if signers else 0
    card = await asyncio.to_thread(wrk, f"{base}/c/demo", duration=args.duration, connections=args.connections)
    if signers and signers.done == before:
        raise SystemExit("no sign-in finished while wrk ran: the busy scenario would measure nothing")
    keys = await keystrokes(builder, args.keystrokes)
    row = Row(card=card, keys=keys, seconds=time.perf_counter() - began)
    if signers:
        row.sign_ins, row.refused = signers.done - before, signers.refused
        await signers.stop()
    return row


def report(idle: Row, busy: Row, signers: int) -> None:
    """Both rows and what the sign-ins added."""
    print(
        f"\n{'':26} {'card req/s':>10} {'p50 ms':>7} {'p99 ms':>7} {'non-2xx':>7}"
        f" | {'key p50':>7} {'p95':>6} {'max':>6} | sign-ins"
    )
    for label, row in (("idle", idle), (f"{signers} tabs signing in", busy)):
        rate = f"{row.sign_ins} ({row.sign_ins / row.seconds:.1f}/s, {row.refused} limited)" if row.sign_ins else "-"
        print(
            f"{label:26} {row.card.rps:10.0f} {row.card.p50_ms:7.2f} {row.card.p99_ms:7.2f} {row.card.non_2xx:7d}"
            f" | {row.key(0.5):7.1f} {row.key(0.95):6.1f} {row.key(1):6.1f} | {rate}"
        )
    p99, key = busy.card.p99_ms - idle.card.p99_ms, busy.key(0.95) - idle.key(0.95)
    print(
        f"{'added by the sign-ins':26} {'':10} {busy.card.p50_ms - idle.card.p50_ms:+7.2f} {p99:+7.2f} {'':7}"
        f" | {busy.key(0.5) - idle.key(0.5):+7.1f} {key:+6.1f} {busy.key(1) - idle.key(1):+6.1f} |"
    )
    verdict = "met" if p99 <= 20 and key <= 20 else "NOT met"
    print(f"goal (issue 10): at most +20 ms on the card's p99 and the keystroke p95: {verdict}")


async def run(args) -> None:
    """Start the app, prepare the accounts and the builder tab, measure idle then busy."""
    from playwright.async_api import async_playwright

    with tempfile.TemporaryDirectory(prefix="metaic-stall-bench-") as folder:
        work = Path(folder)
        with running_app("sqlite", work) as base:
            (demo, password), emails = accounts(base, work, args.signers)
            async with async_playwright() as pw:
                browser = await pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
                try:
                    builder = await open_builder(browser, base, demo, password)
                    await keystrokes(builder, 5)  # warm the page, the state and the server
                    idle = await scenario(browser, builder, base, args, None)
                    busy = await scenario(browser, builder, base, args, emails)
                finally:
                    await browser.close()
    report(idle, busy, args.signers)


def main() -> None:
    """Parse the options, check the tools, run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk on /c/demo per scenario")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--keystrokes", type=int, default=40, help="keystroke samples per scenario")
    parser.add_argument("--signers", type=int, default=5, help="tabs signing in during the busy scenario")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} is missing: apt-get install -y chromium")
    # The app's own argon2 cost, whatever this shell says, and a proxy that may name each tab's address.
    for key in ("ARGON2_TIME_COST", "ARGON2_MEMORY_KIB", "METAIC_ENV"):
        os.environ.pop(key, None)
    os.environ["TRUSTED_PROXIES"] = "127.0.0.1/32"
    print(
        f"stall bench: wrk {args.connections} connections x {args.duration} s on /c/demo, then {args.keystrokes}"
        f" builder keystrokes; idle, then while {args.signers} tabs sign in (argon2id t=3, 64 MiB)"
    )
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
