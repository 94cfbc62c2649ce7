"""Reciprocal score: posting-side fit and seeker-side fit combined by harmonic mean into 0–100."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

Columns = dict[str, np.ndarray]
_REMOTE, _ONSITE, _EITHER = 0, 1, 2
#: The text blend chosen on the development judgements by ``fit_blend`` (data, never fitted at run time).
BLEND_FILE = Path(__file__).with_name("blend.json")
_BLEND: dict[str, float] = json.loads(BLEND_FILE.read_text(encoding="utf-8"))["weights"]


@dataclass(frozen=True, slots=True)
class Weights:
    """Weights of the components of each side; each side's weights sum to 1."""

    text_scale: float = 0.5
    # text similarity = t_char * char cosine + t_meaning * max(meaning cosine, 0) (meaning channel on),
    # times role_keep when the seeker shows a role the posting does not ask for (cues.py); the three
    # come from blend.json (fit_blend.py)
    t_char: float = _BLEND["t_char"]
    t_meaning: float = _BLEND["t_meaning"]
    role_keep: float = _BLEND["role_keep"]
    # hubness correction of the meaning cosine: minus t_hub * (mean of the two texts' best cosine with the
    # other side's fitted texts - its fitted mean); see meaning.hub_max
    t_hub: float = 0.5
    # posting side: how well the seeker fits the posting's needs
    p_text: float = 0.45
    p_skills: float = 0.2
    p_experience: float = 0.1
    p_hours: float = 0.1
    p_cost: float = 0.1
    p_availability: float = 0.05
    # seeker side: how well the posting fits the seeker's wishes
    s_text: float = 0.25
    s_skills: float = 0.05
    s_location: float = 0.25
    s_pay: float = 0.2
    s_categories: float = 0.1
    s_form: float = 0.15


@dataclass(frozen=True, slots=True)
class PairScores:
    """Per-pair arrays: final 0–100 score and both sides in [0, 1]."""

    score: np.ndarray
    posting_side: np.ndarray
    seeker_side: np.ndarray


def harmonic_mean(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """2ab/(a+b), 0 where both are 0."""
    total = a + b
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, 2.0 * a * b / np.where(total > 0, total, 1.0), 0.0)


def _ratio(num: np.ndarray, den: np.ndarray, neutral: float) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), neutral)


def location_fit(s: Columns, p: Columns, si: np.ndarray, pj: np.ndarray) -> np.ndarray:
    """Seeker-side location fit by codes: municipality > prefecture > work area > remote (+region)."""
    p_pref = p["pref"][pj]
    s_remote = s["remote"][si]
    p_remote = p["remote"][pj]
    same_region = (p["region"][pj] >= 0) & (p["region"][pj] == s["region"][si])
    in_area = ((s["pref_mask"][si] >> p_pref.astype(np.uint64)) & np.uint64(1)) != np.uint64(0)
    fit = np.where(p_remote == _REMOTE, np.where(s_remote == _ONSITE, 0.6, 0.9), 0.0)
    fit = np.maximum(fit, np.where(p_pref == 0, 0.8, 0.0))
    either = (p_remote == _EITHER) & (s_remote != _ONSITE)
    fit = np.maximum(fit, np.where(either, 0.75 + 0.15 * same_region, 0.0))
    fit = np.maximum(fit, np.where((p_pref > 0) & in_area, 0.85, 0.0))
    fit = np.maximum(fit, np.where((p_pref > 0) & (s["pref"][si] == p_pref), 0.95, 0.0))
    same_muni = (p["muni"][pj] > 0) & (p["muni"][pj] == s["muni"][si])
    return np.where(same_muni, 1.0, fit)


def _money(fee: np.ndarray, budget: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(seeker-side pay fit, posting-side cost fit); 0.6 when unknown.

    The seeker prefers a budget well above its minimum (full credit at +50 %); the posting
    prefers a fee well below its budget: the two sides pull apart, which reciprocity weighs.
    """
    known = ~np.isnan(fee) & ~np.isnan(budget) & (budget > 0) & (fee > 0)
    ratio = np.where(known, fee / np.where(known, budget, 1.0), 1.0)
    over = np.clip((ratio - 1.0) / 0.2, 0.0, 1.0)
    headroom = np.clip((1.0 / np.maximum(ratio, 1e-9) - 1.0) / 0.5, 0.0, 1.0)
    pay = np.where(ratio <= 1.0, 0.6 + 0.4 * headroom, 0.5 * (1.0 - over))
    cost = np.where(ratio <= 1.0, 1.0 - 0.3 * np.clip(ratio, 0.0, 1.0), 0.5 * (1.0 - over))
    return np.where(known, pay, 0.6), np.where(known, cost, 0.6)


def _experience(s: Columns, si: np.ndarray) -> np.ndarray:
    years = s["years"][si]
    base = np.where(np.isnan(years), 0.5, 0.4 + 0.6 * np.clip(np.nan_to_num(years) / 10.0, 0.0, 1.0))
    return np.where(s["has_exam"][si], np.maximum(base, 0.9), base)


def _hours(s: Columns, p: Columns, si: np.ndarray, pj: np.ndarray) -> np.ndarray:
    have, need = s["hours"][si], p["hours"][pj]
    known = ~np.isnan(have) & ~np.isnan(need) & (need > 0)
    return np.where(known, np.clip(np.nan_to_num(have) / np.where(known, need, 1.0), 0.0, 1.0), 0.6)


def _availability(s: Columns, p: Columns, si: np.ndarray, pj: np.ndarray) -> np.ndarray:
    delay = s["avail"][si] - p["start"][pj]
    return np.where(np.isnan(delay), 0.7, np.clip(1.0 - np.nan_to_num(delay) / 180.0, 0.0, 1.0))


def _form_preference(s: Columns, p: Columns, si: np.ndarray, pj: np.ndarray) -> np.ndarray:
    need = p["form"][pj]
    first = (s["first_form"][si] & need) != np.uint64(0)
    return np.where(need == np.uint64(0), 0.8, np.where(s["forms"][si] == np.uint64(0), 0.5,
                                                        np.where(first, 1.0, 0.6)))


def blend_text(char: np.ndarray, meaning: np.ndarray | None, off_role: np.ndarray, w: Weights) -> np.ndarray:
    """The text similarity used by both sides: char channel, meaning channel and role cues."""
    text = np.asarray(char, dtype=np.float64)
    if meaning is not None:
        text = w.t_char * text + w.t_meaning * np.maximum(meaning, 0.0)
    # the penalty applies to the saturated similarity (pair_scores clips text at text_scale), so a
    # trap that shares many words with the posting is lowered as much as one that shares a few
    return np.where(off_role, w.role_keep * np.minimum(text, w.text_scale), text)


def pair_scores(s: Columns, p: Columns, si: np.ndarray, pj: np.ndarray, text_sim: np.ndarray,
                shared_skills: np.ndarray, shared_cats: np.ndarray, w: Weights = Weights(),
                reciprocal: bool = True) -> PairScores:
    """Score pairs; ``reciprocal=False`` ranks by the posting side only (one-way baseline)."""
    text = np.clip(np.asarray(text_sim, dtype=np.float64) / w.text_scale, 0.0, 1.0)
    coverage = _ratio(shared_skills, p["n_skills"][pj], 0.5)
    overlap = _ratio(shared_skills, np.minimum(s["n_skills"][si], p["n_skills"][pj]), 0.5)
    cats = _ratio(shared_cats, np.minimum(s["n_cats"][si], p["n_cats"][pj]), 0.5)
    pay, cost = _money(s["fee"][si], p["budget"][pj])
    posting_side = (w.p_text * text + w.p_skills * coverage + w.p_experience * _experience(s, si)
                    + w.p_hours * _hours(s, p, si, pj) + w.p_cost * cost
                    + w.p_availability * _availability(s, p, si, pj))
    seeker_side = (w.s_text * text + w.s_skills * overlap + w.s_location * location_fit(s, p, si, pj)
                   + w.s_pay * pay + w.s_categories * cats + w.s_form * _form_preference(s, p, si, pj))
    combined = harmonic_mean(posting_side, seeker_side) if reciprocal else posting_side
    return PairScores(100.0 * np.clip(combined, 0.0, 1.0), posting_side, seeker_side)
