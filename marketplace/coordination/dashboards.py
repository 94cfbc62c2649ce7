"""Figures a prefecture shows in a meeting, computed with SQL for one viewer's area (no HTTP here).

Per-area figures (matches by stage, per month, median days, follow-ups) count only the matches in
the viewer's scheme × prefecture cells (admins: all). The accelerators' progress towards the national
target is public: it counts every prefecture, as numbers only.

Everything works the same on SQLite and PostgreSQL: grouping and counting happen in SQL, while
the two things that differ between dialects (months in Japan time, medians) are done in Python on
the few columns fetched.
"""
from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from marketplace.extensions import db
from marketplace.core.i18n import JST, to_jst
from marketplace.models import FollowUp, Match, Posting, Prefecture, Role, User
from marketplace.matches import machine
from marketplace.schemes.registry import SCHEMES
from marketplace.core.domain_errors import DomainError
from marketplace.matches.operations import in_area
from marketplace.public.statistics import ACCELERATOR_TARGET

#: Months shown in the "per month" figures (the current Japan-time month and the 11 before it).
MONTHS_SHOWN = 12
SECONDS_PER_DAY = 86_400


# --- the viewer's choices -------------------------------------------------------------
@dataclass(frozen=True)
class DashboardFilters:
    """Optional narrowing to one scheme and/or one prefecture of the viewer's area."""

    scheme: str | None = None
    prefecture: str | None = None

    def to_params(self) -> dict[str, str]:
        return {k: v for k, v in (("scheme", self.scheme), ("prefecture", self.prefecture)) if v}


def area_schemes(viewer: User) -> list[str]:
    """Scheme codes the viewer may narrow to, in registry order."""
    if viewer.role == Role.ADMIN:
        return list(SCHEMES)
    covered = {a.scheme for a in viewer.areas}
    return [code for code in SCHEMES if code in covered]


def area_prefectures(viewer: User) -> list[Prefecture]:
    """Prefectures the viewer may narrow to, by code."""
    query = sa.select(Prefecture).order_by(Prefecture.code)
    if viewer.role != Role.ADMIN:
        query = query.where(Prefecture.code.in_(sorted({a.prefecture_code for a in viewer.areas})))
    return list(db.session.scalars(query))


def parse_filters(viewer: User, scheme: str | None, prefecture: str | None) -> DashboardFilters:
    """Check the requested narrowing against the viewer's area; a clear Japanese refusal otherwise."""
    scheme, prefecture = (scheme or "").strip() or None, (prefecture or "").strip() or None
    if scheme is not None and scheme not in area_schemes(viewer):
        raise DomainError(str(_l("選べない制度が指定されました。一覧から選び直してください。")))
    if prefecture is not None and prefecture not in {p.code for p in area_prefectures(viewer)}:
        raise DomainError(str(_l("選べない都道府県が指定されました。一覧から選び直してください。")))
    return DashboardFilters(scheme, prefecture)


def _scoped(viewer: User, query: sa.Select, filters: DashboardFilters) -> sa.Select:
    """``query`` over ``Match`` restricted to the viewer's area (joins ``Posting``) and the filters."""
    query = in_area(viewer, query)
    if filters.scheme:
        query = query.where(Match.scheme == filters.scheme)
    if filters.prefecture:
        query = query.where(Posting.prefecture_code == filters.prefecture)
    return query


# --- matches by stage ----------------------------------------------------------------
@dataclass(frozen=True)
class StageRow:
    """Counts per status for one scheme (and one prefecture, or every prefecture when ``None``)."""

    scheme: str
    prefecture_code: str | None
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class StageTable:
    statuses: tuple[str, ...]
    by_scheme: list[StageRow]  # one row per scheme (what the chart draws)
    by_cell: list[StageRow]  # one row per scheme × prefecture
    totals: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.totals.values())


def stage_counts(viewer: User, filters: DashboardFilters = DashboardFilters()) -> StageTable:
    """How many matches stand at each stage, by scheme and prefecture."""
    query = _scoped(viewer, sa.select(Match.scheme, Posting.prefecture_code, Match.status, sa.func.count(Match.id)),
                    filters).group_by(Match.scheme, Posting.prefecture_code, Match.status)
    cells: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for scheme, prefecture_code, status, count in db.session.execute(query):
        cells[(scheme, prefecture_code)][_status_code(status)] += count
    statuses = machine.STATUSES
    scheme_order = {code: i for i, code in enumerate(SCHEMES)}

    def row(scheme: str, prefecture_code: str | None, counter: Counter[str]) -> StageRow:
        return StageRow(scheme, prefecture_code, {s: counter.get(s, 0) for s in statuses})

    by_cell = [row(s, p, c) for (s, p), c in sorted(cells.items(), key=lambda i: (scheme_order.get(i[0][0], 99), i[0]))]
    per_scheme: dict[str, Counter[str]] = defaultdict(Counter)
    for (scheme, _prefecture), counter in cells.items():
        per_scheme[scheme].update(counter)
    by_scheme = [row(s, None, per_scheme[s]) for s in sorted(per_scheme, key=lambda s: (scheme_order.get(s, 99), s))]
    totals = {s: sum(r.counts[s] for r in by_cell) for s in statuses}
    return StageTable(statuses, by_scheme, by_cell, totals)


def _status_code(status: object) -> str:
    return getattr(status, "value", status)  # type: ignore[return-value]


# --- per month -----------------------------------------------------------------------
@dataclass(frozen=True)
class MonthRow:
    """One Japan-time month: matches suggested, introduced and agreed in it."""

    year: int
    month: int
    created: int
    introduced: int
    agreed: int

    @property
    def key(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def last_months(now: datetime, count: int = MONTHS_SHOWN) -> list[tuple[int, int]]:
    """The ``count`` Japan-time months ending with the one ``now`` falls in, oldest first."""
    local = to_jst(now)
    index = local.year * 12 + local.month - 1
    return [(i // 12, i % 12 + 1) for i in range(index - count + 1, index + 1)]


def monthly_counts(viewer: User, filters: DashboardFilters = DashboardFilters(), *,
                   now: datetime | None = None) -> list[MonthRow]:
    """Matches created (suggested), introduced and agreed per Japan-time month, last 12 months."""
    months = last_months(now or datetime.now(UTC))
    first_year, first_month = months[0]
    since = datetime(first_year, first_month, 1, tzinfo=JST).astimezone(UTC)
    counted: dict[str, Counter[tuple[int, int]]] = {}
    for name, column in (("created", Match.created_at), ("introduced", Match.introduced_at),
                         ("agreed", Match.agreed_at)):
        stamps = db.session.scalars(_scoped(viewer, sa.select(column), filters).where(column >= since))
        counted[name] = Counter((local.year, local.month) for local in map(to_jst, stamps))
    return [MonthRow(y, m, counted["created"][(y, m)], counted["introduced"][(y, m)], counted["agreed"][(y, m)])
            for y, m in months]


# --- how long it takes ---------------------------------------------------------------
@dataclass(frozen=True)
class DurationRow:
    """Median days from suggestion to introduction and to agreement (``scheme`` None: all schemes)."""

    scheme: str | None
    to_introduction: float | None
    introduced: int
    to_agreement: float | None
    agreed: int


def median_days(values: Iterable[float]) -> float | None:
    """The median rounded to one decimal, or None when there is nothing to measure."""
    values = list(values)
    return round(statistics.median(values), 1) if values else None


def _days(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / SECONDS_PER_DAY


def durations(viewer: User, filters: DashboardFilters = DashboardFilters()) -> list[DurationRow]:
    """Median days suggestion → introduction and suggestion → agreement, per scheme then overall."""
    query = _scoped(viewer, sa.select(Match.scheme, Match.created_at, Match.introduced_at, Match.agreed_at),
                    filters).where(sa.or_(Match.introduced_at.is_not(None), Match.agreed_at.is_not(None)))
    to_intro: dict[str, list[float]] = defaultdict(list)
    to_agree: dict[str, list[float]] = defaultdict(list)
    for scheme, created_at, introduced_at, agreed_at in db.session.execute(query):
        if introduced_at is not None:
            to_intro[scheme].append(_days(created_at, introduced_at))
        if agreed_at is not None:
            to_agree[scheme].append(_days(created_at, agreed_at))
    schemes = [s for s in SCHEMES if s in to_intro or s in to_agree]
    rows = [DurationRow(s, median_days(to_intro[s]), len(to_intro[s]), median_days(to_agree[s]), len(to_agree[s]))
            for s in schemes]
    everything_intro = [d for values in to_intro.values() for d in values]
    everything_agree = [d for values in to_agree.values() for d in values]
    rows.append(DurationRow(None, median_days(everything_intro), len(everything_intro),
                            median_days(everything_agree), len(everything_agree)))
    return rows


# --- accelerators against the national target ----------------------------------------
@dataclass(frozen=True)
class AppointmentRow:
    prefecture: Prefecture
    appointed: int
    recommended: int
    in_area: bool


@dataclass(frozen=True)
class AcceleratorProgress:
    """Accelerators appointed and recommended, nationally and by prefecture, against the target."""

    target: int
    rows: list[AppointmentRow] = field(default_factory=list)

    @property
    def appointed(self) -> int:
        return sum(r.appointed for r in self.rows)

    @property
    def recommended(self) -> int:
        return sum(r.recommended for r in self.rows)

    @property
    def remaining(self) -> int:
        return max(self.target - self.appointed, 0)

    @property
    def percent(self) -> float:
        return round(100 * self.appointed / self.target, 1) if self.target else 0.0

    @property
    def prefectures_with_appointments(self) -> int:
        return sum(1 for r in self.rows if r.appointed)


def accelerator_progress(viewer: User) -> AcceleratorProgress:
    """Every prefecture's counts (numbers only: the national figure is public); ``in_area`` marks the viewer's."""
    query = (sa.select(Posting.prefecture_code, Match.appointment_status, sa.func.count(Match.id))
             .join(Posting, Posting.id == Match.posting_id)
             .where(Match.scheme == "accelerator", Posting.posting_type == "position",  # CIO補佐官 are not counted
                    Match.appointment_status.in_(machine.APPOINTMENT_STATUSES))
             .group_by(Posting.prefecture_code, Match.appointment_status))
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for prefecture_code, status, count in db.session.execute(query):
        counts[prefecture_code][status] += count
    prefectures = {p.code: p for p in db.session.scalars(sa.select(Prefecture).where(Prefecture.code.in_(counts)))}
    rows = [AppointmentRow(prefectures[code], c["appointed"], c["recommended"], viewer.covers("accelerator", code))
            for code, c in sorted(counts.items()) if code in prefectures]
    return AcceleratorProgress(ACCELERATOR_TARGET, rows)


# --- follow-ups after agreement ------------------------------------------------------
@dataclass(frozen=True)
class FollowUpRow:
    """Check-ins at ``months`` after agreement: answered (still going or not) and overdue answers."""

    months: int
    scheduled: int
    still_going: int
    ended: int
    awaiting: int  # due but not answered yet

    @property
    def answered(self) -> int:
        return self.still_going + self.ended

    @property
    def still_going_percent(self) -> float | None:
        return round(100 * self.still_going / self.answered, 1) if self.answered else None


def follow_up_results(viewer: User, filters: DashboardFilters = DashboardFilters(), *,
                      today: date | None = None) -> list[FollowUpRow]:
    """For each of the 3/6/12-month check-ins in the area: how many are still going."""
    today = today or to_jst(datetime.now(UTC)).date()
    answered = FollowUp.answered_at.is_not(None)
    query = _scoped(viewer, sa.select(
        FollowUp.months,
        sa.func.count(FollowUp.id),
        sa.func.sum(sa.case((sa.and_(answered, FollowUp.still_going.is_(True)), 1), else_=0)),
        sa.func.sum(sa.case((sa.and_(answered, FollowUp.still_going.is_(False)), 1), else_=0)),
        sa.func.sum(sa.case((sa.and_(FollowUp.answered_at.is_(None), FollowUp.due_on <= today), 1), else_=0)),
    ).join(Match, Match.id == FollowUp.match_id), filters).group_by(FollowUp.months)
    found = {months: (int(n), int(going or 0), int(ended or 0), int(awaiting or 0))
             for months, n, going, ended, awaiting in db.session.execute(query)}
    return [FollowUpRow(m, *found.get(m, (0, 0, 0, 0))) for m in machine.FOLLOW_UP_MONTHS]


# --- everything on one page ----------------------------------------------------------
@dataclass(frozen=True)
class Dashboard:
    filters: DashboardFilters
    stages: StageTable
    months: list[MonthRow]
    durations: list[DurationRow]
    accelerators: AcceleratorProgress
    follow_ups: list[FollowUpRow]


def build(viewer: User, filters: DashboardFilters = DashboardFilters(), *, now: datetime | None = None) -> Dashboard:
    """All the figures of the dashboard page for ``viewer``."""
    now = now or datetime.now(UTC)
    return Dashboard(
        filters=filters,
        stages=stage_counts(viewer, filters),
        months=monthly_counts(viewer, filters, now=now),
        durations=durations(viewer, filters),
        accelerators=accelerator_progress(viewer),
        follow_ups=follow_up_results(viewer, filters, today=to_jst(now).date()),
    )
