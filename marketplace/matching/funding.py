"""Funding programmes that may apply to a posting: codes and parameters for the explanations.

The rules are derived from ``marketplace/data/funding_programmes.toml`` (the one source the
funding panel also reads); only programmes marked ``in_suggestions`` are reported here. The
engine checks what a posting record knows (scheme, posting type, form, contract length); the
funding panel (``marketplace.funding.panel``) checks the rest and estimates the amounts.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from marketplace.funding.programmes import Programme, load_catalogue, reiwa_code
from marketplace.matching.records import PostingRecord


@dataclass(frozen=True, slots=True)
class FundingNote:
    """A funding programme that would apply, with its parameters (the web app renders them)."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class FundingRule:
    """When a programme applies: scheme, posting types and employment forms (None: any),
    contract length limit."""

    code: str
    scheme: str
    forms: frozenset[str] | None
    max_months: int | None
    params: Mapping[str, Any]
    posting_types: frozenset[str] | None = None


def _params(programme: Programme) -> dict[str, Any]:
    """JSON-ready parameters: the latest figures, the unit, the conditions and the period."""
    figures = programme.latest_figures()
    params: dict[str, Any] = {
        "rate": float(figures.rate) if figures.rate is not None else None,
        "cap_yen": figures.cap_yen, "cap_basis": programme.cap_basis if figures.cap_yen is not None else None,
        "amount_yen": figures.amount_yen, "per": programme.per,
        "from_fiscal_year": reiwa_code(figures.valid_from) if figures.valid_from else None,
        "until_fiscal_year": reiwa_code(figures.valid_until) if figures.valid_until else None,
    }
    params.update(programme.conditions)
    params.update(programme.params)
    return {k: v for k, v in params.items() if v is not None}


def _rule(programme: Programme) -> FundingRule:
    return FundingRule(programme.code, programme.scheme, programme.forms,
                       programme.conditions.get("max_months"), _params(programme), programme.posting_types)


FUNDING_RULES: tuple[FundingRule, ...] = tuple(
    _rule(p) for p in load_catalogue().programmes if p.in_suggestions)
#: The posting type a record without one stands for (e.g. ``accelerator`` → ``position``).
DEFAULT_POSTING_TYPE: Mapping[str, str] = load_catalogue().default_posting_type


def funding_for(posting: PostingRecord) -> tuple[FundingNote, ...]:
    """Programmes whose conditions the posting meets (contract-length limits need known months)."""
    posting_type = posting.posting_type or DEFAULT_POSTING_TYPE.get(posting.scheme)
    notes: list[FundingNote] = []
    for rule in FUNDING_RULES:
        if rule.scheme != posting.scheme:
            continue
        if rule.posting_types is not None and posting_type not in rule.posting_types:
            continue
        if rule.forms is not None and posting.employment_form not in rule.forms:
            continue
        if rule.max_months is not None and (posting.months is None or posting.months > rule.max_months):
            continue
        notes.append(FundingNote(rule.code, dict(rule.params)))
    return tuple(notes)
