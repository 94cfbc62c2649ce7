"""Explanations: shared skills, key terms, rules satisfied and flagged, funding codes."""
from __future__ import annotations

import pytest

from marketplace.matching.engine import Engine
from marketplace.matching.funding import funding_for
from tests.matching.matching_factories import posting, seeker


def test_explanation_lists_skills_terms_rules_and_funding() -> None:
    need = posting(id="p", text="市町村のDX推進とガバメントクラウドへの移行支援", skills=("クラウド", "ＢＰＲ", "監査"),
                   employment_form="part_time")
    cand = seeker(id="s", text="ガバメントクラウド移行とDX推進の実務経験", skills=("クラウド", "bpr"),
                  years_experience=9.0)
    other = seeker(id="t", text="観光の広報とイベント企画", skills=("広報",), years_experience=9.0)
    top = Engine().fit([cand, other], [need]).top_k_for_posting("p", 1)
    assert [s.seeker_id for s in top] == ["s"]
    reasons = top[0].reasons
    assert reasons is not None
    assert reasons.shared_skills == ("クラウド", "ＢＰＲ")  # as the posting wrote them, matched after NFKC
    assert {"クラウド", "DX", "推進"} <= set(reasons.key_terms)
    assert {"location_same_prefecture", "form_accepted", "experience_5y"} <= set(reasons.satisfied)
    assert reasons.flagged == ()
    assert [f.code for f in reasons.funding] == ["special_allocation_tax"]
    assert reasons.funding[0].params["rate"] == 0.7


def test_flagged_reasons_are_reported() -> None:
    need = posting(id="p", monthly_budget_max=500_000)
    cand = seeker(id="s", years_experience=2.0, claims_equivalent=True, monthly_fee_min=550_000)
    found = Engine().fit([cand], [need]).score_pair("s", "p")
    assert found is not None and found.reasons is not None
    assert set(found.reasons.flagged) == {"needs_review", "fee_slightly_above_budget"}


def test_batch_results_carry_no_explanations_unless_asked() -> None:
    engine = Engine().fit([seeker(id="s")], [posting(id="p")])
    assert engine.top_k_all_postings(5)["p"][0].reasons is None
    assert engine.top_k_all_postings(5, explain=True)["p"][0].reasons is not None


@pytest.mark.parametrize(("changes", "codes"), [
    ({"scheme": "side_job", "employment_form": "side_job", "months": 5}, ["side_job_subsidy"]),
    ({"scheme": "side_job", "employment_form": "side_job", "months": 6}, []),
    ({"scheme": "side_job", "employment_form": "side_job", "months": None}, []),
    ({"scheme": "side_job", "employment_form": "full_time", "months": 3}, []),
    ({"employment_form": "permanent"}, ["ordinary_allocation_tax"]),
    ({"employment_form": "contract"}, ["special_allocation_tax"]),
    ({"employment_form": "secondment"}, []),
    ({"scheme": "succession", "employment_form": "owner_successor"}, ["succession_hub_special_allocation_tax"]),
    ({"scheme": "adviser", "employment_form": "dx"}, ["dx_adviser_dispatch"]),
])
def test_funding_codes(changes: dict, codes: list[str]) -> None:
    assert [note.code for note in funding_for(posting(**changes))] == codes
