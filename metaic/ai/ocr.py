"""Offline OCR of a card photo with Tesseract (Debian's `tesseract-ocr` and its language data).

The binary is run as a subprocess (no Python wrapper needed): the image goes in on stdin, TSV with a
confidence per word comes out. Each run is limited to one core (OMP_THREAD_LIMIT=1) and at most
MAX_PARALLEL runs at once per process, so scanning never takes every core from the web server.

Reading is two-pass: English first (fast, and emails, phones and sites are Latin on every card). When
most of the other lines come back unreadable the card is read again with Japanese, Chinese and Korean
data; when the text is not English, again with the Latin language it reads as (French, German, Spanish,
Italian, Portuguese; all five when it cannot tell), so accents come back.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass, field
from functools import cache

import numpy as np
from PIL import Image, ImageFilter, ImageOps

from metaic.ai import language

TIMEOUT_SECONDS = 30
MAX_PARALLEL = 2
# Tesseract reads best when capital letters are ~30 px high: cards are scaled to about this width.
TARGET_WIDTH = 1800
LATIN = {"fr": "fra", "de": "deu", "es": "spa", "it": "ita", "pt": "por"}
CJK = {"ja": "jpn", "zh": "chi_sim", "ko": "kor"}
WEAK_CONFIDENCE = 55.0
# Tesseract returns Kana and Chinese characters one "word" each, and Hangul a syllable each. Japanese and
# Chinese lines take no spaces (their glyph boxes are too uneven to find one); Korean words are parted
# where the gap is wider than GAP_SHARE of the line's height.
_HAN_KANA = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")
_HANGUL = re.compile(r"[\uac00-\ud7af]")
GAP_SHARE = 0.25
# Lines holding an email or web address: never a sign of the card's language.
_ADDRESSY = re.compile(r"@|www\.|https?:|\.[a-z]{2,4}(?:/|$)", re.IGNORECASE)
_slots = threading.BoundedSemaphore(MAX_PARALLEL)


class OcrUnavailable(Exception):
    """Tesseract is not installed (or has no English data), or it failed on this image."""


@dataclass(frozen=True)
class OcrLine:
    """One line of text as read, with Tesseract's mean word confidence (0-100) and its position."""

    text: str
    confidence: float
    top: int = 0
    height: int = 0


@dataclass
class OcrText:
    """What OCR read: the lines top to bottom, the language data used and how long it took."""

    lines: list[OcrLine] = field(default_factory=list)
    languages: str = ""
    seconds: float = 0.0

    @property
    def text(self) -> str:
        """The lines joined with line breaks."""
        return "\n".join(line.text for line in self.lines)


@cache
def installed_languages() -> frozenset[str]:
    """The language data Tesseract has (`eng`, `fra`, `jpn`, ...); empty when Tesseract is missing."""
    binary = shutil.which("tesseract")
    if binary is None:
        return frozenset()
    try:
        # A fixed command: the binary found on PATH and a flag.
        out = subprocess.run([binary, "--list-langs"], capture_output=True, text=True, timeout=10, check=False)  # noqa: S603
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    return frozenset(line.strip() for line in out.stdout.splitlines()[1:] if line.strip())


def available() -> bool:
    """True when Tesseract with English data is installed."""
    return "eng" in installed_languages()


def prepare(image: Image.Image) -> bytes:
    """Grey, evenly lit, contrast stretched and scaled to TARGET_WIDTH, as PNG for Tesseract."""
    grey = ImageOps.exif_transpose(image).convert("L")
    scale = TARGET_WIDTH / grey.width
    if not 0.8 <= scale <= 1.25:
        grey = grey.resize((TARGET_WIDTH, max(1, round(grey.height * scale))), Image.Resampling.LANCZOS)
    # Divide by a heavily blurred copy: shadows and a light gradient across the card flatten out.
    background = np.asarray(grey.filter(ImageFilter.GaussianBlur(30)), dtype=np.float32) + 1.0
    flat = np.clip(np.asarray(grey, dtype=np.float32) / background * 235.0, 0, 255).astype(np.uint8)
    out = io.BytesIO()
    ImageOps.autocontrast(Image.fromarray(flat), cutoff=1).save(out, "PNG", compress_level=1)
    return out.getvalue()


def _join(words: list[dict]) -> str:
    """A line's words joined by spaces, except inside Japanese and Chinese text and within a Korean word."""
    text, right = "", 0
    em = max(int(word["height"]) for word in words)
    for word in words:
        value, left = word["text"].strip(), int(word["left"])
        if text:
            first, last = value[:1], text[-1]
            if _HAN_KANA.match(first) and _HAN_KANA.match(last):
                pass
            elif not (_HANGUL.match(first) and _HANGUL.match(last)) or left - right > GAP_SHARE * em:
                text += " "
        text += value
        right = left + int(word["width"])
    return text


def parse_tsv(tsv: str) -> list[OcrLine]:
    """Tesseract's TSV output grouped into lines (block, paragraph, line), top to bottom."""
    grouped: dict[tuple[str, str, str], list[dict]] = {}
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        if row.get("level") == "5" and (row.get("text") or "").strip():
            grouped.setdefault((row["block_num"], row["par_num"], row["line_num"]), []).append(row)
    lines = []
    for words in grouped.values():
        confidences = [max(0.0, float(w["conf"])) for w in words]
        lines.append(
            OcrLine(
                text=_join(words),
                confidence=round(sum(confidences) / len(confidences), 1),
                top=min(int(w["top"]) for w in words),
                height=max(int(w["height"]) for w in words),
            )
        )
    return sorted(lines, key=lambda line: (line.top, line.text))


def run(png: bytes, languages: str, *, psm: int = 11) -> list[OcrLine]:
    """One Tesseract pass over a prepared image with the given language data ("eng+fra")."""
    binary = shutil.which("tesseract")
    if binary is None:
        raise OcrUnavailable("Tesseract is not installed.")
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    command = [binary, "stdin", "stdout", "-l", languages, "--psm", str(psm), "tsv"]
    with _slots:
        try:
            # The arguments are ours (language codes from LATIN/CJK); the image goes in on stdin, never as a name.
            done = subprocess.run(command, input=png, capture_output=True, timeout=TIMEOUT_SECONDS, env=env)  # noqa: S603
        except subprocess.TimeoutExpired as exc:
            raise OcrUnavailable("Reading the image took too long.") from exc
    if done.returncode != 0:
        raise OcrUnavailable(done.stderr.decode(errors="replace").strip()[-200:] or "Tesseract failed.")
    return parse_tsv(done.stdout.decode("utf-8", errors="replace"))


def _prose(lines: list[OcrLine]) -> list[OcrLine]:
    """The lines that are not an email address or a web address (names, titles, companies, addresses)."""
    return [line for line in lines if not _ADDRESSY.search(line.text)]


def _other_script(lines: list[OcrLine]) -> bool:
    """True when most prose lines came back unreadable in English: the card is likely Japanese, Chinese or Korean."""
    prose = _prose(lines)
    weak = [line for line in prose if line.confidence < WEAK_CONFIDENCE]
    return len(weak) >= 2 and len(weak) * 2 >= len(prose)


def _second_languages(lines: list[OcrLine], hint: str) -> str | None:
    """The language data for a second pass, or None when English read the card well."""
    installed = installed_languages()
    hint = language.base(hint)
    if hint in CJK or _other_script(lines):
        order = [CJK[hint]] if hint in CJK else []
        order += [code for code in ("jpn", "chi_sim", "kor") if code not in order and code in installed]
        return "+".join([*order, "eng"]) if order else None
    prose = re.sub(r"[\d\W_]+", " ", " ".join(line.text for line in _prose(lines)))
    found = language.detect(prose, fallback="")
    if found == "en":
        return None
    packs = [LATIN[found]] if found in LATIN else [LATIN[hint]] if hint in LATIN else list(LATIN.values())
    packs = [pack for pack in packs if pack in installed]
    return "+".join(["eng", *packs]) if packs else None


def read(image: Image.Image, *, hint: str = "") -> OcrText:
    """The text of a card photo; `hint` is a language tag that may say which script to expect."""
    if not available():
        raise OcrUnavailable("Tesseract with English language data is not installed.")
    start = time.perf_counter()
    png = prepare(image)
    lines, used = run(png, "eng"), "eng"
    second = _second_languages(lines, hint)
    if second:
        lines, used = run(png, second), second
    return OcrText(lines=lines, languages=used, seconds=round(time.perf_counter() - start, 3))
