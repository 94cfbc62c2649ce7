"""The matching engine: fit once, top-k both ways (single and batch), incremental upserts."""
from __future__ import annotations

import gc
from collections.abc import Iterable, Sequence

import numpy as np
import scipy.sparse as sp

from marketplace.matching import vectors
from marketplace.matching.candidates import (
    default_threads, first_n, keep_top, location_groups, location_ok, pool_text, seekers_never_eligible,
    shared_pools, topn_pairs,
)
from marketplace.matching.cues import off_role
from marketplace.matching.explain import Suggestion, explain
from marketplace.matching.features import pair_intersections, posting_columns, seeker_columns
from marketplace.matching.meaning import hub_anchors, hub_max
from marketplace.matching.pairs import RULED_OUT, pair_status, ruled_out
from marketplace.matching.records import SCHEMES, PostingRecord, SeekerRecord, unique_ids
from marketplace.matching.scoring import Columns, Weights, blend_text, pair_scores
from marketplace.matching.store import Block
from marketplace.matching.text import TextVectorizer

#: Whether the Sudachi word channel is on by default (decided on tests/data/eval; see README).
DEFAULT_WORD_CHANNEL = False
#: The meaning channel (ja-ginza word vectors) is on whenever the package is installed (``meaning=None``).
DEFAULT_MEANING: bool | None = None
_TAIL_FOLD = 1024
#: Score points (0–100) by which approximate meaning cosines may move a score (float32 products
#: differ from the exact row-wise cosines by < 1e-4 points); see Engine._rank.
_NEAR = 0.05
#: Pairs per chunk of approximate scores in a batch (see Engine._scores_by_chunks).
_SCORE_CHUNK = 65_536
Ranked = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


class Engine:
    """Reciprocal matching of seekers and postings of the same scheme.

    ``fit`` learns the TF-IDF vocabulary once; upserts re-transform only the changed record
    with the fitted vectoriser (the vocabulary is refreshed only by a full refit). Candidates
    for a query are its ``max(pool_min, pool_factor * k)`` most text-similar items among those
    the location rule allows (sharing at least one text feature); all hard rules, the
    structured fit and reciprocity then re-rank them. Order: clearly eligible before flagged,
    then score (rounded to 4 decimals), then id.
    """

    def __init__(self, word_channel: bool = DEFAULT_WORD_CHANNEL, weights: Weights = Weights(),
                 reciprocal: bool = True, pool_factor: int = 5, pool_min: int = 100,
                 max_df: float = 0.5, n_threads: int | None = None, chunk_rows: int = 4096,
                 meaning: bool | None = DEFAULT_MEANING) -> None:
        if meaning is None:
            meaning = vectors.available()
        self.meaning = meaning
        self.vectorizer = TextVectorizer(word_channel=word_channel, max_df=max_df, meaning=meaning)
        self.weights = weights
        self.reciprocal = reciprocal
        self.pool_factor, self.pool_min = pool_factor, pool_min
        self.n_threads = n_threads or default_threads()
        self.chunk_rows = chunk_rows
        self._seekers: dict[str, Block[SeekerRecord]] = {}
        self._postings: dict[str, Block[PostingRecord]] = {}
        self._seeker_scheme: dict[str, str] = {}
        self._posting_scheme: dict[str, str] = {}
        #: Per scheme: (pool size, seeker pool, posting pool) of the last batch, until a change in the scheme.
        self._pools: dict[str, tuple[int, tuple[np.ndarray, ...], tuple[np.ndarray, ...]]] = {}

    # ----------------------------------------------------------------- fitting
    def fit(self, seekers: Iterable[SeekerRecord], postings: Iterable[PostingRecord],
            vectorizer: TextVectorizer | None = None) -> Engine:
        """Learn the vocabulary from all texts and build every scheme's matrices.

        Passing an already fitted ``vectorizer`` reuses its vocabulary (no refit): this is how
        an engine "fitted on the same vocabulary" is built to check incremental updates.
        """
        seekers, postings = list(seekers), list(postings)
        unique_ids(seekers)
        unique_ids(postings)
        for rec in [*seekers, *postings]:
            _check_scheme(rec.scheme)
        fitted: tuple[sp.csr_matrix, np.ndarray | None] | None = None
        if vectorizer is None:
            fitted = self.vectorizer.fit_transform([r.text for r in seekers] + [r.text for r in postings])
        else:
            self.vectorizer = vectorizer
        self.meaning = self.vectorizer.meaning is not None
        n = len(seekers)
        if fitted is not None and fitted[1] is not None:
            _fit_hub(self.vectorizer, seekers, postings, fitted[1])
        self._seekers = _blocks(seekers, self.vectorizer, seeker_columns,
                                None if fitted is None else (fitted[0][:n], _rows_of(fitted[1], 0, n)), side=1)
        self._postings = _blocks(postings, self.vectorizer, posting_columns,
                                 None if fitted is None else (fitted[0][n:], _rows_of(fitted[1], n, None)), side=0)
        self._seeker_scheme = {r.id: r.scheme for r in seekers}
        self._posting_scheme = {r.id: r.scheme for r in postings}
        self._pools = {}
        return self

    def seeker(self, seeker_id: str) -> SeekerRecord:
        block = self._seekers[self._seeker_scheme[str(seeker_id)]]
        return block.records[block.row_of[str(seeker_id)]]

    def posting(self, posting_id: str) -> PostingRecord:
        block = self._postings[self._posting_scheme[str(posting_id)]]
        return block.records[block.row_of[str(posting_id)]]

    # ----------------------------------------------------------- incremental
    def upsert_seeker(self, record: SeekerRecord) -> None:
        """Insert or replace one seeker, transforming only its text with the fitted vocabulary."""
        _check_scheme(record.scheme)
        self.remove_seeker(record.id)
        self._pools.pop(record.scheme, None)
        _add(self._seekers[record.scheme], record, self.vectorizer, side=1)
        self._seeker_scheme[record.id] = record.scheme

    def upsert_posting(self, record: PostingRecord) -> None:
        """Insert or replace one posting, transforming only its text with the fitted vocabulary."""
        _check_scheme(record.scheme)
        self.remove_posting(record.id)
        self._pools.pop(record.scheme, None)
        _add(self._postings[record.scheme], record, self.vectorizer, side=0)
        self._posting_scheme[record.id] = record.scheme

    def remove_seeker(self, seeker_id: str) -> bool:
        scheme = self._seeker_scheme.pop(str(seeker_id), None)
        if scheme is not None:
            self._pools.pop(scheme, None)
        return scheme is not None and self._seekers[scheme].remove(str(seeker_id))

    def remove_posting(self, posting_id: str) -> bool:
        scheme = self._posting_scheme.pop(str(posting_id), None)
        if scheme is not None:
            self._pools.pop(scheme, None)
        return scheme is not None and self._postings[scheme].remove(str(posting_id))

    # --------------------------------------------------------- single queries
    def top_k_for_posting(self, posting_id: str, k: int = 10, explain: bool = True) -> list[Suggestion]:
        """The best ``k`` seekers for one posting (empty when the posting is closed or full)."""
        scheme = self._posting_scheme[str(posting_id)]
        sb, pb = self._seekers[scheme], self._postings[scheme]
        row = pb.row_of[str(posting_id)]
        if not pb.cols["open"][row]:
            return []
        sims = sb.text.dot(pb.text.row(row))
        items = np.arange(len(sims))
        dense = sb.dense.dot(pb.dense.row(row)) if (sb.dense is not None and pb.dense is not None) else None
        if dense is not None:
            mask = sb.alive & ~ruled_out(sb.cols, pb.cols, items, row, scheme)
        else:
            mask = sb.alive & location_ok(sb.cols, pb.cols, items, np.full(len(items), row))
        ranked = self._pool_and_rank(scheme, mask, sims, dense, row, k, query_is_posting=True)
        return self._suggestions(scheme, ranked, explain)

    def top_k_for_seeker(self, seeker_id: str, k: int = 10, explain: bool = True) -> list[Suggestion]:
        """The best ``k`` open postings of the seeker's scheme for one seeker."""
        scheme = self._seeker_scheme[str(seeker_id)]
        sb, pb = self._seekers[scheme], self._postings[scheme]
        row = sb.row_of[str(seeker_id)]
        sims = pb.text.dot(sb.text.row(row))
        items = np.arange(len(sims))
        dense = pb.dense.dot(sb.dense.row(row)) if (sb.dense is not None and pb.dense is not None) else None
        if dense is not None:
            mask = pb.alive & ~ruled_out(sb.cols, pb.cols, row, items, scheme)
        else:
            mask = pb.alive & pb.cols["open"] & location_ok(sb.cols, pb.cols, np.full(len(items), row), items)
        ranked = self._pool_and_rank(scheme, mask, sims, dense, row, k, query_is_posting=False)
        return self._suggestions(scheme, ranked, explain)

    def _pool_and_rank(self, scheme: str, mask: np.ndarray, sims: np.ndarray, dense: np.ndarray | None,
                       row: int, k: int, query_is_posting: bool) -> Ranked:
        """Candidates: with the meaning channel the shared-pool rule (:meth:`_shared_rank`), else the text
        pool (char TF-IDF, sharing a feature)."""
        if dense is not None:
            return self._shared_rank(scheme, mask, sims, dense, row, k, query_is_posting)
        items = np.flatnonzero(mask & (sims > 0))
        q = np.zeros(len(items), dtype=np.int64)
        q, items, vals = keep_top(q, items, sims[items], self._pool(k), (1, len(sims)))
        q = np.full(len(items), row, dtype=np.int64)
        if query_is_posting:
            return self._rank(scheme, q, items, q, vals, k, query_is_posting)
        return self._rank(scheme, q, q, items, vals, k, query_is_posting)

    def _shared_rank(self, scheme: str, mask: np.ndarray, sims: np.ndarray, dense: np.ndarray, row: int, k: int,
                     query_is_posting: bool) -> Ranked:
        """One query's pool under the batch rule of :meth:`_shared_pools`: the ``_pool(k)`` best items by the
        float32 text blend (value descending, then row) among the allowed ones."""
        sb, pb = self._seekers[scheme], self._postings[scheme]
        items = np.flatnonzero(mask)
        if query_is_posting:
            off = off_role(sb.cols["role"][items], pb.cols["role"][row])
        else:
            off = off_role(sb.cols["role"][row], pb.cols["role"][items])
        s_hub, p_hub = self._hubs(sb), self._hubs(pb)
        shift = None
        if s_hub is not None and p_hub is not None:
            shift = (s_hub[items] + p_hub[row] if query_is_posting else s_hub[row] + p_hub[items]) * np.float32(0.5) \
                - np.float32(getattr(self.vectorizer, "hub_mean", 0.0))
        text = pool_text(sims[items], dense[items], off, shift, self.weights)
        keep = first_n(np.zeros(len(items), dtype=np.int64), items, text, self._pool(k))
        items = items[np.sort(keep)]
        q = np.full(len(items), row, dtype=np.int64)
        si, pj = (items, q) if query_is_posting else (q, items)
        return self._rank(scheme, q, si, pj, sims[items], k, query_is_posting, meaning=dense[items])

    def _hubs(self, block: Block) -> np.ndarray | None:  # type: ignore[type-arg]
        """The block's meaning hub column as float32 when the hub correction is on (see ``_scores``)."""
        if not self.weights.t_hub or "hub" not in block.cols:
            return None
        return block.cols["hub"].astype(np.float32)

    def _shared_pools(self, scheme: str, k: int) -> tuple[tuple[np.ndarray, ...], tuple[np.ndarray, ...]]:
        """(seeker pool, posting pool) of one scheme, each (query rows, item rows, char, meaning): for every
        query the ``_pool(k)`` best items by the text blend among those the location rule allows (and
        seekers the eligibility rule does not rule out everywhere), from one product shared by both
        directions and kept until the scheme changes."""
        n = self._pool(k)
        cached = self._pools.get(scheme)
        if cached is not None and cached[0] == n:
            return cached[1], cached[2]
        sb, pb = self._seekers[scheme], self._postings[scheme]
        assert sb.dense is not None and pb.dense is not None  # nosec B101 # meaning channel on
        s_rows = np.flatnonzero(sb.alive & ~seekers_never_eligible(sb.cols, scheme))
        p_rows = np.flatnonzero(pb.alive & pb.cols["open"])
        s_role, p_role = sb.cols["role"][s_rows], pb.cols["role"][p_rows]
        w = self.weights

        def ruled(lo: int, hi: int) -> np.ndarray:
            return ruled_out(sb.cols, pb.cols, s_rows[lo:hi, None], p_rows[None, :], scheme)

        def off(lo: int, hi: int) -> np.ndarray | None:
            return off_role(s_role[lo:hi, None], p_role[None, :]) if s_role[lo:hi].any() else None

        s_hub, p_hub = self._hubs(sb), self._hubs(pb)
        hub_mean = np.float32(getattr(self.vectorizer, "hub_mean", 0.0))

        def blend(lo: int, hi: int, char: np.ndarray, meaning: np.ndarray, off_: np.ndarray | None) -> np.ndarray:
            shift = None
            if s_hub is not None and p_hub is not None:
                shift = np.add(s_hub[s_rows[lo:hi], None], p_hub[p_rows][None, :])  # in place after: same values
                shift *= np.float32(0.5)
                shift -= hub_mean
            return pool_text(char, meaning, off_, shift, w)

        s_pool, p_pool = shared_pools(sb.text.base[s_rows], pb.text.base[p_rows], sb.dense.base[s_rows],
                                      pb.dense.base[p_rows], ruled, off, blend, n, n, self.chunk_rows)
        rows32 = s_rows.astype(np.int32), p_rows.astype(np.int32)  # compact while cached
        s_pool = (rows32[0][s_pool[0]], rows32[1][s_pool[1]], s_pool[2], s_pool[3])
        p_pool = (rows32[1][p_pool[0]], rows32[0][p_pool[1]], p_pool[2], p_pool[3])
        self._pools[scheme] = (n, s_pool, p_pool)
        return s_pool, p_pool

    # ---------------------------------------------------------------- batches
    def top_k_all_postings(self, k: int = 10, explain: bool = False) -> dict[str, list[Suggestion]]:
        """Top-k seekers for every open posting (chunked top-n sparse products per block)."""
        return self._batch(k, explain, query_is_posting=True)

    def top_k_all_seekers(self, k: int = 10, explain: bool = False) -> dict[str, list[Suggestion]]:
        """Top-k open postings for every seeker."""
        return self._batch(k, explain, query_is_posting=False)

    def _batch(self, k: int, explain: bool, query_is_posting: bool) -> dict[str, list[Suggestion]]:
        out: dict[str, list[Suggestion]] = {}
        for scheme in SCHEMES:
            sb, pb = self._seekers[scheme], self._postings[scheme]
            for block in (sb, pb):
                if block.needs_compaction():
                    block.compact()
                    self._pools.pop(scheme, None)
            a, b = (pb, sb) if query_is_posting else (sb, pb)
            if sb.dense is not None and pb.dense is not None:
                s_pool, p_pool = self._shared_pools(scheme, k)
                q, i, v, meaning = (col.astype(np.int64 if n < 2 else np.float64)
                                    for n, col in enumerate(p_pool if query_is_posting else s_pool))
            else:
                q, i, v, meaning = self._candidates(a, b, sb, pb, k, query_is_posting)
            si, pj = (i, q) if query_is_posting else (q, i)
            ranked = self._rank(scheme, q, si, pj, v, k, query_is_posting, meaning=meaning)
            queries = pb if query_is_posting else sb
            for rec, ok in zip(queries.records, pb.cols["open"] if query_is_posting else sb.alive, strict=True):
                if ok:
                    out[rec.id] = []
            found = self._suggestions(scheme, ranked, explain)
            rows = ranked[1] if query_is_posting else ranked[0]  # sorted by query row
            if len(rows):
                starts = np.r_[0, np.flatnonzero(np.diff(rows)) + 1, len(rows)].tolist()
                ids = [queries.records[r].id for r in rows[starts[:-1]].tolist()]
                for rid, lo, hi in zip(ids, starts[:-1], starts[1:], strict=True):
                    out[rid] = found[lo:hi]
        return out

    def _candidates(self, a: Block, b: Block, sb: Block, pb: Block, k: int, query_is_posting: bool  # type: ignore[type-arg]
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, None]:
        """Char-only candidate pairs of one scheme (query rows of ``a``, item rows of ``b``) with their
        char cosine, by location block (the meaning channel uses :meth:`_shared_pools`)."""
        t_parts: list[tuple[np.ndarray, ...]] = []
        a_n, b_n = len(a.records), len(b.records)
        for prow, srow in location_groups(sb.cols, pb.cols, sb.alive, pb.cols["open"]):
            arow, brow = (prow, srow) if query_is_posting else (srow, prow)
            for r, c, v in topn_pairs(a.text.base[arow], b.text.base[brow], self._pool(k),
                                      self.n_threads, self.chunk_rows):
                t_parts.append((arow[r], brow[c], v))
        q, i, v = keep_top(*_concat(t_parts), self._pool(k), (a_n, b_n))
        return q, i, v, None

    # ---------------------------------------------------------------- ranking
    def _pool(self, k: int) -> int:
        return max(self.pool_min, self.pool_factor * k)

    def _rank(self, scheme: str, q: np.ndarray, si: np.ndarray, pj: np.ndarray, sims: np.ndarray,
              k: int, query_is_posting: bool, meaning: np.ndarray | None = None) -> Ranked:
        """Apply the rules, score, order and keep ``k`` per query: (seeker rows, posting rows, score, tier).

        ``meaning``: approximate meaning cosines of the pairs (float32 matrix products) when the
        caller has them. They are used only to find, per query, the pairs that can reach the top
        ``k`` (the top ``k`` and every pair of the k-th pair's tier within ``_NEAR`` points of its
        score); those pairs alone get the exact row-wise cosines, so batch and single queries
        give the same scores whatever BLAS kernel computed the approximations.
        """
        sb, pb = self._seekers[scheme], self._postings[scheme]
        status = pair_status(sb.cols, pb.cols, si, pj, scheme)
        keep = status != RULED_OUT
        q, si, pj, sims, tier = q[keep], si[keep], pj[keep], sims[keep], status[keep]
        skills = pair_intersections(sb.skills, pb.skills, si, pj)
        cats = pair_intersections(sb.cats, pb.cats, si, pj)
        item_rank = _item_rank(sb, si) if query_is_posting else _item_rank(pb, pj)
        if sb.dense is None or pb.dense is None:
            meaning = None
        else:
            if meaning is not None:
                approx = self._scores_by_chunks(sb, pb, si, pj, sims, np.asarray(meaning, dtype=np.float64)[keep],
                                                skills, cats)
                near = _near_top(q, tier, approx, item_rank, k, _NEAR)
                q, si, pj, sims, tier = q[near], si[near], pj[near], sims[near], tier[near]
                skills, cats, item_rank = skills[near], cats[near], item_rank[near]
            meaning = sb.dense.pairs(si, pb.dense, pj)
        rounded = self._scores(sb, pb, si, pj, sims, meaning, skills, cats)
        order = _order(q, tier, rounded, item_rank)
        q, si, pj, rounded, tier = q[order], si[order], pj[order], rounded[order], tier[order]
        if len(q):
            top = _positions(q) < k
            si, pj, rounded, tier = si[top], pj[top], rounded[top], tier[top]
        return si, pj, rounded, tier

    def _scores_by_chunks(self, sb: Block, pb: Block, si: np.ndarray, pj: np.ndarray,  # type: ignore[type-arg]
                          sims: np.ndarray, meaning: np.ndarray, skills: np.ndarray, cats: np.ndarray) -> np.ndarray:
        """:meth:`_scores` by chunks of ``_SCORE_CHUNK`` pairs (every operation is per pair, so the values are the
        same): the two dozen temporaries of a chunk stay in the cache (0.39 s -> 0.29 s for 2M pairs)."""
        if len(si) <= _SCORE_CHUNK:
            return self._scores(sb, pb, si, pj, sims, meaning, skills, cats)
        out = np.empty(len(si), dtype=np.float64)
        for lo in range(0, len(si), _SCORE_CHUNK):
            part = slice(lo, lo + _SCORE_CHUNK)
            out[part] = self._scores(sb, pb, si[part], pj[part], sims[part], meaning[part], skills[part], cats[part])
        return out

    def _scores(self, sb: Block, pb: Block, si: np.ndarray, pj: np.ndarray, sims: np.ndarray,  # type: ignore[type-arg]
                meaning: np.ndarray | None, skills: np.ndarray, cats: np.ndarray) -> np.ndarray:
        """Final scores of the pairs, rounded to 4 decimals."""
        if meaning is not None and self.weights.t_hub:  # hubness correction (CSLS), see meaning.hub_max
            shift = (sb.cols["hub"][si] + pb.cols["hub"][pj]) / 2.0 - getattr(self.vectorizer, "hub_mean", 0.0)
            meaning = np.asarray(meaning, dtype=np.float64) - self.weights.t_hub * shift
        off = off_role(sb.cols["role"][si], pb.cols["role"][pj])
        text = blend_text(sims, meaning, off, self.weights)
        skills = np.where(off, self.weights.role_keep * skills, skills)  # tags of an off-role seeker: not offered work
        scores = pair_scores(sb.cols, pb.cols, si, pj, text, skills, cats, self.weights, self.reciprocal)
        return np.round(scores.score, 4)

    def _suggestions(self, scheme: str, ranked: Ranked, with_reasons: bool) -> list[Suggestion]:
        sb, pb = self._seekers[scheme], self._postings[scheme]
        si, pj, scores, _tier = ranked
        if not with_reasons:
            s_rec, p_rec = sb.records, pb.records
            if len(si) * 4 < len(s_rec) + len(p_rec):  # a few suggestions: no id lists of whole blocks
                return [_suggestion(s_rec[a].id, p_rec[b].id, c)
                        for a, b, c in zip(si.tolist(), pj.tolist(), scores.tolist(), strict=True)]
            s_ids, p_ids = [r.id for r in s_rec], [r.id for r in p_rec]
            # hundreds of thousands of acyclic objects: without the cyclic collector's passes over every
            # object alive (the engine's records), which otherwise cost more than building them
            collecting = gc.isenabled()
            gc.disable()
            try:
                return [_suggestion(s_ids[a], p_ids[b], c)
                        for a, b, c in zip(si.tolist(), pj.tolist(), scores.tolist(), strict=True)]
            finally:
                if collecting:
                    gc.enable()
        out: list[Suggestion] = []
        for s_row, p_row, score in zip(si.tolist(), pj.tolist(), scores.tolist(), strict=True):
            seeker, posting = sb.records[s_row], pb.records[p_row]
            reasons = explain(seeker, posting, sb.text.row(s_row), pb.text.row(p_row), self.vectorizer)
            out.append(Suggestion(seeker.id, posting.id, score, reasons))
        return out

    # ------------------------------------------------------------------ pairs
    def text_similarity(self, seeker_id: str, posting_id: str) -> float:
        """Cosine of the two records' stacked TF-IDF rows."""
        s, p = self._locate(seeker_id, posting_id)
        sb, pb = self._seekers[s[0]], self._postings[p[0]]
        return float((sb.text.row(s[1]) @ pb.text.row(p[1]).T).toarray()[0, 0])

    def score_pair(self, seeker_id: str, posting_id: str, explain: bool = True) -> Suggestion | None:
        """Score one pair; None when the schemes differ or a hard rule rules it out."""
        (s_scheme, s_row), (p_scheme, p_row) = self._locate(seeker_id, posting_id)
        if s_scheme != p_scheme:
            return None
        sim = np.array([self.text_similarity(seeker_id, posting_id)])
        one_s, one_p = np.array([s_row]), np.array([p_row])
        ranked = self._rank(s_scheme, one_p, one_s, one_p, sim, 1, True)
        found = self._suggestions(s_scheme, ranked, explain)
        return found[0] if found else None

    def _locate(self, seeker_id: str, posting_id: str) -> tuple[tuple[str, int], tuple[str, int]]:
        s_scheme = self._seeker_scheme[str(seeker_id)]
        p_scheme = self._posting_scheme[str(posting_id)]
        return ((s_scheme, self._seekers[s_scheme].row_of[str(seeker_id)]),
                (p_scheme, self._postings[p_scheme].row_of[str(posting_id)]))


_NEW = object.__new__
_SET_SEEKER, _SET_POSTING, _SET_SCORE, _SET_REASONS = (
    Suggestion.__dict__[name].__set__ for name in ("seeker_id", "posting_id", "score", "reasons"))


def _suggestion(seeker_id: str, posting_id: str, score: float) -> Suggestion:
    """``Suggestion(seeker_id, posting_id, score)`` without explanation, built through the slots directly
    (the frozen dataclass's ``__init__`` costs twice as much; batches build millions)."""
    out = _NEW(Suggestion)
    _SET_SEEKER(out, seeker_id)
    _SET_POSTING(out, posting_id)
    _SET_SCORE(out, score)
    _SET_REASONS(out, None)
    return out


def _order(q: np.ndarray, tier: np.ndarray, rounded: np.ndarray, item_rank: np.ndarray) -> np.ndarray:
    """Order by query, then tier (eligible first), then score descending, then id rank.

    Packs the four keys into one int64 when they fit (one argsort instead of a 4-key lexsort).
    """
    score_int = np.rint(rounded * 10_000).astype(np.int64)  # 0..1_000_000 < 2**20
    if len(q) == 0 or (q.max() < 2**20 and item_rank.max() < 2**21):
        key = ((q.astype(np.int64) * 2 + tier.astype(np.int64)) << 20 | (1_000_000 - score_int)) << 21
        return np.argsort(key | item_rank.astype(np.int64), kind="stable")
    return np.lexsort((item_rank, -score_int, tier, q))


def _concat(parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]]
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if not parts:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    qs, items, vals = zip(*parts, strict=True)
    return np.concatenate(qs), np.concatenate(items), np.concatenate(vals)


def _positions(q_sorted: np.ndarray) -> np.ndarray:
    """Position of each element within its run of equal (sorted) query numbers."""
    starts = np.r_[0, np.flatnonzero(np.diff(q_sorted)) + 1]
    first = np.repeat(starts, np.diff(np.r_[starts, len(q_sorted)]))
    return np.arange(len(q_sorted)) - first


def _near_top(q: np.ndarray, tier: np.ndarray, score: np.ndarray, item_rank: np.ndarray, k: int,
              margin: float) -> np.ndarray:
    """Mask of the pairs that may be in their query's top ``k`` once scores move by less than ``margin``."""
    if len(q) == 0:
        return np.zeros(0, dtype=bool)
    order = _order(q, tier, score, item_rank)
    qs, ts, ss = q[order], tier[order], score[order]
    pos = _positions(qs)
    starts = np.flatnonzero(pos == 0)
    sizes = np.diff(np.r_[starts, len(qs)])
    group = np.repeat(np.arange(len(starts)), sizes)
    kth = starts + np.minimum(sizes, k) - 1
    full = (sizes >= k)[group]
    near_sorted = (pos < k) | ~full | ((ts == ts[kth][group]) & (ss >= ss[kth][group] - margin))
    mask = np.zeros(len(q), dtype=bool)
    mask[order] = near_sorted
    return mask


def _item_rank(block: Block, rows: np.ndarray) -> np.ndarray:  # type: ignore[type-arg]
    """Id-order ranks of ``rows`` (the final tie-break): the block's cached ranks, or for a few rows
    (single queries after upserts) their order among themselves, which sorts them the same way."""
    if block._id_rank is not None or len(rows) * 8 >= len(block.records):
        return block.id_rank()[rows]
    ids = [block.records[r].id for r in rows.tolist()]
    where = {rid: n for n, rid in enumerate(sorted(set(ids)))}
    return np.fromiter((where[rid] for rid in ids), dtype=np.int64, count=len(ids))


def _check_scheme(scheme: str) -> None:
    if scheme not in SCHEMES:
        raise ValueError(f"unknown scheme {scheme!r}")


def _rows_of(dense: np.ndarray | None, start: int, stop: int | None) -> np.ndarray | None:
    return None if dense is None else dense[start:stop]


def _fit_hub(vectorizer: TextVectorizer, seekers: Sequence[SeekerRecord], postings: Sequence[PostingRecord],
             dense: np.ndarray) -> None:
    """Keep each scheme's fitted meaning rows (seekers, postings; at most ``meaning.HUB_ANCHORS`` each) on the
    vectorizer as the hub anchors, and the mean hub of the anchors; like the IDF, both are refreshed only by a
    full fit."""
    n = len(seekers)
    anchors: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for scheme in SCHEMES:
        s_rows = [i for i, r in enumerate(seekers) if r.scheme == scheme]
        p_rows = [n + j for j, r in enumerate(postings) if r.scheme == scheme]
        anchors[scheme] = (hub_anchors(dense[s_rows]), hub_anchors(dense[p_rows]))
    vectorizer.hub_anchors = anchors  # type: ignore[attr-defined]
    values = [hub_max(a[side], a[1 - side]) for a in anchors.values() for side in (0, 1)]
    joined = np.concatenate(values) if values else np.zeros(0)
    joined = joined[~np.isnan(joined)]
    vectorizer.hub_mean = float(np.round(joined.mean(), 7)) if joined.size else 0.0  # type: ignore[attr-defined]


def _hub_column(vectorizer: TextVectorizer, scheme: str, dense: np.ndarray | None, side: int) -> Columns | None:
    """``{"hub": ...}`` for rows of one side (0 postings, 1 seekers) against the other side's anchors."""
    if dense is None:
        return None
    anchors = getattr(vectorizer, "hub_anchors", {}).get(scheme)
    hub = hub_max(dense, None if anchors is None else anchors[side])
    return {"hub": np.where(np.isnan(hub), getattr(vectorizer, "hub_mean", 0.0), hub)}


def _blocks(records: Sequence, vectorizer: TextVectorizer, columns_of,  # type: ignore[type-arg]
            transformed: tuple[sp.csr_matrix, np.ndarray | None] | None = None,
            side: int = 1) -> dict[str, Block]:  # type: ignore[type-arg]
    """Per-scheme blocks; ``transformed``: the records' text matrices when ``fit_transform`` made them."""
    if transformed is None:
        texts = [r.text for r in records]
        transformed = (vectorizer.transform(texts), vectorizer.transform_dense(texts))
    matrix, dense = transformed
    blocks: dict[str, Block] = {}  # type: ignore[type-arg]
    for scheme in SCHEMES:
        rows = [i for i, r in enumerate(records) if r.scheme == scheme]
        part = None if dense is None else dense[rows]
        blocks[scheme] = Block([records[i] for i in rows], matrix[rows], columns_of, part,
                               _hub_column(vectorizer, scheme, part, side))
    return blocks


def _add(block: Block, record: SeekerRecord | PostingRecord, vectorizer: TextVectorizer,  # type: ignore[type-arg]
         side: int = 1) -> None:
    dense = vectorizer.transform_dense([record.text])
    block.add(record, vectorizer.transform([record.text]), None if dense is None else dense[0],
              _hub_column(vectorizer, record.scheme, dense, side))
    if len(block.text.tail) >= _TAIL_FOLD:
        block.text.compact()


def suggest_for_posting(posting: PostingRecord, seekers: Sequence[SeekerRecord], k: int = 10,
                        word_channel: bool = DEFAULT_WORD_CHANNEL,
                        meaning: bool | None = DEFAULT_MEANING) -> list[Suggestion]:
    """Convenience for small sets: fit an engine on these records and rank seekers for ``posting``."""
    engine = Engine(word_channel=word_channel, meaning=meaning).fit(seekers, [posting])
    return engine.top_k_for_posting(posting.id, k)
