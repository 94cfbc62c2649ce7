"""Signed-in sessions: one row per device a person is signed in on.

The browser's signed cookie (and a remember-me cookie, when one is set) holds a random secret;
the database keeps only its SHA-256 hash, so a copy of the table signs nobody in. Ending a session
sets ``revoked_at``: a copy of its cookie replayed afterwards finds no live row and is anonymous.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.models.base import Base, utcnow


class UserSession(Base):
    """One device (browser) a user is signed in on."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # Hex SHA-256 of the cookie's secret (256 random bits: no salt or slow hash needed).
    secret_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Updated at most once a minute (``services.sessions.TOUCH_INTERVAL``).
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    # A short summary such as "Firefox / Windows", never the whole User-Agent header.
    user_agent: Mapped[str] = mapped_column(sa.String(64), default="")
    # The network, never the address: "203.0.113.0/24", "2001:db8:1::/48" or "local".
    place: Mapped[str] = mapped_column(sa.String(64), default="")
    revoked_at: Mapped[datetime | None]

    @property
    def active(self) -> bool:
        return self.revoked_at is None
