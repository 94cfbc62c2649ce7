""""Why not yet": postings a seeker would fit but for one or two changeable hard rules."""
from __future__ import annotations

import datetime as dt

from marketplace.matching.engine import Engine
from marketplace.matching.near_miss import near_misses_for_seeker, rule_gaps, seekers_near_posting
from tests.matching.matching_factories import posting, seeker


def _codes(misses) -> dict[str, list[str]]:
    return {m.posting_id: [g.code for g in m.rules] for m in misses}


def test_three_years_without_exam_is_a_near_miss_with_its_figures() -> None:
    cand = seeker(id="s", years_experience=3.0)
    engine = Engine().fit([cand], [posting(id="p")])
    assert engine.top_k_for_seeker("s", 5) == []
    [miss] = near_misses_for_seeker(engine, "s")
    assert miss.posting_id == "p" and [g.code for g in miss.rules] == ["not_eligible"]
    assert miss.rules[0].params["years"] == 3.0 and miss.rules[0].params["min_years"] == 5.0


def test_remote_only_seeker_far_from_an_onsite_posting() -> None:
    cand = seeker(id="s", remote="remote", prefecture="13")
    [miss] = near_misses_for_seeker(Engine().fit([cand], [posting(id="p")]), "s")
    assert [g.code for g in miss.rules] == ["location_mismatch"]
    assert miss.rules[0].params["seeker_remote"] == "remote" and miss.rules[0].params["posting_prefecture"] == "26"


def test_one_or_two_rules_only_and_never_closed_or_eligible_postings() -> None:
    cand = seeker(id="s", years_experience=3.0, monthly_fee_min=900_000, hours_per_month=10,
                  available_from=dt.date(2028, 1, 1))
    postings = [
        posting(id="two", monthly_budget_max=500_000),  # eligibility + fee
        posting(id="four", monthly_budget_max=500_000, hours_per_month=80, start_date=dt.date(2027, 4, 1)),
        posting(id="closed", status="closed"),
    ]
    engine = Engine().fit([cand, seeker(id="ok")], postings)
    assert _codes(near_misses_for_seeker(engine, "s")) == {"two": ["not_eligible", "fee_above_budget"]}
    assert near_misses_for_seeker(engine, "ok") == []  # eligible everywhere it could be


def test_vectorised_counts_agree_with_the_scalar_rules() -> None:
    seekers = [seeker(id=f"s{i}", years_experience=float(i), remote=("remote", "onsite", "either")[i % 3],
                      prefecture=("26", "13")[i % 2], hours_per_month=(10, 100)[i % 2], monthly_fee_min=(100_000, 900_000)[i % 2])
               for i in range(8)]
    postings = [posting(id=f"p{j}", remote=("onsite", "either", "remote")[j % 3], hours_per_month=40,
                        monthly_budget_max=500_000, employment_form=("part_time", "permanent")[j % 2]) for j in range(6)]
    engine = Engine().fit(seekers, postings)
    for s in seekers:
        got = _codes(near_misses_for_seeker(engine, s.id, k=10, min_text_fit=0.0))
        expected = {p.id: [g.code for g in rule_gaps(s, p)] for p in postings if 1 <= len(rule_gaps(s, p)) <= 2}
        assert got == expected, s.id


def test_the_reverse_lookup_finds_exactly_the_seekers_who_have_the_posting_as_a_near_miss() -> None:
    seekers = [seeker(id=f"s{i}", years_experience=float(i), remote=("remote", "onsite", "either")[i % 3],
                      prefecture=("26", "13")[i % 2], monthly_fee_min=(100_000, 900_000)[i % 2]) for i in range(9)]
    postings = [posting(id=f"p{j}", remote=("onsite", "either")[j % 2], monthly_budget_max=500_000) for j in range(3)]
    postings.append(posting(id="closed", status="closed"))
    engine = Engine().fit(seekers, postings)
    for p in postings:
        expected = {s.id for s in seekers
                    if any(m.posting_id == p.id for m in near_misses_for_seeker(engine, s.id, k=10))}
        assert set(seekers_near_posting(engine, p.id)) == expected, p.id
    assert seekers_near_posting(engine, "closed") == {}
    assert seekers_near_posting(engine, "p0")  # the set above is not trivially empty
