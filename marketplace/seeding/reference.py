"""Load the reference data in ``seeds/`` (idempotent upserts by code)."""
from __future__ import annotations

import csv
import logging
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.models import Municipality, Prefecture, SuccessionCentre

logger = logging.getLogger(__name__)

SEEDS_DIR = Path(__file__).resolve().parents[2] / "seeds"


@dataclass
class LoadReport:
    prefectures: int = 0
    municipalities: int = 0
    succession_centres: int = 0


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _upsert(model: type, key: str, rows: list[dict[str, str]]) -> int:
    existing = {getattr(obj, key): obj for obj in db.session.scalars(sa.select(model))}
    for row in rows:
        obj = existing.get(row[key])
        if obj is None:
            db.session.add(model(**row))
        else:
            for name, value in row.items():
                setattr(obj, name, value)
    db.session.flush()
    return len(rows)


def load_prefectures(seeds_dir: Path = SEEDS_DIR) -> int:
    """Upsert the 47 prefectures. Returns the number of rows in the file."""
    return _upsert(Prefecture, "code", _rows(seeds_dir / "prefectures.csv"))


def load_reference(seeds_dir: Path = SEEDS_DIR) -> LoadReport:
    """Upsert prefectures, municipalities and succession centres; safe to run again."""
    report = LoadReport()
    report.prefectures = load_prefectures(seeds_dir)
    report.municipalities = _upsert(Municipality, "code", _rows(seeds_dir / "municipalities.csv"))
    centres = _rows(seeds_dir / "succession_centres.csv")
    existing = {(c.prefecture_code, c.name_ja): c for c in db.session.scalars(sa.select(SuccessionCentre))}
    for row in centres:
        centre = existing.get((row["prefecture_code"], row["name_ja"]))
        if centre is None:
            db.session.add(SuccessionCentre(**row))
        else:
            centre.phone, centre.note = row["phone"], row.get("note", "")
    db.session.flush()
    report.succession_centres = len(centres)
    logger.info("reference data loaded", extra={"event": "seed.reference"})
    return report


def prefecture_choices(language: str = "ja") -> list[tuple[str, str]]:
    """(code, name) pairs in code order for select fields."""
    prefectures = db.session.scalars(sa.select(Prefecture).order_by(Prefecture.code))
    return [(p.code, p.name(language)) for p in prefectures]


def municipality_choices(prefecture_code: str | None) -> list[tuple[str, str]]:
    """(code, name) pairs of one prefecture's municipalities, or all when ``None``."""
    query = sa.select(Municipality.code, Municipality.name_ja).order_by(Municipality.code)
    if prefecture_code:
        query = query.where(Municipality.prefecture_code == prefecture_code)
    return [(code, name) for code, name in db.session.execute(query)]
