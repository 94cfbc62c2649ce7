"""A record of password-reset requests, keyed by a keyed hash of the address (never the address)."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.models.base import Base, utcnow


class PasswordResetRequest(Base):
    """One request of ``/auth/password/forgot``, whether or not the address has an account.

    Written on both paths in the same transaction, so a known and an unknown address cost the same
    statements and one commit that writes (issue #16, item 2). ``address_digest`` is an HMAC of the
    normalised address under the site's secret key: no address in clear, so nothing personal is
    kept about a stranger. ``user_id`` is set only for an account's own request (the mail it queued
    is in the outbox); the row goes with the account (ON DELETE CASCADE, and the deletion erases
    rows whose digest is the person's address). Rows older than ``KEEP_RESET_REQUESTS`` are deleted
    by the scheduler's nightly housekeeping.
    """

    __tablename__ = "password_reset_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    address_digest: Mapped[str] = mapped_column(sa.String(64), index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
