"""A prefecture's support structure for the accelerators: which of the four functions it has."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.models.accounts import User
from marketplace.models.base import Base, utcnow
from marketplace.models.reference import Prefecture

#: The four functions, in the order the ministry lists them: 会議体, ヒアリング, 専門人材確保, 取組テーマ設定.
SUPPORT_FUNCTIONS = ("council", "hearing", "talent", "themes")


class PrefectureSupportStructure(Base):
    """One row per prefecture that recorded its status (a missing row means nothing recorded yet)."""

    __tablename__ = "prefecture_support_structures"

    id: Mapped[int] = mapped_column(primary_key=True)
    prefecture_code: Mapped[str] = mapped_column(sa.ForeignKey("prefectures.code"), unique=True)
    council: Mapped[bool] = mapped_column(default=False)  # 会議体
    hearing: Mapped[bool] = mapped_column(default=False)  # ヒアリング
    talent: Mapped[bool] = mapped_column(default=False)  # 専門人材確保
    themes: Mapped[bool] = mapped_column(default=False)  # 取組テーマ設定
    note: Mapped[str] = mapped_column(sa.Text, default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    prefecture: Mapped[Prefecture] = relationship()
    updated_by: Mapped[User | None] = relationship()

    def functions(self) -> dict[str, bool]:
        """The four flags by code."""
        return {code: bool(getattr(self, code)) for code in SUPPORT_FUNCTIONS}

    @property
    def complete(self) -> bool:
        """All four functions are in place."""
        return all(self.functions().values())
