""""Why not yet": near misses computed by the process that owns the engine, read by web pages.

``store_near_misses_for_seeker(engine, seeker_id)`` (a seeker's change applied by the matcher) and
``store_scheme_near_misses(scheme, engine)`` (a scheme's full rebuild) write ``NearMiss`` rows from
the pure ``marketplace.matching.near_miss`` function; only matcher processes call them (this module
imports the engine side lazily, so web pages may import it to read). ``erase`` removes a person's
rows (leaving a scheme, stop of use, account deletion). Pages call ``for_profile`` (rows only, no
engine) and ``sentences`` to say, in the reader's language, which rule stands in the way and what
would change it.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import contains_eager

from marketplace.extensions import db
from marketplace.matching.regions import PREFECTURES
from marketplace.models import CandidateProfile, NearMiss, Posting, PostingStatus, User, utcnow
from marketplace.schemes import fields as f
from marketplace.schemes.fields import label_of

if TYPE_CHECKING:
    from marketplace.matching import Engine

logger = logging.getLogger(__name__)

#: Near misses kept per seeker record (one scheme).
PER_SEEKER = 5
_FORM_LABELS = (f.ACCELERATOR_FORMS + f.SIDE_JOB_FORMS + f.SUCCESSION_FORMS + f.STARTUP_EXITS
                + f.ADVISER_PROGRAMMES)


def _profile_id(seeker_id: str) -> int | None:
    """``c<profile>:<scheme>`` → profile id; startup solutions (``s…``) have no near-miss rows."""
    if not seeker_id.startswith("c") or ":" not in seeker_id:
        return None
    try:
        return int(seeker_id[1:].split(":", 1)[0])
    except ValueError:
        return None


def _rows(found: Iterable[Any], profile_id: int, now: Any) -> list[NearMiss]:
    return [NearMiss(seeker_ref=f"c{profile_id}", candidate_profile_id=profile_id, posting_id=int(m.posting_id[1:]),
                     scheme=m.scheme, score=round(100.0 * m.text_fit, 2), computed_at=now,
                     rules=[{"check": g.check, "code": g.code, "params": dict(g.params)} for g in m.rules])
            for m in found if m.posting_id.startswith("p")]


def _in_matching(profile_ids: Iterable[int]) -> set[int]:
    """The profiles among ``profile_ids`` that matching may use (active account, use not stopped)."""
    ids = sorted(set(profile_ids))
    if not ids:
        return set()
    return set(db.session.scalars(sa.select(CandidateProfile.id).join(User, User.id == CandidateProfile.user_id).where(
        CandidateProfile.id.in_(ids), CandidateProfile.use_stopped_at.is_(None), User.active.is_(True))))


def store_near_misses_for_seeker(engine: Engine | None, seeker_id: str) -> int:
    """Replace one seeker record's near misses (one scheme). Returns rows written."""
    return store_near_misses_for_seekers(engine, [seeker_id])


def store_near_misses_for_seekers(engine: Engine | None, seeker_ids: Iterable[str]) -> int:
    """Replace these seeker records' near misses (each in its own scheme). Returns rows written.

    Called by the matcher when it applies changes (``services.matcher``): one DELETE per scheme,
    one batched engine lookup and one INSERT for the lot, however many seekers a change touches.
    """
    wanted = {seeker_id: _profile_id(seeker_id) for seeker_id in dict.fromkeys(seeker_ids)}
    wanted = {seeker_id: profile_id for seeker_id, profile_id in wanted.items() if profile_id is not None}
    if not wanted:
        return 0
    by_scheme: dict[str, list[int]] = {}
    for seeker_id, profile_id in wanted.items():
        by_scheme.setdefault(seeker_id.split(":", 1)[1], []).append(profile_id)
    for scheme, profile_ids in by_scheme.items():
        db.session.execute(sa.delete(NearMiss).where(NearMiss.scheme == scheme,
                                                     NearMiss.candidate_profile_id.in_(sorted(set(profile_ids))))
                           .execution_options(synchronize_session=False))
    if engine is None:
        return 0
    from marketplace.matching.near_miss import near_misses_for_seekers  # engine side only

    allowed = _in_matching(wanted.values())
    found = near_misses_for_seekers(engine, [s for s, p in wanted.items() if p in allowed], k=PER_SEEKER)
    now, written = utcnow(), 0
    for seeker_id, misses in found.items():
        rows = _rows(misses, wanted[seeker_id], now)
        db.session.add_all(rows)
        written += len(rows)
    db.session.flush()
    return written


#: Seekers a posting's change may recompute beyond those holding a row for it (see below).
RECOMPUTE_PER_POSTING = 1000


def refresh_for_posting(engine: Engine | None, posting_id: int, engine_id: str | None) -> int:
    """After a posting's change: recompute the near misses of every seeker it can affect.

    Those who hold a row for the posting now (it may have closed, or fit them now) and those for
    whom it has become a near miss that would enter their stored top list (fewer than
    ``PER_SEEKER`` rows, or a better text fit than their last one). Returns seekers recomputed.
    """
    if engine is None:
        return 0
    from marketplace.matching.near_miss import seekers_near_posting  # engine side only

    held = db.session.execute(sa.select(NearMiss.candidate_profile_id, NearMiss.scheme)
                              .where(NearMiss.posting_id == posting_id)).all()
    affected = {f"c{profile_id}:{scheme}" for profile_id, scheme in held}
    try:
        near = seekers_near_posting(engine, engine_id) if engine_id is not None else {}
    except KeyError:  # not (or no longer) in the engine
        near = {}
    near = {seeker_id: fit for seeker_id, fit in near.items() if _profile_id(seeker_id) is not None}
    if near:
        stored = {(profile_id, scheme): (count, low) for profile_id, scheme, count, low in db.session.execute(
            sa.select(NearMiss.candidate_profile_id, NearMiss.scheme, sa.func.count(NearMiss.id),
                      sa.func.min(NearMiss.score))
            .where(NearMiss.candidate_profile_id.in_(sorted({_profile_id(s) for s in near})))
            .group_by(NearMiss.candidate_profile_id, NearMiss.scheme))}
        # Best fits first, at most RECOMPUTE_PER_POSTING: a posting that half a scheme nearly fits
        # must not hold the matcher's batch for minutes; the next full refit covers the rest.
        for seeker_id, fit in sorted(near.items(), key=lambda item: (-item[1], item[0]))[:RECOMPUTE_PER_POSTING]:
            count, low = stored.get((_profile_id(seeker_id), seeker_id.split(":", 1)[1]), (0, None))
            if count < PER_SEEKER or low is None or round(100.0 * fit, 2) >= low:
                affected.add(seeker_id)
    store_near_misses_for_seekers(engine, sorted(affected))
    return len(affected)


def store_scheme_near_misses(scheme: str, engine: Engine | None) -> int:
    """Recompute every candidate's near misses of one scheme (after a full refit). Returns rows written."""
    db.session.execute(sa.delete(NearMiss).where(NearMiss.scheme == scheme)
                       .execution_options(synchronize_session=False))
    if engine is None:
        return 0
    from marketplace.matching.near_miss import near_misses_for_seekers  # engine side only

    seeker_ids = sorted(s for s, s_scheme in engine._seeker_scheme.items() if s_scheme == scheme)
    allowed = _in_matching(p for p in map(_profile_id, seeker_ids) if p is not None)
    seeker_ids = [s for s in seeker_ids if _profile_id(s) in allowed]  # every candidate record the engine holds
    now, written = utcnow(), 0
    for seeker_id, misses in near_misses_for_seekers(engine, seeker_ids, k=PER_SEEKER).items():
        rows = _rows(misses, _profile_id(seeker_id) or 0, now)
        db.session.add_all(rows)
        written += len(rows)
    db.session.flush()
    logger.info("near misses stored for %s: %d", scheme, written, extra={"event": "match.near_misses"})
    return written


def erase(profile_id: int, scheme: str | None = None) -> int:
    """The person left a scheme (``scheme``), stopped use or deleted the account (every scheme)."""
    query = sa.delete(NearMiss).where(NearMiss.candidate_profile_id == profile_id)
    if scheme is not None:
        query = query.where(NearMiss.scheme == scheme)
    return db.session.execute(query.execution_options(synchronize_session=False)).rowcount or 0


# --- reading (web pages) ----------------------------------------------------------------
def for_profile(profile_id: int, limit: int = 10) -> list[NearMiss]:
    """A candidate's stored near misses on postings that are still published, best text fit first."""
    return list(db.session.scalars(
        sa.select(NearMiss).join(Posting, Posting.id == NearMiss.posting_id)
        .where(NearMiss.candidate_profile_id == profile_id, Posting.status == PostingStatus.PUBLISHED)
        .options(contains_eager(NearMiss.posting))
        .order_by(NearMiss.score.desc(), NearMiss.id).limit(limit)))


def _date(value: str | None, language: str) -> str:
    if not value:
        return ""
    day = date.fromisoformat(value)
    if language == "en":
        return f"{day.day} {day.strftime('%B')} {day.year}"
    return f"{day.year}年{day.month}月{day.day}日"


def _years(value: Any) -> str:
    return f"{float(value):g}"


def sentence(rule: dict[str, Any], *, language: str = "ja", prefecture_names: dict[str, str] | None = None,
             own: bool = True) -> str:
    """One failed rule in words. ``own``: the reader is the candidate (private figures may show)."""
    names = prefecture_names or PREFECTURES
    code, p = rule.get("code"), rule.get("params") or {}
    if code == "not_eligible":
        if p.get("years") is None:
            return _("実務経験%(min)s年以上、またはIPA高度試験の合格が必要です（実務経験の年数が未入力です）",
                     min=_years(p.get("min_years") or 5))
        return _("実務経験%(min)s年以上、またはIPA高度試験の合格が必要です（現在%(years)s年）",
                 min=_years(p.get("min_years") or 5), years=_years(p["years"]))
    if code == "location_mismatch":
        place = names.get(p.get("posting_prefecture") or "", p.get("posting_prefecture") or "")
        if p.get("seeker_remote") == "remote":
            return _("%(place)sでの現地勤務が必要です（希望: リモートのみ）", place=place)
        if p.get("posting_remote") == "either":
            return _("勤務地は%(place)sです（リモート勤務も可能ですが、希望が「現地で働きたい」になっています）", place=place)
        return _("勤務地は%(place)sです（お住まいや働ける都道府県に含まれていません）", place=place)
    if code == "form_not_accepted":
        return _("働き方は「%(form)s」です（受けられる働き方に含まれていません）",
                 form=str(label_of(_FORM_LABELS, p.get("form") or "")))
    if code == "fee_above_budget":
        budget = f"{int(p['budget_max']):,}" if p.get("budget_max") is not None else "?"
        if own and p.get("fee_min") is not None:
            return _("予算の上限は月%(budget)s円です（希望報酬の下限: 月%(fee)s円）", budget=budget,
                     fee=f"{int(p['fee_min']):,}")
        return _("予算の上限は月%(budget)s円で、希望報酬の下限を下回っています", budget=budget)
    if code == "hours_below_need":
        return _("月%(needed)s時間の稼働が必要です（現在: 月%(hours)s時間）", needed=p.get("needed"), hours=p.get("hours"))
    if code == "available_too_late":
        return _("%(start)sからの開始が必要です（開始可能日: %(available)s）",
                 start=_date(p.get("start_date"), language), available=_date(p.get("available_from"), language))
    return _("条件が合いません")


def sentences(near_miss: NearMiss, **kwargs: Any) -> list[str]:
    return [sentence(rule, **kwargs) for rule in near_miss.rules or []]
