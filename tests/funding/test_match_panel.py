"""Funding inputs read from real Posting, Organisation and Match rows, and the rendered panel."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask import render_template_string

from marketplace.extensions import db
from marketplace.funding.panel import FundingInputs, assess
from marketplace.models import Match, Organisation, OrgKind, Posting, Role, User
from marketplace.postings import operations as postings
from marketplace.matches.funding_panel import current_fiscal_year, funding_panel_for, inputs_for_match

R8 = 2026


def _post(app, actor_id: int, org_id: int, scheme: str, posting_type: str, extra: dict) -> int:
    """A draft posting created through the posting service, and a suggested match on it."""
    with app.app_context():
        actor = db.session.get(User, actor_id)
        data = postings.PostingData(
            title="募集", description="説明", prefecture_code="39", municipality_code=None, remote="either",
            skills=[], deadline=None, extra=extra)
        posting = postings.create_posting(actor, db.session.get(Organisation, org_id), scheme, posting_type, data)
        match = Match(scheme=scheme, posting_id=posting.id, seeker_ref="c999", score=50.0)
        db.session.add(match)
        db.session.commit()
        return match.id


def _side_job_extra(**changes) -> dict:
    return {"categories": ["sales_channels"], "employment_form": "side_job", "months": 5,
            "monthly_budget_max": 100_000, "first_time_user": True, **changes}


@pytest.fixture
def firm(make_org, make_user):
    org = make_org("株式会社テスト", OrgKind.FIRM, "39")
    return org, make_user(Role.MEMBER, org_id=org)


def test_side_job_posted_by_a_firm(app, firm) -> None:
    org, member = firm
    match_id = _post(app, member, org, "side_job", "project", _side_job_extra())
    with app.app_context():
        match = db.session.get(Match, match_id)
        inputs = inputs_for_match(match)
        assert inputs == FundingInputs(
            scheme="side_job", posting_type="project", employment_form="side_job", contract_months=5,
            monthly_fee_yen=100_000, monthly_fee_is_budget_max=True, first_time_user=True, via_pro_hub=None)
        [subsidy] = funding_panel_for(match, R8)
        assert subsidy.code == "side_job_subsidy"
        assert subsidy.status == "unknown" and subsidy.unknown == ("via_pro_hub",)  # a firm may still use a hub
        assert subsidy.estimate_yen == 400_000 and subsidy.missing_costs == ("referral_fee", "travel")
        assert "fee_from_budget_max" in subsidy.notes
        known = funding_panel_for(match, R8, {"via_pro_hub": True, "referral_fee_yen": 100_000, "travel_yen": 100_000})
        assert known[0].status == "applies" and known[0].estimate_yen == 500_000 and known[0].cap_reached


def test_side_job_of_six_months_not_first_use(app, firm) -> None:
    org, member = firm
    match_id = _post(app, member, org, "side_job", "project", _side_job_extra(months=6, first_time_user=False))
    with app.app_context():
        [subsidy] = funding_panel_for(db.session.get(Match, match_id), R8)
        assert subsidy.status == "not_met"
        assert subsidy.unmet == ("max_months", "first_time_user") and subsidy.unknown == ("via_pro_hub",)


def test_unknown_months_and_budget_stay_unknown(app, firm) -> None:
    org, member = firm
    match_id = _post(app, member, org, "side_job", "project",
                     _side_job_extra(months=None, monthly_budget_max=None))
    with app.app_context():
        match = db.session.get(Match, match_id)
        inputs = inputs_for_match(match)
        assert inputs.contract_months is None and inputs.monthly_fee_yen is None
        assert not inputs.monthly_fee_is_budget_max
        [subsidy] = funding_panel_for(match, R8)
        assert subsidy.estimate_yen is None and "max_months" in subsidy.unknown


def test_side_job_posted_by_a_pro_hub_or_its_coordinator(app, make_org, make_user, firm) -> None:
    hub = make_org("高知県プロフェッショナル人材戦略拠点", OrgKind.PRO_HUB, "39")
    member = make_user(Role.MEMBER, org_id=hub)
    by_hub = _post(app, member, hub, "side_job", "project", _side_job_extra())
    coordinator = make_user(Role.COORDINATOR, org_id=hub, area=(("side_job",), ("39",)))
    firm_org, _member = firm
    by_proxy = _post(app, coordinator, firm_org, "side_job", "project", _side_job_extra())
    other = make_user(Role.COORDINATOR, area=(("side_job",), ("39",)))  # no organisation: unknown
    by_other = _post(app, other, firm_org, "side_job", "project", _side_job_extra())
    with app.app_context():
        for match_id in (by_hub, by_proxy):
            match = db.session.get(Match, match_id)
            assert inputs_for_match(match).via_pro_hub is True
            [subsidy] = funding_panel_for(match, R8)
            assert subsidy.status == "applies" and subsidy.estimate_yen == 400_000
        assert inputs_for_match(db.session.get(Match, by_other)).via_pro_hub is None


def test_accelerator_position_and_cio_adviser(app, make_org, make_user) -> None:
    prefecture = make_org("高知県", OrgKind.PREFECTURE, "39")
    coordinator = make_user(Role.COORDINATOR, area=(("accelerator",), ("39",)))
    position = _post(app, coordinator, prefecture, "accelerator", "position",
                     {"capacity": 2, "employment_form": "part_time"})
    town = make_org("テスト町", OrgKind.MUNICIPALITY, "39")
    adviser = _post(app, coordinator, town, "accelerator", "cio_adviser",
                    {"capacity": 1, "employment_form": "contract"})
    with app.app_context():
        found = {a.code: a for a in funding_panel_for(db.session.get(Match, position), R8)}
        assert set(found) == {"ordinary_allocation_tax", "special_allocation_tax",
                              "accelerator_recruitment_special_allocation_tax"}
        assert found["special_allocation_tax"].status == "applies"
        assert found["special_allocation_tax"].estimate_yen is None  # the personnel cost is not known
        assert found["special_allocation_tax"].missing_costs == ("personnel",)
        assert found["ordinary_allocation_tax"].unmet == ("employment_form",)
        found = {a.code: a for a in funding_panel_for(db.session.get(Match, adviser), R8,
                                                       {"annual_personnel_cost_yen": 6_000_000})}
        cio = found["cio_adviser_special_allocation_tax"]
        assert cio.status == "unknown" and cio.unknown == ("max_persons",) and cio.estimate_yen == 4_200_000


def test_succession_case_posted_by_a_municipality_or_a_firm(app, make_org, make_user, firm) -> None:
    town = make_org("テスト市", OrgKind.MUNICIPALITY, "39")
    coordinator = make_user(Role.COORDINATOR, area=(("succession",), ("39",)))
    extra = {"categories": ["retail"], "employment_form": "owner_successor", "sales_band": "lt_50m",
             "employees_band": "1_5", "disclosure": "anonymous", "firm_name": "非公開商店"}
    by_town = _post(app, coordinator, town, "succession", "case", extra)
    firm_org, member = firm
    by_firm = _post(app, member, firm_org, "succession", "case", extra)
    with app.app_context():
        [hub] = funding_panel_for(db.session.get(Match, by_town), R8)
        assert hub.code == "succession_hub_special_allocation_tax"
        assert hub.unknown == ("municipal_plan",)
        [hub] = funding_panel_for(db.session.get(Match, by_firm), R8)
        assert hub.unknown == ("municipal_hub", "municipal_plan")


def test_current_fiscal_year_turns_in_april_japan_time() -> None:
    assert current_fiscal_year(datetime(2026, 3, 31, 14, 59, tzinfo=UTC)) == 2025  # 23:59 JST
    assert current_fiscal_year(datetime(2026, 3, 31, 15, 0, tzinfo=UTC)) == 2026  # 1 April 00:00 JST


def _render(app, assessments, lang: str = "ja") -> str:
    with app.test_request_context(f"/?lang={lang}"):
        from flask import session
        session["lang"] = lang
        return render_template_string('{% include "coordination/_funding_panel.html" %}', assessments=assessments)


def test_panel_renders_figures_conditions_and_years(app) -> None:
    side = FundingInputs(scheme="side_job", posting_type="project", employment_form="side_job", contract_months=6,
                         monthly_fee_yen=100_000, first_time_user=True, via_pro_hub=None)
    html = _render(app, assess(side, R8))
    assert "副業・兼業人材の活用補助" in html
    assert "条件を満たしていません" in html
    assert "満たしていない条件" in html and "契約期間が5か月以内であること" in html
    assert "確認が必要な条件" in html and "プロ人材拠点を通じた案件であること" in html
    assert "¥500,000（50万円）" in html and "令和7年度〜（終わりの記載なし）" in html
    # The source is named by its official title, not by line numbers of the briefing text.
    assert "「プロフェッショナル人材事業について」" in html and "3898" not in html
    assert "凡例" in html and "2026年1月27日" in html

    special = FundingInputs(scheme="accelerator", posting_type="position", employment_form="part_time",
                            annual_personnel_cost_yen=30_000_000)
    html = _render(app, assess(special, 2030))
    assert "¥14,700,000（1,470万円）" in html and "（上限を適用）" in html
    assert "令和8年度〜令和11年度" in html and "対象年度外" in html and "令和12年度" in html


def test_panel_without_programmes_and_in_english(app) -> None:
    assert "当てはまる国の財政支援はありません" in _render(app, [])
    html = _render(app, assess(FundingInputs(scheme="accelerator", posting_type="position",
                                             employment_form="permanent"), R8), "en")
    assert "FY2026 (R8)" in html
    assert "¥8,400,000" in html and "840万円" not in html


def test_known_facts_are_checked(app, firm) -> None:
    org, member = firm
    match_id = _post(app, member, org, "side_job", "project", _side_job_extra())
    with app.app_context():
        match = db.session.get(Match, match_id)
        for known in ({"colour": "red"}, {"scheme": "adviser"}, {"travel_yen": "1000"}, {"travel_yen": -5}):
            with pytest.raises(ValueError):
                funding_panel_for(match, R8, known)
