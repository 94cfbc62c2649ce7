"""Boilerplate sentences: sentences that many fitted texts repeat word for word, left out of the text channels.

Profiles and postings often open or close with set phrases (「よろしくお願いいたします。」,
「オンラインでの打ち合わせにも対応できます。」, 「地域の皆さんと一緒に取り組んでいただける方を歓迎します。」).
They say nothing about the work, yet their words and n-grams weigh in every cosine: IDF lowers each word
a little, but a whole sentence shared by thousands of texts still pulls their vectors together. A
sentence counts as boilerplate when, after normalisation (NFKC, lower case), at least ``MIN_SHARE`` of the
fitted texts and at least ``MIN_COUNT`` of them contain it. Like the IDF, the set is learned by a full
fit only and frozen for upserts (so a record transformed alone gets what a batch gives it). A text made
only of boilerplate is kept whole. Learning needs ``MIN_DOCS`` texts: on a handful, any repeated sentence
would look like boilerplate.

Cost: one regular-expression split and one set look-up per sentence (a few microseconds per text);
learning counts each text's distinct sentences once.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

from marketplace.matching.normalize import normalize_text

#: Share of the fitted texts that must contain a sentence for it to count as boilerplate.
MIN_SHARE = 0.02
#: ... and at least this many of them.
MIN_COUNT = 3
#: Fewest fitted texts for which boilerplate is learned at all.
MIN_DOCS = 50

# a sentence: up to and including its end marks (full- or half-width), or up to a line break
_SENTENCE = re.compile(r"[^。｡．！？!?\n]+[。｡．！？!?]*")


@lru_cache(maxsize=262_144)
def _key(sentence: str) -> str:
    return normalize_text(sentence).strip()


def sentence_keys(text: str) -> set[str]:
    """Normalised distinct sentences of a text."""
    return {key for key in map(_key, _SENTENCE.findall(text or "")) if key}


class Boilerplate:
    """The boilerplate sentences of a fitted corpus (empty until :meth:`fit`)."""

    def __init__(self, min_share: float = MIN_SHARE, min_count: int = MIN_COUNT, min_docs: int = MIN_DOCS) -> None:
        self.min_share = min_share
        self.min_count = min_count
        self.min_docs = min_docs
        self.sentences: frozenset[str] = frozenset()

    def fit(self, texts: Iterable[str]) -> Boilerplate:
        docs = 0
        counts: Counter[str] = Counter()
        for text in texts:
            docs += 1
            counts.update(sentence_keys(text))
        threshold = max(float(self.min_count), self.min_share * docs)
        self.sentences = frozenset(key for key, n in counts.items() if n >= threshold) \
            if docs >= self.min_docs else frozenset()
        return self

    def strip(self, text: str) -> str:
        """The text without its boilerplate sentences (unchanged when it has none, whole when it has nothing else)."""
        if not self.sentences or not text:
            return text
        spans = [m.span() for m in _SENTENCE.finditer(text) if _key(m.group()) in self.sentences]
        if not spans:
            return text
        kept, last = [], 0
        for start, end in spans:
            kept.append(text[last:start])
            last = end
        kept.append(text[last:])
        out = "".join(kept)
        return out if out.strip() else text
