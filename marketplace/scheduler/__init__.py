"""The APScheduler 3 process: ``flask scheduler run`` (own process in production; ``make run`` starts one).

Jobs (Japan time): daily digests at ``DIGEST_SEND_TIME`` (08:00), weekly digests on Mondays at
the same time, a refresh of the suggestions 30 minutes before, closing expired postings at
00:10, follow-up reminders at 09:00, and a ``tick`` every ``OUTBOX_SEND_INTERVAL_SECONDS`` (and
once at start-up) that catches up missed digest runs, builds "immediate" digests and sends the
outbox.

Every job coalesces missed runs and may start up to ``SCHEDULER_MISFIRE_GRACE_SECONDS`` (6 h)
late. APScheduler's own state lives in memory only: what survives a restart is the
``scheduler_runs`` table and the outbox's unique keys (see ``marketplace.scheduler.jobs``).
Several scheduler processes may run at once; each period is still built once and each message
sent once.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask

from marketplace.core.i18n import JST

logger = logging.getLogger(__name__)


def _in_app(app: Flask, name: str, function: Callable[[], Any]) -> Callable[[], None]:
    """Run ``function`` in an app context; log (never raise) its failure so the scheduler carries on."""

    def run() -> None:
        with app.app_context():
            try:
                function()
            except Exception:
                logger.exception("scheduled job failed", extra={"event": "scheduler.job_failed", "job": name})

    run.__name__ = name
    return run


def _send_time(app: Flask) -> tuple[int, int]:
    hours, _, minutes = str(app.config.get("DIGEST_SEND_TIME") or "08:00").partition(":")
    return int(hours), int(minutes or 0)


def create_scheduler(app: Flask, scheduler_class: type[BaseScheduler] = BlockingScheduler) -> BaseScheduler:
    """A scheduler with every job added (not started)."""
    from marketplace.scheduler import jobs

    grace = int(app.config["SCHEDULER_MISFIRE_GRACE_SECONDS"])
    scheduler = scheduler_class(timezone=JST, job_defaults={
        "coalesce": True, "misfire_grace_time": grace, "max_instances": 1})
    hour, minute = _send_time(app)
    before = (datetime(2000, 1, 1, hour, minute) - timedelta(minutes=30)).time()

    def add(name: str, function: Callable[[], Any], trigger: Any, **options: Any) -> None:
        scheduler.add_job(_in_app(app, name, function), trigger, id=name, name=name, replace_existing=True, **options)

    add("digests.daily", jobs.daily_digests, CronTrigger(hour=hour, minute=minute, timezone=JST))
    add("digests.weekly", jobs.weekly_digests, CronTrigger(day_of_week="mon", hour=hour, minute=minute, timezone=JST))
    add("suggestions.refresh", jobs.refresh_suggestions,
        CronTrigger(hour=before.hour, minute=before.minute, timezone=JST))
    add("postings.close_expired", jobs.close_expired_postings, CronTrigger(hour=0, minute=10, timezone=JST))
    add("pipeline.followup_reminders", jobs.followup_reminders, CronTrigger(hour=9, minute=0, timezone=JST))
    # First run at once: the start-up catch-up of a digest missed while the scheduler was down.
    add("tick", jobs.tick, IntervalTrigger(seconds=int(app.config["OUTBOX_SEND_INTERVAL_SECONDS"]), timezone=JST),
        next_run_time=datetime.now(JST))
    return scheduler
