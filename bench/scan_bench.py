"""Card scanning offline: the share of the 20 evaluation photos whose email and phone OCR recovers exactly,
and the time per card (Tesseract's passes plus parsing).

    .venv/bin/python bench/scan_bench.py [--parallel 1]

The goal of issue 14 is >= 90% of the cards. Cards are read one at a time by default (the time a user waits);
`--parallel 2` reads two at once, as the server allows per process (ocr.MAX_PARALLEL).
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script: make `tests` importable

from PIL import Image

from metaic.ai import card_parse, ocr
from tests.ai.scan_cards import CardSpec, region_for, rendered

GOAL = 0.9


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (the Tesseract runs)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def read_one(spec: CardSpec, photo: bytes) -> tuple[bool, float, str, float]:
    """(email and phone recovered, seconds for OCR + parsing, language data used, CPU seconds) for one card.

    The CPU seconds are exact one card at a time; with --parallel they mix the cards read at once."""
    start, cpu = time.perf_counter(), cpu_seconds()
    text = ocr.read(Image.open(io.BytesIO(photo)))
    lines = [card_parse.Line(line.text, line.confidence, line.height) for line in text.lines]
    found = card_parse.parse_lines(lines, account_region=region_for(spec))
    seconds = time.perf_counter() - start
    emails = [f.value for f in found.fields if f.kind == "email"]
    phones = [f.value for f in found.fields if f.kind == "phone"]
    return spec.email in emails and spec.phone_e164 in phones, seconds, text.languages, cpu_seconds() - cpu


def main() -> int:
    """Print the score and the time per card; exit 1 below the goal."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--parallel", type=int, default=1)
    args = parser.parse_args()
    if not ocr.available():
        print("scan: Tesseract is not installed (make ocr)")
        return 1
    cards = rendered()
    ocr.read(Image.open(io.BytesIO(cards[0][1])))  # warm-up: language detector and Tesseract data loaded
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=max(1, args.parallel)) as pool:
        results = list(pool.map(lambda pair: read_one(*pair), cards))
    wall = time.perf_counter() - start
    for (spec, _), (ok, seconds, languages, cpu) in zip(cards, results, strict=True):
        print(f"  {'ok  ' if ok else 'MISS'} {seconds:5.2f} s  cpu {cpu:4.2f} s  {languages:22} {spec.name}")
    score = sum(r[0] for r in results) / len(results)
    times = sorted(r[1] for r in results)
    cpu = sorted(r[3] for r in results)
    print(
        f"scan: email+phone recovered on {score:.0%} of {len(results)} cards (goal >= {GOAL:.0%}); "
        f"per card p50 {statistics.median(times):.2f} s, max {times[-1]:.2f} s "
        f"(CPU p50 {statistics.median(cpu):.2f} s, max {cpu[-1]:.2f} s; load {os.getloadavg()[0]:.1f}); "
        f"{len(results) / wall:.2f} cards/s with {args.parallel} at a time"
    )
    return 0 if score >= GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
