"""Personal API tokens: a bearer secret for the read-only JSON API, stored only as a SHA-256 hash."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.models.accounts import User
from marketplace.models.base import Base, utcnow


class ApiToken(Base):
    """A named token of one user. The secret is shown once at creation; only its hash is kept."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    # Hex SHA-256 of the secret: the secret has 256 random bits, so no salt or slow hash is needed.
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # The first characters of the secret, so that its owner can tell tokens apart.
    token_prefix: Mapped[str] = mapped_column(sa.String(16), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    # Chosen at creation (90 days unless the owner picks another term); past it the token answers 401.
    expires_at: Mapped[datetime]

    user: Mapped[User] = relationship()

    @property
    def expired(self) -> bool:
        return self.expires_at <= utcnow()

    @property
    def active(self) -> bool:
        return self.revoked_at is None and not self.expired
