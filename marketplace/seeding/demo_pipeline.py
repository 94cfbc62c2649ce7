"""Demo matches at every stage of the pipeline, so the workspace and dashboards have something to show.

Runs after ``flask match refresh``: it takes the stored suggestions in a fixed order and moves
some of them along with the same services a coordinator uses, then spreads their dates over the
past months. Idempotent: once any match has left ``suggested`` it does nothing.
"""
from __future__ import annotations

import logging
import random
from datetime import datetime, timedelta

import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.models import CoordinatorArea, Match, MatchStatus, Posting, Role, User, utcnow
from marketplace.matches import operations as pipeline, notices as pipeline_notices

logger = logging.getLogger(__name__)

#: Per scheme, how many matches end at which stage (in this order, on the best-scored matches).
PLAN: dict[str, tuple[tuple[str, int], ...]] = {
    "accelerator": (("agreed", 6), ("in_talks", 3), ("introduced", 3), ("approved", 3), ("rejected", 3),
                    ("on_hold", 2), ("declined", 2)),
    "side_job": (("agreed", 5), ("in_talks", 3), ("introduced", 2), ("approved", 3), ("rejected", 3), ("declined", 1)),
    "succession": (("agreed", 2), ("trial", 2), ("in_talks", 2), ("approved", 2), ("rejected", 1)),
    "startup": (("agreed", 2), ("trial", 2), ("introduced", 2), ("approved", 2)),
    "adviser": (("agreed", 2), ("introduced", 1), ("approved", 2)),
}
SUCCESS = {"accelerator": "hired", "side_job": "contracted", "succession": "succeeded", "startup": "adopted",
           "adviser": "contracted"}


def _reviewer(match: Match) -> User | None:
    reviewer = db.session.scalar(sa.select(User).join(CoordinatorArea, CoordinatorArea.user_id == User.id).where(
        User.role == Role.COORDINATOR, CoordinatorArea.scheme == match.scheme,
        CoordinatorArea.prefecture_code == match.posting.prefecture_code).order_by(User.id).limit(1))
    return reviewer or db.session.scalar(sa.select(User).where(User.role == Role.ADMIN).order_by(User.id).limit(1))


def _answer_both(match: Match, accept_poster: bool = True) -> None:
    seeker = pipeline.seeker_users(match)[0]
    pipeline.respond(seeker, match, True, nda_accepted=True)
    pipeline.respond(pipeline.poster_users(match)[0], match, accept_poster)


def _advance(match: Match, target: str, reviewer: User, rng: random.Random) -> None:
    if target == "rejected":
        pipeline.reject(reviewer, match, rng.choice(("skills_mismatch", "location_mismatch", "conditions_mismatch")))
        return
    if target == "on_hold":
        pipeline.hold(reviewer, match, "本人の意向を確認中")
        return
    pipeline.approve(reviewer, match)
    if target == "approved":
        return
    if not pipeline.seeker_users(match) or not pipeline.poster_users(match):
        return
    if target == "declined":
        _answer_both(match, accept_poster=False)
        return
    _answer_both(match)
    if target == "introduced":
        return
    pipeline.advance(reviewer, match, "in_talks", note="初回の打合せを実施")
    if target == "in_talks":
        return
    if target == "trial" or match.scheme in ("succession", "startup"):
        pipeline.advance(reviewer, match, "trial")
        start = utcnow().date() - timedelta(days=rng.randint(20, 60))
        pipeline.set_trial_dates(reviewer, match, start, start + timedelta(days=60))
        if target == "trial":
            return
    pipeline.advance(reviewer, match, "agreed", outcome=SUCCESS[match.scheme])
    if match.scheme == "accelerator":
        pipeline.set_details(reviewer, match, appointment_status=rng.choice(("recommended", "appointed", "appointed")))


def _spread_dates(match: Match, rng: random.Random, now: datetime) -> None:
    """Place the match's history over the past year, keeping the order of its steps."""
    start = now - timedelta(days=rng.randint(30, 330), hours=rng.randint(0, 23))
    gaps = iter(rng.randint(1, 21) for _ in range(len(match.events) + 1))
    match.created_at = start
    moment = start
    for event in match.events:
        moment = moment + timedelta(days=next(gaps), hours=rng.randint(0, 8))
        moment = min(moment, now)
        event.created_at = moment
        if event.to_status in ("approved", "introduced", "agreed", "closed"):
            setattr(match, f"{event.to_status}_at", moment)
    for follow_up in pipeline.follow_ups(match):
        follow_up.due_on = pipeline._add_months(match.agreed_at.date(), follow_up.months)


def advance_demo_matches(seed: int = 2026) -> dict[str, int]:
    """Move demo suggestions through the pipeline; returns how many ended at each stage."""
    if db.session.scalar(sa.select(Match.id).where(Match.status != MatchStatus.SUGGESTED).limit(1)) is not None:
        return {}
    rng = random.Random(seed)  # nosec B311 # seeded demo data, not a secret
    now = utcnow()
    counts: dict[str, int] = {}
    quiet = logging.getLogger("marketplace.matches.operations")
    previous = quiet.level
    quiet.setLevel(logging.WARNING)  # one line per transition is noise when seeding
    try:
        _run(rng, now, counts)
    finally:
        quiet.setLevel(previous)
    logger.info("demo pipeline advanced", extra={"event": "seed.demo_pipeline"})
    return counts


def _run(rng: random.Random, now: datetime, counts: dict[str, int]) -> None:
    with pipeline_notices.suppressed():
        for scheme, plan in PLAN.items():
            candidates = list(db.session.scalars(sa.select(Match).join(Posting, Posting.id == Match.posting_id).where(
                Match.scheme == scheme, Match.status == MatchStatus.SUGGESTED).order_by(
                Match.score.desc(), Match.id)))
            used_postings: set[int] = set()
            queue = iter(candidates)
            # the scheme's first agreement goes to its best match on a posting with one place left, when there is
            # one, so the demo shows a posting filled and closed whatever the engine's scores put first
            last_place = next((m for m in candidates if m.posting.open_places == 1), None)
            for target, number in plan:
                for _ in range(number):
                    if target == "agreed" and last_place is not None:
                        match, last_place = last_place, None
                    else:
                        match = next((m for m in queue if m.posting_id not in used_postings), None)
                    if match is None:
                        break
                    reviewer = _reviewer(match)
                    if reviewer is None:
                        continue
                    used_postings.add(match.posting_id)
                    _advance(match, target, reviewer, rng)
                    _spread_dates(match, rng, now)
                    counts[match.status.value] = counts.get(match.status.value, 0) + 1
            db.session.flush()
