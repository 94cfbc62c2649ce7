"""One-time keys of create forms: a retried POST finds the first result instead of making a second row."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.models.base import Base, utcnow


class IdempotencyKey(Base):
    """A key a create form carried, and where its first successful submission led.

    Written in the same transaction as the row the form created, so the key exists exactly when
    the row does; the unique constraint makes the second of two concurrent submissions fail.
    """

    __tablename__ = "idempotency_keys"
    __table_args__ = (sa.UniqueConstraint("user_id", "key", name="uq_idempotency_keys_user_id_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(sa.String(64))
    # A path on this site (never an absolute URL), where the second submission is sent.
    result_url: Mapped[str] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
