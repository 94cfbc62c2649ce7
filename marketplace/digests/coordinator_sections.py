"""Coordinators: their area's review queue, postings waiting for review, new high-scoring suggestions.

A coordinator's area is a set of scheme × prefecture cells; each section looks only at the
cells of the schemes this digest carries.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from marketplace.extensions import db
from marketplace.core.i18n import format_date
from marketplace.models import Match, MatchStatus, Posting, PostingStatus, Role
from marketplace.digests.sections import DigestContext, DigestItem, SectionResult, register_section


def _prefectures(ctx: DigestContext, scheme: str) -> list[str]:
    return sorted({a.prefecture_code for a in ctx.user.areas if a.scheme == scheme})


def _queue_url(ctx: DigestContext, scheme: str) -> str:
    return ctx.first_url(("coordination.match_queue", {"scheme": scheme}),
                         ("coordination.proposal", {"scheme": scheme}))


def _match_url(ctx: DigestContext, match: Match) -> str:
    return ctx.first_url(("coordination.match_detail", {"match_id": match.id}),
                         ("public.posting_detail", {"posting_id": match.posting_id}))


def _suggested_in_cells(scheme: str, prefectures: list[str]) -> sa.Select:
    return (sa.select(Match).join(Posting, Posting.id == Match.posting_id)
            .where(Match.status == MatchStatus.SUGGESTED, Match.scheme == scheme,
                   Posting.prefecture_code.in_(prefectures), Posting.status == PostingStatus.PUBLISHED))


def _match_item(ctx: DigestContext, match: Match, note: str) -> DigestItem:
    seeker = (_("人材 #%(id)d", id=match.candidate_profile_id) if match.candidate_profile_id
              else (match.solution_posting.title if match.solution_posting else ""))
    return DigestItem(title=f"{match.posting.title} ⇔ {seeker}", url=_match_url(ctx, match), note=note)


@register_section(Role.COORDINATOR)
def review_queue(ctx: DigestContext) -> list[SectionResult]:
    """How many suggestions wait for review and the oldest of them. News when some arrived."""
    limit = current_app.config["DIGEST_SECTION_LIMIT"]
    results = []
    for scheme in ctx.schemes:
        prefectures = _prefectures(ctx, scheme)
        if not prefectures:
            continue
        query = _suggested_in_cells(scheme, prefectures)
        total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
        if not total:
            continue
        arrived = db.session.scalar(sa.select(sa.func.count()).select_from(
            query.where(Match.created_at > ctx.since, Match.created_at <= ctx.now).subquery())) or 0
        oldest = db.session.scalars(query.order_by(Match.created_at, Match.id).limit(limit)).all()
        results.append(SectionResult(
            key="coordinator.review_queue", title=_("確認を待っている提案（古い順）"), group=scheme,
            summary=_("確認待ち %(total)d件（うち新着 %(new)d件）", total=total, new=arrived),
            items=[_match_item(ctx, m, _("%(date)sから", date=format_date(m.created_at, ctx.language)))
                   for m in oldest],
            total=total, more_url=_queue_url(ctx, scheme), has_news=arrived > 0))
    return results


@register_section(Role.COORDINATOR)
def postings_waiting_for_review(ctx: DigestContext) -> list[SectionResult]:
    """Postings submitted for review in the area, oldest first. News when one was submitted since."""
    limit = current_app.config["DIGEST_SECTION_LIMIT"]
    results = []
    for scheme in ctx.schemes:
        prefectures = _prefectures(ctx, scheme)
        if not prefectures:
            continue
        query = sa.select(Posting).where(Posting.status == PostingStatus.IN_REVIEW, Posting.scheme == scheme,
                                         Posting.prefecture_code.in_(prefectures))
        total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
        if not total:
            continue
        arrived = db.session.scalar(sa.select(sa.func.count()).select_from(
            query.where(Posting.updated_at > ctx.since, Posting.updated_at <= ctx.now).subquery())) or 0
        oldest = db.session.scalars(query.order_by(Posting.updated_at, Posting.id).limit(limit)).all()
        results.append(SectionResult(
            key="coordinator.postings_in_review", title=_("公開の審査を待っている募集（古い順）"), group=scheme,
            summary=_("審査待ち %(total)d件（うち新着 %(new)d件）", total=total, new=arrived),
            items=[DigestItem(title=p.title, url=ctx.url("coordination.review_posting", posting_id=p.id),
                              note=p.organisation.name if p.organisation else "") for p in oldest],
            total=total, more_url=ctx.url("coordination.review_queue"), has_news=arrived > 0))
    return results


@register_section(Role.COORDINATOR)
def high_scoring_suggestions(ctx: DigestContext) -> list[SectionResult]:
    """New suggestions scoring at least ``DIGEST_HIGH_SCORE``, newest first."""
    threshold = current_app.config["DIGEST_HIGH_SCORE"]
    results = []
    for scheme in ctx.schemes:
        prefectures = _prefectures(ctx, scheme)
        if not prefectures:
            continue
        matches = db.session.scalars(_suggested_in_cells(scheme, prefectures).where(
            Match.score >= threshold, Match.created_at > ctx.since, Match.created_at <= ctx.now)
            .order_by(Match.created_at.desc(), Match.id.desc()).limit(200)).all()
        if matches:
            results.append(SectionResult(
                key="coordinator.high_scores", title=_("適合度の高い新しい提案"), group=scheme,
                items=[_match_item(ctx, m, _("適合度 %(score)d", score=round(m.score))) for m in matches],
                more_url=_queue_url(ctx, scheme)))
    return results
