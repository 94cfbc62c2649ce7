"""The match pipeline in digests: introductions waiting for an answer, new messages, overdue next steps.

Titles are the postings' public titles; no names or contacts of the other side are mailed.
"""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from marketplace.extensions import db
from marketplace.core.i18n import format_date
from marketplace.models import Match, MatchMessage, Role
from marketplace.matches import operations as pipeline
from marketplace.digests.sections import DigestContext, DigestItem, SectionResult, register_section


@register_section(Role.CANDIDATE, Role.MEMBER)
def introductions_waiting(ctx: DigestContext) -> list[SectionResult]:
    """Introduction requests the person has not answered. News when one arrived since the last digest."""
    waiting = pipeline.awaiting_answer(ctx.user)
    results = []
    for scheme in ctx.schemes:
        matches = [m for m in waiting if m.scheme == scheme]
        if not matches:
            continue
        matches.sort(key=lambda m: (m.approved_at or m.updated_at), reverse=True)
        arrived = sum(1 for m in matches if m.approved_at and ctx.since < m.approved_at <= ctx.now)
        results.append(SectionResult(
            key="pipeline.introductions_waiting", title=_("回答を待っている紹介"), group=scheme,
            items=[DigestItem(title=m.posting.title, url=ctx.url("matches.detail", match_id=m.id),
                              note=_("%(date)sに届きました", date=format_date(m.approved_at or m.updated_at,
                                                                               ctx.language))) for m in matches],
            more_url=ctx.url("matches.index"), has_news=arrived > 0))
    return results


@register_section(Role.CANDIDATE, Role.MEMBER)
def new_messages(ctx: DigestContext) -> list[SectionResult]:
    """Messages written by others in the person's matches since the last digest, newest first."""
    matches = pipeline.participant_matches(ctx.user).with_only_columns(Match.id).order_by(None)
    rows = db.session.scalars(sa.select(MatchMessage).where(
        MatchMessage.match_id.in_(matches), MatchMessage.created_at > ctx.since, MatchMessage.created_at <= ctx.now,
        sa.or_(MatchMessage.author_id.is_(None), MatchMessage.author_id != ctx.user.id))
        .order_by(MatchMessage.created_at.desc(), MatchMessage.id.desc()).limit(200)).all()
    results = []
    for scheme in ctx.schemes:
        per_match: dict[int, list[MatchMessage]] = {}
        for message in rows:
            match = db.session.get(Match, message.match_id)
            if match is not None and match.scheme == scheme:
                per_match.setdefault(match.id, []).append(message)
        if per_match:
            results.append(SectionResult(
                key="pipeline.new_messages", title=_("新しいメッセージ"), group=scheme,
                items=[DigestItem(title=db.session.get(Match, match_id).posting.title,
                                  url=ctx.url("matches.detail", match_id=match_id),
                                  note=_("%(count)d件", count=len(messages)))
                       for match_id, messages in per_match.items()],
                more_url=ctx.url("matches.index")))
    return results


@register_section(Role.COORDINATOR)
def overdue_next_steps(ctx: DigestContext) -> list[SectionResult]:
    """Open matches in the area whose next step is past due, most overdue first (context, not news)."""
    today = ctx.now.date() if ctx.now else date.today()
    overdue = db.session.scalars(pipeline.active_matches(ctx.user, overdue_on=today)).all()
    results = []
    for scheme in ctx.schemes:
        matches = [m for m in overdue if m.scheme == scheme]
        if matches:
            results.append(SectionResult(
                key="pipeline.overdue_next_steps", title=_("期限を過ぎた次の一手"), group=scheme,
                items=[DigestItem(title=f"{m.posting.title}: {m.next_step}",
                                  url=ctx.url("coordination.match_detail", match_id=m.id),
                                  note=_("期日 %(date)s", date=format_date(m.next_step_due, ctx.language)))
                       for m in matches],
                more_url=ctx.url("coordination.match_pipeline", overdue="1"),
                has_news=any(m.next_step_due and m.next_step_due >= (ctx.since.date()) for m in matches)))
    return results


