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


def test_the_batched_lookup_gives_each_seeker_exactly_the_single_seeker_answer() -> None:
    from marketplace.matching.near_miss import near_misses_for_seekers
    from tests.matching.matching_factories import replace

    words = ("観光", "クラウド移行", "農業", "子育て支援", "窓口のデジタル化", "防災", "EC販路", "財務")
    seekers = [seeker(id=f"s{i}", text=f"{words[i % 8]}と{words[(i * 3) % 8]}の経験があります。",
                      years_experience=float(i % 7), remote=("remote", "onsite", "either")[i % 3],
                      prefecture=("26", "13", "39")[i % 3], hours_per_month=(10, 40, 100)[i % 3],
                      monthly_fee_min=(100_000, 900_000)[i % 2], scheme=("accelerator", "side_job")[i % 2])
               for i in range(23)]
    postings = [posting(id=f"p{j}", text=f"{words[j % 8]}と{words[(j * 5) % 8]}を担う人を募集します。",
                        remote=("onsite", "either", "remote")[j % 3], hours_per_month=40,
                        monthly_budget_max=(500_000, 1_000_000)[j % 2], scheme=("accelerator", "side_job")[j % 2],
                        status=("published", "published", "closed")[j % 3]) for j in range(17)]
    engine = Engine().fit(seekers, postings)
    # Rows appended and removed since the fit (the tails and dead rows a live engine has).
    engine.upsert_seeker(replace(seekers[3], years_experience=2.0))
    engine.upsert_posting(replace(postings[4], monthly_budget_max=300_000))
    engine.remove_posting("p1")
    ids = [s.id for s in seekers] + ["unknown"]
    batched = near_misses_for_seekers(engine, ids, k=3, min_text_fit=0.0, chunk=4)
    assert set(batched) == {s.id for s in seekers}  # an id the engine does not hold is left out
    for s in seekers:
        assert [(m.posting_id, [g.code for g in m.rules]) for m in batched[s.id]] == near_misses_for_single(engine, s.id), s.id
    assert sum(len(found) for found in batched.values()) >= 10  # not trivially empty


def near_misses_for_single(engine: Engine, seeker_id: str) -> list:
    """The scan of one seeker against every posting row, as the engine did before batching."""
    import numpy as np

    from marketplace.matching.near_miss import _ruled_out_counts

    scheme = engine._seeker_scheme[seeker_id]
    sb, pb = engine._seekers[scheme], engine._postings[scheme]
    row = sb.row_of[seeker_id]
    sims = np.asarray(pb.text.dot(sb.text.row(row)), dtype=np.float64).ravel()
    pj = np.flatnonzero(pb.alive & pb.cols["open"])
    changeable, fixed = _ruled_out_counts(sb.cols, pb.cols, np.full(len(pj), row), pj, scheme)
    keep = (fixed == 0) & (changeable >= 1) & (changeable <= 2)
    pj, n_rules = pj[keep], changeable[keep]
    order = np.lexsort((pb.id_rank()[pj], n_rules, -np.round(sims[pj], 6)))
    return [(pb.records[j].id, [g.code for g in rule_gaps(sb.records[row], pb.records[j])])
            for j in pj[order][:3].tolist()]
