"""Commit → fresh suggestions: p50/p95 of the time from a profile save's commit until a running
matcher has written that person's suggestions (``matching_freshness``).

Run against a seeded database (``flask seed demo``/``seed scale``, ``flask match refresh``) with a
matcher running beside it (``flask match worker``), e.g.::

    DATABASE_URL=... .venv/bin/python scripts/bench_freshness.py --saves 50

or let it build the scaled demo with the CLI in a temporary SQLite file (or use ``--database-url``)
and start the matcher itself::

    .venv/bin/python scripts/bench_freshness.py --build 100000,10000 --start-matcher --saves 50

With ``--start-matcher`` a first save is made and waited for before the timed ones: it includes the
matcher's first fit of the schemes and is printed on its own line (``first change after start``).
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--saves", type=int, default=50)
    parser.add_argument("--interval", type=float, default=0.5, help="seconds between saves")
    parser.add_argument("--timeout", type=float, default=120)
    parser.add_argument("--build", metavar="CANDIDATES,POSTINGS",
                        help="build a scaled demo with the CLI in a temporary SQLite file (or --database-url) first")
    parser.add_argument("--database-url", help="the database to use (default: DATABASE_URL)")
    parser.add_argument("--start-matcher", action="store_true", help="start `flask match worker` for the run")
    parser.add_argument("--first-timeout", type=float, default=1800, help="wait for the first change (fit)")
    args = parser.parse_args()
    with ExitStack() as stack:
        if args.database_url:
            os.environ["DATABASE_URL"] = args.database_url
        if args.build:
            if not args.database_url:
                folder = Path(tempfile.mkdtemp(prefix="marketplace-fresh-"))
                stack.callback(shutil.rmtree, folder, ignore_errors=True)
                os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'fresh.sqlite'}"
            build(*(int(x) for x in args.build.split(",")))
        matcher = stack.enter_context(Matcher()) if args.start_matcher else None
        run(args, matcher)


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def build(candidates: int, postings: int) -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    from load_test import flask

    env = {**os.environ, "FLASK_APP": "wsgi", "LOG_LEVEL": "WARNING"}
    print(f"building {candidates} candidates / {postings} postings (load average {load_average()})", flush=True)
    flask(env, "db", "upgrade")
    flask(env, "seed", "reference")
    flask(env, "seed", "demo")
    flask(env, "seed", "scale", "--candidates", str(candidates), "--postings", str(postings), "--coordinators", "0")
    flask(env, "match", "refresh")


class Matcher:
    """``flask match worker`` for the run (SIGTERM at the end: it hands its partitions back)."""

    def __enter__(self) -> Matcher:
        env = {**os.environ, "FLASK_APP": "wsgi", "LOG_LEVEL": "INFO"}
        self.log = tempfile.NamedTemporaryFile("w+", prefix="matcher-", suffix=".log", delete=False)
        self.process = subprocess.Popen([str(Path(sys.executable).parent / "flask"), "match", "worker"],
                                        cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        self.started = time.time()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
        os.unlink(self.log.name)


def run(args: argparse.Namespace, matcher: Matcher | None) -> None:
    from marketplace import create_app
    from marketplace.extensions import db
    from marketplace.models import CandidateProfile, MatchingFreshness, SchemeOptIn
    from marketplace.profiles import operations as profiles

    app = create_app()
    with app.app_context():
        ids = list(db.session.scalars(sa.select(CandidateProfile.id).where(CandidateProfile.id.in_(
            sa.select(SchemeOptIn.profile_id)), CandidateProfile.use_stopped_at.is_(None))))
        print(f"candidates in matching: {len(ids)}; load average {load_average()}", flush=True)
        chosen = random.Random(13).sample(ids, min(args.saves + 1, len(ids)))
        waits: list[float] = []
        pending: dict[int, float] = {}

        def save(profile_id: int) -> None:
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

        if matcher is not None:
            first = chosen.pop(0)
            save(first)
            deadline = time.time() + args.first_timeout
            while pending and time.time() < deadline:
                time.sleep(0.2)
                _collect(db, MatchingFreshness, pending, waits)
            if pending:
                raise SystemExit(f"the first change was not applied within {args.first_timeout:.0f} s")
            print(f"first change after the matcher's start (its fits included): {waits.pop():.1f} s "
                  f"({time.time() - matcher.started:.0f} s after start)", flush=True)
            # The matcher fits its schemes one after another: the timed saves start once every
            # scheme is fitted, so they measure the steady state, not the start-up.
            from marketplace.models import MatchingPartition
            from marketplace.schemes.registry import SCHEMES

            started = datetime.fromtimestamp(matcher.started, UTC)
            while time.time() < deadline:
                db.session.rollback()
                fitted = db.session.scalar(sa.select(sa.func.count()).select_from(MatchingPartition).where(
                    MatchingPartition.fitted_at >= started))
                if fitted >= len(SCHEMES):
                    break
                time.sleep(0.5)
            print(f"every scheme fitted {time.time() - matcher.started:.0f} s after the matcher's start", flush=True)
        else:
            chosen = chosen[:args.saves]
        for profile_id in chosen:
            save(profile_id)
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
    print(f"commit → fresh suggestions: p50 {statistics.median(waits):.2f} s, p95 {p95:.2f} s, max {waits[-1]:.2f} s "
          f"(load average {load_average()})")


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
