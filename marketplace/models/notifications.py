"""Mail delivery: preferences, the outbox, held notices, saved-search deliveries, bounces, scheduler runs.

Everything that leaves by mail is first written to ``outbox_messages`` with a unique key per
user, kind, stream and period, then delivered by a sender that claims rows (see
``marketplace.digests.outbox``). The unique key is what makes a digest "exactly once": building
the same period twice finds the row already there.
"""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.models.base import Base, utcnow


class DeliveryMode(StrEnum):
    """How a user wants one topic (a scheme, or a kind of personal notice) delivered."""

    OFF = "off"
    IMMEDIATE = "immediate"
    DAILY = "daily"
    WEEKLY = "weekly"


class NotificationPreference(Base):
    """A user's choice for one topic. Missing rows mean the topic's default."""

    __tablename__ = "notification_preferences"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # A scheme code, "general" (things without a scheme) or a personal notice kind.
    topic: Mapped[str] = mapped_column(sa.String(40))
    mode: Mapped[DeliveryMode] = mapped_column(sa.Enum(DeliveryMode, native_enum=False, length=16))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __table_args__ = (sa.UniqueConstraint("user_id", "topic"),)


class OutboxStatus(StrEnum):
    """Where an outgoing message stands."""

    PENDING = "pending"  # waiting for its next attempt
    SENDING = "sending"  # claimed by a sender until ``lease_until``
    SENT = "sent"
    FAILED = "failed"  # gave up: too many attempts, permanent refusal or bouncing address
    CANCELLED = "cancelled"  # the recipient unsubscribed before it left


class OutboxMessage(Base):
    """One message to one user, written before it is sent, unique per user/kind/stream/period."""

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(16))  # "digest" or "notice"
    # Digests: the frequency (daily, weekly, immediate). Notices: the notice kind.
    stream: Mapped[str] = mapped_column(sa.String(40))
    # Digests: the period key (2026-11-27, 2026-W48, 2026-11-27T08:10). Notices: the caller's key.
    period: Mapped[str] = mapped_column(sa.String(160))
    to_address: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body_text: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str | None] = mapped_column(sa.Text)
    headers: Mapped[list[Any]] = mapped_column(sa.JSON, default=list)
    status: Mapped[OutboxStatus] = mapped_column(
        sa.Enum(OutboxStatus, native_enum=False, length=16), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claim_token: Mapped[str | None] = mapped_column(sa.String(32))
    lease_until: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(sa.String(500), default="")
    # Digests: the moment the content was collected up to (the next digest starts there).
    covers_until: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]

    __table_args__ = (
        sa.UniqueConstraint("user_id", "kind", "stream", "period"),
        sa.Index("ix_outbox_messages_status_next_attempt_at", "status", "next_attempt_at"),
    )


class HeldNotification(Base):
    """A personal notice its recipient asked to receive in their next digest instead of at once."""

    __tablename__ = "held_notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    key: Mapped[str] = mapped_column(sa.String(160))
    mode: Mapped[DeliveryMode] = mapped_column(sa.Enum(DeliveryMode, native_enum=False, length=16))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body_text: Mapped[str] = mapped_column(sa.Text, default="")
    link: Mapped[str] = mapped_column(sa.String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The digest that carried it; empty while it waits.
    digest_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("outbox_messages.id", ondelete="CASCADE"), index=True)

    __table_args__ = (sa.UniqueConstraint("user_id", "kind", "key"),)


class SavedSearchDelivery(Base):
    """One result of a saved search that has been mailed (each result is mailed once)."""

    __tablename__ = "saved_search_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    saved_search_id: Mapped[int] = mapped_column(
        sa.ForeignKey("saved_searches.id", ondelete="CASCADE"), index=True)
    item_ref: Mapped[str] = mapped_column(sa.String(24))  # "p<posting id>" or "c<profile id>"
    outbox_id: Mapped[int | None] = mapped_column(sa.ForeignKey("outbox_messages.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (sa.UniqueConstraint("saved_search_id", "item_ref"),)


class BouncedAddress(Base):
    """An address the mail server refused permanently (5xx): nothing more is sent to it."""

    __tablename__ = "bounced_addresses"

    id: Mapped[int] = mapped_column(primary_key=True)
    address: Mapped[str] = mapped_column(sa.String(254), unique=True)
    code: Mapped[int] = mapped_column(default=0)
    reason: Mapped[str] = mapped_column(sa.String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class MailPause(Base):
    """Sending stopped because the mail server refused for a reason of its own (relay, policy,
    authentication) or refused most recipients of a batch. Nothing leaves until an admin resumes.

    ``detail`` is the server's answer with every address in it replaced, so it holds no one's data.
    """

    __tablename__ = "mail_pauses"

    id: Mapped[int] = mapped_column(primary_key=True)
    reason: Mapped[str] = mapped_column(sa.String(32))  # "policy_refusal" or "mass_refusal"
    code: Mapped[int] = mapped_column(default=0)
    detail: Mapped[str] = mapped_column(sa.String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resumed_at: Mapped[datetime | None]
    resumed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))


class SchedulerRun(Base):
    """One run of a scheduled job for one period, kept so that a restart neither loses nor repeats it."""

    __tablename__ = "scheduler_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(sa.String(64))
    period: Mapped[str] = mapped_column(sa.String(64))
    status: Mapped[str] = mapped_column(sa.String(16))  # running, done, failed
    attempts: Mapped[int] = mapped_column(default=1)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    detail: Mapped[str] = mapped_column(sa.String(500), default="")

    __table_args__ = (sa.UniqueConstraint("job", "period"),)
