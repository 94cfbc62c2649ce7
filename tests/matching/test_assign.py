"""Capacity-aware proposals: min-cost flow optimality against brute force, stability of deferred acceptance."""
from __future__ import annotations

import itertools
import random

from marketplace.matching.assign import Arc, arcs_from_suggestions, assign_min_cost, assign_stable
from marketplace.matching.explain import Suggestion


def _random_case(seed: int) -> tuple[list[Arc], dict[str, int]]:
    rng = random.Random(seed)
    arcs = [Arc(f"s{s}", f"p{p}", round(rng.uniform(10, 100), 4), rng.random(), rng.random())
            for s in range(5) for p in range(3) if rng.random() < 0.7]
    return arcs, {f"p{p}": rng.choice([0, 1, 2]) for p in range(3)}


def _brute_force_best(arcs: list[Arc], caps: dict[str, int]) -> float:
    best = 0.0
    for size in range(len(arcs) + 1):
        for subset in itertools.combinations(arcs, size):
            seekers = [a.seeker_id for a in subset]
            load = {p: sum(a.posting_id == p for a in subset) for p in caps}
            if len(seekers) == len(set(seekers)) and all(load[p] <= caps[p] for p in caps):
                best = max(best, sum(a.score for a in subset))
    return best


def test_min_cost_flow_is_optimal_and_respects_capacity() -> None:
    for seed in range(6):
        arcs, caps = _random_case(seed)
        chosen = assign_min_cost(arcs, caps)
        score = {(a.seeker_id, a.posting_id): a.score for a in arcs}
        assert len({s for s, _ in chosen}) == len(chosen)
        assert all(sum(p == q for _, q in chosen) <= caps[p] for p in caps)
        assert abs(sum(score[c] for c in chosen) - _brute_force_best(arcs, caps)) < 0.02


def test_capacity_four_fills_four() -> None:
    arcs = [Arc(f"s{i}", "pref", 50.0 + i) for i in range(6)]
    assert [s for s, _ in assign_min_cost(arcs, {"pref": 4})] == ["s2", "s3", "s4", "s5"]
    assert assign_min_cost(arcs, {"pref": 0}) == []


def test_deferred_acceptance_is_stable() -> None:
    for seed in range(6):
        arcs, caps = _random_case(seed)
        chosen = dict(assign_stable(arcs, caps))
        s_pref = {(a.seeker_id, a.posting_id): a.seeker_pref for a in arcs}
        p_pref = {(a.seeker_id, a.posting_id): a.posting_pref for a in arcs}
        held = {p: [s for s, q in chosen.items() if q == p] for p in caps}
        assert all(len(held[p]) <= caps[p] for p in caps)
        for a in arcs:  # no blocking pair
            if chosen.get(a.seeker_id) == a.posting_id or caps[a.posting_id] == 0:
                continue
            seeker_wants = a.seeker_id not in chosen or a.seeker_pref > s_pref[(a.seeker_id, chosen[a.seeker_id])]
            posting_wants = len(held[a.posting_id]) < caps[a.posting_id] or any(
                a.posting_pref > p_pref[(s, a.posting_id)] for s in held[a.posting_id])
            assert not (seeker_wants and posting_wants)


def test_arcs_from_suggestions_keeps_top_l() -> None:
    sugg = [Suggestion("s1", f"p{i}", float(i)) for i in range(5)]
    assert [a.posting_id for a in arcs_from_suggestions(sugg, top_l=2)] == ["p4", "p3"]
