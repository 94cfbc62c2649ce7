""""Why not yet": the postings a seeker would fit but for one or two hard rules.

Pure and vectorised: the seeker's text row is compared with every open posting of its scheme,
the hard rules are counted per pair with the columns ``pairs.py`` uses, and only the pairs that
fail one or two *changeable* rules (eligibility, location, form, fee, hours, availability — never
the scheme or a closed/full posting) are kept, best text fit first. Each failed rule is reported
as a stable code with the parameters a person needs to act on it (``needs 5 years, has 3``).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from marketplace.matching import pairs
from marketplace.matching.qualifications import exam_codes
from marketplace.matching.records import PostingRecord, SeekerRecord
from marketplace.matching.regions import effective_prefecture
from marketplace.matching.rules import SCHEME_RULES, evaluate_pair

if TYPE_CHECKING:
    from marketplace.matching.engine import Engine

#: Rules a person can change (or a posting can relax); the others never make a near miss.
CHANGEABLE: tuple[str, ...] = ("eligibility", "location", "form", "fee", "hours", "availability")


@dataclass(frozen=True, slots=True)
class RuleGap:
    """One hard rule the pair fails: its check, stable reason code and what would change it."""

    check: str
    code: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class NearMiss:
    """A posting the seeker would fit but for ``rules``; ``text_fit`` is the text cosine (0–1)."""

    seeker_id: str
    posting_id: str
    scheme: str
    text_fit: float
    rules: tuple[RuleGap, ...]


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def gap_params(check: str, seeker: SeekerRecord, posting: PostingRecord) -> dict[str, Any]:
    """What a person needs to see to act on a failed ``check`` (JSON-ready)."""
    spec = next((s for s in SCHEME_RULES.get(posting.scheme, ()) if s.check == check), None)
    params = dict(spec.params) if spec is not None else {}
    if check == "eligibility":
        return {"years": seeker.years_experience, "min_years": params.get("min_years"),
                "exams": sorted(exam_codes(seeker.qualifications)), "claims_equivalent": seeker.claims_equivalent}
    if check == "location":
        return {"posting_prefecture": effective_prefecture(posting.prefecture, posting.municipality),
                "posting_remote": posting.remote, "seeker_remote": seeker.remote,
                "seeker_prefecture": effective_prefecture(seeker.prefecture, seeker.municipality),
                "work_prefectures": list(seeker.work_prefectures)}
    if check == "form":
        return {"form": posting.employment_form, "accepted": list(seeker.employment_forms)}
    if check == "fee":
        return {"fee_min": seeker.monthly_fee_min, "budget_max": posting.monthly_budget_max}
    if check == "hours":
        return {"hours": seeker.hours_per_month, "needed": posting.hours_per_month}
    if check == "availability":
        return {"available_from": _iso(seeker.available_from), "start_date": _iso(posting.start_date),
                "max_delay_days": params.get("max_delay_days")}
    return {}


def rule_gaps(seeker: SeekerRecord, posting: PostingRecord) -> tuple[RuleGap, ...]:
    """The ruled-out verdicts of one pair as gaps (empty when the pair is not ruled out)."""
    return tuple(RuleGap(v.check, v.code or v.check, gap_params(v.check, seeker, posting))
                 for v in evaluate_pair(seeker, posting) if v.status == "ruled_out")


def _ruled_out_counts(s: pairs.Columns, p: pairs.Columns, si: np.ndarray, pj: np.ndarray,
                      scheme: str) -> tuple[np.ndarray, np.ndarray]:
    """(changeable rules ruled out, unchangeable rules ruled out) per pair, vectorised."""
    changeable = np.zeros(len(pj), dtype=np.int8)
    fixed = np.zeros(len(pj), dtype=np.int8)
    for spec in SCHEME_RULES[scheme]:
        if spec.check == "scheme":
            continue
        if spec.check == "posting_open":
            fixed += ~p["open"][pj]
            continue
        if spec.check == "location":
            out, _flag = pairs._location(s, p, si, pj)
        elif spec.check == "form":
            out, _flag = pairs._form(s, p, si, pj)
        elif spec.check == "eligibility":
            out, _flag = pairs._eligibility(s, si, float(spec.params["min_years"]))
        elif spec.check == "fee":
            out, _flag = pairs._tolerance(s["fee"][si], p["budget"][pj], float(spec.params["tolerance"]), True)
        elif spec.check == "hours":
            out, _flag = pairs._tolerance(s["hours"][si], p["hours"][pj], float(spec.params["tolerance"]), False)
        elif spec.check == "availability":
            out, _flag = pairs._availability(s, p, si, pj, int(spec.params["max_delay_days"]))
        else:
            raise KeyError(spec.check)
        if spec.check in CHANGEABLE:
            changeable += out
        else:
            fixed += out
    return changeable, fixed


def near_misses_for_seeker(engine: Engine, seeker_id: str, k: int = 5, max_rules: int = 2,
                           min_text_fit: float = 0.05) -> list[NearMiss]:
    """Up to ``k`` open postings of the seeker's scheme that 1..``max_rules`` changeable hard
    rules rule out, best text fit first (ties: fewer rules, then posting id).

    Raises ``KeyError`` when the engine does not hold ``seeker_id``.
    """
    if str(seeker_id) not in engine._seeker_scheme:
        raise KeyError(seeker_id)
    return near_misses_for_seekers(engine, [seeker_id], k, max_rules, min_text_fit)[str(seeker_id)]


def near_misses_for_seekers(engine: Engine, seeker_ids: Iterable[str], k: int = 5, max_rules: int = 2,
                            min_text_fit: float = 0.05, chunk: int = 256) -> dict[str, list[NearMiss]]:
    """:func:`near_misses_for_seeker` for many seekers at once: one sparse product per ``chunk``
    seekers of a scheme and the rules counted over all their pairs together, instead of one scan
    of the scheme's postings per seeker (a posting's change can touch hundreds of seekers, a
    scheme's rebuild every one). Seekers the engine does not hold are left out of the result."""
    by_scheme: dict[str, list[str]] = {}
    for seeker_id in dict.fromkeys(str(s) for s in seeker_ids):
        scheme = engine._seeker_scheme.get(seeker_id)
        if scheme is not None:
            by_scheme.setdefault(scheme, []).append(seeker_id)
    out: dict[str, list[NearMiss]] = {}
    for scheme, ids in by_scheme.items():
        sb, pb = engine._seekers[scheme], engine._postings[scheme]
        out.update({seeker_id: [] for seeker_id in ids})
        cols = np.flatnonzero(pb.alive & pb.cols["open"]) if len(pb.records) else np.empty(0, dtype=np.int64)
        if len(cols) == 0:
            continue
        postings_text = pb.text.gather(cols).T.tocsr()
        rank = pb.id_rank()
        rows = np.asarray([sb.row_of[s] for s in ids], dtype=np.int64)
        for at in range(0, len(rows), chunk):
            part = rows[at:at + chunk]
            sims = np.asarray((sb.text.gather(part) @ postings_text).todense(), dtype=np.float64)
            ii, jj = np.nonzero(sims >= min_text_fit)
            if len(ii) == 0:
                continue
            si, pj, fit = part[ii], cols[jj], sims[ii, jj]
            changeable, fixed = _ruled_out_counts(sb.cols, pb.cols, si, pj, scheme)
            keep = (fixed == 0) & (changeable >= 1) & (changeable <= max_rules)
            si, pj, n_rules, fit = si[keep], pj[keep], changeable[keep], fit[keep]
            # Grouped by seeker, each group best first: the single-seeker order within each group.
            order = np.lexsort((rank[pj], n_rules, -np.round(fit, 6), si))
            for i, j, value in zip(si[order].tolist(), pj[order].tolist(), fit[order].tolist()):
                seeker = sb.records[i]
                found = out[seeker.id]
                if len(found) == k:
                    continue
                posting = pb.records[j]
                gaps = rule_gaps(seeker, posting)
                if not 1 <= len(gaps) <= max_rules or any(g.check not in CHANGEABLE for g in gaps):
                    continue  # cannot happen while pairs.py and rules.py agree (a test checks both)
                found.append(NearMiss(seeker.id, posting.id, scheme, value, gaps))
    return out


def seekers_near_posting(engine: Engine, posting_id: str, max_rules: int = 2,
                         min_text_fit: float = 0.05) -> dict[str, float]:
    """The seekers for whom ``posting_id`` is a near miss (1..``max_rules`` changeable rules),
    with the pair's text fit: the reverse of :func:`near_misses_for_seeker`, for a posting's change.

    Empty for a closed posting (no seeker has it as a near miss then). Raises ``KeyError`` when
    the engine does not hold ``posting_id``.
    """
    scheme = engine._posting_scheme[str(posting_id)]
    sb, pb = engine._seekers[scheme], engine._postings[scheme]
    col = pb.row_of[str(posting_id)]
    if len(sb.records) == 0 or not bool(pb.alive[col] and pb.cols["open"][col]):
        return {}
    sims = np.asarray(sb.text.dot(pb.text.row(col)), dtype=np.float64).ravel()
    si = np.flatnonzero(sb.alive & (sims >= min_text_fit))
    if len(si) == 0:
        return {}
    pj = np.full(len(si), col, dtype=np.int64)
    changeable, fixed = _ruled_out_counts(sb.cols, pb.cols, si, pj, scheme)
    keep = (fixed == 0) & (changeable >= 1) & (changeable <= max_rules)
    return {sb.records[i].id: float(sims[i]) for i in si[keep].tolist()}
