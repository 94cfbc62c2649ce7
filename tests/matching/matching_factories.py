"""Record factories for the matching tests (plain functions, no Flask app)."""
from __future__ import annotations

import dataclasses
from typing import Any

from marketplace.matching.records import PostingRecord, SeekerRecord

BASE_SEEKER: dict[str, Any] = {
    "id": "s", "scheme": "accelerator", "text": "自治体のDX推進とクラウド移行を支援してきました。",
    "skills": ("クラウド",), "prefecture": "26", "remote": "either",
    "employment_forms": ("part_time", "contract", "permanent"), "years_experience": 8.0,
}
BASE_POSTING: dict[str, Any] = {
    "id": "p", "scheme": "accelerator", "text": "市町村のDX推進とクラウド移行を担う人材を募集します。",
    "skills": ("クラウド",), "prefecture": "26", "remote": "onsite", "employment_form": "part_time",
    "capacity": 2, "status": "published",
}


def seeker(**changes: Any) -> SeekerRecord:
    """An eligible accelerator seeker in Kyoto with the given fields changed."""
    return SeekerRecord(**{**BASE_SEEKER, **changes})


def posting(**changes: Any) -> PostingRecord:
    """A published accelerator posting in Kyoto with the given fields changed."""
    return PostingRecord(**{**BASE_POSTING, **changes})


def replace(record: Any, **changes: Any) -> Any:
    return dataclasses.replace(record, **changes)
