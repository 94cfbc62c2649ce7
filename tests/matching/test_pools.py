"""Candidate pools of the meaning channel: one shared product per scheme, the same pools as single queries."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from marketplace.matching.candidates import first_n, top_mask
from marketplace.matching.engine import Engine
from marketplace.matching.io import read_dir
from marketplace.matching.pairs import RULED_OUT, pair_status, ruled_out
from marketplace.matching.records import SCHEMES

EVAL_DIR = Path(__file__).resolve().parents[1] / "data" / "eval"


def _brute_top(values: np.ndarray, n: int) -> set[int]:
    """The first n finite values in (value descending, index ascending) order."""
    order = sorted((i for i in range(len(values)) if np.isfinite(values[i])), key=lambda i: (-values[i], i))
    return set(order[:n])


@pytest.mark.parametrize("seed", range(6))
def test_top_mask_takes_the_first_n_by_value_then_index_along_either_axis(seed: int) -> None:
    rng = np.random.default_rng(seed)
    values = rng.integers(0, 4, size=(7, 9)).astype(np.float32)  # many ties
    values[rng.random(values.shape) < 0.3] = -np.inf  # infeasible pairs
    for n in (1, 3, 5, 20):
        rows = top_mask(values, n, axis=1)
        cols = top_mask(values, n, axis=0)
        for r in range(values.shape[0]):
            assert set(np.flatnonzero(rows[r])) == _brute_top(values[r], n)
        for c in range(values.shape[1]):
            assert set(np.flatnonzero(cols[:, c])) == _brute_top(values[:, c], n)


def test_first_n_orders_by_value_then_item_per_query() -> None:
    q = np.array([0, 0, 0, 1, 1, 0, 1])
    i = np.array([5, 2, 9, 4, 1, 1, 7])
    v = np.array([1.0, 2.0, 1.0, 0.5, 0.5, 1.0, 0.7], dtype=np.float32)
    kept = first_n(q, i, v, 2)
    assert sorted(zip(q[kept].tolist(), i[kept].tolist(), strict=True)) == [(0, 1), (0, 2), (1, 1), (1, 7)]
    by_item = np.argsort(i, kind="stable")
    kept_sorted = first_n(q[by_item], i[by_item], v[by_item], 2, items_sorted=True)
    assert sorted(zip(q[by_item][kept_sorted].tolist(), i[by_item][kept_sorted].tolist(), strict=True)) == \
        [(0, 1), (0, 2), (1, 1), (1, 7)]


@pytest.fixture(scope="module")
def eval_data():  # type: ignore[no-untyped-def]
    seekers, postings, _ = read_dir(EVAL_DIR)
    return seekers, postings


def test_ruled_out_and_broadcast_status_match_the_pairwise_status(eval_data) -> None:  # type: ignore[no-untyped-def]
    engine = Engine(meaning=False).fit(*eval_data)
    for scheme in SCHEMES:
        sb, pb = engine._seekers[scheme], engine._postings[scheme]
        s_rows, p_rows = np.arange(len(sb.records)), np.arange(len(pb.records))
        grid = pair_status(sb.cols, pb.cols, s_rows[:, None], p_rows[None, :], scheme)
        si, pj = np.repeat(s_rows, len(p_rows)), np.tile(p_rows, len(s_rows))
        flat = pair_status(sb.cols, pb.cols, si, pj, scheme)
        assert np.array_equal(grid.reshape(-1), flat)
        assert np.array_equal(ruled_out(sb.cols, pb.cols, s_rows[:, None], p_rows[None, :], scheme), grid == RULED_OUT)
        assert (grid == RULED_OUT).any() and (grid != RULED_OUT).any() or scheme != "accelerator"


@pytest.mark.parametrize(("pool", "chunk_rows"), [(1, 4096), (3, 5), (7, 4096), (7, 2)])
def test_small_pools_give_the_same_lists_in_batches_and_single_queries(eval_data, pool: int,  # type: ignore[no-untyped-def]
                                                                        chunk_rows: int) -> None:
    """Pools far smaller than a scheme's block: the shared product's per-row and per-column choices
    (merged over chunks) must equal each single query's own choice."""
    engine = Engine(pool_min=pool, pool_factor=0, chunk_rows=chunk_rows)  # chunk_rows: seekers per product
    if not engine.meaning:
        pytest.fail("the meaning channel needs the ja-ginza package (make setup installs it)")
    engine.fit(*eval_data)
    k = 3
    by_posting = engine.top_k_all_postings(k)
    by_seeker = engine.top_k_all_seekers(k)
    assert any(len(lst) == min(k, pool) for lst in by_posting.values())
    for pid, lst in by_posting.items():
        assert lst == engine.top_k_for_posting(pid, k, explain=False)
    for sid, lst in by_seeker.items():
        assert lst == engine.top_k_for_seeker(sid, k, explain=False)


def test_the_shared_pools_are_kept_until_the_scheme_changes(eval_data) -> None:  # type: ignore[no-untyped-def]
    seekers, postings = eval_data
    engine = Engine().fit(seekers, postings)
    engine.top_k_all_postings(5)
    scheme = seekers[0].scheme
    assert scheme in engine._pools
    kept = engine._pools[scheme]
    engine.top_k_all_seekers(5)
    assert engine._pools[scheme] is kept
    engine.upsert_seeker(seekers[0])
    assert scheme not in engine._pools
    assert engine.top_k_all_seekers(5) == Engine().fit(seekers, postings, vectorizer=engine.vectorizer).top_k_all_seekers(5)


def test_fast_suggestions_equal_the_dataclass() -> None:
    from marketplace.matching.engine import _suggestion
    from marketplace.matching.explain import Suggestion

    fast, slow = _suggestion("s1", "p1", 87.5), Suggestion("s1", "p1", 87.5)
    assert fast == slow and hash(fast) == hash(slow) and fast.reasons is None and repr(fast) == repr(slow)
    assert _suggestion("s1", "p2", 87.5) != slow
