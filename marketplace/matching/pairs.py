"""Vectorised twin of rules.py: the overall verdict of many (seeker, posting) pairs at once."""
from __future__ import annotations

import numpy as np

from marketplace.matching.rules import SCHEME_RULES

OK, FLAGGED, RULED_OUT = 0, 1, 2
_REMOTE, _ONSITE, _EITHER = 0, 1, 2
_ONE = np.uint64(1)
_ZERO = np.uint64(0)

Columns = dict[str, np.ndarray]


def _raise(status: np.ndarray, out: np.ndarray, flag: np.ndarray) -> None:
    """Combine in place: ruled out wins over flagged wins over ok."""
    status[np.broadcast_to(flag, status.shape) & (status == OK)] = FLAGGED
    status[np.broadcast_to(out, status.shape)] = RULED_OUT


def _location(s: Columns, p: Columns, si: np.ndarray, pj: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    p_remote = p["remote"][pj]
    s_remote = s["remote"][si]
    pref = p["pref"][pj].astype(np.uint64)
    local = ((s["pref_mask"][si] >> pref) & _ONE) != _ZERO
    local &= pref != _ZERO
    fully_remote = p_remote == _REMOTE
    nationwide = p["pref"][pj] == 0
    either_remote = (p_remote == _EITHER) & (s_remote != _ONSITE)
    fits = fully_remote | nationwide | local | either_remote
    flag = ~fully_remote & ~nationwide & local & (s_remote == _REMOTE) & (p_remote == _ONSITE)
    return ~fits, flag


def _form(s: Columns, p: Columns, si: np.ndarray, pj: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    need = p["form"][pj]
    offer = s["forms"][si]
    applies = need != _ZERO
    unstated = applies & (offer == _ZERO)
    out = applies & ~unstated & ((offer & need) == _ZERO)
    return out, unstated


def _eligibility(s: Columns, si: np.ndarray, min_years: float) -> tuple[np.ndarray, np.ndarray]:
    with np.errstate(invalid="ignore"):
        clear = (s["years"][si] >= min_years) | s["has_exam"][si]
    flag = ~clear & s["claims"][si]
    return ~clear & ~flag, flag


def _tolerance(have: np.ndarray, limit: np.ndarray, tol: float, above: bool) -> tuple[np.ndarray, np.ndarray]:
    """``above``: have must be <= limit (fee); else have must be >= limit (hours)."""
    known = ~np.isnan(have) & ~np.isnan(limit)
    with np.errstate(invalid="ignore"):
        if above:
            ok = have <= limit
            soft = have <= limit * (1.0 + tol)
        else:
            ok = have >= limit
            soft = have >= limit * (1.0 - tol)
    flag = known & ~ok & soft
    return known & ~ok & ~soft, flag


def _availability(s: Columns, p: Columns, si: np.ndarray, pj: np.ndarray, max_delay: int
                  ) -> tuple[np.ndarray, np.ndarray]:
    delay = s["avail"][si] - p["start"][pj]
    known = ~np.isnan(delay)
    with np.errstate(invalid="ignore"):
        late = known & (delay > 0)
        out = late & (delay > max_delay)
    return out, late & ~out


def pair_status(s: Columns, p: Columns, si: np.ndarray, pj: np.ndarray, scheme: str) -> np.ndarray:
    """OK / FLAGGED / RULED_OUT per pair; both sides are assumed to belong to ``scheme``.

    ``si`` and ``pj`` may also broadcast against each other (a column of seeker rows and a row of
    posting rows give the matrix of every pair)."""
    shape = np.broadcast_shapes(np.shape(si), np.shape(pj))
    status = np.zeros(shape, dtype=np.int8)
    for spec in SCHEME_RULES[scheme]:
        if spec.check == "scheme":
            continue
        if spec.check == "posting_open":
            out, flag = ~p["open"][pj], np.zeros(shape, dtype=bool)
        elif spec.check == "location":
            out, flag = _location(s, p, si, pj)
        elif spec.check == "form":
            out, flag = _form(s, p, si, pj)
        elif spec.check == "eligibility":
            out, flag = _eligibility(s, si, float(spec.params["min_years"]))
        elif spec.check == "fee":
            out, flag = _tolerance(s["fee"][si], p["budget"][pj], float(spec.params["tolerance"]), True)
        elif spec.check == "hours":
            out, flag = _tolerance(s["hours"][si], p["hours"][pj], float(spec.params["tolerance"]), False)
        elif spec.check == "availability":
            out, flag = _availability(s, p, si, pj, int(spec.params["max_delay_days"]))
        else:
            raise KeyError(spec.check)
        _raise(status, out, flag)
    return status


def ruled_out(s: Columns, p: Columns, si: np.ndarray, pj: np.ndarray, scheme: str) -> np.ndarray:
    """``pair_status(...) == RULED_OUT`` without the flags (cheaper for whole blocks of pairs; ``si``
    and ``pj`` may broadcast against each other). Each test is the ruled-out half of the check above,
    written as one or two broadcast comparisons (NaN compares False, as "unknown" does there)."""
    shape = np.broadcast_shapes(np.shape(si), np.shape(pj))
    out = np.zeros(shape, dtype=bool)
    for spec in SCHEME_RULES[scheme]:
        if spec.check == "scheme":
            continue
        if spec.check == "posting_open":
            out |= ~p["open"][pj]
        elif spec.check == "location":
            out |= _location_out(s, p, si, pj)
        elif spec.check == "form":
            need, offer = p["form"][pj], s["forms"][si]
            out |= (need != _ZERO) & (offer != _ZERO) & ((offer & need) == _ZERO)
        elif spec.check == "eligibility":
            out |= _eligibility(s, si, float(spec.params["min_years"]))[0]
        elif spec.check in ("fee", "hours"):
            tol = float(spec.params["tolerance"])
            with np.errstate(invalid="ignore"):
                if spec.check == "fee":
                    have, limit = s["fee"][si], p["budget"][pj]
                    out |= (have > limit) & (have > limit * (1.0 + tol))
                else:
                    have, limit = s["hours"][si], p["hours"][pj]
                    out |= (have < limit) & (have < limit * (1.0 - tol))
        elif spec.check == "availability":
            with np.errstate(invalid="ignore"):
                delay = s["avail"][si] - p["start"][pj]
                out |= (delay > 0) & (delay > int(spec.params["max_delay_days"]))
        else:
            raise KeyError(spec.check)
    return out


def _location_out(s: Columns, p: Columns, si: np.ndarray, pj: np.ndarray) -> np.ndarray:
    """The location rule's ruled-out half; for a column of seekers against a row of postings, through a
    (seekers x 48 prefectures) table of the seekers' areas instead of a shift per pair."""
    if np.ndim(si) != 2 or np.ndim(pj) != 2 or np.shape(si)[1] != 1 or np.shape(pj)[0] != 1:
        return _location(s, p, si, pj)[0]
    p_remote, p_pref = p["remote"][pj[0]], p["pref"][pj[0]].astype(np.int64)
    areas = ((s["pref_mask"][si[:, 0]][:, None] >> np.arange(48, dtype=np.uint64)) & _ONE).astype(bool)
    fits = areas[:, p_pref] & (p_pref != 0)
    fits |= ((p_remote == _REMOTE) | (p_pref == 0))[None, :]
    fits |= (p_remote == _EITHER)[None, :] & (s["remote"][si[:, 0]] != _ONSITE)[:, None]
    return ~fits
