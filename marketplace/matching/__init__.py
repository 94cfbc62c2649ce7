"""Matching engine: reciprocal, rule-checked suggestions of seekers for postings (no Flask, no SQLAlchemy).

Public API (stable names):

- Records: ``SeekerRecord``, ``PostingRecord``, ``seeker_from_dict``, ``posting_from_dict``, ``to_dict``,
  constants ``SCHEMES``, ``EMPLOYMENT_FORMS``, ``IPA_LEVEL4_EXAMS``, ``PREFECTURES``, ``REGIONS``, ``region_of``.
- Rules: ``Verdict``, ``RuleSpec``, ``SCHEME_RULES``, ``evaluate_pair``, ``overall_status``.
- Engine: ``Engine`` (``fit``, ``top_k_for_posting``, ``top_k_for_seeker``, ``top_k_all_postings``,
  ``top_k_all_seekers``, ``upsert_seeker``, ``upsert_posting``, ``remove_seeker``, ``remove_posting``,
  ``score_pair``, ``text_similarity``), ``suggest_for_posting``, ``Weights``.
- Output: ``Suggestion``, ``Explanation``, ``FundingNote``, ``funding_for``.
- Proposals: ``Arc``, ``arcs_from_suggestions``, ``assign_min_cost``, ``assign_stable``.
- Files: ``read_dir``, ``read_seekers``, ``read_postings``, ``read_qrels``, ``write_jsonl``.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# Names resolve on first use, so that importing a light submodule (records, rules, the text
# normaliser) does not load scikit-learn, SciPy or OR-Tools: web processes import those
# submodules and must stay free of the heavy libraries (only matcher processes fit engines).
_LAZY = {
    "marketplace.matching.assign": ("Arc", "arcs_from_suggestions", "assign_min_cost", "assign_stable"),
    "marketplace.matching.engine": ("DEFAULT_WORD_CHANNEL", "Engine", "suggest_for_posting"),
    "marketplace.matching.explain": ("Explanation", "Suggestion"),
    "marketplace.matching.funding": ("FundingNote", "funding_for"),
    "marketplace.matching.io": ("read_dir", "read_postings", "read_qrels", "read_seekers", "write_jsonl"),
    "marketplace.matching.records": ("EMPLOYMENT_FORMS", "IPA_LEVEL4_EXAMS", "SCHEMES", "PostingRecord",
                                     "SeekerRecord", "posting_from_dict", "seeker_from_dict", "to_dict"),
    "marketplace.matching.regions": ("PREFECTURES", "REGIONS", "region_of"),
    "marketplace.matching.rules": ("SCHEME_RULES", "RuleSpec", "Verdict", "evaluate_pair", "overall_status"),
    "marketplace.matching.scoring": ("Weights",),
}
_WHERE = {name: module for module, names in _LAZY.items() for name in names}

if TYPE_CHECKING:
    from marketplace.matching.assign import Arc, arcs_from_suggestions, assign_min_cost, assign_stable
    from marketplace.matching.engine import DEFAULT_WORD_CHANNEL, Engine, suggest_for_posting
    from marketplace.matching.explain import Explanation, Suggestion
    from marketplace.matching.funding import FundingNote, funding_for
    from marketplace.matching.io import read_dir, read_postings, read_qrels, read_seekers, write_jsonl
    from marketplace.matching.records import (
        EMPLOYMENT_FORMS, IPA_LEVEL4_EXAMS, SCHEMES, PostingRecord, SeekerRecord, posting_from_dict,
        seeker_from_dict, to_dict,
    )
    from marketplace.matching.regions import PREFECTURES, REGIONS, region_of
    from marketplace.matching.rules import SCHEME_RULES, RuleSpec, Verdict, evaluate_pair, overall_status
    from marketplace.matching.scoring import Weights


__all__ = [
    "DEFAULT_WORD_CHANNEL", "EMPLOYMENT_FORMS", "IPA_LEVEL4_EXAMS", "PREFECTURES", "REGIONS", "SCHEMES",
    "SCHEME_RULES", "Arc", "Engine", "Explanation", "FundingNote", "PostingRecord", "RuleSpec", "SeekerRecord",
    "Suggestion", "Verdict", "Weights", "arcs_from_suggestions", "assign_min_cost", "assign_stable",
    "evaluate_pair", "funding_for", "overall_status", "posting_from_dict", "read_dir", "read_postings",
    "read_qrels", "read_seekers", "region_of", "seeker_from_dict", "suggest_for_posting", "to_dict",
    "write_jsonl",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
