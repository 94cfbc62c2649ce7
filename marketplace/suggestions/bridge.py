"""The bridge between the database and the pure matching engine: records in, Match rows out.

Only matcher processes use this module (``flask match worker``, ``flask match refresh``; see
``marketplace.suggestions.matcher``): web processes record changes (``matching_queue``) and never
import it. Each scheme has an engine of its own, fitted on that scheme's seekers and postings,
so the matchers can split the schemes between them.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from marketplace.extensions import db
from marketplace.matching.records import PostingRecord, SeekerRecord
from marketplace.models import (
    CandidateProfile, Match, MatchingChange, MatchingFreshness, MatchStatus, Posting, PostingStatus, SchemeOptIn,
    utcnow,
)
from marketplace.schemes.registry import SCHEMES
from marketplace.suggestions import near_misses
# "Why not yet" rows are written where suggestions are (the matcher's apply path and rebuilds).

if TYPE_CHECKING:
    from marketplace.matching import Engine, Suggestion

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
        claims_equivalent=bool(d.get("claims_equivalent")), monthly_fee_min=d.get("monthly_fee_min") if d.get("monthly_fee_min") is not None
        else profile.compensation_min,
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


def _profile_query() -> sa.Select[tuple[CandidateProfile]]:
    return sa.select(CandidateProfile).options(
        selectinload(CandidateProfile.opt_ins), selectinload(CandidateProfile.careers),
        selectinload(CandidateProfile.user))


def load_scheme(scheme: str) -> tuple[list[SeekerRecord], list[PostingRecord]]:
    """Every current seeker and open need of one scheme, as engine records."""
    profiles = db.session.scalars(_profile_query().where(CandidateProfile.id.in_(
        sa.select(SchemeOptIn.profile_id).where(SchemeOptIn.scheme == scheme)))).all()
    published = db.session.scalars(sa.select(Posting).where(
        Posting.status == PostingStatus.PUBLISHED, Posting.scheme == scheme)).all()
    seekers = [seeker_from_opt_in(p, o) for p in profiles if in_matching(p) for o in p.opt_ins if o.scheme == scheme]
    seekers += [seeker_from_solution(p) for p in published if _is_offer(p)]
    return seekers, [posting_record(p) for p in published if not _is_offer(p)]


def fit_scheme(scheme: str) -> Engine | None:
    """A fresh engine for one scheme; ``None`` while one side is still empty (nothing to match)."""
    from marketplace.matching import Engine

    seekers, postings = load_scheme(scheme)
    if not seekers or not postings:
        return None
    engine = Engine()
    engine.fit(seekers, postings)
    return engine


def profiles_by_id(profile_ids: Iterable[int]) -> dict[int, CandidateProfile]:
    ids = sorted(set(profile_ids))
    if not ids:
        return {}
    return {p.id: p for p in db.session.scalars(_profile_query().where(CandidateProfile.id.in_(ids)))}


def apply_profile(engine: Engine, scheme: str, profile_id: int, profile: CandidateProfile | None) -> str | None:
    """Bring one candidate's record of ``scheme`` up to date; returns the seeker id when present."""
    seeker_id = f"c{profile_id}:{scheme}"
    engine.remove_seeker(seeker_id)
    opt_in = profile.opt_in(scheme) if profile is not None and in_matching(profile) else None
    if opt_in is None:
        return None
    engine.upsert_seeker(seeker_from_opt_in(profile, opt_in))  # type: ignore[arg-type]
    return seeker_id


def engine_id(posting: Posting) -> str | None:
    """The posting's id in the engine while it is published (``s…`` for a solution, ``p…`` for a need)."""
    if posting.status != PostingStatus.PUBLISHED:
        return None
    return f"s{posting.id}" if _is_offer(posting) else f"p{posting.id}"


def apply_posting(engine: Engine, posting: Posting) -> str | None:
    """Bring one posting up to date; returns its engine id while it is published."""
    published = posting.status == PostingStatus.PUBLISHED
    if _is_offer(posting):
        engine.remove_seeker(f"s{posting.id}")
        if published:
            engine.upsert_seeker(seeker_from_solution(posting))
            return f"s{posting.id}"
    else:
        engine.remove_posting(f"p{posting.id}")
        if published:
            engine.upsert_posting(posting_record(posting))
            return f"p{posting.id}"
    return None


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
    # Rows are locked while they are rewritten: a coordinator's decision committed meanwhile is
    # seen (and kept) rather than overwritten (PostgreSQL; SQLite has one writer anyway).
    existing = {m.seeker_ref: m for m in db.session.scalars(
        sa.select(Match).where(Match.posting_id == posting_id).with_for_update())}
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




def _in_matching_profiles(profile_ids: Iterable[int]) -> set[int]:
    ids = sorted(set(profile_ids))
    if not ids:
        return set()
    from marketplace.models import User

    return set(db.session.scalars(sa.select(CandidateProfile.id).join(User, User.id == CandidateProfile.user_id).where(
        CandidateProfile.id.in_(ids), CandidateProfile.use_stopped_at.is_(None), User.active.is_(True))))


def store_for_posting(engine: Engine | None, posting: Posting, k: int = TOP_K) -> int:
    """Store a need's top-k; a need that is no longer published loses its pending suggestions."""
    if posting.status != PostingStatus.PUBLISHED or engine is None:
        db.session.execute(sa.delete(Match).where(Match.posting_id == posting.id,
                                                  Match.status == MatchStatus.SUGGESTED))
        return 0
    try:
        found = engine.top_k_for_posting(f"p{posting.id}", k)
    except KeyError:
        found = []
    # A person erased or stopped since the engine last heard of them is never written back.
    people = {int(s.seeker_id[1:].split(":", 1)[0]) for s in found if s.seeker_id.startswith("c")}
    allowed = _in_matching_profiles(people)
    found = [s for s in found if not s.seeker_id.startswith("c")
             or int(s.seeker_id[1:].split(":", 1)[0]) in allowed]
    return _store(posting.id, posting.scheme, found)


def store_for_seeker(engine: Engine | None, seeker_id: str, scheme: str, k: int = TOP_K) -> int:
    """A seeker record's best postings gain (or lose) this seeker's suggestion; others' stay."""
    ref = _seeker_columns(seeker_id)["seeker_ref"]
    found: list[Suggestion] = []
    if engine is not None:
        try:
            found = engine.top_k_for_seeker(seeker_id, k)
        except KeyError:  # the seeker is not (or no longer) in this scheme
            found = []
    best = {int(s.posting_id[1:]): s for s in found}
    stale = db.session.scalars(sa.select(Match.posting_id).where(
        Match.seeker_ref == ref, Match.scheme == scheme, Match.status == MatchStatus.SUGGESTED)).all()
    postings = {p.id: p for p in db.session.scalars(sa.select(Posting).where(
        Posting.id.in_(sorted(set(stale) | set(best)))))}
    for posting_id in sorted(set(stale) | set(best)):
        posting = postings.get(posting_id)
        if posting is None:
            continue
        chosen = [best[posting_id]] if posting_id in best else []
        _store(posting_id, posting.scheme, chosen, replace_seekers={ref})
    return len(found)


def erase_seeker(ref: str, scheme: str) -> int:
    """The person left the scheme, stopped use or deleted the account: pending suggestions go.

    Decided matches stay (the privacy rules of ``privacy.stop_use`` and account deletion
    decide what happens to those); suggested and on-hold ones are deleted, and so are the
    person's near misses of the scheme.
    """
    result = db.session.execute(sa.delete(Match).where(
        Match.seeker_ref == ref, Match.scheme == scheme,
        Match.status.in_([MatchStatus.SUGGESTED, MatchStatus.ON_HOLD])).execution_options(synchronize_session=False))
    if ref.startswith("c"):
        near_misses.erase(int(ref[1:]), scheme)
    return result.rowcount or 0


def touch(refs: Iterable[str], moment: datetime | None = None) -> None:
    """Record when these refs' suggestions were computed (``*<scheme>`` for a whole scheme)."""
    moment = moment or utcnow()
    refs = sorted(set(refs))
    if not refs:
        return
    table = MatchingFreshness.__table__
    if db.engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
    for i in range(0, len(refs), 1000):
        stmt = insert(table).values([{"ref": r, "computed_at": moment} for r in refs[i:i + 1000]])
        db.session.execute(stmt.on_conflict_do_update(index_elements=["ref"],
                                                      set_={"computed_at": stmt.excluded.computed_at}))


def rebuild_scheme(scheme: str, engine: Engine | None, k: int = TOP_K,
                   progress: Callable[[int, int], None] | None = None) -> int:
    """Store the top-k seekers of every published need of ``scheme``; closed needs lose theirs.

    Every candidate's near misses ("why not yet") of the scheme are recomputed too.
    """
    started = utcnow()
    needs = [p for p in db.session.scalars(sa.select(Posting).where(
        Posting.status == PostingStatus.PUBLISHED, Posting.scheme == scheme).order_by(Posting.id))
        if not _is_offer(p)]
    written = 0
    for i, posting in enumerate(needs, 1):
        written += store_for_posting(engine, posting, k)
        if progress:
            progress(i, len(needs))
    db.session.execute(sa.delete(Match).where(Match.status == MatchStatus.SUGGESTED, Match.scheme == scheme,
                                              Match.posting_id.in_(sa.select(Posting.id).where(
                                                  Posting.status != PostingStatus.PUBLISHED)))
                       .execution_options(synchronize_session=False))
    near_misses.store_scheme_near_misses(scheme, engine)
    touch([f"*{scheme}"], started)
    return written


def refresh_all(progress: Callable[[int, int], None] | None = None, k: int = TOP_K,
                schemes: Sequence[str] | None = None) -> int:
    """Refit every scheme's engine and store the top-k seekers of every published need.

    Changes queued before the rebuild began are covered by it and leave the queue (their ids
    are read first: a row visible then was committed, so the data read afterwards includes it).
    """
    schemes = list(schemes or SCHEMES)
    covered = list(db.session.scalars(sa.select(MatchingChange.id).where(MatchingChange.scheme.in_(schemes))))
    written = 0
    for index, scheme in enumerate(schemes):
        engine = fit_scheme(scheme)

        def scheme_progress(done: int, total: int, index: int = index) -> None:
            if progress:
                progress(index * 1000 + done * 1000 // max(total, 1), len(schemes) * 1000)

        written += rebuild_scheme(scheme, engine, k, scheme_progress)
    for i in range(0, len(covered), 1000):
        db.session.execute(sa.delete(MatchingChange).where(MatchingChange.id.in_(covered[i:i + 1000]))
                           .execution_options(synchronize_session=False))
    db.session.flush()
    logger.info("suggestions refreshed for %d schemes", len(schemes), extra={"event": "match.refresh"})
    return written
