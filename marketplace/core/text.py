"""Text normalisation for keyword search: full/half width and case differences are ignored."""
from __future__ import annotations

from collections.abc import Iterable

from marketplace.matching.normalize import normalize_text


def search_key(*parts: str | Iterable[str] | None) -> str:
    """Join the parts into one NFKC-normalised, lower-cased string for LIKE searches."""
    pieces: list[str] = []
    for part in parts:
        if part is None:
            continue
        if isinstance(part, str):
            pieces.append(part)
        else:
            pieces.extend(str(p) for p in part)
    return normalize_text(" ".join(pieces))


def search_terms(query: str) -> list[str]:
    """Split a user's query into normalised terms (at most 8, each at most 50 characters)."""
    return [t[:50] for t in normalize_text(query).split()][:8]


def parse_tags(text: str, limit: int = 30) -> list[str]:
    """Split a comma/、-separated tag list, trimming and dropping duplicates (order kept)."""
    seen: dict[str, str] = {}
    for raw in text.replace("、", ",").replace("，", ",").split(","):
        tag = raw.strip()[:50]
        if tag and normalize_text(tag) not in seen:
            seen[normalize_text(tag)] = tag
    return list(seen.values())[:limit]
