"""Seeker and posting records, scheme vocabularies and their JSON (JSON Lines) mapping."""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

SCHEMES: tuple[str, ...] = ("accelerator", "side_job", "succession", "startup", "adviser")

#: Employment forms (accelerator, side_job), desired exits (startup), hand-over kinds
#: (succession) and adviser programmes (adviser) each scheme knows.
EMPLOYMENT_FORMS: dict[str, tuple[str, ...]] = {
    "accelerator": ("permanent", "fixed_term", "part_time", "contract", "secondment"),
    "side_job": ("full_time", "side_job"),
    "succession": ("owner_successor", "right_hand"),
    "startup": ("procurement", "joint_promotion", "joint_development"),
    "adviser": ("dx", "regional_informatization", "gx", "decarbonization"),
}

REMOTE_VALUES: tuple[str, ...] = ("remote", "onsite", "either")
POSTING_STATUSES: tuple[str, ...] = ("draft", "in_review", "published", "closed")

#: IPA level-4 (advanced) exams: code -> (Japanese name, English name).
IPA_LEVEL4_EXAMS: dict[str, tuple[str, str]] = {
    "ST": ("ITストラテジスト", "IT Strategist"),
    "SA": ("システムアーキテクト", "Systems Architect"),
    "PM": ("プロジェクトマネージャ", "Project Manager"),
    "NW": ("ネットワークスペシャリスト", "Network Specialist"),
    "DB": ("データベーススペシャリスト", "Database Specialist"),
    "ES": ("エンベデッドシステムスペシャリスト", "Embedded Systems Specialist"),
    "SM": ("ITサービスマネージャ", "IT Service Manager"),
    "AU": ("システム監査技術者", "Systems Auditor"),
    "SC": ("情報処理安全確保支援士", "Registered Information Security Specialist"),
}


@dataclass(frozen=True, slots=True)
class SeekerRecord:
    """The side being suggested: a candidate, a startup solution or an adviser (one scheme)."""

    id: str
    scheme: str
    text: str = ""
    skills: tuple[str, ...] = ()
    prefecture: str | None = None
    municipality: str | None = None
    remote: str = "either"
    categories: tuple[str, ...] = ()
    work_prefectures: tuple[str, ...] = ()
    employment_forms: tuple[str, ...] = ()
    years_experience: float | None = None
    qualifications: tuple[str, ...] = ()
    claims_equivalent: bool = False
    monthly_fee_min: int | None = None
    hours_per_month: int | None = None
    available_from: dt.date | None = None


@dataclass(frozen=True, slots=True)
class PostingRecord:
    """The need: a position, project, succession case, municipal challenge or adviser request."""

    id: str
    scheme: str
    text: str = ""
    skills: tuple[str, ...] = ()
    prefecture: str | None = None
    municipality: str | None = None
    remote: str = "onsite"
    categories: tuple[str, ...] = ()
    employment_form: str | None = None
    capacity: int | None = None
    monthly_budget_max: int | None = None
    hours_per_month: int | None = None
    months: int | None = None
    status: str = "published"
    start_date: dt.date | None = None
    posting_type: str | None = None  # e.g. accelerator "position" or "cio_adviser"; None: the scheme's main type


Record = SeekerRecord | PostingRecord
R = TypeVar("R", SeekerRecord, PostingRecord)

_TUPLE_FIELDS = {"skills", "categories", "work_prefectures", "employment_forms", "qualifications"}
_INT_FIELDS = {"monthly_fee_min", "hours_per_month", "capacity", "monthly_budget_max", "months"}
_DATE_FIELDS = {"available_from", "start_date"}
_CODE_FIELDS = {"prefecture": 2, "municipality": 6}


def _coerce(name: str, value: Any, default: Any) -> Any:
    """Coerce one JSON value to the field's Python type; None keeps the field default."""
    if value is None:
        return default
    if name == "id":
        return str(value)
    if name in _TUPLE_FIELDS:
        items = [value] if isinstance(value, str) else list(value)
        if name == "work_prefectures":
            return tuple(str(v).zfill(2) for v in items)
        return tuple(str(v) for v in items)
    if name in _INT_FIELDS:
        return int(value)
    if name == "years_experience":
        return float(value)
    if name == "claims_equivalent":
        return bool(value)
    if name in _DATE_FIELDS:
        return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
    if name in _CODE_FIELDS:
        return str(value).zfill(_CODE_FIELDS[name])
    return str(value)


def from_dict(cls: type[R], data: Mapping[str, Any]) -> R:
    """Build a record from a JSON object; unknown keys are ignored, missing keys take defaults."""
    kwargs: dict[str, Any] = {}
    for field in dataclasses.fields(cls):
        default = field.default if field.default is not dataclasses.MISSING else None
        kwargs[field.name] = _coerce(field.name, data.get(field.name), default)
    if kwargs["id"] is None or kwargs["scheme"] is None:
        raise ValueError("a record needs 'id' and 'scheme'")
    return cls(**kwargs)


def seeker_from_dict(data: Mapping[str, Any]) -> SeekerRecord:
    """Build a :class:`SeekerRecord` from a JSON object."""
    return from_dict(SeekerRecord, data)


def posting_from_dict(data: Mapping[str, Any]) -> PostingRecord:
    """Build a :class:`PostingRecord` from a JSON object."""
    return from_dict(PostingRecord, data)


def to_dict(record: Record) -> dict[str, Any]:
    """Return a JSON-ready dict (tuples become lists, dates ISO strings)."""
    out: dict[str, Any] = {}
    for field in dataclasses.fields(record):
        value = getattr(record, field.name)
        if isinstance(value, tuple):
            value = list(value)
        elif isinstance(value, dt.date):
            value = value.isoformat()
        out[field.name] = value
    return out


def posting_is_open(posting: PostingRecord) -> bool:
    """Only published postings with room left (or unlimited capacity) may be suggested."""
    return posting.status == "published" and (posting.capacity is None or posting.capacity > 0)


def unique_ids(records: Iterable[Record]) -> None:
    """Raise ValueError when two records share an id."""
    seen: set[str] = set()
    for rec in records:
        if rec.id in seen:
            raise ValueError(f"duplicate record id {rec.id!r}")
        seen.add(rec.id)
