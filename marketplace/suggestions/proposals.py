"""Capacity-aware assignment proposals for a coordinator's area, from stored match scores."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.models import Match, MatchStatus, Posting, PostingStatus, User


@dataclass(frozen=True)
class ProposedPair:
    posting: Posting
    match: Match


def propose(coordinator: User, scheme: str, mode: str = "min_cost") -> list[ProposedPair]:
    """Assign each seeker at most once and each posting at most its open places, maximising
    total score (``min_cost``) or by deferred acceptance (``stable``), over the postings of
    ``scheme`` in the coordinator's prefectures. Rejected matches are left out.
    """
    # OR-Tools loads here, on a coordinator's request for proposals, not when the web starts.
    from marketplace.matching.assign import Arc, assign_min_cost, assign_stable

    prefectures = [a.prefecture_code for a in coordinator.areas if a.scheme == scheme]
    if coordinator.role.value == "admin":
        prefecture_filter = sa.true()
    else:
        prefecture_filter = Posting.prefecture_code.in_(prefectures)
    rows = db.session.execute(sa.select(Match, Posting).join(Posting, Posting.id == Match.posting_id).where(
        Match.scheme == scheme, Match.status != MatchStatus.REJECTED, Posting.status == PostingStatus.PUBLISHED,
        prefecture_filter)).all()
    matches = {(m.seeker_ref, str(p.id)): (m, p) for m, p in rows}
    arcs = [Arc(seeker_id=ref, posting_id=pid, score=m.score) for (ref, pid), (m, _p) in matches.items()]
    capacities = {str(p.id): p.open_places for _m, p in rows}
    assign = assign_stable if mode == "stable" else assign_min_cost
    pairs = assign(arcs, capacities)
    return sorted((ProposedPair(posting=matches[(s, p)][1], match=matches[(s, p)][0]) for s, p in pairs),
                  key=lambda pair: (pair.posting.id, -pair.match.score))
