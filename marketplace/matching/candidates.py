"""Candidate generation: location blocking and the chunked top-n sparse product (sparse_dot_topn)."""
from __future__ import annotations

import os
from collections.abc import Iterator

import numpy as np
import scipy.sparse as sp
from sparse_dot_topn import sp_matmul_topn, zip_sp_matmul_topn

from marketplace.matching.pairs import _location

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


def dense_topn_pairs(a: np.ndarray, b: np.ndarray, top_n: int, chunk_cells: int = 8_000_000
                     ) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """For each row of dense ``a``, the ``top_n`` largest dot products with rows of dense ``b``.

    float32 matrix products by chunks of query rows (BLAS), then ``argpartition``.
    """
    if a.shape[0] == 0 or b.shape[0] == 0:
        return
    top_n = min(top_n, b.shape[0])
    rows_per = max(1, chunk_cells // b.shape[0])
    b_t = np.ascontiguousarray(b.T)
    for start in range(0, a.shape[0], rows_per):
        prod = a[start:start + rows_per] @ b_t
        if top_n < b.shape[0]:
            cols = np.argpartition(prod, b.shape[0] - top_n, axis=1)[:, b.shape[0] - top_n:]
        else:
            cols = np.broadcast_to(np.arange(b.shape[0]), prod.shape)
        vals = np.take_along_axis(prod, cols, axis=1)
        rows = np.repeat(np.arange(start, start + prod.shape[0], dtype=np.int64), cols.shape[1])
        yield rows, cols.reshape(-1).astype(np.int64), vals.reshape(-1).astype(np.float64)


def union_pairs(q: np.ndarray, i: np.ndarray, v: np.ndarray, dq: np.ndarray, di: np.ndarray,
                char_of, n_items: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The text-pool pairs (q, i, v) united with the meaning-pool pairs (dq, di).

    Meaning-pool pairs not already in the text pool get their char similarity from
    ``char_of(queries, items)`` (computed exactly for those pairs only).
    """
    if len(dq) == 0:
        return q, i, v
    keys = q.astype(np.int64) * n_items + i
    d_keys = dq.astype(np.int64) * n_items + di
    extra = ~np.isin(d_keys, keys)
    eq, ei = dq[extra], di[extra]
    ev = np.asarray(char_of(eq, ei), dtype=np.float64) if len(eq) else np.zeros(0)
    return np.concatenate([q, eq]), np.concatenate([i, ei]), np.concatenate([v, ev])
