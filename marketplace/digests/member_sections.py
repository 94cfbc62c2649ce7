"""Organisation members: new suggested candidates (or partners) for their organisation's postings."""
from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import aliased

from marketplace.extensions import db
from marketplace.models import Match, MatchStatus, Posting, PostingStatus, Role
from marketplace.digests.sections import DigestContext, DigestItem, SectionResult, register_section


def _new_matches(ctx: DigestContext) -> sa.Select:
    return sa.select(Match).where(
        Match.status == MatchStatus.SUGGESTED, Match.created_at > ctx.since, Match.created_at <= ctx.now,
        Match.scheme.in_(ctx.schemes))


@register_section(Role.MEMBER)
def new_suggestions_for_postings(ctx: DigestContext) -> list[SectionResult]:
    """Per scheme, each of the organisation's postings with new suggested seekers, and how many.

    Seekers are only counted: who they are is on the posting's page, behind the site's
    visibility rules.
    """
    org_id = ctx.user.organisation_id
    if org_id is None or not ctx.schemes:
        return []
    new = _new_matches(ctx).subquery()
    rows = db.session.execute(
        sa.select(Posting, sa.func.count(new.c.id), sa.func.max(new.c.created_at))
        .join(new, new.c.posting_id == Posting.id)
        .where(Posting.organisation_id == org_id, Posting.status == PostingStatus.PUBLISHED)
        .group_by(Posting.id).order_by(sa.func.max(new.c.created_at).desc(), Posting.id.desc())).all()
    by_scheme: dict[str, list[DigestItem]] = defaultdict(list)
    for posting, count, _latest in rows:
        by_scheme[posting.scheme].append(DigestItem(
            title=posting.title, url=ctx.url("public.posting_detail", posting_id=posting.id),
            note=_("新しい候補 %(n)d件", n=count)))
    return [SectionResult(key="member.suggested_seekers", title=_("募集に合いそうな新しい候補"), group=scheme,
                          items=items, more_url=ctx.url("organisations.dashboard"))
            for scheme, items in by_scheme.items()]


@register_section(Role.MEMBER)
def new_needs_for_solutions(ctx: DigestContext) -> list[SectionResult]:
    """Startups: published needs newly suggested for one of the organisation's solutions."""
    org_id = ctx.user.organisation_id
    if org_id is None or not ctx.schemes:
        return []
    solution = aliased(Posting)
    rows = db.session.execute(
        _new_matches(ctx).add_columns(Posting)
        .join(Posting, Posting.id == Match.posting_id)
        .join(solution, solution.id == Match.solution_posting_id)
        .where(solution.organisation_id == org_id, Posting.status == PostingStatus.PUBLISHED)
        .order_by(Match.created_at.desc(), Match.id.desc())).all()
    by_scheme: dict[str, list[DigestItem]] = defaultdict(list)
    for match, need in rows:
        by_scheme[match.scheme].append(DigestItem(
            title=need.title, url=ctx.url("public.posting_detail", posting_id=need.id),
            note=need.prefecture.name(ctx.language) if need.prefecture else ""))
    return [SectionResult(key="member.suggested_needs", title=_("提案に合いそうな新しい募集"), group=scheme,
                          items=items, more_url=ctx.url("organisations.dashboard"))
            for scheme, items in by_scheme.items()]
