"""Ranking metrics over graded judgements: nDCG@k, precision@k, recall@k and MRR."""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

#: A seeker counts as relevant for precision, recall and MRR from this grade on.
RELEVANT_GRADE = 2


def dcg(gains: Sequence[int]) -> float:
    """Discounted cumulative gain with exponential gain 2^grade - 1 and log2(rank + 1) discount."""
    return sum((2 ** g - 1) / math.log2(rank + 2) for rank, g in enumerate(gains))


def ndcg_at(ranking: Sequence[str], grades: Mapping[str, int], k: int) -> float:
    """nDCG@k; 0 when the query has no positive grade."""
    ideal = dcg(sorted(grades.values(), reverse=True)[:k])
    if ideal == 0:
        return 0.0
    return dcg([grades.get(item, 0) for item in ranking[:k]]) / ideal


def precision_at(ranking: Sequence[str], grades: Mapping[str, int], k: int) -> float:
    """Relevant items among the first k, divided by k (a short list is not padded)."""
    return sum(grades.get(item, 0) >= RELEVANT_GRADE for item in ranking[:k]) / k


def recall_at(ranking: Sequence[str], grades: Mapping[str, int], k: int) -> float:
    """Share of the relevant items found in the first k; 0 when there are none."""
    relevant = sum(g >= RELEVANT_GRADE for g in grades.values())
    if relevant == 0:
        return 0.0
    return sum(grades.get(item, 0) >= RELEVANT_GRADE for item in ranking[:k]) / relevant


def reciprocal_rank(ranking: Sequence[str], grades: Mapping[str, int]) -> float:
    """1 / rank of the first relevant item; 0 when none is ranked."""
    for rank, item in enumerate(ranking, start=1):
        if grades.get(item, 0) >= RELEVANT_GRADE:
            return 1.0 / rank
    return 0.0


def judged_queries(qrels: Mapping[str, Mapping[str, int]]) -> list[str]:
    """Queries with at least one relevant item (the others cannot be scored), sorted."""
    return sorted(q for q, grades in qrels.items() if any(g >= RELEVANT_GRADE for g in grades.values()))


def mean_metrics(rankings: Mapping[str, Sequence[str]], qrels: Mapping[str, Mapping[str, int]],
                 k: int = 10) -> dict[str, float]:
    """Mean of each metric over ``qrels`` queries that have a relevant item (missing ranking = empty)."""
    names = (f"ndcg@{k}", "precision@5", f"recall@{k}", "mrr")
    totals = dict.fromkeys(names, 0.0)
    queries = judged_queries(qrels)
    for query in queries:
        grades = qrels[query]
        ranking = rankings.get(query, [])
        totals[names[0]] += ndcg_at(ranking, grades, k)
        totals[names[1]] += precision_at(ranking, grades, 5)
        totals[names[2]] += recall_at(ranking, grades, k)
        totals[names[3]] += reciprocal_rank(ranking, grades)
    n = max(1, len(queries))
    return {name: round(value / n, 4) for name, value in totals.items()}
