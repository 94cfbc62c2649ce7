"""Hard rules of every scheme: passing, flagged and failing cases, and the vectorised twin."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marketplace.matching.features import posting_columns, seeker_columns
from marketplace.matching.pairs import pair_status
from marketplace.matching.records import EMPLOYMENT_FORMS, SCHEMES, PostingRecord, SeekerRecord
from marketplace.matching.rules import SCHEME_RULES, evaluate_pair, overall_status

from tests.matching.matching_factories import posting, seeker

D = dt.date(2026, 4, 1)

CASES = [
    # (name, seeker changes, posting changes, expected status, expected code or None)
    ("acc 5 years ok", {}, {}, "ok", "experience_5y"),
    ("acc exam ok", {"years_experience": 2.0, "qualifications": ("SC",)}, {}, "ok", "ipa_level4"),
    ("acc exam by ja name", {"years_experience": 2.0, "qualifications": ("ネットワークスペシャリスト",)}, {}, "ok",
     "ipa_level4"),
    ("acc 3y no exam", {"years_experience": 3.0}, {}, "ruled_out", "not_eligible"),
    ("acc 3y non-level-4 exam", {"years_experience": 3.0, "qualifications": ("応用情報",)}, {}, "ruled_out",
     "not_eligible"),
    ("acc 3y equivalent", {"years_experience": 3.0, "claims_equivalent": True}, {}, "flagged", "needs_review"),
    ("closed posting", {}, {"status": "closed"}, "ruled_out", "posting_not_published"),
    ("draft posting", {}, {"status": "draft"}, "ruled_out", "posting_not_published"),
    ("full posting", {}, {"capacity": 0}, "ruled_out", "posting_full"),
    ("unlimited capacity", {}, {"capacity": None}, "ok", None),
    ("other prefecture onsite", {"prefecture": "13"}, {}, "ruled_out", "location_mismatch"),
    ("work prefecture", {"prefecture": "13", "work_prefectures": ("26",)}, {}, "ok", "location_work_prefecture"),
    ("remote posting anywhere", {"prefecture": "47", "remote": "onsite"}, {"remote": "remote"}, "ok",
     "location_remote"),
    ("either + remote seeker", {"prefecture": "01", "remote": "remote"}, {"remote": "either"}, "ok",
     "location_remote"),
    ("either + onsite-only seeker elsewhere", {"prefecture": "01", "remote": "onsite"}, {"remote": "either"},
     "ruled_out", "location_mismatch"),
    ("remote-only seeker, onsite local", {"remote": "remote"}, {}, "flagged", "onsite_required"),
    ("municipality implies prefecture", {"prefecture": None, "municipality": "261009"},
     {"prefecture": None, "municipality": "262013"}, "ok", "location_same_prefecture"),
    ("form not accepted", {"employment_forms": ("permanent",)}, {}, "ruled_out", "form_not_accepted"),
    ("form unstated", {"employment_forms": ()}, {}, "flagged", "form_unstated"),
    ("fee within budget", {"monthly_fee_min": 500_000}, {"monthly_budget_max": 500_000}, "ok", "fee_within_budget"),
    ("fee within 20%", {"monthly_fee_min": 590_000}, {"monthly_budget_max": 500_000}, "flagged",
     "fee_slightly_above_budget"),
    ("fee far above", {"monthly_fee_min": 700_000}, {"monthly_budget_max": 500_000}, "ruled_out", "fee_above_budget"),
    ("hours enough", {"hours_per_month": 80}, {"hours_per_month": 80}, "ok", "hours_sufficient"),
    ("hours within 20%", {"hours_per_month": 70}, {"hours_per_month": 80}, "flagged", "hours_slightly_below_need"),
    ("hours far below", {"hours_per_month": 20}, {"hours_per_month": 80}, "ruled_out", "hours_below_need"),
    ("available later", {"available_from": D + dt.timedelta(days=30)}, {"start_date": D}, "flagged",
     "available_later"),
    ("available too late", {"available_from": D + dt.timedelta(days=200)}, {"start_date": D}, "ruled_out",
     "available_too_late"),
    ("side job ok", {"scheme": "side_job", "employment_forms": ("side_job",), "years_experience": 1.0},
     {"scheme": "side_job", "employment_form": "side_job"}, "ok", None),
    ("side job wants full time", {"scheme": "side_job", "employment_forms": ("side_job",)},
     {"scheme": "side_job", "employment_form": "full_time"}, "ruled_out", "form_not_accepted"),
    ("side job fee", {"scheme": "side_job", "employment_forms": ("side_job",), "monthly_fee_min": 200_000},
     {"scheme": "side_job", "employment_form": "side_job", "monthly_budget_max": 100_000}, "ruled_out",
     "fee_above_budget"),
    ("succession ok without experience", {"scheme": "succession", "employment_forms": ("owner_successor",),
                                          "years_experience": 0.0},
     {"scheme": "succession", "employment_form": "owner_successor"}, "ok", None),
    ("succession right hand only", {"scheme": "succession", "employment_forms": ("right_hand",)},
     {"scheme": "succession", "employment_form": "owner_successor"}, "ruled_out", "form_not_accepted"),
    ("startup exit fits", {"scheme": "startup", "employment_forms": ("joint_development", "procurement")},
     {"scheme": "startup", "employment_form": "joint_development"}, "ok", "form_accepted"),
    ("startup sells outright only", {"scheme": "startup", "employment_forms": ("procurement",)},
     {"scheme": "startup", "employment_form": "joint_development"}, "ruled_out", "form_not_accepted"),
    ("startup price", {"scheme": "startup", "employment_forms": ("procurement",), "monthly_fee_min": 2_000_000},
     {"scheme": "startup", "employment_form": "procurement", "monthly_budget_max": 1_000_000}, "ruled_out",
     "fee_above_budget"),
    ("adviser programme", {"scheme": "adviser", "employment_forms": ("gx",)},
     {"scheme": "adviser", "employment_form": "gx"}, "ok", "form_accepted"),
    ("adviser wrong programme", {"scheme": "adviser", "employment_forms": ("dx",)},
     {"scheme": "adviser", "employment_form": "gx"}, "ruled_out", "form_not_accepted"),
    ("scheme mismatch", {"scheme": "side_job"}, {}, "ruled_out", "scheme_mismatch"),
]


@pytest.mark.parametrize(("name", "s_changes", "p_changes", "status", "code"), CASES, ids=[c[0] for c in CASES])
def test_rule_cases(name: str, s_changes: dict, p_changes: dict, status: str, code: str | None) -> None:
    verdicts = evaluate_pair(seeker(**s_changes), posting(**p_changes))
    assert overall_status(verdicts) == status
    if code is not None:
        assert code in {v.code for v in verdicts}
    if status != "ruled_out":
        assert all(v.status != "ruled_out" for v in verdicts)


def test_every_scheme_has_a_rule_table_with_the_common_checks() -> None:
    for scheme in SCHEMES:
        checks = [spec.check for spec in SCHEME_RULES[scheme]]
        assert {"posting_open", "scheme", "location", "form"} <= set(checks)
    assert "eligibility" in [spec.check for spec in SCHEME_RULES["accelerator"]]
    assert "eligibility" not in [spec.check for spec in SCHEME_RULES["side_job"]]


_prefs = st.sampled_from([None, "01", "13", "26", "27"])
_money = st.sampled_from([None, 50_000, 100_000, 115_000, 130_000])
_hours = st.sampled_from([None, 20, 35, 40, 60])
_dates = st.sampled_from([None, D, D + dt.timedelta(days=50), D + dt.timedelta(days=400)])


@st.composite
def pairs(draw: st.DrawFn) -> tuple[SeekerRecord, PostingRecord]:
    scheme = draw(st.sampled_from(SCHEMES))
    forms = EMPLOYMENT_FORMS[scheme]
    s = SeekerRecord(
        id="s", scheme=scheme, prefecture=draw(_prefs), remote=draw(st.sampled_from(["remote", "onsite", "either"])),
        work_prefectures=tuple(draw(st.lists(st.sampled_from(["13", "26", "40"]), max_size=2))),
        employment_forms=tuple(draw(st.lists(st.sampled_from(forms), max_size=3, unique=True))),
        years_experience=draw(st.sampled_from([None, 2.0, 5.0, 9.0])),
        qualifications=tuple(draw(st.lists(st.sampled_from(["PM", "応用情報", "システム監査技術者"]), max_size=1))),
        claims_equivalent=draw(st.booleans()), monthly_fee_min=draw(_money), hours_per_month=draw(_hours),
        available_from=draw(_dates))
    p = PostingRecord(
        id="p", scheme=scheme, prefecture=draw(_prefs), remote=draw(st.sampled_from(["remote", "onsite", "either"])),
        employment_form=draw(st.sampled_from([None, *forms])), capacity=draw(st.sampled_from([None, 0, 1, 4])),
        status=draw(st.sampled_from(["published", "published", "closed", "draft"])),
        monthly_budget_max=draw(_money), hours_per_month=draw(_hours), start_date=draw(_dates))
    return s, p


@settings(max_examples=400, deadline=None)
@given(pairs())
def test_vectorised_rules_equal_scalar_rules(pair: tuple[SeekerRecord, PostingRecord]) -> None:
    s, p = pair
    expected = {"ok": 0, "flagged": 1, "ruled_out": 2}[overall_status(evaluate_pair(s, p))]
    got = pair_status(seeker_columns([s]), posting_columns([p]), np.array([0]), np.array([0]), p.scheme)
    assert int(got[0]) == expected
