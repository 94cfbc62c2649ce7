"""Each prefecture's support structure for the accelerators: the four functions, who changed them and when.

Coordinators whose area includes a prefecture (any scheme) and admins may edit it; every change is
stamped on the row (``updated_by``/``updated_at``) and kept as an ``AuditEvent`` with the values
before and after. The national table (all 47 prefectures) is readable by every coordinator.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from marketplace.extensions import db
from marketplace.models import (
    SUPPORT_FUNCTIONS,
    AuditEvent,
    Prefecture,
    PrefectureSupportStructure,
    User,
    utcnow,
)
from marketplace.core.domain_errors import DomainError, NotFound, PermissionDenied

AUDIT_EVENT = "support_structure.updated"
NOTE_MAX = 2000

#: The four functions' names (the ministry's wording).
FUNCTION_LABELS = {
    "council": _l("会議体"),
    "hearing": _l("ヒアリング"),
    "talent": _l("専門人材確保"),
    "themes": _l("取組テーマ設定"),
}


@dataclass(frozen=True)
class SupportRow:
    """One prefecture of the national table; ``structure`` is None until someone records it."""

    prefecture: Prefecture
    structure: PrefectureSupportStructure | None

    @property
    def functions(self) -> dict[str, bool]:
        if self.structure is None:
            return {code: False for code in SUPPORT_FUNCTIONS}
        return self.structure.functions()

    @property
    def count(self) -> int:
        return sum(self.functions.values())

    @property
    def complete(self) -> bool:
        return self.count == len(SUPPORT_FUNCTIONS)


@dataclass(frozen=True)
class NationalTable:
    rows: list[SupportRow]

    @property
    def complete(self) -> int:
        """Prefectures with all four functions."""
        return sum(1 for r in self.rows if r.complete)

    def per_function(self) -> dict[str, int]:
        """Prefectures having each function."""
        return {code: sum(1 for r in self.rows if r.functions[code]) for code in SUPPORT_FUNCTIONS}


def national_table() -> NationalTable:
    """All prefectures by code, each with its recorded status (or none)."""
    query = (sa.select(Prefecture, PrefectureSupportStructure)
             .outerjoin(PrefectureSupportStructure, PrefectureSupportStructure.prefecture_code == Prefecture.code)
             .order_by(Prefecture.code))
    return NationalTable([SupportRow(p, s) for p, s in db.session.execute(query)])


def may_edit(user: User, prefecture_code: str) -> bool:
    """Admins, and coordinators whose area includes the prefecture under any scheme."""
    return bool(user.is_authenticated) and user.covers_prefecture(prefecture_code)


def prefecture_or_404(code: str) -> Prefecture:
    prefecture = db.session.get(Prefecture, code) if len(code) == 2 and code.isdigit() else None
    if prefecture is None:
        raise NotFound(str(_l("その都道府県は見つかりません。")))
    return prefecture


def structure_of(prefecture_code: str) -> PrefectureSupportStructure | None:
    return db.session.scalar(sa.select(PrefectureSupportStructure).where(
        PrefectureSupportStructure.prefecture_code == prefecture_code))


def update(user: User, prefecture_code: str, functions: dict[str, bool], note: str) -> PrefectureSupportStructure:
    """Record a prefecture's four functions and note; a no-op change records nothing."""
    prefecture = prefecture_or_404(prefecture_code)
    if not may_edit(user, prefecture.code):
        raise PermissionDenied(str(_l("この都道府県の支援体制を編集する権限がありません。")))
    unknown = set(functions) - set(SUPPORT_FUNCTIONS)
    if unknown:
        raise DomainError(str(_l("支援体制の項目が正しくありません。")))
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise DomainError(str(_l("備考は%(max)d文字以内で入力してください。", max=NOTE_MAX)))
    structure = structure_of(prefecture.code)
    before = structure.functions() if structure else {code: False for code in SUPPORT_FUNCTIONS}
    before_note = structure.note if structure else ""
    after = {code: bool(functions.get(code, False)) for code in SUPPORT_FUNCTIONS}
    if structure is not None and after == before and note == before_note:
        return structure
    if structure is None:
        structure = PrefectureSupportStructure(prefecture_code=prefecture.code)
        db.session.add(structure)
    for code, value in after.items():
        setattr(structure, code, value)
    structure.note = note
    structure.updated_at = utcnow()
    structure.updated_by_id = user.id
    db.session.add(AuditEvent(actor_id=user.id, event=AUDIT_EVENT, subject=f"prefecture:{prefecture.code}",
                              detail={"before": before, "after": after, "note_changed": note != before_note}))
    db.session.flush()
    return structure


def history(prefecture_code: str, limit: int = 20) -> list[AuditEvent]:
    """The latest recorded changes of one prefecture, newest first."""
    return list(db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.event == AUDIT_EVENT, AuditEvent.subject == f"prefecture:{prefecture_code}")
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc()).limit(limit)))
