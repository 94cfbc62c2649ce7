"""Dashboard figures on known data (see ``dashboard_data``): stages, months in JST, medians, target, follow-ups."""
from __future__ import annotations

import pytest

from marketplace.extensions import db
from marketplace.models import User
from marketplace.coordination import dashboards
from marketplace.coordination.dashboards import DashboardFilters
from marketplace.core.domain_errors import DomainError
from tests.services.dashboard_data import NOW, TODAY, build_world


@pytest.fixture
def world(app, make_user, make_org):
    return build_world(app, make_user, make_org)


def _user(user_id: int) -> User:
    return db.session.get(User, user_id)


def _counts(row: dashboards.StageRow) -> dict[str, int]:
    return {status: n for status, n in row.counts.items() if n}


def test_stage_counts_by_scheme_and_prefecture_in_the_area(app, world):
    with app.app_context():
        table = dashboards.stage_counts(_user(world.kochi))
        assert [(r.scheme, r.prefecture_code) for r in table.by_cell] == [("accelerator", "39"), ("side_job", "39")]
        accelerator, side_job = table.by_cell
        assert _counts(accelerator) == {"suggested": 1, "approved": 1, "rejected": 1, "introduced": 1, "agreed": 2}
        assert _counts(side_job) == {"suggested": 1, "on_hold": 1}
        assert [r.scheme for r in table.by_scheme] == ["accelerator", "side_job"]
        assert table.totals["suggested"] == 2 and table.total == 8


def test_a_coordinator_of_another_prefecture_sees_none_of_those_matches(app, world):
    with app.app_context():
        nagano = _user(world.nagano)
        table = dashboards.stage_counts(nagano)
        assert [(r.scheme, r.prefecture_code) for r in table.by_cell] == [("accelerator", "20")]
        assert _counts(table.by_cell[0]) == {"suggested": 1, "agreed": 1}
        overall = dashboards.durations(nagano)[-1]
        assert (overall.to_introduction, overall.introduced, overall.to_agreement, overall.agreed) == (1.0, 1, 5.0, 1)
        assert sum(r.scheduled for r in dashboards.follow_up_results(nagano, today=TODAY)) == 0
        assert sum(r.created for r in dashboards.monthly_counts(nagano, now=NOW)) == 2


def test_the_area_is_a_set_of_scheme_and_prefecture_cells(app, world):
    with app.app_context():
        table = dashboards.stage_counts(_user(world.kochi_side_job))
        assert [(r.scheme, r.prefecture_code) for r in table.by_cell] == [("side_job", "39")]
        assert table.total == 2


def test_admins_see_every_prefecture(app, world):
    with app.app_context():
        table = dashboards.stage_counts(_user(world.admin))
        assert table.total == 10
        assert {r.prefecture_code for r in table.by_cell} == {"39", "20"}


def test_filters_narrow_to_one_scheme_or_prefecture(app, world):
    with app.app_context():
        kochi = _user(world.kochi)
        only_side_job = dashboards.stage_counts(kochi, DashboardFilters(scheme="side_job"))
        assert [r.scheme for r in only_side_job.by_cell] == ["side_job"]
        admin = _user(world.admin)
        nagano = dashboards.stage_counts(admin, DashboardFilters(prefecture="20"))
        assert nagano.total == 2


def test_filters_outside_the_area_are_refused_in_japanese(app, world):
    with app.app_context():
        nagano = _user(world.nagano)
        with pytest.raises(DomainError, match="選べない都道府県"):
            dashboards.parse_filters(nagano, None, "39")
        with pytest.raises(DomainError, match="選べない制度"):
            dashboards.parse_filters(nagano, "side_job", None)
        with pytest.raises(DomainError, match="選べない制度"):
            dashboards.parse_filters(_user(world.admin), "nonsense", None)
        assert dashboards.parse_filters(nagano, "accelerator", "20") == DashboardFilters("accelerator", "20")
        assert dashboards.parse_filters(nagano, "", " ") == DashboardFilters()


def test_median_days_to_introduction_and_agreement(app, world):
    with app.app_context():
        rows = dashboards.durations(_user(world.kochi))
        accelerator, overall = rows
        assert accelerator.scheme == "accelerator" and overall.scheme is None
        # introduced after 2, 4 and 10 days; agreed after 30 and 40 days
        assert (accelerator.to_introduction, accelerator.introduced) == (4.0, 3)
        assert (accelerator.to_agreement, accelerator.agreed) == (35.0, 2)
        assert (overall.to_introduction, overall.to_agreement) == (4.0, 35.0)


def test_median_of_nothing_is_none():
    assert dashboards.median_days([]) is None
    assert dashboards.median_days([1.0, 2.0]) == 1.5


def test_months_are_japan_time_months_over_the_last_twelve(app, world):
    with app.app_context():
        months = dashboards.monthly_counts(_user(world.kochi), now=NOW)
        assert [m.key for m in months][0] == "2025-12" and [m.key for m in months][-1] == "2026-11"
        assert len(months) == 12
        by_key = {m.key: (m.created, m.introduced, m.agreed) for m in months}
        # the three matches created at 00:30 JST on 1 October (30 September in UTC) count in October
        assert by_key["2026-09"] == (1, 0, 0)
        assert by_key["2026-10"] == (3, 3, 1)
        assert by_key["2026-11"] == (3, 0, 1)
        # the rejected match of October 2025 is older than the twelve months shown
        assert sum(m.created for m in months) == 7


def test_last_months_cross_the_year():
    from datetime import UTC, datetime

    # 1 January 00:30 in Japan is still 31 December in UTC
    months = dashboards.last_months(datetime(2025, 12, 31, 15, 30, tzinfo=UTC), count=3)
    assert months == [(2025, 11), (2025, 12), (2026, 1)]


def test_accelerators_against_the_national_target_by_prefecture(app, world):
    with app.app_context():
        progress = dashboards.accelerator_progress(_user(world.nagano))
        assert progress.target == 500
        assert [(r.prefecture.code, r.appointed, r.recommended, r.in_area) for r in progress.rows] == [
            ("20", 1, 0, True), ("39", 2, 1, False)]
        assert (progress.appointed, progress.recommended, progress.remaining) == (3, 1, 497)
        assert progress.percent == 0.6 and progress.prefectures_with_appointments == 2


def test_follow_up_results(app, world):
    with app.app_context():
        rows = dashboards.follow_up_results(_user(world.kochi), today=TODAY)
        assert [(r.months, r.scheduled, r.still_going, r.ended, r.awaiting) for r in rows] == [
            (3, 2, 1, 0, 1), (6, 1, 0, 1, 0), (12, 1, 0, 0, 0)]
        assert rows[0].still_going_percent == 100.0 and rows[2].still_going_percent is None


def test_build_puts_everything_together(app, world):
    with app.app_context():
        board = dashboards.build(_user(world.kochi), now=NOW)
        assert board.stages.total == 8 and len(board.months) == 12
        assert board.accelerators.appointed == 3 and board.follow_ups[0].awaiting == 1
