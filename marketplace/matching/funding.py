"""Funding programmes that may apply to a posting, declared as data (codes and parameters only)."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from marketplace.matching.records import PostingRecord


@dataclass(frozen=True, slots=True)
class FundingNote:
    """A funding programme that would apply, with its parameters (the web app renders them)."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class FundingRule:
    """When a programme applies: scheme, employment forms (None: any), contract length limit."""

    code: str
    scheme: str
    forms: frozenset[str] | None
    max_months: int | None
    params: Mapping[str, Any]


FUNDING_RULES: tuple[FundingRule, ...] = (
    FundingRule("side_job_subsidy", "side_job", frozenset({"side_job"}), 5,
                {"rate": 0.8, "cap_yen": 500_000, "max_months": 5, "first_use_only": True,
                 "via_pro_hub": True}),
    FundingRule("ordinary_allocation_tax", "accelerator", frozenset({"permanent"}), None,
                {"yen_per_person": 8_400_000, "fiscal_year": "R8"}),
    FundingRule("special_allocation_tax", "accelerator", frozenset({"part_time", "contract"}), None,
                {"rate": 0.7, "cap_yen_per_person": 21_000_000,
                 "recruitment_cap_yen_per_prefecture": 3_000_000, "until_fiscal_year": "R11"}),
    FundingRule("succession_hub_special_allocation_tax", "succession", None, None,
                {"rate": 0.5, "cap_yen_per_municipality": 15_000_000}),
    FundingRule("dx_adviser_dispatch", "adviser", frozenset({"dx"}), None,
                {"max_sessions_per_year": 5, "min_hours_per_session": 2, "cost_bearer": "JFM"}),
    FundingRule("regional_informatization_adviser", "adviser", frozenset({"regional_informatization"}), None,
                {"max_days_onsite": 3, "max_hours_online": 21}),
)


def funding_for(posting: PostingRecord) -> tuple[FundingNote, ...]:
    """Programmes whose conditions the posting meets (contract-length limits need known months)."""
    notes: list[FundingNote] = []
    for rule in FUNDING_RULES:
        if rule.scheme != posting.scheme:
            continue
        if rule.forms is not None and posting.employment_form not in rule.forms:
            continue
        if rule.max_months is not None and (posting.months is None or posting.months > rule.max_months):
            continue
        notes.append(FundingNote(rule.code, dict(rule.params)))
    return tuple(notes)
