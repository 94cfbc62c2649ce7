"""Counts the distinct hostile inputs sent during the run (the issue asks for at least 5,000)."""
from __future__ import annotations

import hashlib

MINIMUM_DISTINCT_INPUTS = 5_000

_seen: set[bytes] = set()


def _digest(value: str | bytes) -> bytes:
    data = value if isinstance(value, bytes) else value.encode("utf-8", "surrogatepass")
    return hashlib.blake2b(data, digest_size=12).digest()


def record(*values: str | bytes) -> None:
    """Remember hostile values that were sent (fields, query values, whole bodies, files)."""
    for value in values:
        _seen.add(_digest(value))


def digests() -> set[bytes]:
    return set(_seen)


def count() -> int:
    return len(_seen)
