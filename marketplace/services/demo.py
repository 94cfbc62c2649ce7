"""Deterministic demo organisations and accounts for ``flask seed demo`` (idempotent)."""
from __future__ import annotations

import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.models import Organisation, OrgKind, Role, User
from marketplace.services import accounts, organisations
from marketplace.services.reference import load_prefectures

DEMO_PASSWORD = "demo-Pass-2026"

#: (name, kind, prefecture, municipality, verified)
DEMO_ORGANISATIONS = [
    ("高知県 デジタル政策課", OrgKind.PREFECTURE, "39", None, True),
    ("四万十町 企画課", OrgKind.MUNICIPALITY, "39", "394122", True),
    ("土佐食品加工株式会社", OrgKind.FIRM, "39", "392014", True),
    ("みちのくモビリティ株式会社", OrgKind.STARTUP, "04", None, True),
    ("長野県プロフェッショナル人材戦略拠点", OrgKind.PRO_HUB, "20", None, True),
    ("未確認の合同会社", OrgKind.FIRM, "13", None, False),
]

#: (email, role, display name, organisation index or None, coordinator area)
DEMO_USERS = [
    ("admin@example.jp", Role.ADMIN, "運営 管理者", None, None),
    ("coordinator.kochi@example.jp", Role.COORDINATOR, "高知 調整役", None,
     (("accelerator", "side_job", "succession", "startup", "adviser"), ("39",))),
    ("coordinator.nagano@example.jp", Role.COORDINATOR, "長野 調整役", None, (("side_job",), ("20",))),
    ("pref.kochi@example.jp", Role.MEMBER, "高知県 担当者", 0, None),
    ("town.shimanto@example.jp", Role.MEMBER, "四万十町 担当者", 1, None),
    ("firm.tosa@example.jp", Role.MEMBER, "土佐食品 社長", 2, None),
    ("startup.michinoku@example.jp", Role.MEMBER, "みちのく 代表", 3, None),
    ("unverified.firm@example.jp", Role.MEMBER, "未確認 担当者", 5, None),
    ("candidate@example.jp", Role.CANDIDATE, "山田 花子", None, None),
]


def _organisation(name: str, kind: OrgKind, prefecture: str, municipality: str | None, verified: bool) -> Organisation:
    org = db.session.scalar(sa.select(Organisation).where(Organisation.name == name))
    if org is None:
        org = Organisation(name=name, kind=kind, prefecture_code=prefecture, municipality_code=municipality)
        db.session.add(org)
    org.verified = verified
    return org


def load_demo() -> list[tuple[str, str]]:
    """Create the demo organisations and users when missing. Returns (email, role) pairs."""
    if db.session.scalar(sa.select(sa.func.count()).select_from(sa.text("prefectures"))) == 0:
        load_prefectures()
    orgs = [_organisation(*spec) for spec in DEMO_ORGANISATIONS]
    db.session.flush()
    made: list[tuple[str, str]] = []
    for email, role, name, org_index, area in DEMO_USERS:
        user = accounts.find_user_by_email(email)
        if user is None:
            org = orgs[org_index] if org_index is not None else None
            user = accounts.create_user(email, DEMO_PASSWORD, role, display_name=name,
                                        organisation=org, verified=True)
        if area is not None:
            schemes, prefectures = area
            organisations.set_coordinator_area(None, user, organisations.parse_area(schemes, prefectures))
        made.append((user.email, user.role.value))
    db.session.flush()
    return made
