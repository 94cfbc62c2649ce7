"""Text normalisation shared by the engine and the web's keyword search (standard library only).

Kept apart from ``text`` so that web processes can normalise search keys without importing
scikit-learn or SciPy.
"""
from __future__ import annotations

import re
import unicodedata

_RANGE_MARKS = str.maketrans({"~": "〜", "～": "〜", "∼": "〜"})
_SPACES = re.compile(r"\s+")


def normalize_text(text: str) -> str:
    """NFKC, lower case, unify range marks (〜, ~, ～ all become 〜) and collapse whitespace."""
    text = unicodedata.normalize("NFKC", text or "").lower().translate(_RANGE_MARKS)
    return _SPACES.sub(" ", text).strip()


def normalize_tag(tag: str) -> str:
    """Skill/category tags compare after NFKC, lower case and without inner spaces."""
    return normalize_text(tag).replace(" ", "")
