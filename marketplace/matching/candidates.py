"""Candidate generation: location blocking and the chunked top-n sparse product (sparse_dot_topn)."""
from __future__ import annotations

import os
from collections.abc import Iterator

import numpy as np
import scipy.sparse as sp
from sparse_dot_topn import sp_matmul_topn, zip_sp_matmul_topn

from marketplace.matching.pairs import _location
from marketplace.matching.scoring import Weights

_REMOTE, _ONSITE, _EITHER = 0, 1, 2
Columns = dict[str, np.ndarray]
Group = tuple[np.ndarray, np.ndarray]
#: Products smaller than this many pairs run single-threaded (thread start-up dominates them).
_THREADED_PAIRS = 2_000_000


def default_threads() -> int:
    """Threads for the sparse product: all cores."""
    return max(1, os.cpu_count() or 1)


def location_groups(s: Columns, p: Columns, s_alive: np.ndarray, p_ok: np.ndarray) -> list[Group]:
    """Disjoint (posting rows, seeker rows) blocks whose union is exactly the location-feasible pairs.

    Fully remote or nationwide postings meet every seeker; ``either`` postings meet seekers who
    accept remote work, plus on-site-only seekers whose area holds the posting's prefecture;
    ``onsite`` postings meet the seekers whose area (own prefecture or work prefectures) holds it.
    """
    p_remote, p_pref = p["remote"], p["pref"]
    s_rows = np.flatnonzero(s_alive)
    free = p_ok & ((p_remote == _REMOTE) | (p_pref == 0))
    either = p_ok & ~free & (p_remote == _EITHER)
    onsite = p_ok & ~free & (p_remote == _ONSITE)
    groups: list[Group] = [
        (np.flatnonzero(free), s_rows),
        (np.flatnonzero(either), s_rows[s["remote"][s_rows] != _ONSITE]),
    ]
    masks = s["pref_mask"][s_rows]
    onsite_only = s["remote"][s_rows] == _ONSITE
    for kind, extra in ((either, onsite_only), (onsite, np.ones(len(s_rows), dtype=bool))):
        for pref in np.unique(p_pref[kind]):
            in_area = ((masks >> np.uint64(pref)) & np.uint64(1)) != np.uint64(0)
            groups.append((np.flatnonzero(kind & (p_pref == pref)), s_rows[in_area & extra]))
    return [(pr, sr) for pr, sr in groups if len(pr) and len(sr)]


def location_ok(s: Columns, p: Columns, si: np.ndarray, pj: np.ndarray) -> np.ndarray:
    """True where the location rule does not rule the pair out."""
    out, _flag = _location(s, p, si, pj)
    return ~out


def topn_pairs(a: sp.csr_matrix, b: sp.csr_matrix, top_n: int, n_threads: int,
               chunk_rows: int = 4096) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """For each row of ``a``, the ``top_n`` largest nonzero products with rows of ``b``.

    Yields (a row, b row, value) arrays chunk by chunk; ``b`` is transposed once.
    """
    b_t = sp.csr_matrix(b.T)
    top_n = min(top_n, b.shape[0])
    for start in range(0, a.shape[0], chunk_rows):
        block = sp.csr_matrix(a[start:start + chunk_rows])
        threads = n_threads if block.shape[0] * b.shape[0] >= _THREADED_PAIRS else 1
        c = sp_matmul_topn(block, b_t, top_n=top_n, n_threads=threads)
        counts = np.diff(c.indptr)
        rows = np.repeat(np.arange(start, start + block.shape[0], dtype=np.int64), counts)
        yield rows, c.indices.astype(np.int64), c.data.astype(np.float64)


def keep_top(q: np.ndarray, i: np.ndarray, v: np.ndarray, m: int, shape: tuple[int, int]
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per query row ``q`` keep the ``m`` largest values ``v`` (pairs must be distinct).

    The selection runs in sparse_dot_topn's C++ ``zip_sp_matmul_topn`` over a CSR matrix of
    the candidates, for single queries and batches alike.
    """
    if len(q) == 0:
        return q, i, v
    merged = sp.csr_matrix((v, (q, i)), shape=shape)
    top = zip_sp_matmul_topn(min(m, shape[1]), [merged])
    rows = np.repeat(np.arange(shape[0], dtype=np.int64), np.diff(top.indptr))
    return rows, top.indices.astype(np.int64), top.data.astype(np.float64)


def seekers_never_eligible(s: Columns, scheme: str) -> np.ndarray:
    """Seekers that every posting of ``scheme`` rules out whatever the posting (the eligibility rule
    depends on the seeker alone): they are left out of candidate pools."""
    from marketplace.matching.pairs import _eligibility
    from marketplace.matching.rules import SCHEME_RULES

    out = np.zeros(len(s["remote"]), dtype=bool)
    rows = np.arange(len(out))
    for spec in SCHEME_RULES[scheme]:
        if spec.check == "eligibility":
            ruled_out, _flag = _eligibility(s, rows, float(spec.params["min_years"]))
            out |= ruled_out
    return out


def pool_text(char: np.ndarray, meaning: np.ndarray, off: np.ndarray | None, shift: np.ndarray | None,
              w: Weights) -> np.ndarray:
    """The float32 text blend candidates are pooled by, as ``Engine._scores`` blends (the same operations
    for batches and single queries): ``t_char * char + t_meaning * max(meaning - t_hub * shift, 0)``
    (``shift``: the pair's hub correction, None without it), and where ``off``, ``role_keep *
    min(text, text_scale)``."""
    # in place where the result is new (each fresh temporary of a block-sized blend costs its page faults);
    # every operation and its order are those of the expression above, so the values are the same
    m = meaning.astype(np.float32, copy=False)
    if shift is not None:
        m = np.multiply(shift, np.float32(w.t_hub), dtype=np.float32)
        np.subtract(meaning.astype(np.float32, copy=False), m, out=m)
        np.maximum(m, np.float32(0.0), out=m)
    else:
        m = np.maximum(m, np.float32(0.0))
    m *= np.float32(w.t_meaning)
    out = np.multiply(char.astype(np.float32, copy=False), np.float32(w.t_char), dtype=np.float32)
    out += m
    if off is not None and off.any():
        np.minimum(out, np.float32(w.text_scale), out=m)
        m *= np.float32(w.role_keep)
        np.copyto(out, m, where=np.broadcast_to(off, out.shape))
    return out


def top_mask(values: np.ndarray, n: int, axis: int) -> np.ndarray:
    """Mask of the ``n`` largest finite values along ``axis``; ties at the n-th value go to the lower
    index, so the choice is the first ``n`` in (value descending, index ascending) order."""
    m = values.shape[axis]
    finite = values > -np.inf
    if n >= m:
        return finite
    kth = np.expand_dims(np.partition(values, m - n, axis=axis).take(m - n, axis=axis), axis)
    sel = values >= kth
    over = np.flatnonzero(sel.sum(axis=axis) > n)  # lines where ties at the n-th value need the index order
    if len(over):
        line = values.take(over, axis=1 - axis)
        at = kth.take(over, axis=1 - axis)
        gt, eq = line > at, line == at
        need = n - gt.sum(axis=axis, keepdims=True)
        picked = gt | (eq & (np.cumsum(eq, axis=axis) <= need))
        if axis == 1:
            sel[over] = picked
        else:
            sel[:, over] = picked
    return sel & finite


def first_n(q: np.ndarray, i: np.ndarray, v: np.ndarray, n: int, items_sorted: bool = False) -> np.ndarray:
    """Positions of the first ``n`` pairs of each query ``q`` in (value descending, item ascending) order.

    ``v`` must be non-negative float32 (the text blend); ``items_sorted``: the pairs already come in
    ascending item order, so one stable sort by (query, value) keeps that order among ties."""
    if len(q) == 0:
        return np.zeros(0, dtype=np.int64)
    bits = np.ascontiguousarray(v, dtype=np.float32).view(np.uint32).astype(np.int64)  # monotonic for v >= 0
    key = (q.astype(np.int64) << 32) | (np.int64(0xFFFFFFFF) - bits)
    order = np.argsort(key, kind="stable") if items_sorted else np.lexsort((i, key))
    qs = q[order]
    starts = np.r_[0, np.flatnonzero(np.diff(qs)) + 1]
    pos = np.arange(len(qs)) - np.repeat(starts, np.diff(np.r_[starts, len(qs)]))
    return order[pos < n]


def shared_pools(s_text: sp.csr_matrix, p_text: sp.csr_matrix, s_dense: np.ndarray, p_dense: np.ndarray,
                 ruled, off_role, blend, n_seeker: int, n_posting: int,
                 chunk_rows: int = 4096, chunk_cells: int = 4_000_000) -> tuple[tuple[np.ndarray, ...], tuple[np.ndarray, ...]]:
    """Candidate pools of both directions of one scheme from one product per chunk of seekers.

    Per chunk of seeker rows: the exact char products with every posting (the same float32 sums as a
    single query's), one float32 product of the meaning vectors, the text blend ``blend(char,
    meaning, off)``, pairs a hard rule rules out (``ruled(lo, hi)`` True) set to -inf; then the ``n_seeker``
    best postings of each seeker row and the ``n_posting`` best seekers of each posting column (merged
    over chunks). Returns (seeker pool, posting pool), each (query rows, item rows, char, meaning) in
    the local row numbers of the given matrices (int32 and float32: the engine keeps them between
    batches).
    """
    ns, nb = s_text.shape[0], p_text.shape[0]
    empty = (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0), np.zeros(0))
    if ns == 0 or nb == 0:
        return empty, empty
    # char products as sparse x dense: the postings' TF-IDF as a dense (features used by the postings x
    # postings) float32 matrix; each sum runs over the seeker's features in ascending order, as a
    # single query's sparse product does (the zeros it adds leave the float32 sums unchanged)
    used = np.unique(p_text.indices)
    p_t = np.ascontiguousarray(sp.csc_matrix(p_text[:, used]).T.toarray(), dtype=np.float32)
    s_used = sp.csr_matrix(s_text[:, used])
    pd_t = np.ascontiguousarray(p_dense.T)
    rows_per = max(1, min(chunk_rows, chunk_cells // nb))
    s_parts: list[tuple[np.ndarray, ...]] = []
    # the posting pools so far (posting, seeker, char, meaning, text) and each posting's n-th text value
    # (-inf while it has fewer): a later chunk's seeker, whose row number is higher, enters only above it
    p_pool: tuple[np.ndarray, ...] | None = None
    floor = np.full(nb, -np.inf, dtype=np.float32)
    for lo in range(0, ns, rows_per):
        hi = min(ns, lo + rows_per)
        char = np.asarray(s_used[lo:hi] @ p_t, dtype=np.float32)
        meaning = s_dense[lo:hi] @ pd_t
        text = blend(lo, hi, char, meaning, off_role(lo, hi))
        np.copyto(text, np.float32(-np.inf), where=ruled(lo, hi))
        r, c = np.nonzero(top_mask(text, n_seeker, 1))
        s_parts.append((r.astype(np.int32) + np.int32(lo), c.astype(np.int32), char[r, c], meaning[r, c]))
        r, c = np.nonzero(top_mask(text, n_posting, 0) if p_pool is None else text > floor[None, :])
        new = (c.astype(np.int32), r.astype(np.int32) + np.int32(lo), char[r, c], meaning[r, c], text[r, c])
        p_pool = new if p_pool is None else tuple(np.concatenate(pair) for pair in zip(p_pool, new, strict=True))
        keep = first_n(p_pool[0], p_pool[1], p_pool[4], n_posting)
        p_pool = tuple(col[keep] for col in p_pool)
        counts = np.bincount(p_pool[0], minlength=nb)
        lowest = np.full(nb, np.inf, dtype=np.float32)
        np.minimum.at(lowest, p_pool[0], p_pool[4])
        floor = np.where(counts >= n_posting, lowest, np.float32(-np.inf)).astype(np.float32)
    seeker_pool = tuple(np.concatenate(col) for col in zip(*s_parts, strict=True))  # rows are whole per chunk
    assert p_pool is not None  # nosec B101 # ns > 0
    order = np.lexsort((p_pool[1], p_pool[0]))
    return seeker_pool, tuple(col[order] for col in p_pool[:4])
