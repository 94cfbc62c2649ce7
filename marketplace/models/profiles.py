"""Candidate profiles: personal facts, career history and per-scheme opt-ins."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.models.accounts import User
from marketplace.models.base import Base, utcnow


class Visibility(StrEnum):
    """Who may see a candidate's profile (contacts are never shown before an introduction)."""

    COORDINATORS = "coordinators"
    VERIFIED_ORGS = "verified_orgs"
    PUBLIC_SUMMARY = "public_summary"


class FieldVisibility(StrEnum):
    """Who sees one field of a profile before an introduction (decided in ``profiles/visibility.py``)."""

    INTRODUCED = "introduced"  # nobody before an introduction both sides accepted (contact details only)
    COORDINATORS = "coordinators"
    VERIFIED_ORGS = "verified_orgs"
    PUBLIC = "public"


class CandidateProfile(Base):
    """What a candidate tells about themself; one per candidate account."""

    __tablename__ = "candidate_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    residence_prefecture: Mapped[str | None] = mapped_column(sa.ForeignKey("prefectures.code"), index=True)
    work_prefectures: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    remote: Mapped[str] = mapped_column(sa.String(8), default="either")
    available_from: Mapped[date | None]
    hours_per_month: Mapped[int | None]
    employment_forms: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    compensation_min: Mapped[int | None]
    compensation_max: Mapped[int | None]
    skills: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    qualifications: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    other_qualifications: Mapped[str] = mapped_column(sa.Text, default="")
    self_intro: Mapped[str] = mapped_column(sa.Text, default="")
    phone: Mapped[str] = mapped_column(sa.String(32), default="")
    visibility: Mapped[Visibility] = mapped_column(
        sa.Enum(Visibility, native_enum=False, length=16), default=Visibility.COORDINATORS
    )
    # Per field: who sees it before an introduction (never more than ``visibility`` lets see the profile).
    name_visibility: Mapped[FieldVisibility] = mapped_column(
        sa.Enum(FieldVisibility, native_enum=False, length=16), default=FieldVisibility.COORDINATORS,
        server_default=FieldVisibility.COORDINATORS.name)
    contact_visibility: Mapped[FieldVisibility] = mapped_column(
        sa.Enum(FieldVisibility, native_enum=False, length=16), default=FieldVisibility.INTRODUCED,
        server_default=FieldVisibility.INTRODUCED.name)
    career_visibility: Mapped[FieldVisibility] = mapped_column(
        sa.Enum(FieldVisibility, native_enum=False, length=16), default=FieldVisibility.VERIFIED_ORGS,
        server_default=FieldVisibility.VERIFIED_ORGS.name)
    intro_visibility: Mapped[FieldVisibility] = mapped_column(
        sa.Enum(FieldVisibility, native_enum=False, length=16), default=FieldVisibility.VERIFIED_ORGS,
        server_default=FieldVisibility.VERIFIED_ORGS.name)
    # NFKC-normalised, lower-cased text of the searchable fields (kept in step on save).
    search_text: Mapped[str] = mapped_column(sa.Text, default="")
    use_stopped_at: Mapped[datetime | None]  # the person asked us to stop using their data (APPI)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    user: Mapped[User] = relationship()
    careers: Mapped[list["CareerEntry"]] = relationship(
        back_populates="profile", cascade="all, delete-orphan", order_by="CareerEntry.position"
    )
    opt_ins: Mapped[list["SchemeOptIn"]] = relationship(
        back_populates="profile", cascade="all, delete-orphan", order_by="SchemeOptIn.scheme"
    )

    def opt_in(self, scheme: str) -> "SchemeOptIn | None":
        return next((o for o in self.opt_ins if o.scheme == scheme), None)


class CareerEntry(Base):
    """One job in a candidate's career history."""

    __tablename__ = "career_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(sa.ForeignKey("candidate_profiles.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    organisation: Mapped[str] = mapped_column(sa.String(200))
    role: Mapped[str] = mapped_column(sa.String(200), default="")
    years: Mapped[float | None]
    description: Mapped[str] = mapped_column(sa.Text, default="")

    profile: Mapped[CandidateProfile] = relationship(back_populates="careers")


class SchemeOptIn(Base):
    """A candidate's participation in one scheme, with that scheme's extra fields."""

    __tablename__ = "scheme_opt_ins"

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(sa.ForeignKey("candidate_profiles.id", ondelete="CASCADE"), index=True)
    scheme: Mapped[str] = mapped_column(sa.String(32), index=True)
    details: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    profile: Mapped[CandidateProfile] = relationship(back_populates="opt_ins")

    __table_args__ = (sa.UniqueConstraint("profile_id", "scheme"),)
