"""One folded form of names and companies, so accent, case, width and punctuation variants compare equal."""

from __future__ import annotations

import re
import unicodedata

# Letters NFKD does not split into base + mark, written as people type them without the accent.
_LETTERS = str.maketrans({"ø": "o", "Ø": "o", "ł": "l", "Ł": "l", "đ": "d", "Đ": "d", "æ": "ae", "Æ": "ae"})
# Kana voicing marks are part of the letter (バ is not ハ), unlike the accents of Latin letters.
_KEEP_MARKS = {"\u3099", "\u309a"}


def fold(text: str | None) -> str:
    """`text` for comparison: width folded (NFKC), accents dropped (NFKD), casefolded, punctuation removed.

    "Zoë Dupré-Lefèvre" and "ZOE DUPRE LEFEVRE" fold alike; "ｱﾘｻ" and "アリサ" too, "山田 太郎" and "山田太郎"
    (spaces between CJK characters go); CJK is kept otherwise.
    """
    value = unicodedata.normalize("NFKC", text or "").translate(_LETTERS)
    kept = []
    for ch in unicodedata.normalize("NFKD", value):
        category = unicodedata.category(ch)
        if category.startswith("M") and ch not in _KEEP_MARKS:
            continue
        # Punctuation (hyphens, dots, apostrophes) is dropped: "Dupré-Lefèvre", "J.R.R.", "O'Brien".
        if not category.startswith("P"):
            kept.append(ch)
    spaced = " ".join(unicodedata.normalize("NFC", "".join(kept)).casefold().split())
    # "山田 太郎" and "山田太郎" are one name: CJK names are written with or without a space between parts.
    return _CJK_GAP.sub("", spaced)


_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af"  # kana, CJK ideographs, Hangul
_CJK_GAP = re.compile(f"(?<=[{_CJK}]) (?=[{_CJK}])")


def is_blank(text: str | None) -> bool:
    """True when `text` has nothing visible (only spaces, zero-width and other format characters)."""
    return not any(not ch.isspace() and unicodedata.category(ch) not in ("Cf", "Cc", "Zs") for ch in text or "")
