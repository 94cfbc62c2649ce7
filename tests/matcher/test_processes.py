"""Real processes: web imports stay light; matchers killed with SIGKILL lose nothing and write nothing twice.

On SQLite (``make test``) the database is a file every process opens; on PostgreSQL
(``make test-pg``) it is the test database, and two ``flask match worker`` processes split the
schemes by lease with ``FOR UPDATE SKIP LOCKED``.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from marketplace import create_app
from marketplace.extensions import db
from marketplace.models import Base, Match, MatchingChange, MatchingPartition
from marketplace.suggestions import bridge as suggestions
from marketplace.seeding.reference import load_prefectures
from tests.conftest import TEST_DATABASE_URL, make_config
from tests.matcher import world

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("sklearn", "scipy", "sparse_dot_topn", "ortools")


def test_a_web_process_serves_pages_and_saves_a_profile_without_the_heavy_libraries(tmp_path):
    code = textwrap.dedent(f"""
        import sys
        from marketplace import create_app
        from marketplace.extensions import db
        from marketplace.models import Base, Role
        from marketplace.accounts import operations as accounts
        from marketplace.seeding.reference import load_prefectures
        app = create_app({{"TESTING": True, "SECRET_KEY": "x", "WTF_CSRF_ENABLED": False,
                          "SQLALCHEMY_DATABASE_URI": "sqlite:///{tmp_path / 'web.sqlite'}",
                          "PASSWORD_HASH_PROFILE": "fast", "RATELIMIT_ENABLED": False}})
        with app.app_context():
            Base.metadata.create_all(db.engine)
            load_prefectures()
            accounts.create_user("c@example.jp", "correct-Horse-battery-9", Role.CANDIDATE, verified=True)
            db.session.commit()
        client = app.test_client()
        assert client.post("/auth/login", data={{"email": "c@example.jp",
                                                 "password": "correct-Horse-battery-9"}}).status_code == 302
        for url in ("/", "/postings", "/candidates/", "/candidates/profile"):
            assert client.get(url).status_code == 200, url
        saved = client.post("/candidates/profile", data={{
            "display_name": "候補者", "residence_prefecture": "39", "work_prefectures": ["39"], "remote": "either",
            "hours_per_month": "40", "employment_forms": ["part_time"], "skills": "自治体DX",
            "self_intro": "自治体のDXを支援してきました。", "visibility": "coordinators"}})
        assert saved.status_code == 302, saved.get_data(as_text=True)[:2000]
        assert client.get("/candidates/").status_code == 200
        with app.app_context():
            from marketplace.models import MatchingChange
            assert db.session.query(MatchingChange).count() > 0, "the save queued its change"
        loaded = [name for name in {HEAVY!r} if name in sys.modules]
        assert not loaded, loaded
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-4000:]


# --- matcher processes ---------------------------------------------------------------------
@pytest.fixture
def shared(tmp_path, _pg_schema):
    url = TEST_DATABASE_URL or f"sqlite:///{tmp_path / 'shared.sqlite'}"
    application = create_app(make_config(25, SQLALCHEMY_DATABASE_URI=url))
    application.instance_path = str(tmp_path)
    with application.app_context():
        if TEST_DATABASE_URL:
            from tests.conftest import _truncate_all

            _truncate_all()
        else:
            Base.metadata.create_all(db.engine)
        load_prefectures()
        db.session.commit()
    yield application, url
    with application.app_context():
        db.session.remove()
        if TEST_DATABASE_URL:
            from tests.conftest import _truncate_all

            _truncate_all()
        db.engine.dispose()


def _worker(url: str, tmp_path: Path, name: str) -> subprocess.Popen:
    env = dict(os.environ, DATABASE_URL=url, FLASK_APP="wsgi", SECRET_KEY="test", MATCHER_NAME=name,
               MATCHER_LEASE_SECONDS="3", MATCHER_BATCH_SIZE="2", MATCHER_POLL_SECONDS="0.1", LOG_LEVEL="INFO")
    log = open(tmp_path / f"{name}.log", "w")  # noqa: SIM115 (closed with the process)
    return subprocess.Popen([sys.executable, "-m", "flask", "match", "worker"], cwd=ROOT, env=env,
                            stdout=log, stderr=subprocess.STDOUT)


def _queue_world(people: int, needs: int) -> None:
    coordinator, org = world.coordinator_and_org()
    for i in range(people):
        world.candidate(i)
    for i in range(needs):
        world.position(coordinator, org, title=f"DX推進計画の策定支援 {i}")
    db.session.commit()


def _remaining() -> int:
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count(MatchingChange.id))) or 0


def _wait(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def _check_nothing_lost_nothing_twice() -> None:
    rows = [(m.posting_id, m.seeker_ref) for m in db.session.scalars(sa.select(Match))]
    assert len(rows) == len(set(rows)), "duplicate Match rows"
    drained = set(rows)
    suggestions.refresh_all()  # what a full rebuild from scratch stores
    db.session.commit()
    assert drained == {(m.posting_id, m.seeker_ref) for m in db.session.scalars(sa.select(Match))}, "lost changes"


def _kill_mid_drain(process: subprocess.Popen, total: int) -> None:
    _wait(lambda: _remaining() < total, 120, "the matcher to start draining")
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


def test_a_matcher_killed_mid_drain_loses_nothing_and_writes_nothing_twice(shared, tmp_path):
    app, url = shared
    with app.app_context():
        _queue_world(people=12, needs=6)
        total = _remaining()
        first = _worker(url, tmp_path, "first")
        try:
            _kill_mid_drain(first, total)
            assert _remaining() > 0, "killed too late to prove anything"
            second = _worker(url, tmp_path, "second")  # takes the partitions when the lease ends
            try:
                _wait(lambda: _remaining() == 0, 120, "the second matcher to drain")
            finally:
                second.send_signal(signal.SIGTERM)
                second.wait(timeout=30)
        finally:
            if first.poll() is None:
                first.kill()
        _check_nothing_lost_nothing_twice()


def test_two_matchers_split_the_work_and_one_takes_over_when_the_other_is_killed(shared, tmp_path):
    app, url = shared
    with app.app_context():
        a = _worker(url, tmp_path, "a")
        b = _worker(url, tmp_path, "b")
        try:
            def split() -> bool:
                db.session.rollback()
                owners = set(db.session.scalars(sa.select(MatchingPartition.owner).where(
                    MatchingPartition.owner.is_not(None))))
                return owners == {"a", "b"}

            _wait(split, 120, "the two matchers to split the schemes")
            _queue_world(people=12, needs=6)
            total = _remaining()
            _kill_mid_drain(a, total)
            _wait(lambda: _remaining() == 0, 120, "b to take a's schemes over and drain them")
            db.session.rollback()
            owners = set(db.session.scalars(sa.select(MatchingPartition.owner)))
            assert owners == {"b"}
        finally:
            for process in (a, b):
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
                    process.wait(timeout=30)
        _check_nothing_lost_nothing_twice()


def test_a_matcher_fitting_past_its_lease_keeps_its_partitions_from_another(shared, monkeypatch):
    """A fit outlasting the lease (minutes per scheme at 100k) must not look like a dead matcher:
    its leases and heartbeat are renewed while it fits, so a second matcher takes nothing."""
    from marketplace.models import MatcherNode, utcnow
    from marketplace.suggestions.matcher import Matcher

    app, _url = shared
    with app.app_context():
        _queue_world(people=2, needs=1)
        real_fit = suggestions.fit_scheme
        seen: list[bool] = []

        def slow_fit(scheme):
            engine = real_fit(scheme)
            time.sleep(1.0)  # past the 0.3 s lease
            with db.engine.connect() as connection:  # what another matcher would read now
                now = utcnow()
                leases = connection.execute(sa.select(MatchingPartition.lease_until).where(
                    MatchingPartition.owner == "fitting")).scalars().all()
                heartbeat = connection.execute(sa.select(MatcherNode.seen_until).where(
                    MatcherNode.name == "fitting")).scalar_one()
            seen.append(bool(leases) and all(_aware(at) > now for at in leases) and _aware(heartbeat) > now)
            return engine

        monkeypatch.setattr(suggestions, "fit_scheme", slow_fit)
        matcher = Matcher(name="fitting", lease_seconds=0.3, schemes=["accelerator", "adviser"])
        report = matcher.step()
        assert seen and all(seen), seen
        assert report.lost == 0 and sorted(report.partitions) == ["accelerator", "adviser"]
        other = Matcher(name="other", lease_seconds=0.3, schemes=["accelerator", "adviser"], greedy=True)
        assert other.balance() == []
        matcher.release_all()


def _aware(at):
    from datetime import timezone

    return at if at.tzinfo else at.replace(tzinfo=timezone.utc)


def test_a_scheduled_refit_runs_beside_the_old_engine_and_keeps_what_was_applied_meanwhile(shared, monkeypatch):
    """A refit takes a minute per scheme at 100k: the old engine keeps applying changes while the new
    one is fitted in a thread, and those changes are replayed into the new engine before the swap."""
    import threading
    from datetime import timedelta

    from marketplace.suggestions.matcher import Matcher

    app, _url = shared
    with app.app_context():
        _queue_world(people=2, needs=1)
        matcher = Matcher(name="m", schemes=["accelerator"])
        matcher.drain()
        old = matcher.engines["accelerator"]
        real_fit = suggestions.fit_scheme
        go, fitting = threading.Event(), threading.Event()

        def fit_then_wait(scheme):
            engine = real_fit(scheme)  # read before the change below is committed
            fitting.set()
            assert go.wait(60)
            return engine

        monkeypatch.setattr(suggestions, "fit_scheme", fit_then_wait)
        matcher.refit = timedelta(0)
        matcher.step()  # starts the refit and returns: the old engine still serves
        assert fitting.wait(60)
        assert matcher.engines["accelerator"] is old
        newcomer = world.candidate(7)
        db.session.commit()
        seeker = f"c{newcomer}:accelerator"
        assert matcher.step().changes > 0  # applied by the old engine while the new one waits
        assert matcher.engines["accelerator"] is old
        assert f"c{newcomer}" in set(db.session.scalars(sa.select(Match.seeker_ref)))
        go.set()
        _wait(lambda: not matcher._refits["accelerator"].thread.is_alive(), 60, "the refit to end")
        matcher.refit = timedelta(hours=1)
        matcher.step()  # swaps the refitted engine in, with the newcomer replayed into it
        new = matcher.engines["accelerator"]
        assert new is not old
        assert new.seeker(seeker).id == seeker
        matcher.release_all()
