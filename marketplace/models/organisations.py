"""Organisations that post needs: prefectures, municipalities, firms, startups, support centres."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, WriteOnlyMapped, mapped_column, relationship

from marketplace.models.base import Base, utcnow
from marketplace.models.reference import Municipality, Prefecture

if TYPE_CHECKING:
    from marketplace.models.accounts import User


class OrgKind(StrEnum):
    """What kind of body an organisation is."""

    PREFECTURE = "prefecture"
    MUNICIPALITY = "municipality"
    FIRM = "firm"
    STARTUP = "startup"
    PRO_HUB = "pro_hub"
    SUCCESSION_CENTRE = "succession_centre"
    HR_OPERATOR = "hr_operator"
    COOPERATING_COMPANY = "cooperating_company"


#: Kinds that are support centres (they coordinate more than they post).
SUPPORT_CENTRE_KINDS = frozenset({OrgKind.PRO_HUB, OrgKind.SUCCESSION_CENTRE, OrgKind.HR_OPERATOR})


class Organisation(Base):
    """A body whose members post needs. Only an admin may mark it verified."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[OrgKind] = mapped_column(sa.Enum(OrgKind, native_enum=False, length=32))
    prefecture_code: Mapped[str] = mapped_column(sa.ForeignKey("prefectures.code"), index=True)
    municipality_code: Mapped[str | None] = mapped_column(sa.ForeignKey("municipalities.code"))
    verified: Mapped[bool] = mapped_column(default=False)
    verified_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    prefecture: Mapped[Prefecture] = relationship()
    municipality: Mapped[Municipality | None] = relationship()
    members: WriteOnlyMapped["User"] = relationship(back_populates="organisation")

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.kind}>"
