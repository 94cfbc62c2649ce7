"""Which candidate profiles lie in a place or in a coordinator's area (SQL conditions and their Python twin).

A profile is *in a prefecture* when the candidate lives there or named it among the prefectures they would
work in or move to. A profile is *in a coordinator's area* when, for one of the coordinator's
scheme × prefecture cells, the candidate opted into that scheme and is in that prefecture.
"""
from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from marketplace.models import CandidateProfile, Role, SchemeOptIn, User


def _work_prefectures_text() -> ColumnElement[str]:
    # JSON arrays are searched through their text form, which works on SQLite and PostgreSQL.
    return sa.cast(CandidateProfile.work_prefectures, sa.String)


def profile_in_prefecture(code: str | ColumnElement[str]) -> ColumnElement[bool]:
    """The profile lives in, or would work in, the prefecture ``code`` (a JIS code or a column holding one)."""
    if isinstance(code, str):
        in_work = _work_prefectures_text().contains(f'"{code}"', autoescape=True)
    else:
        in_work = _work_prefectures_text().contains(sa.literal('"') + code + sa.literal('"'))
    return sa.or_(CandidateProfile.residence_prefecture == code, in_work)


def opted_into(scheme: str) -> ColumnElement[bool]:
    """The profile has joined ``scheme``."""
    return sa.exists().where(SchemeOptIn.profile_id == CandidateProfile.id, SchemeOptIn.scheme == scheme)


def _cells_by_scheme(coordinator: User) -> dict[str, list[str]]:
    cells: dict[str, list[str]] = defaultdict(list)
    for area in coordinator.areas:
        cells[area.scheme].append(area.prefecture_code)
    return cells


def area_condition(coordinator: User) -> ColumnElement[bool]:
    """SQL condition: the profile is in ``coordinator``'s area (everything for an admin, nothing without areas)."""
    if coordinator.role == Role.ADMIN:
        return sa.true()
    clauses = [
        sa.and_(opted_into(scheme), sa.or_(*(profile_in_prefecture(code) for code in codes)))
        for scheme, codes in sorted(_cells_by_scheme(coordinator).items())
    ]
    return sa.or_(*clauses) if clauses else sa.false()


def in_area(coordinator: User, profile: CandidateProfile) -> bool:
    """Python twin of :func:`area_condition` for one loaded profile."""
    if coordinator.role == Role.ADMIN:
        return True
    if coordinator.role != Role.COORDINATOR:
        return False
    schemes = {o.scheme for o in profile.opt_ins}
    places = {profile.residence_prefecture, *(profile.work_prefectures or [])}
    return any(area.scheme in schemes and area.prefecture_code in places for area in coordinator.areas)
