"""Candidates: postings the engine newly suggested for them."""
from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
from flask_babel import gettext as _

from marketplace.extensions import db
from marketplace.models import CandidateProfile, Match, MatchStatus, Posting, PostingStatus, Role
from marketplace.digests.sections import DigestContext, DigestItem, SectionResult, register_section


@register_section(Role.CANDIDATE)
def new_suggested_postings(ctx: DigestContext) -> list[SectionResult]:
    """Published postings suggested for the candidate since the last digest, newest first, per scheme.

    Only the posting's public title and prefecture are listed: no score, no reasons.
    """
    if not ctx.schemes:
        return []
    profile_id = db.session.scalar(sa.select(CandidateProfile.id).where(CandidateProfile.user_id == ctx.user.id))
    if profile_id is None:
        return []
    rows = db.session.execute(
        sa.select(Match, Posting).join(Posting, Posting.id == Match.posting_id).where(
            Match.candidate_profile_id == profile_id, Match.status == MatchStatus.SUGGESTED,
            Match.created_at > ctx.since, Match.created_at <= ctx.now, Match.scheme.in_(ctx.schemes),
            Posting.status == PostingStatus.PUBLISHED)
        .order_by(Match.created_at.desc(), Match.id.desc())).all()
    by_scheme: dict[str, list[DigestItem]] = defaultdict(list)
    for match, posting in rows:
        by_scheme[match.scheme].append(DigestItem(
            title=posting.title, url=ctx.url("public.posting_detail", posting_id=posting.id),
            note=posting.prefecture.name(ctx.language) if posting.prefecture else ""))
    return [SectionResult(key="candidate.suggested_postings", title=_("あなたに合いそうな新しい募集"), group=scheme,
                          items=items, more_url=ctx.url("candidates.dashboard"))
            for scheme, items in by_scheme.items()]
