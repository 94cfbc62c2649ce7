"""The funding rules at their boundaries: pure inputs in, assessments out (no app needed)."""
from __future__ import annotations

from fractions import Fraction

import pytest

from marketplace.funding.panel import FundingAssessment, FundingInputs, assess, national_share

R7, R8, R9, R10, R11 = 2025, 2026, 2027, 2028, 2029


def one(inputs: FundingInputs, code: str, fiscal_year: int = R8) -> FundingAssessment:
    found = [a for a in assess(inputs, fiscal_year) if a.code == code]
    assert len(found) == 1, [a.code for a in assess(inputs, fiscal_year)]
    return found[0]


# --- 副業・兼業: 8/10 of the costs, at most ¥500k per case, ≤ 5 months, first use, via a pro hub -----
def side_job(**changes) -> FundingInputs:
    base = dict(scheme="side_job", posting_type="project", employment_form="side_job", contract_months=5,
                monthly_fee_yen=100_000, referral_fee_yen=0, travel_yen=0, first_time_user=True, via_pro_hub=True)
    return FundingInputs(**{**base, **changes})


def test_side_job_of_five_months_applies_and_six_does_not() -> None:
    five = one(side_job(contract_months=5), "side_job_subsidy")
    assert five.status == "applies" and five.applies is True
    assert five.eligible_cost_yen == 500_000 and five.estimate_yen == 400_000
    six = one(side_job(contract_months=6), "side_job_subsidy")
    assert six.status == "not_met" and six.applies is False
    assert six.unmet == ("max_months",)
    assert six.estimate_yen is None


def test_side_job_cap_is_on_the_subsidy() -> None:
    capped = one(side_job(referral_fee_yen=100_000, travel_yen=100_000), "side_job_subsidy")  # ¥700k of costs
    assert capped.eligible_cost_yen == 700_000
    assert capped.estimate_yen == 500_000 and capped.cap_reached  # 8/10 would be ¥560k
    below = one(side_job(referral_fee_yen=100_000), "side_job_subsidy")  # ¥600k of costs
    assert below.estimate_yen == 480_000 and not below.cap_reached
    assert (below.cap_yen, below.cap_basis, below.per, below.max_share_yen) == (500_000, "share", "case", 500_000)


@pytest.mark.parametrize(("cost", "share", "reached"), [
    (625_000, 500_000, False),  # exactly the cap
    (625_001, 500_000, True),  # 500,000.8 → capped
    (624_999, 499_999, False),  # 499,999.2 → rounded down
])
def test_side_job_cap_boundary(cost: int, share: int, reached: bool) -> None:
    a = one(side_job(monthly_fee_yen=0, referral_fee_yen=cost), "side_job_subsidy")
    assert (a.estimate_yen, a.cap_reached) == (share, reached)


@pytest.mark.parametrize(("changes", "unmet", "unknown"), [
    ({"first_time_user": False}, ("first_time_user",), ()),
    ({"via_pro_hub": False}, ("via_pro_hub",), ()),
    ({"first_time_user": False, "via_pro_hub": False, "contract_months": 6},
     ("max_months", "first_time_user", "via_pro_hub"), ()),
    ({"employment_form": "full_time"}, ("employment_form",), ()),
    ({"first_time_user": None}, (), ("first_time_user",)),
    ({"via_pro_hub": None, "contract_months": None}, (), ("max_months", "via_pro_hub")),
])
def test_side_job_conditions(changes: dict, unmet: tuple, unknown: tuple) -> None:
    a = one(side_job(**changes), "side_job_subsidy")
    assert (a.unmet, a.unknown) == (unmet, unknown)
    assert a.status == ("not_met" if unmet else "unknown")


def test_side_job_missing_costs_are_listed_not_guessed() -> None:
    a = one(side_job(referral_fee_yen=None, travel_yen=None), "side_job_subsidy")
    assert a.missing_costs == ("referral_fee", "travel")
    assert a.estimate_yen == 400_000  # the remuneration that is known
    nothing = one(side_job(referral_fee_yen=None, travel_yen=None, monthly_fee_yen=None), "side_job_subsidy")
    assert nothing.estimate_yen is None and nothing.eligible_cost_yen is None
    assert nothing.missing_costs == ("referral_fee", "remuneration", "travel")


def test_side_job_figures_hold_from_r7_with_no_end_stated() -> None:
    a = one(side_job(), "side_job_subsidy", R11)
    assert (a.valid_from, a.valid_until, a.outside_fiscal_years) == (R7, None, False)
    before = one(side_job(), "side_job_subsidy", 2024)
    assert before.outside_fiscal_years and before.estimate_yen == 400_000


# --- 自治体DXアクセラレータ -----------------------------------------------------------------
def accelerator(form: str, cost: int | None = None, **changes) -> FundingInputs:
    return FundingInputs(scheme="accelerator", posting_type="position", employment_form=form,
                         annual_personnel_cost_yen=cost, **changes)


def test_permanent_accelerator_gets_the_ordinary_allocation_figure() -> None:
    results = {a.code: a for a in assess(accelerator("permanent", 12_000_000), R8)}
    ordinary = results["ordinary_allocation_tax"]
    assert ordinary.status == "applies" and ordinary.estimate_yen == 8_400_000 and ordinary.per == "person"
    assert (ordinary.valid_from, ordinary.valid_until) == (R8, R8)
    special = results["special_allocation_tax"]
    assert special.status == "not_met" and special.unmet == ("employment_form",) and special.estimate_yen is None
    assert "cio_adviser_special_allocation_tax" not in results  # a position is not a CIO adviser post


@pytest.mark.parametrize("form", ["part_time", "contract"])
@pytest.mark.parametrize(("cost", "share", "reached"), [
    (20_000_000, 14_000_000, False),
    (21_000_000, 14_700_000, False),  # exactly the cap on the eligible cost
    (21_000_001, 14_700_000, True),  # just above: the cost is capped before the rate
    (30_000_000, 14_700_000, True),
])
def test_special_allocation_caps_the_eligible_cost_at_21m_per_person(form: str, cost: int, share: int,
                                                                     reached: bool) -> None:
    a = one(accelerator(form, cost), "special_allocation_tax")
    assert a.status == "applies" and a.rate == Fraction(7, 10)
    assert (a.estimate_yen, a.cap_reached, a.eligible_cost_yen) == (share, reached, cost)
    assert (a.cap_yen, a.cap_basis, a.max_share_yen) == (21_000_000, "eligible_cost", 14_700_000)
    assert one(accelerator(form, cost), "ordinary_allocation_tax").unmet == ("employment_form",)


@pytest.mark.parametrize(("year", "outside"), [(R7, True), (R8, False), (R11, False), (2030, True)])
def test_special_allocation_figures_hold_for_r8_to_r11(year: int, outside: bool) -> None:
    a = one(accelerator("part_time", 30_000_000), "special_allocation_tax", year)
    assert (a.valid_from, a.valid_until) == (R8, R11)
    assert a.outside_fiscal_years is outside
    assert a.fiscal_year == year


def test_ordinary_allocation_figure_is_stated_for_r8_only() -> None:
    assert one(accelerator("permanent"), "ordinary_allocation_tax", R9).outside_fiscal_years
    assert not one(accelerator("permanent"), "ordinary_allocation_tax", R8).outside_fiscal_years


@pytest.mark.parametrize("form", ["fixed_term", "secondment"])
def test_forms_the_briefing_does_not_name_are_to_be_confirmed(form: str) -> None:
    for code in ("ordinary_allocation_tax", "special_allocation_tax"):
        a = one(accelerator(form, 10_000_000), code)
        assert a.status == "unknown" and a.unknown == ("employment_form_to_confirm",) and a.unmet == ()


def test_unknown_form_and_cost() -> None:
    a = one(accelerator(None), "special_allocation_tax")
    assert a.status == "unknown" and a.unknown == ("employment_form",)
    assert a.estimate_yen is None and a.missing_costs == ("personnel",)


@pytest.mark.parametrize(("year", "cap", "share"), [(R7, 3_000_000, 2_100_000), (R9, 3_000_000, 2_100_000),
                                                    (R10, 1_000_000, 700_000), (R11, 1_000_000, 700_000)])
def test_recruitment_cap_is_raised_to_3m_in_r7_to_r9(year: int, cap: int, share: int) -> None:
    a = one(accelerator("permanent", recruitment_cost_yen=4_000_000), "accelerator_recruitment_special_allocation_tax",
            year)
    assert (a.cap_yen, a.estimate_yen, a.per, a.outside_fiscal_years) == (cap, share, "organisation", False)


# --- CIO補佐官等 -------------------------------------------------------------------------
def cio(funded: int | None = 0, cost: int | None = 30_000_000, **changes) -> FundingInputs:
    base = dict(scheme="accelerator", posting_type="cio_adviser", employment_form="part_time",
                annual_personnel_cost_yen=cost, cio_advisers_already_funded=funded)
    return FundingInputs(**{**base, **changes})


def test_cio_adviser_is_0_7_of_the_cost_without_a_cap() -> None:
    results = {a.code: a for a in assess(cio(), R8)}
    assert set(results) == {"cio_adviser_special_allocation_tax", "cio_adviser_recruitment_special_allocation_tax"}
    a = results["cio_adviser_special_allocation_tax"]
    assert a.status == "applies" and a.estimate_yen == 21_000_000 and a.cap_yen is None and a.max_share_yen is None
    assert (a.valid_from, a.valid_until) == (2024, R11)


@pytest.mark.parametrize(("funded", "status"), [(0, "applies"), (2, "applies"), (3, "not_met"), (5, "not_met"),
                                                (None, "unknown")])
def test_cio_adviser_limit_is_three_people(funded: int | None, status: str) -> None:
    a = one(cio(funded), "cio_adviser_special_allocation_tax")
    assert a.status == status
    if status == "not_met":
        assert a.unmet == ("max_persons",) and a.estimate_yen is None
    if status == "unknown":
        assert a.unknown == ("max_persons",)


def test_cio_recruitment_costs_capped_at_1m() -> None:
    a = one(cio(recruitment_cost_yen=1_500_000), "cio_adviser_recruitment_special_allocation_tax")
    assert (a.estimate_yen, a.cap_reached, a.max_share_yen) == (700_000, True, 700_000)
    assert one(cio(recruitment_cost_yen=800_000), "cio_adviser_recruitment_special_allocation_tax").estimate_yen \
        == 560_000
    assert one(cio(), "cio_adviser_special_allocation_tax", 2030).outside_fiscal_years


def test_cio_adviser_by_contract_applies_and_permanent_does_not() -> None:
    assert one(cio(employment_form="contract"), "cio_adviser_special_allocation_tax").status == "applies"
    assert one(cio(employment_form="permanent"), "cio_adviser_special_allocation_tax").unmet == ("employment_form",)


# --- 事業承継 (municipality as hub) -------------------------------------------------------------
def succession(cost: int | None, **changes) -> FundingInputs:
    base = dict(scheme="succession", posting_type="case", employment_form="owner_successor",
                hub_programme_cost_yen=cost, municipal_hub=True, municipal_plan=True)
    return FundingInputs(**{**base, **changes})


@pytest.mark.parametrize(("cost", "share", "reached"), [(10_000_000, 5_000_000, False),
                                                        (15_000_000, 7_500_000, False),
                                                        (15_000_001, 7_500_000, True),
                                                        (20_000_000, 7_500_000, True)])
def test_succession_hub_is_half_of_the_cost_up_to_15m_per_municipality(cost: int, share: int, reached: bool) -> None:
    a = one(succession(cost), "succession_hub_special_allocation_tax")
    assert (a.status, a.estimate_yen, a.cap_reached, a.per) == ("applies", share, reached, "municipality")
    assert "fiscal_capacity_adjusted" in a.notes


def test_succession_hub_conditions() -> None:
    a = one(succession(None, municipal_hub=None, municipal_plan=None), "succession_hub_special_allocation_tax")
    assert a.status == "unknown" and a.unknown == ("municipal_hub", "municipal_plan")
    assert a.missing_costs == ("hub_programme",)
    b = one(succession(1_000_000, municipal_plan=False), "succession_hub_special_allocation_tax")
    assert b.unmet == ("municipal_plan",) and b.estimate_yen is None
    assert (b.valid_from, b.valid_until, b.outside_fiscal_years) == (None, None, False)  # no period stated


# --- advisers, other schemes, input checks ----------------------------------------------------
def test_dx_adviser_is_dispatched_at_no_cost() -> None:
    results = assess(FundingInputs(scheme="adviser", posting_type="request", employment_form="dx"), R8)
    by_code = {a.code: a for a in results}
    assert by_code["dx_adviser_dispatch"].status == "applies"
    assert by_code["dx_adviser_dispatch"].estimate_yen is None and by_code["dx_adviser_dispatch"].method == "in_kind"
    assert by_code["regional_informatization_adviser"].status == "not_met"


def test_startups_have_no_national_funding_programme() -> None:
    assert assess(FundingInputs(scheme="startup", posting_type="challenge"), R8) == []


@pytest.mark.parametrize("year", [8, 0, True, 1800])
def test_fiscal_year_must_be_gregorian(year: int) -> None:
    with pytest.raises(ValueError):
        assess(side_job(), year)


def test_negative_amounts_are_rejected() -> None:
    with pytest.raises(ValueError):
        assess(side_job(travel_yen=-1), R8)


def test_national_share_rounds_down_and_applies_each_cap_basis() -> None:
    assert national_share(Fraction(7, 10), 1_000_001, None, None) == (700_000, False)
    assert national_share(Fraction(1, 2), 30_000_000, 15_000_000, "eligible_cost") == (7_500_000, True)
    assert national_share(Fraction(4, 5), 1_000_000, 500_000, "share") == (500_000, True)


def test_rate_percent_and_source_ranges() -> None:
    a = one(side_job(), "side_job_subsidy")
    assert a.rate_percent == "80"
    assert a.source_ranges == ("3898–3931",)
    special = one(accelerator("part_time", 1), "special_allocation_tax")
    assert special.rate_percent == "70" and "222" in special.source_ranges
