"""Figures for public pages: the accelerators' national recruitment status."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.models import Posting, PostingStatus, Prefecture

#: National target of accelerators (自治体DXアクセラレータ), from the ministry's plan.
ACCELERATOR_TARGET = 500


@dataclass(frozen=True)
class PrefectureRecruitment:
    prefecture: Prefecture
    open_positions: int
    employment_forms: list[str]
    period_start: str | None
    period_end: date | None
    postings: list[Posting]


def recruitment_status() -> list[PrefectureRecruitment]:
    """Per prefecture: open accelerator positions, their employment forms, period and links."""
    postings = db.session.scalars(sa.select(Posting).where(
        Posting.scheme == "accelerator", Posting.status == PostingStatus.PUBLISHED
    ).order_by(Posting.prefecture_code, Posting.id)).all()
    by_prefecture: dict[str, list[Posting]] = {}
    for posting in postings:
        by_prefecture.setdefault(posting.prefecture_code, []).append(posting)
    prefectures = {p.code: p for p in db.session.scalars(sa.select(Prefecture))}
    rows = []
    for code, items in sorted(by_prefecture.items()):
        starts = [p.details.get("recruitment_start") for p in items if p.details.get("recruitment_start")]
        ends = [p.deadline for p in items if p.deadline]
        rows.append(PrefectureRecruitment(
            prefecture=prefectures[code],
            open_positions=sum(p.open_places or 0 for p in items),
            employment_forms=sorted({p.employment_form for p in items if p.employment_form}),
            period_start=min(starts) if starts else None,
            period_end=max(ends) if ends else None,
            postings=items,
        ))
    return rows


def appointed_accelerators() -> int:
    """Accelerators appointed so far through the site: matches on prefectures' positions (not CIO補佐官
    posts) whose appointment the coordinator recorded — the same count as the coordinators' dashboard."""
    from marketplace.models import Match

    return db.session.scalar(sa.select(sa.func.count(Match.id)).join(Posting, Posting.id == Match.posting_id).where(
        Match.scheme == "accelerator", Posting.posting_type == "position",
        Match.appointment_status == "appointed")) or 0
