"""When digests are due and how their periods are named (all in Japan time).

A *slot* is the scheduled moment a digest belongs to: 08:00 JST every day (daily), 08:00 JST on
Mondays (weekly), or every ``DIGEST_IMMEDIATE_MINUTES`` (immediate). The period key names the
slot (``2026-11-27``, ``2026-W48``, ``2026-11-27T08:10``) and is part of each outbox row's unique
key, so however often a period is built, each user gets at most one digest for it.
"""
from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import current_app

from marketplace.core.i18n import JST

DAILY, WEEKLY, IMMEDIATE = "daily", "weekly", "immediate"
FREQUENCIES = (IMMEDIATE, DAILY, WEEKLY)
#: The furthest back a digest ever looks, however long ago the previous one was.
MAX_LOOKBACK = timedelta(days=31)


def send_time() -> time:
    """``DIGEST_SEND_TIME`` (``HH:MM``, JST), 08:00 unless configured."""
    text = str(current_app.config.get("DIGEST_SEND_TIME") or "08:00")
    hours, _, minutes = text.partition(":")
    return time(int(hours), int(minutes or 0))


def immediate_minutes() -> int:
    return max(1, int(current_app.config.get("DIGEST_IMMEDIATE_MINUTES") or 10))


def latest_slot(frequency: str, now: datetime) -> datetime:
    """The most recent slot of ``frequency`` at or before ``now`` (aware, JST)."""
    local = now.astimezone(JST)
    if frequency == IMMEDIATE:
        step = immediate_minutes()
        minutes = (local.hour * 60 + local.minute) // step * step
        return local.replace(hour=minutes // 60, minute=minutes % 60, second=0, microsecond=0)
    at = send_time()
    slot = local.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
    if slot > local:
        slot -= timedelta(days=1)
    if frequency == WEEKLY:
        slot -= timedelta(days=slot.weekday())  # back to Monday (same time of day)
        if slot > local:  # pragma: no cover - cannot happen after the daily step
            slot -= timedelta(days=7)
    elif frequency != DAILY:
        raise ValueError(f"unknown digest frequency {frequency!r}")
    return slot


def period_key(frequency: str, slot: datetime) -> str:
    local = slot.astimezone(JST)
    if frequency == DAILY:
        return local.date().isoformat()
    if frequency == WEEKLY:
        year, week, _ = local.date().isocalendar()
        return f"{year}-W{week:02d}"
    return local.strftime("%Y-%m-%dT%H:%M")


def grace() -> timedelta:
    """How late a missed daily/weekly run may still happen (``SCHEDULER_MISFIRE_GRACE_SECONDS``)."""
    return timedelta(seconds=int(current_app.config.get("SCHEDULER_MISFIRE_GRACE_SECONDS") or 6 * 3600))
