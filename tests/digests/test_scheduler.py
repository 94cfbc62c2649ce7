"""The scheduler: each period once, missed runs caught up within the grace time, real APScheduler runs."""
from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from apscheduler.schedulers.background import BackgroundScheduler

from marketplace.extensions import db
from marketplace.core.i18n import JST
from marketplace.models import (
    DeliveryMode,
    OutboxMessage,
    Posting,
    PostingStatus,
    SchedulerRun,
    User,
    utcnow,
)
from marketplace.scheduler import create_scheduler, jobs
from marketplace.digests import notifications
from marketplace.digests import DAILY, build_period
from tests.digests.conftest import add_match, add_posting, jst, profile_of
from tests.digests.test_outbox import _candidates_with_news


def _news_for_candidate(kochi, when: datetime, title: str = "新しい募集") -> None:
    add_match(add_posting(kochi["org"], title=title), profile_of(kochi["candidate"]), when)


def test_running_the_daily_job_twice_in_a_period_sends_once(app, kochi, mailbox):
    with app.app_context():
        _news_for_candidate(kochi, jst(-1, 12))
        jobs.daily_digests(jst(0, 8, 0))
        jobs.daily_digests(jst(0, 8, 5))
        # Even bypassing the run record, building the period again writes nothing new.
        again = build_period(DAILY, jst(0, 9, 0))
        assert again.written == 0 and again.already >= 1
        jobs.send_outbox(jst(0, 9, 0))
    assert len(mailbox.to("cand@example.jp")) == 1


def test_a_restart_within_the_grace_time_sends_the_missed_digest_once(app, kochi, mailbox):
    with app.app_context():
        _news_for_candidate(kochi, jst(-1, 12))
        jobs.tick(jst(0, 7, 50))  # running before 08:00 ... then down over 08:00
        assert mailbox.to("cand@example.jp") == []
        jobs.tick(jst(0, 9, 30))  # back at 09:30: the start-up tick catches up
        jobs.tick(jst(0, 9, 45))  # restarted once more
        jobs.daily_digests(jst(0, 9, 46))  # and a late cron fire changes nothing either
        run = db.session.scalar(sa.select(SchedulerRun).where(SchedulerRun.job == "digests.daily"))
        assert (run.period, run.status) == ("2026-01-05", "done")
    assert len(mailbox.to("cand@example.jp")) == 1


def test_past_the_grace_time_the_run_is_skipped_and_its_items_come_next_day(app, kochi, mailbox):
    with app.app_context():
        _news_for_candidate(kochi, jst(-1, 12), "月曜の前の募集")
        jobs.tick(jst(0, 14, 1))  # down from 07:00 until 14:01: 6 h 1 min late
        assert mailbox.to("cand@example.jp") == []
        jobs.daily_digests(jst(1, 8, 0))
    (message,) = mailbox.to("cand@example.jp")
    assert "月曜の前の募集" in message.get_body(preferencelist=("plain",)).get_content()


def test_weekly_readers_get_the_monday_digest_and_no_daily_one(app, kochi, mailbox):
    with app.app_context():
        notifications.set_modes(db.session.get(User, kochi["candidate"]),
                                {code: DeliveryMode.WEEKLY for code in notifications.digest_topics()})
        db.session.commit()
        _news_for_candidate(kochi, jst(-3, 12), "先週の募集")
        jobs.daily_digests(jst(0, 8, 0))
        assert mailbox.to("cand@example.jp") == []
        jobs.weekly_digests(jst(0, 8, 0))
        jobs.weekly_digests(jst(3, 8, 0))  # later in the same week: same period
    (message,) = mailbox.to("cand@example.jp")
    assert "先週の募集" in message.get_body(preferencelist=("plain",)).get_content()


def test_two_schedulers_at_once_build_each_digest_once(shared_app, mailbox):
    addresses = [f"twin{i}@example.jp" for i in range(10)]
    now = jst(0, 8, 0)
    with shared_app.app_context():
        _candidates_with_news(addresses)
    barrier, errors = threading.Barrier(2), []

    def scheduler_process() -> None:
        try:
            with shared_app.app_context():
                barrier.wait()
                jobs.daily_digests(now)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=scheduler_process) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    for address in addresses:
        assert len(mailbox.to(address)) == 1, address


def test_a_real_scheduler_start_catches_up_and_a_restart_does_not_repeat(app, kochi, mailbox):
    """APScheduler itself: the send time was 30 minutes ago, so the start-up tick must send it."""
    half_an_hour_ago = datetime.now(JST) - timedelta(minutes=30)
    app.config["DIGEST_SEND_TIME"] = half_an_hour_ago.strftime("%H:%M")
    with app.app_context():
        _news_for_candidate(kochi, utcnow() - timedelta(hours=2))
    for _restart in range(2):
        scheduler = create_scheduler(app, BackgroundScheduler)
        scheduler.start()
        try:
            deadline = time.monotonic() + 20
            while not mailbox.to("cand@example.jp") and time.monotonic() < deadline:
                time.sleep(0.1)
            time.sleep(0.5)
        finally:
            scheduler.shutdown(wait=True)
    assert len(mailbox.to("cand@example.jp")) == 1


def test_jobs_coalesce_tolerate_six_hours_of_lateness_and_fire_at_8_jst(app):
    scheduler = create_scheduler(app, BackgroundScheduler)
    scheduler.start(paused=True)
    try:
        found = {job.id: job for job in scheduler.get_jobs()}
    finally:
        scheduler.shutdown(wait=False)
    assert set(found) == {"digests.daily", "digests.weekly", "suggestions.refresh", "postings.close_expired",
                          "pipeline.followup_reminders", "tick"}
    for job in found.values():
        assert job.coalesce is True and job.misfire_grace_time == 6 * 3600 and job.max_instances == 1
    tuesday_7am = datetime(2026, 1, 6, 7, 0, tzinfo=JST)
    assert found["digests.daily"].trigger.get_next_fire_time(None, tuesday_7am) == datetime(
        2026, 1, 6, 8, 0, tzinfo=JST)
    assert found["digests.weekly"].trigger.get_next_fire_time(None, tuesday_7am) == datetime(
        2026, 1, 12, 8, 0, tzinfo=JST)
    assert found["suggestions.refresh"].trigger.get_next_fire_time(None, tuesday_7am) == datetime(
        2026, 1, 6, 7, 30, tzinfo=JST)


def test_expired_postings_close_once_a_day(app, kochi):
    with app.app_context():
        posting_id = add_posting(kochi["org"], title="締切の過ぎた募集")
        db.session.get(Posting, posting_id).deadline = jst(-2).astimezone(JST).date()
        db.session.commit()
        assert jobs.close_expired_postings(jst(0, 0, 10)) == 1
        assert jobs.close_expired_postings(jst(0, 0, 11)) is None  # the day's run is done
        assert db.session.get(Posting, posting_id).status == PostingStatus.CLOSED


def test_follow_up_reminders_run_once_a_day(app):
    with app.app_context():
        first = jobs.followup_reminders(datetime(2026, 1, 5, 0, 0, tzinfo=UTC))
        assert first in (0, None)  # 0 with the pipeline module; None until it exists
        assert jobs.followup_reminders(datetime(2026, 1, 5, 1, 0, tzinfo=UTC)) is None
        assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 0


def test_a_freshly_seeded_database_sends_no_burst_of_digests_at_first_start(app, kochi, mailbox):
    """`flask seed demo` settles the current periods: the first start catches nothing up."""
    with app.app_context():
        _news_for_candidate(kochi, jst(-1, 12))
        assert jobs.settle_fresh_database(jst(0, 9, 0)) == ["digests.daily", "digests.weekly"]
        jobs.tick(jst(0, 9, 30))  # the first start, within the grace time of 08:00
        jobs.send_outbox(jst(0, 9, 31))
        assert mailbox.to("cand@example.jp") == []
        assert jobs.settle_fresh_database(jst(0, 9, 40)) == []  # seeding again changes nothing
        jobs.daily_digests(jst(1, 8, 0))  # the next slot builds the digest as usual
    assert len(mailbox.to("cand@example.jp")) == 1


def test_settling_leaves_a_database_where_digests_ran_to_catch_up(app, kochi, mailbox):
    with app.app_context():
        jobs.daily_digests(jst(-1, 8, 0))
        jobs.weekly_digests(jst(-7, 8, 0))
        _news_for_candidate(kochi, jst(-1, 12))
        assert jobs.settle_fresh_database(jst(0, 9, 0)) == []  # the scheduler has run here before
        jobs.tick(jst(0, 9, 30))
    assert len(mailbox.to("cand@example.jp")) == 1


def test_seed_demo_settles_the_digest_periods(app, monkeypatch):
    from marketplace.seeding import demo

    monkeypatch.setattr(demo, "load_demo", lambda: [])
    result = app.test_cli_runner().invoke(args=["seed", "demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        jobs_done = set(db.session.scalars(sa.select(SchedulerRun.job).where(SchedulerRun.status == "done")))
    assert jobs_done == {"digests.daily", "digests.weekly"}
