"""Consent records, saved searches and the anonymised audit trail."""
from __future__ import annotations

from datetime import date, datetime
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


class DisclosureRecord(Base):
    """A provision of a person's data to someone else (APPI's record of third-party provision).

    Kept at least ``RETENTION_YEARS`` even after the person leaves: ``subject_user_id`` is then
    cleared, ``subject_key`` (a pseudonym) stays so an exposure can still be counted.
    """

    __tablename__ = "disclosure_records"
    RETENTION_YEARS = 3

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    subject_key: Mapped[str] = mapped_column(sa.String(16), index=True)
    recipient_org_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id", ondelete="SET NULL"))
    recipient_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    recipient_label: Mapped[str] = mapped_column(sa.String(200), default="")
    match_id: Mapped[int | None] = mapped_column(sa.ForeignKey("matches.id", ondelete="SET NULL"))
    fields: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    basis: Mapped[str] = mapped_column(sa.String(64))
    consent_record_id: Mapped[int | None] = mapped_column(sa.ForeignKey("consent_records.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    retain_until: Mapped[date]


class DataRequest(Base):
    """A person's request about their data: correction, stop of use or deletion (APPI art. 34–35)."""

    __tablename__ = "data_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(16))  # correction, stop_use, resume_use, deletion
    note: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[str] = mapped_column(sa.String(8), default="done")  # done, open
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None]
