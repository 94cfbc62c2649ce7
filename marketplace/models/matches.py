"""Suggested matches between a seeker (candidate opt-in or startup solution) and a posting."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.models.accounts import User
from marketplace.models.base import Base, utcnow
from marketplace.models.postings import Posting
from marketplace.models.profiles import CandidateProfile


class MatchStatus(StrEnum):
    """Where a match stands (see ``marketplace.matches.machine``); the engine rewrites only ``suggested``."""

    SUGGESTED = "suggested"
    ON_HOLD = "on_hold"
    REJECTED = "rejected"
    APPROVED = "approved"  # introduction requested from both sides
    INTRODUCED = "introduced"  # both sides accepted: contacts revealed
    IN_TALKS = "in_talks"
    TRIAL = "trial"
    AGREED = "agreed"
    CLOSED = "closed"


class Consent(StrEnum):
    """A side's answer to an introduction request."""

    ACCEPTED = "accepted"
    DECLINED = "declined"


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

    # --- the pipeline (all empty while the match is only suggested) ---
    outcome: Mapped[str | None] = mapped_column(sa.String(24))
    reject_reason: Mapped[str | None] = mapped_column(sa.String(32))
    seeker_interest_at: Mapped[datetime | None]
    poster_interest_at: Mapped[datetime | None]
    # A side that withdrew its interest: its ``*_interest_at`` is cleared, this says when.
    seeker_interest_withdrawn_at: Mapped[datetime | None]
    poster_interest_withdrawn_at: Mapped[datetime | None]
    seeker_consent: Mapped[Consent | None] = mapped_column(sa.Enum(Consent, native_enum=False, length=16))
    seeker_consent_at: Mapped[datetime | None]
    poster_consent: Mapped[Consent | None] = mapped_column(sa.Enum(Consent, native_enum=False, length=16))
    poster_consent_at: Mapped[datetime | None]
    nda_version: Mapped[str | None] = mapped_column(sa.String(16))
    nda_accepted_at: Mapped[datetime | None]
    approved_at: Mapped[datetime | None]
    introduced_at: Mapped[datetime | None]
    agreed_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    next_step: Mapped[str] = mapped_column(sa.String(200), default="")
    next_step_due: Mapped[date | None] = mapped_column(index=True)
    trial_starts_on: Mapped[date | None]
    trial_ends_on: Mapped[date | None]
    adoption_route: Mapped[str | None] = mapped_column(sa.String(24))
    budget_timing: Mapped[str] = mapped_column(sa.String(100), default="")
    appointment_status: Mapped[str | None] = mapped_column(sa.String(16))

    posting: Mapped[Posting] = relationship(foreign_keys=[posting_id])
    candidate_profile: Mapped[CandidateProfile | None] = relationship()
    solution_posting: Mapped[Posting | None] = relationship(foreign_keys=[solution_posting_id])

    events: Mapped[list["MatchEvent"]] = relationship(
        back_populates="match", cascade="all, delete-orphan", order_by="MatchEvent.id")

    __table_args__ = (sa.UniqueConstraint("posting_id", "seeker_ref"),)

    @property
    def interest(self) -> bool:
        """Either side said it is interested: the review queue lists these first."""
        return self.seeker_interest_at is not None or self.poster_interest_at is not None

    @property
    def interest_withdrawn(self) -> bool:
        """A side withdrew its interest and no side is interested now (the queue marks these)."""
        return not self.interest and (self.seeker_interest_withdrawn_at is not None
                                      or self.poster_interest_withdrawn_at is not None)


class MatchEvent(Base):
    """One entry of a match's timeline: a transition, a note, an answer, a change of plan."""

    __tablename__ = "match_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column(sa.ForeignKey("matches.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(sa.String(24))  # transition, note, consent, interest, next_step, trial...
    from_status: Mapped[str | None] = mapped_column(sa.String(16))
    to_status: Mapped[str | None] = mapped_column(sa.String(16))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    internal: Mapped[bool] = mapped_column(default=True)  # hidden from the participants
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    match: Mapped[Match] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


class MatchMessage(Base):
    """A message in the thread that opens once both sides accepted the introduction."""

    __tablename__ = "match_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column(sa.ForeignKey("matches.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User | None] = relationship()


class TrialDebrief(Base):
    """Each side's structured debrief after a trial (fit, would continue, next step)."""

    __tablename__ = "trial_debriefs"

    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column(sa.ForeignKey("matches.id", ondelete="CASCADE"), index=True)
    side: Mapped[str] = mapped_column(sa.String(8))  # "seeker" or "poster"
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    fit: Mapped[int]  # 1 (poor) … 5 (excellent)
    would_continue: Mapped[bool]
    next_step: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (sa.UniqueConstraint("match_id", "side"),)


class FollowUp(Base):
    """A check-in 3, 6 or 12 months after agreement: is it still going, and how did it turn out."""

    __tablename__ = "match_follow_ups"

    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column(sa.ForeignKey("matches.id", ondelete="CASCADE"), index=True)
    months: Mapped[int]
    due_on: Mapped[date] = mapped_column(index=True)
    reminded_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]
    answered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    still_going: Mapped[bool | None]
    note: Mapped[str] = mapped_column(sa.Text, default="")

    match: Mapped[Match] = relationship()

    __table_args__ = (sa.UniqueConstraint("match_id", "months"),)


class NearMiss(Base):
    """A posting a candidate would fit but for one or two hard rules ("why not yet").

    Written by the process that owns the engine (``services.near_misses``); web pages only read
    these rows. ``rules`` is a list of ``{"check", "code", "params"}``; ``score`` is the text fit
    (cosine × 100), used only to order the list.
    """

    __tablename__ = "near_misses"

    id: Mapped[int] = mapped_column(primary_key=True)
    seeker_ref: Mapped[str] = mapped_column(sa.String(24))
    candidate_profile_id: Mapped[int] = mapped_column(
        sa.ForeignKey("candidate_profiles.id", ondelete="CASCADE"), index=True)
    posting_id: Mapped[int] = mapped_column(sa.ForeignKey("postings.id", ondelete="CASCADE"), index=True)
    scheme: Mapped[str] = mapped_column(sa.String(32))
    rules: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    score: Mapped[float] = mapped_column(default=0.0)
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)

    posting: Mapped[Posting] = relationship()

    __table_args__ = (sa.UniqueConstraint("seeker_ref", "posting_id", "scheme"),)
