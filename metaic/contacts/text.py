"""One folded form of names and companies, so accent, case, width and punctuation variants compare equal."""

from __future__ import annotations

import unicodedata

# Letters NFKD does not split into base + mark, written as people type them without the accent.
_LETTERS = str.maketrans({"ø": "o", "Ø": "o", "ł": "l", "Ł": "l", "đ": "d", "Đ": "d", "æ": "ae", "Æ": "ae"})
# Kana voicing marks are part of the letter (バ is not ハ), unlike the accents of Latin letters.
_KEEP_MARKS = {"\u3099", "\u309a"}


def fold(text: str | None) -> str:
    """`text` for comparison: width folded (NFKC), accents dropped (NFKD), casefolded, punctuation removed.

    "Zoë Dupré-Lefèvre" and "ZOE DUPRE LEFEVRE" fold alike; "ｱﾘｻ" and "アリサ" too; CJK is kept otherwise.
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
    return " ".join(unicodedata.normalize("NFC", "".join(kept)).casefold().split())


def is_blank(text: str | None) -> bool:
    """True when `text` has nothing visible (only spaces, zero-width and other format characters)."""
    return not any(not ch.isspace() and unicodedata.category(ch) not in ("Cf", "Cc", "Zs") for ch in text or "")
