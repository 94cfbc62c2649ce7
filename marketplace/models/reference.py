"""Reference data: prefectures, municipalities and business-succession centres."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.models.base import Base


class Prefecture(Base):
    """One of the 47 prefectures, keyed by its JIS X 0401 code ("01".."47")."""

    __tablename__ = "prefectures"

    code: Mapped[str] = mapped_column(sa.String(2), primary_key=True)
    name_ja: Mapped[str] = mapped_column(sa.String(16))
    name_en: Mapped[str] = mapped_column(sa.String(32))
    region_ja: Mapped[str] = mapped_column(sa.String(16))
    region_en: Mapped[str] = mapped_column(sa.String(32))

    def name(self, locale: str = "ja") -> str:
        """Display name in ``locale``."""
        return self.name_en if locale == "en" else self.name_ja


class Municipality(Base):
    """A municipality or designated-city ward, keyed by its 6-digit local-government code."""

    __tablename__ = "municipalities"

    code: Mapped[str] = mapped_column(sa.String(6), primary_key=True)
    prefecture_code: Mapped[str] = mapped_column(sa.ForeignKey("prefectures.code"), index=True)
    name_ja: Mapped[str] = mapped_column(sa.String(64))
    name_kana: Mapped[str] = mapped_column(sa.String(128), default="")
    kind: Mapped[str] = mapped_column(sa.String(16))

    prefecture: Mapped[Prefecture] = relationship()


class SuccessionCentre(Base):
    """A prefecture's 事業承継・引継ぎ支援センター (business succession support centre)."""

    __tablename__ = "succession_centres"

    id: Mapped[int] = mapped_column(primary_key=True)
    prefecture_code: Mapped[str] = mapped_column(sa.ForeignKey("prefectures.code"), index=True)
    name_ja: Mapped[str] = mapped_column(sa.String(128))
    phone: Mapped[str] = mapped_column(sa.String(32), default="")
    note: Mapped[str] = mapped_column(sa.String(255), default="")

    __table_args__ = (sa.UniqueConstraint("prefecture_code", "name_ja"),)
