"""Commit → fresh suggestions: p50/p95 of the time from a profile save's commit until a running
matcher has written that person's suggestions (``matching_freshness``).

Run against a seeded database (``flask seed demo``/``seed scale``, ``flask match refresh``) with a
matcher running beside it (``flask match worker``), e.g.::

    DATABASE_URL=... .venv/bin/python scripts/bench_freshness.py --saves 50
"""
from __future__ import annotations

import argparse
import random
import statistics
import time

import sqlalchemy as sa


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--saves", type=int, default=50)
    parser.add_argument("--interval", type=float, default=0.5, help="seconds between saves")
    parser.add_argument("--timeout", type=float, default=120)
    args = parser.parse_args()

    from marketplace import create_app
    from marketplace.extensions import db
    from marketplace.models import CandidateProfile, MatchingFreshness, SchemeOptIn
    from marketplace.services import profiles

    app = create_app()
    with app.app_context():
        ids = list(db.session.scalars(sa.select(CandidateProfile.id).where(CandidateProfile.id.in_(
            sa.select(SchemeOptIn.profile_id)), CandidateProfile.use_stopped_at.is_(None))))
        print(f"candidates in matching: {len(ids)}")
        chosen = random.Random(13).sample(ids, min(args.saves, len(ids)))
        waits: list[float] = []
        pending: dict[int, float] = {}
        for profile_id in chosen:
            profile = db.session.get(CandidateProfile, profile_id)
            data = profiles.ProfileData(
                display_name=profile.user.display_name, residence_prefecture=profile.residence_prefecture,
                work_prefectures=profile.work_prefectures, remote=profile.remote, available_from=profile.available_from,
                hours_per_month=profile.hours_per_month, employment_forms=profile.employment_forms,
                compensation_min=profile.compensation_min, compensation_max=profile.compensation_max,
                skills=profile.skills, qualifications=profile.qualifications,
                other_qualifications=profile.other_qualifications,
                self_intro=(profile.self_intro or "") + " 自治体DX", phone=profile.phone, visibility=profile.visibility,
                careers=[])
            profiles.update_profile(profile.user, profile, data)
            db.session.commit()
            pending[profile_id] = time.time()
            time.sleep(args.interval)
            _collect(db, MatchingFreshness, pending, waits)
        deadline = time.time() + args.timeout
        while pending and time.time() < deadline:
            time.sleep(0.05)
            _collect(db, MatchingFreshness, pending, waits)
    if not waits:
        raise SystemExit("no save became fresh: is a matcher (flask match worker) running?")
    waits.sort()
    p95 = waits[min(len(waits) - 1, int(round(0.95 * (len(waits) - 1))))]
    print(f"saves {len(chosen)}, fresh {len(waits)}, never fresh within {args.timeout:.0f} s: {len(pending)}")
    print(f"commit → fresh suggestions: p50 {statistics.median(waits):.2f} s, p95 {p95:.2f} s, max {waits[-1]:.2f} s")


def _collect(db, freshness, pending: dict[int, float], waits: list[float]) -> None:
    db.session.rollback()
    if not pending:
        return
    rows = db.session.execute(sa.select(freshness.ref, freshness.computed_at).where(
        freshness.ref.in_([f"c{p}" for p in pending])))
    for ref, computed in rows:
        profile_id = int(ref[1:])
        started = pending.get(profile_id)
        if started is not None and computed.timestamp() >= started - 0.05:
            waits.append(time.time() - started)
            del pending[profile_id]


if __name__ == "__main__":
    main()
