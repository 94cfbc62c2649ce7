"""Japanese text normalisation, SudachiPy word tokens and the stacked char/word TF-IDF vectoriser."""
from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np
import scipy.sparse as sp
import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize as l2_normalize

from marketplace.matching.boilerplate import Boilerplate
from marketplace.matching.normalize import _RANGE_MARKS, normalize_tag, normalize_text  # noqa: F401

#: ``max_df`` pruning needs a corpus of at least this many texts (on a handful it would drop
#: every shared term).
MIN_DOCS_FOR_PRUNING = 50

#: Parts of speech that carry no topic: particles, auxiliaries, symbols, blanks, dependent verbs.
SKIPPED_POS: tuple[tuple[str, ...], ...] = (
    ("助詞",), ("助動詞",), ("補助記号",), ("記号",), ("空白",),
    ("動詞", "非自立可能"), ("形容詞", "非自立可能"), ("接続詞",), ("感動詞",),
)


@lru_cache(maxsize=1)
def _sudachi() -> tuple[Any, Any, Any]:
    """Load the SudachiDict-core dictionary once; return (tokenizer, skip matcher, noun matcher)."""
    from sudachipy import Dictionary, SplitMode

    dictionary = Dictionary(dict="core")
    tokenizer = dictionary.tokenizer(SplitMode.C)
    skip = dictionary.pos_matcher(list(SKIPPED_POS))
    noun = dictionary.pos_matcher([("名詞", "普通名詞"), ("名詞", "固有名詞")])
    return tokenizer, skip, noun


@lru_cache(maxsize=262_144)
def word_tokens(text: str) -> tuple[str, ...]:
    """Content-word normalized forms (SplitMode.C) of a text; cached by text."""
    tokenizer, skip, _ = _sudachi()
    normalized = normalize_text(text)
    if not normalized:
        return ()
    return tuple(m.normalized_form().lower() for m in tokenizer.tokenize(normalized) if not skip(m))


def key_nouns(text: str) -> dict[str, str]:
    """Nouns of at least two characters: lower-cased normalized form -> first surface (NFKC, case kept)."""
    tokenizer, _, noun = _sudachi()
    out: dict[str, str] = {}
    display = unicodedata.normalize("NFKC", text or "").translate(_RANGE_MARKS)
    for m in tokenizer.tokenize(display):
        surface = m.surface()
        if noun(m) and len(surface) >= 2 and not surface.isdigit():
            out.setdefault(m.normalized_form().lower(), surface)
    return out


def _word_analyzer(doc: str) -> list[str]:
    return list(word_tokens(doc))


class TextVectorizer:
    """Char n-gram TF-IDF (char_wb, 2–3) optionally stacked with Sudachi word TF-IDF.

    Each channel is L2-normalised, weighted, stacked with ``scipy.sparse.hstack`` and the
    rows are L2-normalised again, so a dot product of two rows is a cosine in [0, 1].
    The vocabulary and IDF are learned by :meth:`fit` only; :meth:`transform` reuses them.
    """

    def __init__(
        self,
        word_channel: bool = False,
        word_weight: float = 0.6,
        max_df: float = 0.5,
        min_df: int = 1,
        meaning: bool = False,
        boilerplate: bool = True,
    ) -> None:
        self.word_channel = word_channel
        #: Sentences repeated by many fitted texts, left out of every channel (learned by ``fit``; see boilerplate.py).
        self.boilerplate = Boilerplate() if boilerplate else None
        #: Dense meaning channel (averaged word vectors), kept beside the sparse matrix; see meaning.py.
        self.meaning = None
        if meaning:
            from marketplace.matching.meaning import MeaningVectorizer

            self.meaning = MeaningVectorizer()
        self.word_weight = word_weight
        self.max_df = max_df
        self.char = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(2, 3), preprocessor=normalize_text, lowercase=False,
            max_df=max_df, min_df=min_df, sublinear_tf=True, dtype=np.float32,
        )
        self.word: TfidfVectorizer | None = None
        if word_channel:
            self.word = TfidfVectorizer(
                analyzer=_word_analyzer, max_df=max_df, min_df=min_df,
                sublinear_tf=True, dtype=np.float32,
            )
        self._char_vocab: dict[str, int] = {}

    def fit(self, texts: Sequence[str]) -> TextVectorizer:
        """Learn vocabularies and IDF weights from ``texts``."""
        self._fit(list(texts), keep=False)
        return self

    def fit_transform(self, texts: Sequence[str]) -> tuple[sp.csr_matrix, np.ndarray | None]:
        """``fit(texts)`` then (``transform(texts)``, ``transform_dense(texts)``), counting and
        averaging each text once (the same matrices as the two calls)."""
        return self._fit(list(texts), keep=True)  # type: ignore[return-value]

    def _strip(self, docs: list[str]) -> list[str]:
        if self.boilerplate is None or not self.boilerplate.sentences:
            return docs
        return [self.boilerplate.strip(doc) for doc in docs]

    def _fit(self, docs: list[str], keep: bool) -> tuple[sp.csr_matrix, np.ndarray | None] | None:
        if self.boilerplate is not None:
            docs = self._strip(docs) if self.boilerplate.fit(docs).sentences else docs
        max_df = self.max_df if len(docs) >= MIN_DOCS_FOR_PRUNING else 1.0
        self.char.set_params(max_df=max_df)
        if self.word is not None:
            self.word.set_params(max_df=max_df)
        char = self.char.fit_transform(docs) if keep else self.char.fit(docs)
        self._char_vocab = dict(self.char.vocabulary_)
        word = None
        if self.word is not None:
            word = self.word.fit_transform(docs) if keep else self.word.fit(docs)
        dense = None
        if self.meaning is not None:
            dense = self.meaning.fit_transform(docs) if keep else self.meaning.fit(docs)
        if not keep:
            return None
        return self._stack(char, word), dense

    def transform_dense(self, texts: Sequence[str]) -> np.ndarray | None:
        """(n, dim) float32 L2-normalised meaning vectors, or None without the meaning channel."""
        if self.meaning is None:
            return None
        return self.meaning.transform(self._strip(list(texts)))

    @property
    def n_char_features(self) -> int:
        """Width of the char channel (word columns follow it)."""
        return len(self._char_vocab)

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Rows L2-normalised float32 CSR matrix of the stacked channels."""
        docs = self._strip(list(texts))
        # the inputs are our own lists of strings: sklearn's per-call validation is most of the cost of
        # transforming one text (an upsert)
        with sklearn.config_context(assume_finite=True, skip_parameter_validation=True):
            return self._stack(self.char.transform(docs), None if self.word is None else self.word.transform(docs))

    def _stack(self, char: sp.csr_matrix, word: sp.csr_matrix | None) -> sp.csr_matrix:
        if word is None:
            out = char
        else:
            out = sp.hstack([char, word * np.float32(self.word_weight)], format="csr", dtype=np.float32)
            out = l2_normalize(out, norm="l2", copy=False)
        out = sp.csr_matrix(out, dtype=np.float32)
        out.sort_indices()
        return out

    def char_ngram_weight(self, a: sp.csr_matrix, b: sp.csr_matrix, term: str) -> float:
        """Contribution of a term's char n-grams to the cosine of rows ``a`` and ``b``."""
        grams = {term[i:i + n] for n in (2, 3) for i in range(len(term) - n + 1)}
        cols = [self._char_vocab[g] for g in grams if g in self._char_vocab]
        if not cols:
            return 0.0
        return float(a[0, cols].toarray().ravel() @ b[0, cols].toarray().ravel())

    def word_weight_of(self, a: sp.csr_matrix, b: sp.csr_matrix, term: str) -> float:
        """Contribution of a word-channel term to the cosine (0 without the word channel)."""
        if self.word is None:
            return 0.0
        col = self.word.vocabulary_.get(term)
        if col is None:
            return 0.0
        col += self.n_char_features
        return float(a[0, col] * b[0, col])
