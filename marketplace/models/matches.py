"""Suggested matches between a seeker (candidate opt-in or startup solution) and a posting."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.models.base import Base, utcnow
from marketplace.models.postings import Posting
from marketplace.models.profiles import CandidateProfile


class MatchStatus(StrEnum):
    """Where a match stands; only ``suggested`` rows are ever rewritten by the engine."""

    SUGGESTED = "suggested"
    APPROVED = "approved"
    REJECTED = "rejected"
    ON_HOLD = "on_hold"


class Match(Base):
    """One scored pair. ``seeker_ref`` is ``c<profile id>`` or ``s<solution posting id>``."""

    __tablename__ = "matches"

    id: Mapped[int] = mapped_column(primary_key=True)
    scheme: Mapped[str] = mapped_column(sa.String(32), index=True)
    posting_id: Mapped[int] = mapped_column(sa.ForeignKey("postings.id", ondelete="CASCADE"), index=True)
    seeker_ref: Mapped[str] = mapped_column(sa.String(24))
    candidate_profile_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("candidate_profiles.id", ondelete="CASCADE"), index=True)
    solution_posting_id: Mapped[int | None] = mapped_column(sa.ForeignKey("postings.id", ondelete="CASCADE"), index=True)
    score: Mapped[float] = mapped_column(default=0.0)
    flagged: Mapped[bool] = mapped_column(default=False)
    explanation: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    status: Mapped[MatchStatus] = mapped_column(
        sa.Enum(MatchStatus, native_enum=False, length=16), default=MatchStatus.SUGGESTED, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    posting: Mapped[Posting] = relationship(foreign_keys=[posting_id])
    candidate_profile: Mapped[CandidateProfile | None] = relationship()
    solution_posting: Mapped[Posting | None] = relationship(foreign_keys=[solution_posting_id])

    __table_args__ = (sa.UniqueConstraint("posting_id", "seeker_ref"),)
