"""Text normalisation for questions: traditional to simplified, full-width to half-width, no control chars."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from opencc import OpenCC

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_SPACE = re.compile(r"\s+")


@lru_cache(maxsize=1)
def _t2s() -> OpenCC:
    return OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional Chinese characters to simplified (區商務局 -> 区商务局)."""
    return str(_t2s().convert(text))


def clean(text: str) -> str:
    """Drop control characters and lone surrogates, collapse whitespace."""
    text = _SURROGATE.sub("", _CONTROL.sub(" ", text))
    return _SPACE.sub(" ", text).strip()


def halfwidth(text: str) -> str:
    """Full-width ASCII forms (0-9, A-Z, punctuation) to half-width; Chinese punctuation is kept."""
    return "".join(
        chr(ord(ch) - 0xFEE0) if 0xFF01 <= ord(ch) <= 0xFF5E else (" " if ch == "\u3000" else ch) for ch in text
    )


def normalize_question(text: str) -> str:
    """The form every question is matched in: cleaned, half-width, simplified."""
    return to_simplified(halfwidth(unicodedata.normalize("NFC", clean(text))))
