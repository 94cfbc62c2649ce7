"""Building digests: collect the sections for a user, and write one outbox row per user and period.

``compose`` has no side effects (previews use it). ``build_for_user`` writes the row inside its
own transaction: the unique key (user, "digest", frequency, period) means that a second build of
the same period — a restart, a second scheduler, ``flask digests send --now`` — finds the row
and writes nothing. Nothing is written when no section has news.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask_babel import force_locale
from sqlalchemy.exc import IntegrityError

from marketplace.extensions import db
from marketplace.models import (
    DeliveryMode,
    HeldNotification,
    NotificationPreference,
    OutboxMessage,
    OutboxStatus,
    User,
)
from marketplace.digests import notifications
from marketplace.digests import periods
from marketplace.digests.render import render_digest
from marketplace.digests.sections import DigestContext, SectionResult, sections_for
from marketplace.core.links import external_url

logger = logging.getLogger(__name__)

DIGEST = "digest"


@dataclass
class ComposedDigest:
    """A digest ready to be written (or printed by a preview)."""

    frequency: str
    since: datetime
    subject: str
    text: str
    html: str
    headers: list[list[str]]
    results: list[SectionResult]


@dataclass
class BuildReport:
    """What one build of a period did."""

    frequency: str
    period: str
    written: int = 0
    already: int = 0
    nothing_new: int = 0
    errors: int = 0
    user_ids: list[int] = field(default_factory=list)


def last_covered(user: User, frequency: str | None = None) -> datetime | None:
    """Where the user's previous ``frequency`` digest (or any digest) stopped collecting."""
    query = sa.select(sa.func.max(OutboxMessage.covers_until)).where(
        OutboxMessage.user_id == user.id, OutboxMessage.kind == DIGEST)
    if frequency is not None:
        query = query.where(OutboxMessage.stream == frequency)
    return db.session.scalar(query)


def new_since(user: User, frequency: str, now: datetime) -> datetime:
    """Items after this moment are new for the user's ``frequency`` digest.

    The end of their previous digest of that frequency; for the first one, the end of their
    previous digest of any frequency (someone switching from daily to weekly neither misses nor
    repeats anything), else the creation of the account. Never more than 31 days back.
    """
    since = last_covered(user, frequency) or last_covered(user) or user.created_at
    return max(since, now - periods.MAX_LOOKBACK)


def held_for(user: User, frequency: str, now: datetime) -> list[HeldNotification]:
    return list(db.session.scalars(sa.select(HeldNotification).where(
        HeldNotification.user_id == user.id, HeldNotification.mode == DeliveryMode(frequency),
        HeldNotification.digest_id.is_(None), HeldNotification.created_at <= now)
        .order_by(HeldNotification.created_at.desc(), HeldNotification.id.desc())))


def context_for(user: User, frequency: str, now: datetime) -> DigestContext:
    return DigestContext(user=user, frequency=frequency, since=new_since(user, frequency, now), now=now,
                         topics=notifications.topics_in_digest(user, frequency), held=held_for(user, frequency, now))


def compose(user: User, frequency: str, now: datetime, slot: datetime | None = None) -> ComposedDigest | None:
    """The digest ``user`` would get now for ``frequency``; ``None`` when nothing is new."""
    ctx = context_for(user, frequency, now)
    if not ctx.topics and not ctx.held:
        return None
    slot = slot or periods.latest_slot(frequency, now)
    with force_locale(user.locale):
        results: list[SectionResult] = []
        for section in sections_for(user.role):
            results.extend(section(ctx))
        results = [r for r in results if r.items or r.summary]
        if not any(r.has_news for r in results):
            return None
        subject, text, html = render_digest(
            user=user, frequency=frequency, slot=slot, results=results,
            settings_url=external_url("settings.notifications"),
            unsubscribe_url=notifications.unsubscribe_url(user, notifications.DIGESTS_SCOPE))
    return ComposedDigest(frequency=frequency, since=ctx.since, subject=subject, text=text, html=html,
                          headers=notifications.unsubscribe_headers(user, notifications.DIGESTS_SCOPE),
                          results=results)


def _already_built(user_id: int, frequency: str, period: str) -> bool:
    return db.session.scalar(sa.select(OutboxMessage.id).where(
        OutboxMessage.user_id == user_id, OutboxMessage.kind == DIGEST, OutboxMessage.stream == frequency,
        OutboxMessage.period == period)) is not None


def build_for_user(user_id: int, frequency: str, slot: datetime, now: datetime) -> str:
    """Write ``user_id``'s digest of the period of ``slot`` unless it exists. Commits.

    Returns ``"written"``, ``"already"``, ``"nothing_new"`` or ``"skipped"`` (cannot receive mail).
    """
    period = periods.period_key(frequency, slot)
    user = db.session.get(User, user_id)
    if user is None or not notifications.may_receive_mail(user):
        return "skipped"
    if _already_built(user_id, frequency, period):
        return "already"
    composed = compose(user, frequency, now, slot)
    if composed is None:
        db.session.rollback()
        return "nothing_new"
    row = OutboxMessage(
        user_id=user.id, kind=DIGEST, stream=frequency, period=period, to_address=user.email,
        subject=composed.subject[:300], body_text=composed.text, body_html=composed.html, headers=composed.headers,
        status=OutboxStatus.PENDING, next_attempt_at=now, covers_until=now, created_at=now)
    db.session.add(row)
    try:
        db.session.flush()
        for result in composed.results:
            if result.on_written is not None:
                result.on_written(row)
        db.session.commit()
    except IntegrityError:  # another process wrote this period first (or mailed the same result)
        db.session.rollback()
        return "already"
    return "written"


def recipients(frequency: str) -> list[int]:
    """Users who may have a ``frequency`` digest: everyone for daily (the default), else those who chose it."""
    eligible = sa.select(User.id).where(User.active.is_(True), User.email_verified_at.is_not(None))
    if frequency != periods.DAILY:
        chose = sa.select(NotificationPreference.user_id).where(
            NotificationPreference.mode == DeliveryMode(frequency))
        held = sa.select(HeldNotification.user_id).where(
            HeldNotification.mode == DeliveryMode(frequency), HeldNotification.digest_id.is_(None))
        eligible = eligible.where(sa.or_(User.id.in_(chose), User.id.in_(held)))
    return list(db.session.scalars(eligible.order_by(User.id)))


def build_period(frequency: str, now: datetime, slot: datetime | None = None) -> BuildReport:
    """Build every due user's digest for the period of ``slot`` (default: the latest slot before ``now``)."""
    slot = slot or periods.latest_slot(frequency, now)
    report = BuildReport(frequency=frequency, period=periods.period_key(frequency, slot))
    for user_id in recipients(frequency):
        try:
            outcome = build_for_user(user_id, frequency, slot, now)
        except Exception:  # one user's failure must not stop everyone else's digest
            db.session.rollback()
            report.errors += 1
            logger.exception("digest not built", extra={"event": "digest.error", "user_id": user_id})
            continue
        if outcome == "written":
            report.written += 1
            report.user_ids.append(user_id)
        elif outcome == "already":
            report.already += 1
        elif outcome == "nothing_new":
            report.nothing_new += 1
    logger.info("digests built", extra={"event": "digest.built", "frequency": frequency, "period": report.period,
                                        "written": report.written, "already": report.already})
    return report


def preview(user: User, now: datetime) -> list[ComposedDigest]:
    """Every digest ``user`` would get if their digests were built now (nothing is written)."""
    out = []
    for frequency in periods.FREQUENCIES:
        composed = compose(user, frequency, now)
        if composed is not None:
            out.append(composed)
    db.session.rollback()
    return out
