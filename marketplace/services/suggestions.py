"""The bridge between the database and the pure matching engine: records in, Match rows out.

Each process keeps one fitted engine. Before answering it catches up with rows changed
since its last sync (``updated_at``), so several workers stay consistent without a full
recompute; ``refresh_all`` (``flask match refresh``) refits the vocabulary from scratch.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import asdict
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from marketplace.extensions import db
from marketplace.matching import Engine, PostingRecord, SeekerRecord, Suggestion
from marketplace.models import CandidateProfile, Match, MatchStatus, Posting, PostingStatus, SchemeOptIn, utcnow
from marketplace.schemes.registry import SCHEMES

logger = logging.getLogger(__name__)

TOP_K = 10
ALL_PREFECTURES = tuple(f"{i:02d}" for i in range(1, 48))


# --- models → records ---------------------------------------------------------------
def _text(*parts: Any) -> str:
    out: list[str] = []
    for part in parts:
        if isinstance(part, (list, tuple)):
            out.extend(str(p) for p in part if p)
        elif part:
            out.append(str(part))
    return "\n".join(out)


def seeker_from_opt_in(profile: CandidateProfile, opt_in: SchemeOptIn) -> SeekerRecord:
    """A candidate's participation in one scheme as an engine record (id ``c<profile>:<scheme>``)."""
    d = opt_in.details or {}
    categories = d.get("missions") or d.get("industries") or []
    qualifications = list(dict.fromkeys(list(profile.qualifications or []) + list(d.get("exams") or [])))
    return SeekerRecord(
        id=f"c{profile.id}:{opt_in.scheme}", scheme=opt_in.scheme,
        text=_text(profile.self_intro, profile.skills, [c.role for c in profile.careers],
                   [c.description for c in profile.careers], d.get("equivalent_note"), d.get("fields")),
        skills=tuple(profile.skills or ()), prefecture=profile.residence_prefecture, remote=profile.remote or "either",
        categories=tuple(categories), work_prefectures=tuple(profile.work_prefectures or ()),
        employment_forms=tuple(d.get("employment_forms") or profile.employment_forms or ()),
        years_experience=d.get("years_experience"), qualifications=tuple(qualifications),
        claims_equivalent=bool(d.get("claims_equivalent")), monthly_fee_min=d.get("monthly_fee_min"),
        hours_per_month=d.get("hours_per_month") or profile.hours_per_month, available_from=profile.available_from,
    )


def seeker_from_solution(posting: Posting) -> SeekerRecord:
    """A startup's solution as an engine record (id ``s<posting>``); startups serve every prefecture."""
    d = posting.details or {}
    return SeekerRecord(
        id=f"s{posting.id}", scheme=posting.scheme,
        text=_text(posting.title, posting.description, d.get("adoption_record"), d.get("regions_served")),
        skills=tuple(posting.skills or ()), prefecture=posting.prefecture_code, remote="either",
        categories=tuple(posting.categories or ()), work_prefectures=ALL_PREFECTURES,
        employment_forms=tuple(d.get("exits") or ()),
    )


def posting_record(posting: Posting) -> PostingRecord:
    """A need posting as an engine record (id ``p<posting>``)."""
    d = posting.details or {}
    return PostingRecord(
        id=f"p{posting.id}", scheme=posting.scheme,
        text=_text(posting.title, posting.description, d.get("deliverable"), d.get("topic"), d.get("field_offered")),
        skills=tuple(posting.skills or ()), prefecture=posting.prefecture_code, municipality=posting.municipality_code,
        remote=posting.remote, categories=tuple(posting.categories or ()), employment_form=posting.employment_form,
        capacity=posting.open_places, monthly_budget_max=posting.monthly_budget_max,
        hours_per_month=posting.hours_per_month, months=posting.months, status=posting.status.value,
        posting_type=posting.posting_type,
    )


def _is_offer(posting: Posting) -> bool:
    scheme = SCHEMES.get(posting.scheme)
    posting_type = scheme.posting_type(posting.posting_type) if scheme else None
    return posting_type is not None and posting_type.side == "offer"


def in_matching(profile: CandidateProfile) -> bool:
    """Active accounts whose owner has not asked us to stop using their data."""
    return profile.user.active and profile.use_stopped_at is None


def _seeker_records(profiles: Iterable[CandidateProfile], solutions: Iterable[Posting]) -> list[SeekerRecord]:
    records = [seeker_from_opt_in(p, o) for p in profiles if in_matching(p) for o in p.opt_ins]
    records += [seeker_from_solution(s) for s in solutions]
    return records


def _load_all() -> tuple[list[SeekerRecord], list[PostingRecord]]:
    profiles = db.session.scalars(sa.select(CandidateProfile).options(
        selectinload(CandidateProfile.opt_ins), selectinload(CandidateProfile.careers),
        selectinload(CandidateProfile.user))).all()
    published = db.session.scalars(sa.select(Posting).where(Posting.status == PostingStatus.PUBLISHED)).all()
    solutions = [p for p in published if _is_offer(p)]
    needs = [posting_record(p) for p in published if not _is_offer(p)]
    return _seeker_records(profiles, solutions), needs


# --- the per-process engine -----------------------------------------------------------
class _EngineHolder:
    def __init__(self) -> None:
        self.engine: Engine | None = None
        self.synced_at: datetime | None = None
        self.database: str | None = None
        self.lock = threading.RLock()


_holder = _EngineHolder()


def _fit() -> Engine | None:
    """Fit on everything current; ``None`` while one side is still empty (nothing to match)."""
    seekers, postings = _load_all()
    engine: Engine | None = None
    if seekers and postings:
        engine = Engine()
        engine.fit(seekers, postings)
    _holder.engine, _holder.synced_at = engine, utcnow()
    _holder.database = str(db.engine.url)
    return engine


def _sync(engine: Engine) -> None:
    """Apply rows changed since the last sync: upsert what is current, drop what is gone."""
    since = _holder.synced_at
    now = utcnow()
    changed_profiles = db.session.scalars(sa.select(CandidateProfile).where(sa.or_(
        CandidateProfile.updated_at >= since,
        CandidateProfile.id.in_(sa.select(SchemeOptIn.profile_id).where(SchemeOptIn.updated_at >= since)),
    ))).all()
    for profile in changed_profiles:
        _apply_profile(engine, profile)
    for posting in db.session.scalars(sa.select(Posting).where(Posting.updated_at >= since)):
        _apply_posting(engine, posting)
    _holder.synced_at = now


def _apply_profile(engine: Engine, profile: CandidateProfile) -> None:
    for scheme in SCHEMES:
        engine.remove_seeker(f"c{profile.id}:{scheme}")
    if in_matching(profile):
        for opt_in in profile.opt_ins:
            engine.upsert_seeker(seeker_from_opt_in(profile, opt_in))


def _apply_posting(engine: Engine, posting: Posting) -> None:
    if _is_offer(posting):
        engine.remove_seeker(f"s{posting.id}")
        if posting.status == PostingStatus.PUBLISHED:
            engine.upsert_seeker(seeker_from_solution(posting))
    else:
        engine.remove_posting(f"p{posting.id}")
        if posting.status == PostingStatus.PUBLISHED:
            engine.upsert_posting(posting_record(posting))


def current_engine() -> Engine | None:
    """This process's engine, fitted on first use and caught up with recent changes."""
    with _holder.lock:
        if _holder.engine is None or _holder.database != str(db.engine.url):
            return _fit()
        _sync(_holder.engine)
        return _holder.engine


def reset_engine() -> None:
    """Forget the fitted engine (tests, or after a bulk import)."""
    with _holder.lock:
        _holder.engine, _holder.synced_at, _holder.database = None, None, None


# --- suggestions → Match rows ----------------------------------------------------------
def _explanation(suggestion: Suggestion) -> dict[str, Any]:
    if suggestion.reasons is None:
        return {}
    data = asdict(suggestion.reasons)
    data["funding"] = [{"code": f["code"], "params": dict(f["params"])} for f in data["funding"]]
    return data


def _seeker_columns(seeker_id: str) -> dict[str, Any]:
    if seeker_id.startswith("c"):
        profile_id = int(seeker_id[1:].split(":", 1)[0])
        return {"seeker_ref": f"c{profile_id}", "candidate_profile_id": profile_id, "solution_posting_id": None}
    return {"seeker_ref": seeker_id, "candidate_profile_id": None, "solution_posting_id": int(seeker_id[1:])}


def _store(posting_id: int, scheme: str, suggestions: list[Suggestion], replace_seekers: set[str] | None = None) -> int:
    """Upsert suggestions for one posting; decided matches are never overwritten.

    Suggested rows of this posting that are no longer in the top-k are removed (only those
    whose seeker is in ``replace_seekers`` when given, for one-seeker refreshes), unless a
    side has expressed interest in them.
    """
    existing = {m.seeker_ref: m for m in db.session.scalars(sa.select(Match).where(Match.posting_id == posting_id))}
    keep: set[str] = set()
    for suggestion in suggestions:
        columns = _seeker_columns(suggestion.seeker_id)
        ref = columns["seeker_ref"]
        keep.add(ref)
        match = existing.get(ref)
        if match is None:
            match = Match(posting_id=posting_id, scheme=scheme, **columns)
            db.session.add(match)
            existing[ref] = match
        elif match.status != MatchStatus.SUGGESTED:
            continue
        match.score = round(suggestion.score, 2)
        match.explanation = _explanation(suggestion)
        match.flagged = bool(match.explanation.get("flagged"))
    for ref, match in existing.items():
        in_scope = replace_seekers is None or ref in replace_seekers
        if ref not in keep and in_scope and match.status == MatchStatus.SUGGESTED and not match.interest:
            db.session.delete(match)
    return len(suggestions)


def refresh_all(progress: Callable[[int, int], None] | None = None, k: int = TOP_K) -> int:
    """Refit the engine and store the top-k seekers for every published need. Returns rows written."""
    with _holder.lock:
        engine = _fit()
        if engine is None:
            return 0
        postings = db.session.scalars(sa.select(Posting).where(Posting.status == PostingStatus.PUBLISHED)
                                      .order_by(Posting.id)).all()
        needs = [p for p in postings if not _is_offer(p)]
        written = 0
        for i, posting in enumerate(needs, 1):
            written += _store(posting.id, posting.scheme, engine.top_k_for_posting(f"p{posting.id}", k))
            if progress:
                progress(i, len(needs))
        # Suggestions of postings that closed since the last run go away (decisions stay).
        db.session.execute(sa.delete(Match).where(Match.status == MatchStatus.SUGGESTED, Match.posting_id.in_(
            sa.select(Posting.id).where(Posting.status != PostingStatus.PUBLISHED))))
        db.session.flush()
        logger.info("suggestions refreshed for %d postings", len(needs), extra={"event": "match.refresh"})
        return written


def refresh_for_posting(posting: Posting, k: int = TOP_K) -> int:
    """Incremental update after a need is published or edited."""
    db.session.flush()
    engine = current_engine()
    if _is_offer(posting):
        return refresh_for_seeker_id(f"s{posting.id}", posting.scheme, k)
    if posting.status != PostingStatus.PUBLISHED or engine is None:
        db.session.execute(sa.delete(Match).where(Match.posting_id == posting.id, Match.status == MatchStatus.SUGGESTED))
        return 0
    return _store(posting.id, posting.scheme, engine.top_k_for_posting(f"p{posting.id}", k))


def refresh_for_seeker_id(seeker_id: str, scheme: str, k: int = TOP_K) -> int:
    """Incremental update for one seeker record (one scheme): its best postings gain or lose a suggestion."""
    engine = current_engine()
    ref = _seeker_columns(seeker_id)["seeker_ref"]
    suggestions: list[Suggestion] = []
    if engine is not None:
        try:
            suggestions = engine.top_k_for_seeker(seeker_id, k)
        except KeyError:  # the seeker is not (or no longer) in this scheme
            suggestions = []
    best = {int(s.posting_id[1:]): s for s in suggestions}
    stale = db.session.scalars(sa.select(Match.posting_id).where(
        Match.seeker_ref == ref, Match.scheme == scheme, Match.status == MatchStatus.SUGGESTED)).all()
    for posting_id in set(stale) | set(best):
        posting = db.session.get(Posting, posting_id)
        chosen = [best[posting_id]] if posting_id in best else []
        _store(posting_id, posting.scheme, chosen, replace_seekers={ref})
    return len(suggestions)


def refresh_for_profile(profile: CandidateProfile, k: int = TOP_K) -> int:
    """Incremental update after a candidate saves the profile or joins/leaves a scheme."""
    db.session.flush()
    current_engine()
    written = 0
    for scheme in SCHEMES:
        if scheme == "startup":
            continue
        written += refresh_for_seeker_id(f"c{profile.id}:{scheme}", scheme, k)
    return written
