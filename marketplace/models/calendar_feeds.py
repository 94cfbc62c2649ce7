"""Private calendar feeds: one secret iCalendar URL per person, which can be regenerated."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.models.base import Base, utcnow


class CalendarFeed(Base):
    """The current feed URL of one user.

    The URL's token is an HMAC of the user id and ``nonce`` under the site's secret key, so the
    settings page can show it again while the table holds only its SHA-256 (a copy of the table
    opens no feed). Regenerating draws a new nonce: the old URL answers 404 from then on.
    """

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    nonce: Mapped[str] = mapped_column(sa.String(64))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_fetched_at: Mapped[datetime | None]
