"""Meaning channel: IDF-weighted mean of static word vectors over a text's Sudachi content words.

Tokens come from the same SudachiPy dictionary as the word channel (SplitMode.C; a compound the
vectors do not know is split into its SplitMode.A parts). Content words are nouns (not numerals),
verbs, adjectives, adjectival nouns and adverbs that are not dependent (非自立可能). Each word is
looked up by surface form, then dictionary form, then normalized form (ja-ginza's keys are spaCy
orth strings). The dense vector of a text is the IDF-weighted mean of its word vectors minus the
corpus mean (both learned by :meth:`MeaningVectorizer.fit` only), L2-normalised, float32, so the dot
product of two rows is a centred cosine in [-1, 1].
"""
from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from marketplace.matching import vectors as wv

_CONTENT_POS: tuple[tuple[str, ...], ...] = (
    ("名詞", "普通名詞"), ("名詞", "固有名詞"), ("動詞", "一般"), ("形容詞", "一般"),
    ("形状詞", "一般"), ("副詞",),
)


@lru_cache(maxsize=1)
def _sudachi() -> tuple[Any, Any, Any]:
    from sudachipy import SplitMode

    from marketplace.matching.text import _sudachi as shared

    tokenizer = shared()[0]
    from sudachipy import Dictionary

    matcher = Dictionary(dict="core").pos_matcher(list(_CONTENT_POS))
    return tokenizer, matcher, SplitMode.A


def _lookup(vectors: wv.WordVectors, forms: Sequence[str]) -> int:
    for form in forms:
        row = vectors.row(form)
        if row >= 0:
            return row
    return -1


@lru_cache(maxsize=262_144)
def content_rows(text: str) -> tuple[int, ...]:
    """Vector rows of the content words of a text (cached by text; unknown words are left out)."""
    tokenizer, content, mode_a = _sudachi()
    vectors = wv.load()
    normalized = unicodedata.normalize("NFKC", text or "").strip()
    if not normalized:
        return ()
    rows: list[int] = []
    for m in tokenizer.tokenize(normalized):
        if not content(m):
            continue
        row = _lookup(vectors, (m.surface(), m.dictionary_form(), m.normalized_form()))
        if row >= 0:
            rows.append(row)
            continue
        for part in m.split(mode_a):
            if len(part.surface()) > 1 or not part.surface().isascii():
                row = _lookup(vectors, (part.surface(), part.dictionary_form(), part.normalized_form()))
                if row >= 0:
                    rows.append(row)
    return tuple(rows)


def mean_vectors(texts: Sequence[str], idf: np.ndarray | None = None) -> np.ndarray:
    """(n, dim) float32 weighted means of the texts' word vectors (zero rows when no word is known)."""
    vectors = wv.load()
    out = np.zeros((len(texts), vectors.dim), dtype=np.float32)
    for i, text in enumerate(texts):
        rows = content_rows(text)
        if rows:
            idx = np.fromiter(rows, dtype=np.int64, count=len(rows))
            if idf is None:
                out[i] = vectors.table[idx].mean(axis=0)
            else:
                w = idf[idx]
                out[i] = (w @ vectors.table[idx]) / max(float(w.sum()), 1e-9)
    return out


def l2_rows(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return (matrix / np.where(norms > 0, norms, 1.0)).astype(np.float32)


class MeaningVectorizer:
    """IDF-weighted, mean-centred average word vectors; vocabulary statistics learned by ``fit`` only."""

    def __init__(self, idf_weighting: bool = True, centre: bool = True) -> None:
        self.idf_weighting = idf_weighting
        self.centre = centre
        self.idf: np.ndarray | None = None
        self.mean: np.ndarray | None = None

    @property
    def dim(self) -> int:
        return wv.load().dim

    def fit(self, texts: Sequence[str]) -> MeaningVectorizer:
        self._fit(list(texts))
        return self

    def _fit(self, docs: list[str]) -> np.ndarray | None:
        """Learn IDF and mean; return the fitted texts' uncentred rows when centring computed them."""
        vectors = wv.load()
        df = np.zeros(vectors.table.shape[0], dtype=np.float64)
        for text in docs:
            rows = set(content_rows(text))
            if rows:
                df[np.fromiter(rows, dtype=np.int64, count=len(rows))] += 1.0
        n = max(1, len(docs))
        self.idf = (np.log((1.0 + n) / (1.0 + df)) + 1.0).astype(np.float32) if self.idf_weighting else None
        self.mean = None
        if self.centre and docs:
            rows = l2_rows(mean_vectors(docs, self.idf))
            self.mean = rows.mean(axis=0).astype(np.float32)
            return rows
        return None

    def fit_transform(self, texts: Sequence[str]) -> np.ndarray:
        """``fit(texts).transform(texts)``, averaging each text's word vectors once."""
        docs = list(texts)
        raw = self._fit(docs)
        return self._finish(l2_rows(mean_vectors(docs, self.idf)) if raw is None else raw)

    def transform(self, texts: Sequence[str]) -> np.ndarray:
        """(n, dim) float32 L2-normalised rows (zero rows for texts with no known word)."""
        return self._finish(l2_rows(mean_vectors(list(texts), self.idf)))

    def _finish(self, raw: np.ndarray) -> np.ndarray:
        if self.mean is not None:
            empty = ~raw.any(axis=1)
            raw = raw - self.mean
            raw[empty] = 0.0
        return l2_rows(raw)


#: Rows of the anchor matrix multiplied at once by :func:`hub_max`.
HUB_CHUNK = 2048
#: Most anchors kept per side and scheme (evenly spaced fitted rows): an upsert then costs one
#: (1 x 300) @ (300 x 2048) product (about 1 ms) whatever the number of records.
HUB_ANCHORS = 2048
_HUB_GEMV_ROWS = 512


def hub_anchors(rows: np.ndarray) -> np.ndarray:
    """At most ``HUB_ANCHORS`` evenly spaced rows, float64 (the anchors of :func:`hub_max`)."""
    n = rows.shape[0]
    if n > HUB_ANCHORS:
        rows = rows[np.linspace(0, n - 1, HUB_ANCHORS).round().astype(np.int64)]
    return np.ascontiguousarray(rows, dtype=np.float64)


def hub_max(rows: np.ndarray, anchors: np.ndarray | None) -> np.ndarray:
    """Largest meaning cosine of each row with the anchors (float64, rounded to 1e-7; NaN without anchors).

    This is the "hubness" of a text for hubness-corrected similarity (cross-domain similarity local
    scaling, CSLS): a generic text is close to many texts of the other side, so its best cosine is
    high and its cosine with any one of them says less. Computed in float64 and rounded so that a
    record transformed alone (an upsert) gets exactly the value a batch gives it.
    """
    out = np.full(rows.shape[0], np.nan)
    if anchors is None or anchors.shape[0] == 0 or rows.shape[0] == 0:
        return out
    query = np.asarray(rows, dtype=np.float64)
    if query.shape[0] == 1:
        # one record (an upsert): matrix-vector products by blocks of anchors, each on one BLAS thread
        # (a (1 x 300) @ (300 x 2048) product on every thread of a loaded machine costs several times that)
        one = max(float((anchors[lo:lo + _HUB_GEMV_ROWS] @ query[0]).max())
                  for lo in range(0, anchors.shape[0], _HUB_GEMV_ROWS))
        return np.round(np.array([one]), 7)
    best = np.full(rows.shape[0], -np.inf)
    for start in range(0, anchors.shape[0], HUB_CHUNK):
        best = np.maximum(best, (query @ anchors[start:start + HUB_CHUNK].T).max(axis=1))
    return np.round(best, 7)
