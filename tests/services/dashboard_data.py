"""Known data for the dashboard tests: matches with fixed timestamps in Kochi (39) and Nagano (20).

Expected figures (the tests assert them exactly):

* Kochi, accelerator: suggested 1, approved 1, rejected 1, introduced 1, agreed 2 (6 matches);
  introduced after 2, 4 and 10 days (median 4.0), agreed after 30 and 40 days (median 35.0);
  2 appointed, 1 recommended.
* Kochi, side job: suggested 1, on hold 1.
* Nagano, accelerator: suggested 1, agreed 1 (introduced after 1 day, agreed after 5); 1 appointed.
* "Now" is 2026-11-15 12:00 JST; the 12 months shown run from 2025-12 to 2026-11.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from marketplace.extensions import db
from marketplace.core.i18n import JST
from marketplace.models import FollowUp, Match, MatchStatus, Organisation, OrgKind, Posting, PostingStatus, Role

NOW = datetime(2026, 11, 15, 12, 0, tzinfo=JST).astimezone(UTC)
TODAY = date(2026, 11, 15)
#: 2026-10-01 00:30 in Japan, still 30 September in UTC: must count in October.
START = datetime(2026, 9, 30, 15, 30, tzinfo=UTC)


@dataclass
class DashboardWorld:
    kochi: int  # coordinator: accelerator + side job in Kochi
    nagano: int  # coordinator: accelerator in Nagano
    kochi_side_job: int  # coordinator: side job only in Kochi
    admin: int
    candidate: int
    member: int


def jst(year: int, month: int, day: int, hour: int = 10) -> datetime:
    return datetime(year, month, day, hour, tzinfo=JST).astimezone(UTC)


def _posting(org_id: int, scheme: str, prefecture: str, title: str) -> Posting:
    posting = Posting(organisation_id=org_id, scheme=scheme, posting_type="position", title=title,
                      prefecture_code=prefecture, status=PostingStatus.PUBLISHED)
    db.session.add(posting)
    db.session.flush()
    return posting


def _match(posting: Posting, ref: str, status: MatchStatus, created_at: datetime, *, introduced: float | None = None,
           agreed: float | None = None, appointment: str | None = None) -> Match:
    match = Match(posting_id=posting.id, scheme=posting.scheme, seeker_ref=ref, status=status, created_at=created_at,
                  introduced_at=created_at + timedelta(days=introduced) if introduced is not None else None,
                  agreed_at=created_at + timedelta(days=agreed) if agreed is not None else None,
                  appointment_status=appointment)
    db.session.add(match)
    db.session.flush()
    return match


def build_world(app, make_user, make_org) -> DashboardWorld:
    kochi_org = make_org("高知県", OrgKind.PREFECTURE, "39")
    nagano_org = make_org("長野県", OrgKind.PREFECTURE, "20")
    firm = make_org("土佐商事株式会社", OrgKind.FIRM, "39")
    world = DashboardWorld(
        kochi=make_user(Role.COORDINATOR, area=(("accelerator", "side_job"), ("39",))),
        nagano=make_user(Role.COORDINATOR, area=(("accelerator",), ("20",))),
        kochi_side_job=make_user(Role.COORDINATOR, area=(("side_job",), ("39",))),
        admin=make_user(Role.ADMIN),
        candidate=make_user(Role.CANDIDATE),
        member=make_user(Role.MEMBER, org_id=kochi_org),
    )
    with app.app_context():
        kochi = _posting(kochi_org, "accelerator", "39", "高知県のDX支援")
        side_job = _posting(firm, "side_job", "39", "販路拡大の副業人材")
        nagano = _posting(nagano_org, "accelerator", "20", "長野県のDX支援")
        _match(kochi, "c1", MatchStatus.INTRODUCED, START, introduced=2)
        agreed = _match(kochi, "c2", MatchStatus.AGREED, START, introduced=4, agreed=30, appointment="appointed")
        later = _match(kochi, "c3", MatchStatus.AGREED, START, introduced=10, agreed=40, appointment="appointed")
        _match(kochi, "c4", MatchStatus.SUGGESTED, jst(2026, 9, 15))
        _match(kochi, "c5", MatchStatus.REJECTED, jst(2025, 10, 20))  # 13 months back: outside the window
        _match(kochi, "c6", MatchStatus.APPROVED, jst(2026, 11, 1), appointment="recommended")
        _match(side_job, "c7", MatchStatus.SUGGESTED, jst(2026, 11, 2))
        _match(side_job, "c8", MatchStatus.ON_HOLD, jst(2026, 11, 3))
        _match(nagano, "c9", MatchStatus.AGREED, jst(2026, 8, 1), introduced=1, agreed=5, appointment="appointed")
        _match(nagano, "c10", MatchStatus.SUGGESTED, jst(2026, 8, 2))
        answered = jst(2026, 11, 1)
        db.session.add_all([
            FollowUp(match_id=agreed.id, months=3, due_on=date(2026, 10, 1), answered_at=answered, still_going=True),
            FollowUp(match_id=agreed.id, months=6, due_on=date(2026, 11, 1), answered_at=answered, still_going=False),
            FollowUp(match_id=agreed.id, months=12, due_on=date(2027, 5, 1)),
            FollowUp(match_id=later.id, months=3, due_on=date(2026, 11, 10)),  # due, not answered yet
        ])
        db.session.commit()
    return world
