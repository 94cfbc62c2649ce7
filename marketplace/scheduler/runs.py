"""A persistent record of scheduled runs: one row per job and period, claimed before the work starts.

APScheduler keeps its state in memory; this table is what survives a restart and what two
scheduler processes share. A run is claimed by inserting its row (the unique key lets only one
process win) or by taking over a row whose run failed or went stale (its process died).
"""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from marketplace.extensions import db
from marketplace.models import SchedulerRun

RUNNING, DONE, FAILED = "running", "done", "failed"
#: A run still "running" after this long is presumed dead and may be taken over.
STALE_AFTER = timedelta(minutes=30)
#: A failed run is tried again after this long (while its period is still due).
RETRY_FAILED_AFTER = timedelta(minutes=5)


def is_done(job: str, period: str) -> bool:
    return db.session.scalar(sa.select(SchedulerRun.id).where(
        SchedulerRun.job == job, SchedulerRun.period == period, SchedulerRun.status == DONE)) is not None


def claim(job: str, period: str, now: datetime) -> int | None:
    """Claim the run of ``job`` for ``period``; its id, or ``None`` when done or running elsewhere. Commits."""
    db.session.commit()
    existing = db.session.scalar(sa.select(SchedulerRun).where(SchedulerRun.job == job, SchedulerRun.period == period))
    if existing is None:
        run = SchedulerRun(job=job, period=period, status=RUNNING, started_at=now)
        db.session.add(run)
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            return None
        return run.id
    if existing.status == DONE:
        return None
    wait = STALE_AFTER if existing.status == RUNNING else RETRY_FAILED_AFTER
    if existing.started_at > now - wait:
        return None
    # Take over, unless another process took it over first (compare and set on the attempt count).
    result = db.session.execute(
        sa.update(SchedulerRun)
        .where(SchedulerRun.id == existing.id, SchedulerRun.status == existing.status,
               SchedulerRun.attempts == existing.attempts)
        .values(status=RUNNING, started_at=now, attempts=SchedulerRun.attempts + 1)
        .execution_options(synchronize_session=False))
    db.session.commit()
    return existing.id if result.rowcount == 1 else None


def finish(run_id: int, status: str, now: datetime, detail: str = "") -> None:
    """Record the end of a run. Commits."""
    db.session.rollback()
    db.session.execute(sa.update(SchedulerRun).where(SchedulerRun.id == run_id)
                       .values(status=status, finished_at=now, detail=detail[:500])
                       .execution_options(synchronize_session=False))
    db.session.commit()
