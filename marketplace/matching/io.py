"""JSON Lines reading and writing of seekers, postings and graded relevance judgements (qrels)."""
from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from marketplace.matching.records import PostingRecord, SeekerRecord, posting_from_dict, seeker_from_dict

Qrels = dict[str, dict[str, int]]


def iter_jsonl(path: str | Path) -> Iterator[dict[str, Any]]:
    """One JSON object per non-blank line."""
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                value = json.loads(line)
                if not isinstance(value, dict):
                    raise ValueError(f"{path}:{number}: expected a JSON object")
                yield value


def write_jsonl(path: str | Path, rows: Iterable[Mapping[str, Any]]) -> None:
    """Write objects one a line (UTF-8, non-ASCII kept, keys in insertion order)."""
    with open(path, "w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def read_seekers(path: str | Path) -> list[SeekerRecord]:
    return [seeker_from_dict(row) for row in iter_jsonl(path)]


def read_postings(path: str | Path) -> list[PostingRecord]:
    return [posting_from_dict(row) for row in iter_jsonl(path)]


def read_qrels(path: str | Path) -> Qrels:
    """posting id -> seeker id -> grade (0–3); ids coerced to strings."""
    qrels: Qrels = {}
    for row in iter_jsonl(path):
        grade = int(row["grade"])
        if not 0 <= grade <= 3:
            raise ValueError(f"grade out of range: {row}")
        qrels.setdefault(str(row["posting_id"]), {})[str(row["seeker_id"])] = grade
    return qrels


def read_dir(directory: str | Path) -> tuple[list[SeekerRecord], list[PostingRecord], Qrels]:
    """``seekers.jsonl``, ``postings.jsonl`` and ``qrels.jsonl`` of a directory."""
    base = Path(directory)
    return (read_seekers(base / "seekers.jsonl"), read_postings(base / "postings.jsonl"),
            read_qrels(base / "qrels.jsonl"))
