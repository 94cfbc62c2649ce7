"""Explanations of a suggestion: shared skills, key terms, rules satisfied/flagged and funding."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import scipy.sparse as sp

from marketplace.matching.funding import FundingNote, funding_for
from marketplace.matching.records import PostingRecord, SeekerRecord
from marketplace.matching.rules import evaluate_pair
from marketplace.matching.stoplist import KEY_TERM_SKIPPED_POS, KEY_TERM_STOPLIST
from marketplace.matching.text import TextVectorizer, key_nouns, normalize_tag


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why a pair was suggested; all codes are stable strings for translation."""

    shared_skills: tuple[str, ...] = ()
    key_terms: tuple[str, ...] = ()
    satisfied: tuple[str, ...] = ()
    flagged: tuple[str, ...] = ()
    funding: tuple[FundingNote, ...] = ()


@dataclass(frozen=True, slots=True)
class Suggestion:
    """One suggested pair; ``reasons`` is None only when explanations were not requested."""

    seeker_id: str
    posting_id: str
    score: float
    reasons: Explanation | None = None


def shared_skills(seeker: SeekerRecord, posting: PostingRecord) -> tuple[str, ...]:
    """The posting's skill tags (as written) that the seeker also lists, after normalisation."""
    mine = {normalize_tag(t) for t in seeker.skills}
    out: list[str] = []
    seen: set[str] = set()
    for tag in posting.skills:
        norm = normalize_tag(tag)
        if norm and norm in mine and norm not in seen:
            seen.add(norm)
            out.append(tag)
    return tuple(out)


@lru_cache(maxsize=1)
def _skip_pos() -> Any:
    from sudachipy import Dictionary

    return Dictionary(dict="core").pos_matcher(list(KEY_TERM_SKIPPED_POS))


def is_filler(norm: str, surface: str) -> bool:
    """A noun that names no skill or topic (see ``stoplist.py``)."""
    return norm in KEY_TERM_STOPLIST or surface.lower() in KEY_TERM_STOPLIST


def topic_nouns(text: str) -> dict[str, str]:
    """``key_nouns`` without filler: stop-listed words and noun subtypes that name no topic."""
    nouns = key_nouns(text)
    if not nouns:
        return nouns
    from marketplace.matching.text import _sudachi

    tokenizer = _sudachi()[0]
    skip = _skip_pos()
    skipped = {m.normalized_form().lower() for m in tokenizer.tokenize(" ".join(nouns.values())) if skip(m)}
    return {norm: surface for norm, surface in nouns.items()
            if norm not in skipped and not is_filler(norm, surface)}


def key_terms(seeker: SeekerRecord, posting: PostingRecord, seeker_vec: sp.csr_matrix,
              posting_vec: sp.csr_matrix, vectorizer: TextVectorizer, n: int = 5) -> tuple[str, ...]:
    """Shared nouns ranked by their contribution to the TF-IDF cosine (ties: by term)."""
    a, b = topic_nouns(posting.text), topic_nouns(seeker.text)
    scored: list[tuple[float, str]] = []
    for norm in sorted(set(a) & set(b)):
        surface = a[norm]
        weight = vectorizer.char_ngram_weight(posting_vec, seeker_vec, surface.lower())
        weight += vectorizer.word_weight_of(posting_vec, seeker_vec, norm)
        if weight > 0:
            scored.append((weight, surface))
    scored.sort(key=lambda item: (-item[0], item[1]))
    return tuple(term for _, term in scored[:n])


def explain(seeker: SeekerRecord, posting: PostingRecord, seeker_vec: sp.csr_matrix,
            posting_vec: sp.csr_matrix, vectorizer: TextVectorizer, n_terms: int = 5) -> Explanation:
    """Build the explanation of one pair from the scalar rules and the fitted vectoriser."""
    verdicts = evaluate_pair(seeker, posting)
    return Explanation(
        shared_skills=shared_skills(seeker, posting),
        key_terms=key_terms(seeker, posting, seeker_vec, posting_vec, vectorizer, n_terms),
        satisfied=tuple(v.code for v in verdicts if v.status == "ok" and v.code is not None),
        flagged=tuple(v.code for v in verdicts if v.status == "flagged" and v.code is not None),
        funding=funding_for(posting),
    )
