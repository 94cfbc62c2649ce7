"""The scheduled jobs. Each takes ``now`` (tests pass a fixed clock) and runs in an app context.

Digest jobs claim their period in ``scheduler_runs`` first, so a period is built by one process
once; the outbox's unique keys make even a repeated build harmless. ``tick`` runs every minute
and at start-up: it catches up a daily/weekly run missed while the scheduler was down (if the
slot passed less than ``SCHEDULER_MISFIRE_GRACE_SECONDS`` ago), builds the "immediate" digests
and sends the outbox.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.core.i18n import to_jst
from marketplace.models import SchedulerRun, utcnow
from marketplace.scheduler import runs
from marketplace.digests import outbox
from marketplace.digests import periods
from marketplace.digests.builder import BuildReport, build_period

logger = logging.getLogger(__name__)

#: Runs older than this are removed by the nightly maintenance job.
KEEP_RUNS = timedelta(days=60)


def digest_job_name(frequency: str) -> str:
    return f"digests.{frequency}"


def run_digests(frequency: str, now: datetime | None = None, *, force: bool = False) -> BuildReport | None:
    """Build the digests of the latest ``frequency`` slot unless that period was built already.

    A daily/weekly slot that passed more than the grace time ago is not built any more (the
    next period's digest still covers its items) unless ``force``.
    """
    now = now or utcnow()
    slot = periods.latest_slot(frequency, now)
    if not force and frequency != periods.IMMEDIATE and now - slot > periods.grace():
        return None
    job, period = digest_job_name(frequency), periods.period_key(frequency, slot)
    run_id = runs.claim(job, period, now)
    if run_id is None:
        return None
    try:
        report = build_period(frequency, now, slot)
    except Exception:
        runs.finish(run_id, runs.FAILED, utcnow(), "exception")
        raise
    runs.finish(run_id, runs.DONE, utcnow(),
                f"written={report.written} already={report.already} nothing_new={report.nothing_new} "
                f"errors={report.errors}")
    return report


def catch_up(now: datetime | None = None) -> list[BuildReport]:
    """Daily and weekly digests whose slot passed within the grace time and were not built yet."""
    now = now or utcnow()
    reports = []
    for frequency in (periods.DAILY, periods.WEEKLY):
        slot = periods.latest_slot(frequency, now)
        if now - slot > periods.grace():
            continue
        if runs.is_done(digest_job_name(frequency), periods.period_key(frequency, slot)):
            continue
        report = run_digests(frequency, now)
        if report is not None:
            logger.info("missed digest run caught up", extra={"event": "scheduler.catch_up", "frequency": frequency})
            reports.append(report)
    return reports


def settle_fresh_database(now: datetime | None = None) -> list[str]:
    """Record the current daily and weekly digest periods as done in a database where those digests
    were never built (a freshly seeded demo), so the scheduler's first start does not catch up
    their runs and mail every seeded person at once; the next scheduled slot builds them as usual.
    Returns the jobs so settled. Where a digest job ever ran, nothing changes (a restart still
    catches up a run it missed)."""
    now = now or utcnow()
    settled = []
    for frequency in (periods.DAILY, periods.WEEKLY):
        job = digest_job_name(frequency)
        if db.session.scalar(sa.select(SchedulerRun.id).where(SchedulerRun.job == job).limit(1)) is not None:
            continue
        run_id = runs.claim(job, periods.period_key(frequency, periods.latest_slot(frequency, now)), now)
        if run_id is not None:
            runs.finish(run_id, runs.DONE, now, "fresh database: the seeded people's first digest comes at the next slot")
            settled.append(job)
    return settled


def send_outbox(now: datetime | None = None) -> outbox.SendReport:
    return outbox.send_pending(now)


def daily_digests(now: datetime | None = None) -> None:
    run_digests(periods.DAILY, now)
    send_outbox(now)


def weekly_digests(now: datetime | None = None) -> None:
    run_digests(periods.WEEKLY, now)
    send_outbox(now)


def tick(now: datetime | None = None) -> None:
    """Every minute and at start-up: catch up missed runs, immediate digests, send the outbox."""
    catch_up(now)
    run_digests(periods.IMMEDIATE, now)
    send_outbox(now)


def _once_a_day(job: str, now: datetime | None, work: Callable[[datetime], Any]) -> Any:
    """Run ``work`` once per Japan date across every scheduler process."""
    now = now or utcnow()
    run_id = runs.claim(job, to_jst(now).date().isoformat(), now)
    if run_id is None:
        return None
    try:
        result = work(now)
        db.session.commit()
    except Exception:
        db.session.rollback()
        runs.finish(run_id, runs.FAILED, utcnow(), "exception")
        raise
    runs.finish(run_id, runs.DONE, utcnow(), f"result={result}")
    return result


def close_expired_postings(now: datetime | None = None) -> Any:
    """Close published postings whose deadline passed; forget old run records, form keys and reset requests."""
    from marketplace.core.idempotency import forget_old_keys
    from marketplace.accounts.operations import forget_old_reset_requests
    from marketplace.postings.operations import close_expired

    def work(moment: datetime) -> int:
        db.session.execute(sa.delete(SchedulerRun).where(SchedulerRun.started_at < moment - KEEP_RUNS))
        forget_old_keys(moment)
        forget_old_reset_requests(moment)
        return close_expired(moment)

    return _once_a_day("postings.close_expired", now, work)


def refresh_suggestions(now: datetime | None = None) -> Any:
    """Ask the matchers to refit and store fresh suggestions (before the morning digests).

    The scheduler never fits an engine itself: it queues one rebuild per scheme, which the
    matcher owning that scheme (``flask match worker``) carries out.
    """
    from marketplace.suggestions.queue import record_rebuild

    def work(_moment: datetime) -> int:
        record_rebuild()
        return 0

    return _once_a_day("suggestions.refresh", now, work)


def followup_reminders(now: datetime | None = None) -> Any:
    """Remind coordinators of follow-up check-ins that fell due (the pipeline decides what is due)."""
    from marketplace.matches.operations import send_followup_reminders

    return _once_a_day("pipeline.followup_reminders", now, send_followup_reminders)
