"""Ranking metrics on a tiny hand-computed case."""
from __future__ import annotations

import math

import pytest

from marketplace.matching.metrics import mean_metrics, ndcg_at, precision_at, recall_at, reciprocal_rank

GRADES = {"a": 3, "b": 0, "c": 2, "d": 1}
RANKING = ["b", "a", "d", "c"]


def test_ndcg_by_hand() -> None:
    # DCG = 0/log2(2) + 7/log2(3) + 1/log2(4) + 3/log2(5); ideal = 7 + 3/log2(3) + 1/log2(4)
    dcg = 7 / math.log2(3) + 1 / 2 + 3 / math.log2(5)
    ideal = 7 + 3 / math.log2(3) + 1 / 2
    assert ndcg_at(RANKING, GRADES, 10) == pytest.approx(dcg / ideal)
    assert ndcg_at(["a", "c", "d", "b"], GRADES, 10) == pytest.approx(1.0)


def test_precision_recall_mrr_by_hand() -> None:
    assert precision_at(RANKING, GRADES, 5) == pytest.approx(2 / 5)  # a and c are relevant (grade >= 2)
    assert recall_at(RANKING, GRADES, 2) == pytest.approx(1 / 2)
    assert reciprocal_rank(RANKING, GRADES) == pytest.approx(1 / 2)


def test_mean_skips_queries_without_relevant_items() -> None:
    qrels = {"q1": GRADES, "q2": {"x": 1}}
    means = mean_metrics({"q1": RANKING, "q2": ["x"]}, qrels, k=10)
    assert means["mrr"] == pytest.approx(0.5)
    assert means["precision@5"] == pytest.approx(0.4)
