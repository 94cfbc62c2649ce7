"""The matching change log and the matchers' bookkeeping.

Web processes never score anything: a use case that changes a matching input adds a
``MatchingChange`` row in the same transaction as the change itself, so the change is queued
if and only if it commits. Matcher processes (``flask match worker``) own one engine per
scheme (a *partition*), claim the queued changes of their partitions with a lease, apply them
and delete them in the transaction that writes the new suggestions.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.models.base import Base, utcnow


class ChangeKind:
    """What a change row refers to (``ref_id``)."""

    PROFILE = "profile"  # a candidate profile: saved, joined/left a scheme, stopped/resumed use, deleted
    POSTING = "posting"  # a need posting (or a startup's solution, which is a seeker): any status change
    REBUILD = "rebuild"  # refit the scheme's engine and store every posting's suggestions again


class MatchingChange(Base):
    """One queued change of a matching input, for one scheme (partition)."""

    __tablename__ = "matching_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    ref_id: Mapped[int | None]
    scheme: Mapped[str] = mapped_column(sa.String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    claim_token: Mapped[str | None] = mapped_column(sa.String(32))
    claimed_by: Mapped[str | None] = mapped_column(sa.String(64))
    lease_until: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)

    __table_args__ = (
        sa.Index("ix_matching_changes_scheme_id", "scheme", "id"),
        sa.Index("ix_matching_changes_kind_ref_id", "kind", "ref_id"),
    )


class MatchingPartition(Base):
    """A scheme's engine is owned by one matcher at a time, under a lease it renews."""

    __tablename__ = "matching_partitions"

    scheme: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    owner: Mapped[str | None] = mapped_column(sa.String(64))
    lease_until: Mapped[datetime | None]
    fitted_at: Mapped[datetime | None]


class MatcherNode(Base):
    """A running matcher's heartbeat: the live ones share the partitions evenly."""

    __tablename__ = "matcher_nodes"

    name: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    seen_until: Mapped[datetime]
    started_at: Mapped[datetime] = mapped_column(default=utcnow)


class MatchingFreshness(Base):
    """When a seeker's (``c<profile>``, ``s<solution>``) or a need's (``p<posting>``) suggestions were last computed."""

    __tablename__ = "matching_freshness"

    ref: Mapped[str] = mapped_column(sa.String(24), primary_key=True)
    computed_at: Mapped[datetime]
