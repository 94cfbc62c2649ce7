"""Hard rules per scheme, declared as data, checked by small pure functions returning verdicts.

Location rule (documented decision). A pair fits by location when any of these holds:
the posting is fully remote (``remote``); the posting names no prefecture (nationwide);
the posting's prefecture is the seeker's own or one of the seeker's ``work_prefectures``;
or the posting allows remote work (``either``) and the seeker accepts remote (``remote`` or
``either``). Otherwise the pair is ruled out (``location_mismatch``). A seeker who wants only
remote work fitting an on-site posting by prefecture is flagged (``onsite_required``).
Places are compared by JIS / local-government codes only, never by text.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from marketplace.matching.qualifications import exam_codes
from marketplace.matching.records import IPA_LEVEL4_EXAMS, PostingRecord, SeekerRecord, posting_is_open
from marketplace.matching.regions import effective_prefecture

Status = Literal["ok", "flagged", "ruled_out"]
STATUS_RANK: dict[str, int] = {"ok": 0, "flagged": 1, "ruled_out": 2}


@dataclass(frozen=True, slots=True)
class Verdict:
    """Outcome of one check; ``code`` is a stable reason string (None: nothing to report)."""

    check: str
    status: Status
    code: str | None = None


@dataclass(frozen=True, slots=True)
class RuleSpec:
    """One check of a scheme with its parameters."""

    check: str
    params: Mapping[str, Any] = field(default_factory=dict)


_TOLERANCE = {"tolerance": 0.2}
_BASE = (RuleSpec("posting_open"), RuleSpec("scheme"), RuleSpec("location"), RuleSpec("form"))

#: Which checks apply to each scheme, with thresholds.
SCHEME_RULES: dict[str, tuple[RuleSpec, ...]] = {
    "accelerator": _BASE + (
        RuleSpec("eligibility", {"min_years": 5.0, "exams": tuple(IPA_LEVEL4_EXAMS)}),
        RuleSpec("fee", _TOLERANCE), RuleSpec("hours", _TOLERANCE),
        RuleSpec("availability", {"max_delay_days": 90}),
    ),
    "side_job": _BASE + (
        RuleSpec("fee", _TOLERANCE), RuleSpec("hours", _TOLERANCE),
        RuleSpec("availability", {"max_delay_days": 90}),
    ),
    "succession": _BASE + (RuleSpec("availability", {"max_delay_days": 180}),),
    "startup": _BASE + (RuleSpec("fee", _TOLERANCE),),
    "adviser": _BASE + (RuleSpec("hours", _TOLERANCE), RuleSpec("availability", {"max_delay_days": 60})),
}

def check_posting_open(s: SeekerRecord, p: PostingRecord, params: Mapping[str, Any]) -> Verdict:
    """Closed, unpublished or full postings are never suggested."""
    if p.status != "published":
        return Verdict("posting_open", "ruled_out", "posting_not_published")
    if not posting_is_open(p):
        return Verdict("posting_open", "ruled_out", "posting_full")
    return Verdict("posting_open", "ok")


def check_scheme(s: SeekerRecord, p: PostingRecord, params: Mapping[str, Any]) -> Verdict:
    """A seeker is suggested only in the scheme it opted into."""
    if s.scheme != p.scheme:
        return Verdict("scheme", "ruled_out", "scheme_mismatch")
    return Verdict("scheme", "ok")


def check_location(s: SeekerRecord, p: PostingRecord, params: Mapping[str, Any]) -> Verdict:
    """Codes only; see the module docstring for the decision table."""
    if p.remote == "remote":
        return Verdict("location", "ok", "location_remote")
    pref = effective_prefecture(p.prefecture, p.municipality)
    if pref is None:
        return Verdict("location", "ok", "location_nationwide")
    own = effective_prefecture(s.prefecture, s.municipality)
    local_code = "location_same_prefecture" if pref == own else (
        "location_work_prefecture" if pref in s.work_prefectures else None)
    if local_code is not None:
        if s.remote == "remote" and p.remote == "onsite":
            return Verdict("location", "flagged", "onsite_required")
        return Verdict("location", "ok", local_code)
    if p.remote == "either" and s.remote in ("remote", "either"):
        return Verdict("location", "ok", "location_remote")
    return Verdict("location", "ruled_out", "location_mismatch")


def check_form(s: SeekerRecord, p: PostingRecord, params: Mapping[str, Any]) -> Verdict:
    """The posting's employment form / desired exit / programme must be one the seeker accepts."""
    if p.employment_form is None:
        return Verdict("form", "ok")
    if not s.employment_forms:
        return Verdict("form", "flagged", "form_unstated")
    if p.employment_form in s.employment_forms:
        return Verdict("form", "ok", "form_accepted")
    return Verdict("form", "ruled_out", "form_not_accepted")


def check_eligibility(s: SeekerRecord, p: PostingRecord, params: Mapping[str, Any]) -> Verdict:
    """Accelerator: 5+ years of digital experience or an IPA level-4 exam; a claim of
    equivalent knowledge is flagged for a coordinator's review."""
    if s.years_experience is not None and s.years_experience >= params["min_years"]:
        return Verdict("eligibility", "ok", "experience_5y")
    if exam_codes(s.qualifications) & set(params["exams"]):  # as people write them: see qualifications.py
        return Verdict("eligibility", "ok", "ipa_level4")
    if s.claims_equivalent:
        return Verdict("eligibility", "flagged", "needs_review")
    return Verdict("eligibility", "ruled_out", "not_eligible")


def check_fee(s: SeekerRecord, p: PostingRecord, params: Mapping[str, Any]) -> Verdict:
    """Seeker's minimum monthly fee against the posting's budget (within tolerance: flagged)."""
    if s.monthly_fee_min is None or p.monthly_budget_max is None:
        return Verdict("fee", "ok")
    if s.monthly_fee_min <= p.monthly_budget_max:
        return Verdict("fee", "ok", "fee_within_budget")
    if s.monthly_fee_min <= p.monthly_budget_max * (1.0 + params["tolerance"]):
        return Verdict("fee", "flagged", "fee_slightly_above_budget")
    return Verdict("fee", "ruled_out", "fee_above_budget")


def check_hours(s: SeekerRecord, p: PostingRecord, params: Mapping[str, Any]) -> Verdict:
    """Seeker's available hours per month against what the posting needs."""
    if s.hours_per_month is None or p.hours_per_month is None:
        return Verdict("hours", "ok")
    if s.hours_per_month >= p.hours_per_month:
        return Verdict("hours", "ok", "hours_sufficient")
    if s.hours_per_month >= p.hours_per_month * (1.0 - params["tolerance"]):
        return Verdict("hours", "flagged", "hours_slightly_below_need")
    return Verdict("hours", "ruled_out", "hours_below_need")


def check_availability(s: SeekerRecord, p: PostingRecord, params: Mapping[str, Any]) -> Verdict:
    """Seeker available after the posting's start: flagged, or ruled out beyond the delay limit."""
    if s.available_from is None or p.start_date is None:
        return Verdict("availability", "ok")
    delay = (s.available_from - p.start_date).days
    if delay <= 0:
        return Verdict("availability", "ok", "available_in_time")
    if delay <= params["max_delay_days"]:
        return Verdict("availability", "flagged", "available_later")
    return Verdict("availability", "ruled_out", "available_too_late")


Check = Callable[[SeekerRecord, PostingRecord, Mapping[str, Any]], Verdict]

CHECKS: dict[str, Check] = {
    "posting_open": check_posting_open, "scheme": check_scheme, "location": check_location,
    "form": check_form, "eligibility": check_eligibility, "fee": check_fee,
    "hours": check_hours, "availability": check_availability,
}


def evaluate_pair(s: SeekerRecord, p: PostingRecord) -> tuple[Verdict, ...]:
    """All verdicts of the posting's scheme table (a scheme mismatch short-circuits)."""
    scheme = check_scheme(s, p, {})
    if scheme.status == "ruled_out" or p.scheme not in SCHEME_RULES:
        return (scheme,)
    return tuple(CHECKS[spec.check](s, p, spec.params) for spec in SCHEME_RULES[p.scheme])


def overall_status(verdicts: tuple[Verdict, ...]) -> Status:
    """The worst status among verdicts."""
    worst = max((STATUS_RANK[v.status] for v in verdicts), default=0)
    return ("ok", "flagged", "ruled_out")[worst]  # type: ignore[return-value]
