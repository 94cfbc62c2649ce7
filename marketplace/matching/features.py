"""Column arrays of the structured fields of seekers and postings, for vectorised rules and scores."""
from __future__ import annotations

import zlib
from collections.abc import Iterable, Sequence

import numpy as np
import scipy.sparse as sp

from marketplace.matching.cues import role_masks
from marketplace.matching.records import EMPLOYMENT_FORMS, PostingRecord, SeekerRecord, posting_is_open
from marketplace.matching.regions import REGION_INDEX, effective_prefecture, region_of
from marketplace.matching.rules import exam_codes
from marketplace.matching.text import normalize_tag

REMOTE_CODE: dict[str, int] = {"remote": 0, "onsite": 1, "either": 2}
#: Bit of each employment form / exit / programme; forms outside the vocabularies get the next bit.
FORM_BIT: dict[str, int] = {}
for _forms in EMPLOYMENT_FORMS.values():
    for _form in _forms:
        FORM_BIT.setdefault(_form, len(FORM_BIT))
TAG_SPACE = 1 << 20
#: Below this many pairs, shared tags are counted with per-row column sets (binary tags only).
_FEW_PAIRS = 4096


def form_bit(form: str) -> int:
    """The bit mask of a form; unknown forms are registered (at most 64 distinct forms)."""
    if form not in FORM_BIT:
        if len(FORM_BIT) >= 64:
            raise ValueError(f"too many distinct employment forms to register {form!r}")
        FORM_BIT[form] = len(FORM_BIT)
    return 1 << FORM_BIT[form]


def _pref_num(code: str | None) -> int:
    return int(code) if code is not None else 0


def _region_num(code: str | None) -> int:
    region = region_of(code)
    return REGION_INDEX[region] if region is not None else -1


def _nan(value: float | int | None) -> float:
    return float("nan") if value is None else float(value)


def _ordinal(value: object) -> float:
    return float("nan") if value is None else float(value.toordinal())  # type: ignore[attr-defined]


def tag_matrix(tag_lists: Iterable[Sequence[str]]) -> sp.csr_matrix:
    """Binary CSR rows of normalised tags hashed (crc32) into a fixed space: no vocabulary needed."""
    indptr = [0]
    indices: list[int] = []
    for tags in tag_lists:
        cols = sorted({zlib.crc32(normalize_tag(t).encode()) % TAG_SPACE for t in tags if normalize_tag(t)})
        indices.extend(cols)
        indptr.append(len(indices))
    data = np.ones(len(indices), dtype=np.float32)
    return sp.csr_matrix((data, np.asarray(indices, dtype=np.int32), np.asarray(indptr, dtype=np.int64)),
                         shape=(len(indptr) - 1, TAG_SPACE))


def seeker_columns(records: Sequence[SeekerRecord]) -> dict[str, np.ndarray]:
    """Structured seeker fields as numpy columns (NaN for unknown numbers, 0 for no code)."""
    own = [effective_prefecture(r.prefecture, r.municipality) for r in records]
    masks = []
    for r, pref in zip(records, own, strict=True):
        mask = 0
        for code in ((pref,) if pref else ()) + r.work_prefectures:
            if code.isdigit() and 1 <= int(code) <= 47:
                mask |= 1 << int(code)
        masks.append(mask)
    forms = []
    firsts = []
    for r in records:
        bits = 0
        for form in r.employment_forms:
            bits |= form_bit(form)
        forms.append(bits)
        firsts.append(form_bit(r.employment_forms[0]) if r.employment_forms else 0)
    return {
        "pref": np.array([_pref_num(p) for p in own], dtype=np.int16),
        "region": np.array([_region_num(p) for p in own], dtype=np.int16),
        "muni": np.array([int(r.municipality) if r.municipality else 0 for r in records], dtype=np.int64),
        "pref_mask": np.array(masks, dtype=np.uint64),
        "remote": np.array([REMOTE_CODE.get(r.remote, 2) for r in records], dtype=np.int8),
        "forms": np.array(forms, dtype=np.uint64),
        "first_form": np.array(firsts, dtype=np.uint64),
        "years": np.array([_nan(r.years_experience) for r in records], dtype=np.float64),
        "has_exam": np.array([bool(exam_codes(r.qualifications)) for r in records], dtype=bool),
        "claims": np.array([r.claims_equivalent for r in records], dtype=bool),
        "fee": np.array([_nan(r.monthly_fee_min) for r in records], dtype=np.float64),
        "hours": np.array([_nan(r.hours_per_month) for r in records], dtype=np.float64),
        "avail": np.array([_ordinal(r.available_from) for r in records], dtype=np.float64),
        "n_skills": np.array([len({normalize_tag(t) for t in r.skills} - {""}) for r in records], dtype=np.float64),
        "n_cats": np.array([len({normalize_tag(t) for t in r.categories} - {""}) for r in records],
                           dtype=np.float64),
        "role": role_masks(r.text for r in records),
    }


def posting_columns(records: Sequence[PostingRecord]) -> dict[str, np.ndarray]:
    """Structured posting fields as numpy columns."""
    prefs = [effective_prefecture(r.prefecture, r.municipality) for r in records]
    form_bits = []
    for r in records:
        form_bits.append(0 if r.employment_form is None else form_bit(r.employment_form))
    return {
        "pref": np.array([_pref_num(p) for p in prefs], dtype=np.int16),
        "region": np.array([_region_num(p) for p in prefs], dtype=np.int16),
        "muni": np.array([int(r.municipality) if r.municipality else 0 for r in records], dtype=np.int64),
        "remote": np.array([REMOTE_CODE.get(r.remote, 1) for r in records], dtype=np.int8),
        "form": np.array(form_bits, dtype=np.uint64),
        "open": np.array([posting_is_open(r) for r in records], dtype=bool),
        "published": np.array([r.status == "published" for r in records], dtype=bool),
        "budget": np.array([_nan(r.monthly_budget_max) for r in records], dtype=np.float64),
        "hours": np.array([_nan(r.hours_per_month) for r in records], dtype=np.float64),
        "start": np.array([_ordinal(r.start_date) for r in records], dtype=np.float64),
        "n_skills": np.array([len({normalize_tag(t) for t in r.skills} - {""}) for r in records], dtype=np.float64),
        "n_cats": np.array([len({normalize_tag(t) for t in r.categories} - {""}) for r in records],
                           dtype=np.float64),
        "role": role_masks(r.text for r in records),
    }


def concat_columns(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Row-wise concatenation of two column dicts with the same keys."""
    return {key: np.concatenate([a[key], b[key]]) for key in a}


def pair_intersections(a, b, rows_a: np.ndarray, rows_b: np.ndarray,  # type: ignore[no-untyped-def]
                       chunk: int = 65_536) -> np.ndarray:
    """Number of shared tags for each pair (rows_a[i], rows_b[i]).

    ``a`` and ``b`` are CSR matrices or row stores with a ``gather(rows)`` method (store.Rows).
    """
    out = np.zeros(len(rows_a), dtype=np.float64)
    if len(rows_a) <= _FEW_PAIRS and hasattr(a, "column_set") and hasattr(b, "column_set"):
        # a single query's candidates: set intersections cost less than building sparse matrices
        for n, (i, j) in enumerate(zip(rows_a.tolist(), rows_b.tolist(), strict=True)):
            out[n] = len(a.column_set(i) & b.column_set(j))
        return out
    for start in range(0, len(rows_a), chunk):
        stop = start + chunk
        left = _gather(a, rows_a[start:stop])
        right = _gather(b, rows_b[start:stop])
        both = sp.csr_matrix(left.multiply(right))
        # row sums from the product's own entries (``sum(axis=1)`` would multiply by a dense
        # vector as wide as the tag space)
        counts = np.diff(both.indptr)
        out[start:stop] = np.bincount(np.repeat(np.arange(len(counts)), counts), weights=both.data,
                                      minlength=len(counts))
    return out


def _gather(matrix, rows: np.ndarray) -> sp.csr_matrix:  # type: ignore[no-untyped-def]
    return matrix.gather(rows) if hasattr(matrix, "gather") else matrix[rows]
