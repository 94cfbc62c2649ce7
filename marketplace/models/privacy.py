"""Consent records, saved searches and the anonymised audit trail."""
from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.models.base import Base, utcnow


class ConsentRecord(Base):
    """What a person agreed to, and when (kept as evidence for APPI)."""

    __tablename__ = "consent_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(32))
    value: Mapped[str] = mapped_column(sa.String(64), default="")
    text_version: Mapped[str] = mapped_column(sa.String(32), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SavedSearch(Base):
    """A named set of list filters a user wants to be alerted about."""

    __tablename__ = "saved_searches"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    target: Mapped[str] = mapped_column(sa.String(16))  # "postings" or "candidates"
    params: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_notified_at: Mapped[datetime | None]


class AuditEvent(Base):
    """Something that happened to personal data; the actor is blanked when the account is deleted."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    event: Mapped[str] = mapped_column(sa.String(64), index=True)
    subject: Mapped[str] = mapped_column(sa.String(64), default="")
    detail: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
