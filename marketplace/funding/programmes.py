"""The national funding programmes, read from ``marketplace/data/funding_programmes.toml``.

Pure Python (no Flask, no SQLAlchemy): the matching engine derives its funding codes from
these declarations and the funding panel computes its estimates from them.
"""
from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "funding_programmes.toml"

#: The Gregorian year of 令和元年 (R1 = FY2019); ``R8`` is therefore FY2026.
REIWA_OFFSET = 2018

METHODS = frozenset({"rate", "fixed", "in_kind"})
INSTRUMENTS = frozenset({"ordinary_allocation_tax", "special_allocation_tax", "subsidy", "dispatch"})
CAP_BASES = frozenset({"eligible_cost", "share"})
UNITS = frozenset({"person", "case", "organisation", "municipality", "prefecture"})
#: Cost items an eligible cost may be made of (the panel's inputs supply them).
COST_ITEMS = ("personnel", "recruitment", "referral_fee", "remuneration", "travel", "hub_programme")
#: Conditions beyond scheme, posting type and form, with the type of their parameter.
CONDITIONS: dict[str, type] = {
    "max_months": int, "first_time_user": bool, "via_pro_hub": bool, "max_persons": int,
    "municipal_hub": bool, "municipal_plan": bool,
}


def parse_reiwa_fiscal_year(text: str) -> int:
    """``"R8"`` → 2026 (the Gregorian year the fiscal year starts in)."""
    if not (isinstance(text, str) and text[:1] in ("R", "r") and text[1:].isdigit() and int(text[1:]) >= 1):
        raise ValueError(f"a fiscal year is written like 'R8', not {text!r}")
    return REIWA_OFFSET + int(text[1:])


def reiwa_code(fiscal_year: int) -> str:
    """2026 → ``"R8"``."""
    return f"R{fiscal_year - REIWA_OFFSET}"


@dataclass(frozen=True, slots=True)
class Figures:
    """The figures of one period (Gregorian fiscal years; ``None``: not stated in the briefing)."""

    valid_from: int | None
    valid_until: int | None
    rate: Fraction | None = None
    cap_yen: int | None = None
    amount_yen: int | None = None

    def covers(self, fiscal_year: int) -> bool:
        """True when ``fiscal_year`` lies in this period."""
        return ((self.valid_from is None or fiscal_year >= self.valid_from)
                and (self.valid_until is None or fiscal_year <= self.valid_until))

    def distance(self, fiscal_year: int) -> int:
        """How many years ``fiscal_year`` lies outside this period (0 inside)."""
        if self.valid_from is not None and fiscal_year < self.valid_from:
            return self.valid_from - fiscal_year
        if self.valid_until is not None and fiscal_year > self.valid_until:
            return fiscal_year - self.valid_until
        return 0


@dataclass(frozen=True, slots=True)
class Programme:
    """One national funding programme and the periods its figures hold for."""

    code: str
    instrument: str
    scheme: str
    method: str
    per: str
    figures: tuple[Figures, ...]
    posting_types: frozenset[str] | None = None
    forms: frozenset[str] | None = None
    forms_to_confirm: frozenset[str] = frozenset()
    costs: tuple[str, ...] = ()
    cap_basis: str | None = None
    conditions: Mapping[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    params: Mapping[str, Any] = field(default_factory=dict)
    in_suggestions: bool = True
    sources: tuple[tuple[int, int], ...] = ()
    document: "SourceDocument | None" = None

    @property
    def valid_from(self) -> int | None:
        """The first fiscal year any figure holds for (``None``: no start stated)."""
        starts = [f.valid_from for f in self.figures]
        return None if any(s is None for s in starts) else min(starts)  # type: ignore[type-var]

    @property
    def valid_until(self) -> int | None:
        """The last fiscal year any figure holds for (``None``: no end stated)."""
        ends = [f.valid_until for f in self.figures]
        return None if any(e is None for e in ends) else max(ends)  # type: ignore[type-var]

    def figures_for(self, fiscal_year: int) -> tuple[Figures, bool]:
        """The figures for ``fiscal_year`` and whether that year is outside every stated period.

        Outside every period, the nearest period's figures are returned (and flagged).
        """
        for figures in self.figures:
            if figures.covers(fiscal_year):
                return figures, False
        return min(self.figures, key=lambda f: f.distance(fiscal_year)), True

    def latest_figures(self) -> Figures:
        """The figures of the most recent period (what the engine reports)."""
        return max(self.figures, key=lambda f: (f.valid_from or 0, f.valid_until or 10_000))


@dataclass(frozen=True, slots=True)
class SourceDocument:
    """A document of the briefing, by its official title and publisher (what a person can look up)."""

    title: str
    publisher: str
    briefing: str = ""
    as_of: dt.date | None = None


@dataclass(frozen=True, slots=True)
class Catalogue:
    """Every programme, plus the posting type a record without one stands for, per scheme."""

    programmes: tuple[Programme, ...]
    default_posting_type: Mapping[str, str]
    source: str
    as_of: dt.date | None

    def for_scheme(self, scheme: str) -> tuple[Programme, ...]:
        return tuple(p for p in self.programmes if p.scheme == scheme)

    def get(self, code: str) -> Programme | None:
        return next((p for p in self.programmes if p.code == code), None)


# --- parsing ----------------------------------------------------------------------------
def _fail(code: str, message: str) -> ValueError:
    return ValueError(f"funding programme {code!r}: {message}")


def _yen(code: str, value: Any, name: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _fail(code, f"{name} must be a non-negative whole number of yen")
    return value


def _figures(code: str, raw: Mapping[str, Any]) -> Figures:
    unknown = set(raw) - {"from", "until", "rate", "cap_yen", "amount_yen"}
    if unknown:
        raise _fail(code, f"unknown figure keys {sorted(unknown)}")
    start = parse_reiwa_fiscal_year(raw["from"]) if "from" in raw else None
    end = parse_reiwa_fiscal_year(raw["until"]) if "until" in raw else None
    if start is not None and end is not None and end < start:
        raise _fail(code, "a period ends before it starts")
    rate = raw.get("rate")
    if rate is not None:
        if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0 < rate <= 1:
            raise _fail(code, "rate must lie in (0, 1]")
        rate = Fraction(str(rate))  # exact: 0.7 is 7/10
    return Figures(start, end, rate, _yen(code, raw.get("cap_yen"), "cap_yen"),
                   _yen(code, raw.get("amount_yen"), "amount_yen"))


def _optional_set(raw: Mapping[str, Any], key: str) -> frozenset[str] | None:
    return frozenset(raw[key]) if key in raw else None


def _programme(raw: Mapping[str, Any], documents: Mapping[str, SourceDocument] | None = None) -> Programme:
    code = raw.get("code")
    if not code:
        raise ValueError("a funding programme needs a code")
    figures = tuple(_figures(code, f) for f in raw.get("figures", ()))
    if not figures:
        raise _fail(code, "needs at least one [[programme.figures]] block")
    programme = Programme(
        code=code, instrument=raw["instrument"], scheme=raw["scheme"], method=raw["method"], per=raw["per"],
        figures=figures, posting_types=_optional_set(raw, "posting_types"), forms=_optional_set(raw, "forms"),
        forms_to_confirm=frozenset(raw.get("forms_to_confirm", ())), costs=tuple(raw.get("costs", ())),
        cap_basis=raw.get("cap_basis"), conditions=dict(raw.get("conditions", {})), notes=tuple(raw.get("notes", ())),
        params=dict(raw.get("params", {})), in_suggestions=bool(raw.get("in_suggestions", True)),
        sources=tuple((int(a), int(b)) for a, b in raw.get("sources", ())),
        document=_document(code, raw, documents or {}),
    )
    _validate(programme)
    return programme


def _document(code: str, raw: Mapping[str, Any], documents: Mapping[str, SourceDocument]) -> SourceDocument | None:
    key = raw.get("document")
    if key is None:
        return None
    if key not in documents:
        raise _fail(code, f"unknown document {key!r} (declare it under [documents])")
    return documents[key]


def _documents(data: Mapping[str, Any]) -> dict[str, SourceDocument]:
    as_of = data.get("as_of")
    briefing = str(data.get("briefing", ""))
    out = {}
    for key, raw in dict(data.get("documents", {})).items():
        if not raw.get("title"):
            raise ValueError(f"document {key!r} needs a title")
        out[key] = SourceDocument(str(raw["title"]), str(raw.get("publisher", "")), briefing,
                                  as_of if isinstance(as_of, dt.date) else None)
    return out


def _validate(p: Programme) -> None:
    if p.instrument not in INSTRUMENTS:
        raise _fail(p.code, f"unknown instrument {p.instrument!r}")
    if p.method not in METHODS:
        raise _fail(p.code, f"unknown method {p.method!r}")
    if p.per not in UNITS:
        raise _fail(p.code, f"unknown unit {p.per!r}")
    if p.cap_basis is not None and p.cap_basis not in CAP_BASES:
        raise _fail(p.code, f"unknown cap basis {p.cap_basis!r}")
    if set(p.costs) - set(COST_ITEMS):
        raise _fail(p.code, f"unknown cost items {sorted(set(p.costs) - set(COST_ITEMS))}")
    for name, value in p.conditions.items():
        if name not in CONDITIONS or type(value) is not CONDITIONS[name]:
            raise _fail(p.code, f"unknown or mistyped condition {name!r}")
    for figures in p.figures:
        if p.method == "rate" and figures.rate is None:
            raise _fail(p.code, "a rate programme needs a rate in every period")
        if p.method == "rate" and not p.costs:
            raise _fail(p.code, "a rate programme needs its cost items")
        if p.method == "fixed" and figures.amount_yen is None:
            raise _fail(p.code, "a fixed programme needs amount_yen in every period")
        if figures.cap_yen is not None and p.cap_basis is None:
            raise _fail(p.code, "a cap needs cap_basis (eligible_cost or share)")


def parse_catalogue(data: Mapping[str, Any]) -> Catalogue:
    """Build the catalogue from the parsed TOML (raises ``ValueError`` on a malformed entry)."""
    documents = _documents(data)
    programmes = tuple(_programme(raw, documents) for raw in data.get("programme", ()))
    codes = [p.code for p in programmes]
    if len(codes) != len(set(codes)):
        raise ValueError("funding programme codes must be unique")
    as_of = data.get("as_of")
    return Catalogue(programmes, dict(data.get("default_posting_type", {})), str(data.get("source", "")),
                     as_of if isinstance(as_of, dt.date) else None)


@cache
def load_catalogue(path: Path = DATA_FILE) -> Catalogue:
    """The catalogue in ``path`` (read once per process)."""
    with path.open("rb") as handle:
        return parse_catalogue(tomllib.load(handle))
