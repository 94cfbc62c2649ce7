"""Queries restricted to a coordinator's area: scheme × prefecture cells (admins see everything)."""
from __future__ import annotations

import sqlalchemy as sa

from marketplace.models import CandidateProfile, Match, Posting, Role, User
from marketplace.profiles.areas import area_condition
from marketplace.postings.search import candidate_visibilities_for


def _cells(actor: User) -> list[tuple[str, str]]:
    return [(a.scheme, a.prefecture_code) for a in actor.areas] if actor.role == Role.COORDINATOR else []


def postings_in_area(actor: User) -> sa.Select:
    """Every posting (any status) whose scheme and prefecture are one of the actor's cells."""
    query = sa.select(Posting).order_by(Posting.id)
    if actor.role == Role.ADMIN:
        return query
    cells = [sa.and_(Posting.scheme == s, Posting.prefecture_code == p) for s, p in _cells(actor)]
    return query.where(sa.or_(*cells)) if cells else query.where(sa.false())


def matches_in_area(actor: User) -> sa.Select:
    """Matches on postings in the actor's cells (the match's scheme and the posting's prefecture)."""
    query = sa.select(Match).join(Posting, Posting.id == Match.posting_id).order_by(Match.id)
    if actor.role == Role.ADMIN:
        return query
    cells = [sa.and_(Match.scheme == s, Posting.prefecture_code == p) for s, p in _cells(actor)]
    return query.where(sa.or_(*cells)) if cells else query.where(sa.false())


def candidates_in_area(actor: User) -> sa.Select:
    """Active candidates the actor may see who opted into one of the actor's schemes and live or
    would work in a prefecture the actor covers for that scheme (not those who stopped the use of
    their data)."""
    if actor.role not in (Role.ADMIN, Role.COORDINATOR):
        return sa.select(CandidateProfile).where(sa.false())
    return (sa.select(CandidateProfile).join(User, User.id == CandidateProfile.user_id)
            .where(User.active.is_(True), User.role == Role.CANDIDATE, CandidateProfile.use_stopped_at.is_(None),
                   CandidateProfile.visibility.in_(candidate_visibilities_for(actor)), area_condition(actor))
            .order_by(CandidateProfile.id))
