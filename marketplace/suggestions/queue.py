"""What the web does for matching: record that an input changed, and say how fresh suggestions are.

Nothing here scores, fits or imports the engine (no scikit-learn, SciPy or OR-Tools in web
processes). Each ``record_*`` call adds rows to ``matching_changes`` in the caller's session,
so the change is queued if and only if the caller's transaction commits; a matcher process
(``flask match worker``, see ``marketplace.suggestions.matcher``) applies it.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.models import ChangeKind, MatchingChange, MatchingFreshness, Posting, PostingStatus
from marketplace.schemes.registry import SCHEMES


def candidate_schemes() -> list[str]:
    """The schemes a candidate can join: a profile change may touch each of them."""
    return [code for code, scheme in SCHEMES.items() if scheme.candidates_opt_in]


def _add(kind: str, ref_id: int | None, schemes: Iterable[str]) -> None:
    schemes = list(dict.fromkeys(schemes))
    if ref_id is not None:
        # An unclaimed row for the same thing is already waiting: it will read the current state.
        waiting = set(db.session.scalars(sa.select(MatchingChange.scheme).where(
            MatchingChange.kind == kind, MatchingChange.ref_id == ref_id, MatchingChange.claim_token.is_(None),
            MatchingChange.scheme.in_(schemes))))
        schemes = [s for s in schemes if s not in waiting]
    for scheme in schemes:
        db.session.add(MatchingChange(kind=kind, ref_id=ref_id, scheme=scheme))


def record_profile(profile_id: int | None) -> None:
    """A candidate's matching inputs changed (profile, scheme opt-ins, stop of use, deletion)."""
    if profile_id is None:
        return
    _add(ChangeKind.PROFILE, profile_id, candidate_schemes())


def record_posting(posting: Posting) -> None:
    """A posting (a need, or a startup's solution) changed in a way matching may care about."""
    db.session.flush()  # a new posting needs its id
    _add(ChangeKind.POSTING, posting.id, [posting.scheme])


def record_rebuild(schemes: Iterable[str] | None = None) -> None:
    """Ask the matchers to refit and store every suggestion again (the daily refresh)."""
    for scheme in schemes if schemes is not None else SCHEMES:
        db.session.add(MatchingChange(kind=ChangeKind.REBUILD, ref_id=None, scheme=scheme))


# --- freshness, for the pages ---------------------------------------------------------------
def profile_pending(profile_id: int | None) -> bool:
    """True while a change of this candidate is still queued (their suggestions are being updated)."""
    if profile_id is None:
        return False
    return db.session.scalar(sa.select(sa.exists().where(
        MatchingChange.kind == ChangeKind.PROFILE, MatchingChange.ref_id == profile_id))) or False


def posting_pending(posting_id: int) -> bool:
    return db.session.scalar(sa.select(sa.exists().where(
        MatchingChange.kind == ChangeKind.POSTING, MatchingChange.ref_id == posting_id))) or False


def computed_at(ref: str) -> datetime | None:
    """When suggestions of ``c<profile>``, ``s<solution>`` or ``p<posting>`` were last computed."""
    return db.session.scalar(sa.select(MatchingFreshness.computed_at).where(MatchingFreshness.ref == ref))


def computed_at_many(refs: Iterable[str]) -> dict[str, datetime]:
    refs = list(dict.fromkeys(refs))
    if not refs:
        return {}
    return {ref: moment for ref, moment in db.session.execute(
        sa.select(MatchingFreshness.ref, MatchingFreshness.computed_at).where(MatchingFreshness.ref.in_(refs)))}


def posting_ref(posting: Posting) -> str:
    """``s<id>`` for a startup's solution (a seeker), ``p<id>`` for a need."""
    scheme = SCHEMES.get(posting.scheme)
    posting_type = scheme.posting_type(posting.posting_type) if scheme else None
    return f"s{posting.id}" if posting_type is not None and posting_type.side == "offer" else f"p{posting.id}"


def matters(posting: Posting, was_published: bool) -> bool:
    """A posting's change reaches matching when it is or was published."""
    return was_published or posting.status == PostingStatus.PUBLISHED


def freshness_of_profile(profile_id: int | None, schemes: Iterable[str]) -> tuple[bool, datetime | None]:
    """(a change of the person is still queued, when their suggestions were last computed)."""
    if profile_id is None:
        return False, None
    found = computed_at_many([f"c{profile_id}"] + [f"*{s}" for s in schemes])
    return profile_pending(profile_id), max(found.values(), default=None)


def freshness_of_posting(posting: Posting) -> tuple[bool, datetime | None]:
    found = computed_at_many([posting_ref(posting), f"*{posting.scheme}"])
    return posting_pending(posting.id), max(found.values(), default=None)


def pending_changes(schemes: Iterable[str]) -> int:
    """How many changed people and postings of these schemes wait for a matcher (a rebuild counts once)."""
    schemes = list(dict.fromkeys(schemes))
    if not schemes:
        return 0
    waiting = sa.select(MatchingChange.kind, MatchingChange.ref_id).where(
        MatchingChange.scheme.in_(schemes)).distinct().subquery()
    return db.session.scalar(sa.select(sa.func.count()).select_from(waiting)) or 0


def freshness_of_queue(schemes: Iterable[str], rows: Iterable[tuple[int, str, str]]
                       ) -> tuple[int, datetime | None, dict[tuple[int, str], datetime]]:
    """For a coordinator's queue: (changes of ``schemes`` still queued, when the latest suggestion shown
    or scheme rebuild was computed, per (posting id, seeker ref) when that row was last computed).

    ``rows`` are (posting id, seeker ref, scheme) of the suggestions on the page; a row counts as
    computed when its need, its seeker or its whole scheme was, whichever is latest. Two queries.
    """
    schemes = list(dict.fromkeys(schemes))
    rows = list(rows)
    found = computed_at_many([f"p{p}" for p, _s, _c in rows] + [s for _p, s, _c in rows]
                             + [f"*{c}" for _p, _s, c in rows] + [f"*{c}" for c in schemes])
    per_row: dict[tuple[int, str], datetime] = {}
    for posting_id, seeker_ref, scheme in rows:
        moments = [found[r] for r in (f"p{posting_id}", seeker_ref, f"*{scheme}") if r in found]
        if moments:
            per_row[(posting_id, seeker_ref)] = max(moments)
    latest = max(list(per_row.values()) + [found[f"*{c}"] for c in schemes if f"*{c}" in found], default=None)
    return pending_changes(schemes), latest, per_row
