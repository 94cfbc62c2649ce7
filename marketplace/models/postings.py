"""Postings (needs and startup offers), their status history and succession disclosure requests."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.models.accounts import User
from marketplace.models.base import Base, utcnow
from marketplace.models.organisations import Organisation
from marketplace.models.reference import Municipality, Prefecture


class PostingStatus(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    PUBLISHED = "published"
    CLOSED = "closed"


class CloseReason(StrEnum):
    FILLED = "filled"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"


class Posting(Base):
    """A need posted by an organisation (or, for startups, a solution on offer)."""

    __tablename__ = "postings"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    # Set when a coordinator posted on the organisation's behalf after a hearing.
    proxy_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    scheme: Mapped[str] = mapped_column(sa.String(32), index=True)
    posting_type: Mapped[str] = mapped_column(sa.String(32))
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    prefecture_code: Mapped[str] = mapped_column(sa.ForeignKey("prefectures.code"), index=True)
    municipality_code: Mapped[str | None] = mapped_column(sa.ForeignKey("municipalities.code"))
    remote: Mapped[str] = mapped_column(sa.String(8), default="onsite")
    employment_form: Mapped[str | None] = mapped_column(sa.String(32))
    capacity: Mapped[int | None]
    filled: Mapped[int] = mapped_column(default=0)
    monthly_budget_max: Mapped[int | None]
    hours_per_month: Mapped[int | None]
    months: Mapped[int | None]
    skills: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    categories: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    details: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    # Succession: firm name, address, financials — shown only after an approved disclosure.
    confidential: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    status: Mapped[PostingStatus] = mapped_column(
        sa.Enum(PostingStatus, native_enum=False, length=16), default=PostingStatus.DRAFT, index=True
    )
    close_reason: Mapped[CloseReason | None] = mapped_column(sa.Enum(CloseReason, native_enum=False, length=16))
    review_comment: Mapped[str] = mapped_column(sa.Text, default="")
    deadline: Mapped[date | None] = mapped_column(index=True)
    published_at: Mapped[datetime | None]
    # "|code|code|" of the categories, so that SQL can filter with LIKE on both databases.
    categories_key: Mapped[str] = mapped_column(sa.String(500), default="")
    search_text: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    organisation: Mapped[Organisation] = relationship()
    prefecture: Mapped[Prefecture] = relationship()
    municipality: Mapped[Municipality | None] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    proxy_by: Mapped[User | None] = relationship(foreign_keys=[proxy_by_id])
    history: Mapped[list["PostingStatusChange"]] = relationship(
        back_populates="posting", cascade="all, delete-orphan", order_by="PostingStatusChange.id"
    )

    __table_args__ = (
        sa.Index("ix_postings_scheme_status_prefecture", "scheme", "status", "prefecture_code"),
        # The public list, newest first: read in index order, no sort of every published row.
        sa.Index("ix_postings_status_published_at", "status", "published_at", "id"),
    )

    @property
    def open_places(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.filled, 0)

    @property
    def anonymous(self) -> bool:
        return self.scheme == "succession" and self.details.get("disclosure", "anonymous") != "open"


class PostingStatusChange(Base):
    """One step of a posting's lifecycle: who moved it, when, from where to where, and why."""

    __tablename__ = "posting_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    posting_id: Mapped[int] = mapped_column(sa.ForeignKey("postings.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    from_status: Mapped[str | None] = mapped_column(sa.String(16))
    to_status: Mapped[str] = mapped_column(sa.String(16))
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    posting: Mapped[Posting] = relationship(back_populates="history")
    actor: Mapped[User | None] = relationship()


class DisclosureStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"


class DisclosureRequest(Base):
    """A candidate asks a succession firm to reveal its identity; the firm decides."""

    __tablename__ = "disclosure_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    posting_id: Mapped[int] = mapped_column(sa.ForeignKey("postings.id", ondelete="CASCADE"), index=True)
    requester_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[DisclosureStatus] = mapped_column(
        sa.Enum(DisclosureStatus, native_enum=False, length=16), default=DisclosureStatus.PENDING
    )
    message: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    posting: Mapped[Posting] = relationship()
    requester: Mapped[User] = relationship(foreign_keys=[requester_id])

    __table_args__ = (sa.UniqueConstraint("posting_id", "requester_id"),)
