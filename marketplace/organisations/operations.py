"""Organisation and coordinator-area use cases (admin actions)."""
from __future__ import annotations

import logging
from collections.abc import Iterable

import sqlalchemy as sa
from flask_babel import gettext as _

from marketplace.extensions import db
from marketplace.models import CoordinatorArea, Organisation, Prefecture, Role, User, utcnow
from marketplace.schemes import SchemeCode
from marketplace.core.domain_errors import DomainError, PermissionDenied

logger = logging.getLogger(__name__)


def _require_admin(actor: User) -> None:
    if actor.role != Role.ADMIN:
        raise PermissionDenied(_("管理者のみが行える操作です。"))


def set_verified(actor: User, organisation: Organisation, verified: bool) -> None:
    """Mark an organisation verified (or not). Only an admin may. Raises ``PermissionDenied``."""
    _require_admin(actor)
    organisation.verified = verified
    organisation.verified_at = utcnow() if verified else None
    logger.info(
        "organisation %s verified=%s by %s", organisation.id, verified, actor.id,
        extra={"event": "organisation.verified"},
    )


def can_publish(user: User) -> bool:
    """Members may publish only for a verified organisation."""
    return user.role == Role.MEMBER and user.organisation is not None and user.organisation.verified


def assign_member(actor: User, user: User, organisation: Organisation | None) -> None:
    """Attach ``user`` to ``organisation`` (or detach with ``None``); the user becomes a member."""
    _require_admin(actor)
    if user.role not in (Role.MEMBER, Role.CANDIDATE):
        raise DomainError(_("コーディネーターと管理者は団体に所属させられません。"))
    user.organisation = organisation
    if organisation is not None:
        user.role = Role.MEMBER
    logger.info("user %s assigned to organisation %s by %s", user.id,
                organisation.id if organisation else None, actor.id, extra={"event": "membership.changed"})


def parse_area(schemes: Iterable[str], prefecture_codes: Iterable[str]) -> set[tuple[str, str]]:
    """Validate and cross schemes × prefectures. Raises ``DomainError`` for unknown codes."""
    scheme_set = set(schemes)
    unknown = scheme_set - {s.value for s in SchemeCode}
    if unknown:
        raise DomainError(_("不明な制度です: %(codes)s", codes=", ".join(sorted(unknown))))
    codes = set(prefecture_codes)
    known = set(db.session.scalars(sa.select(Prefecture.code).where(Prefecture.code.in_(codes))))
    if codes - known:
        raise DomainError(_("不明な都道府県コードです: %(codes)s", codes=", ".join(sorted(codes - known))))
    return {(s, p) for s in scheme_set for p in codes}


def set_coordinator_area(actor: User | None, coordinator: User, cells: set[tuple[str, str]]) -> None:
    """Replace a coordinator's area with ``cells`` (scheme, prefecture code).

    ``actor`` is ``None`` only for the command line, which runs with operator rights.
    """
    if actor is not None:
        _require_admin(actor)
    if coordinator.role != Role.COORDINATOR:
        raise DomainError(_("担当地域を持てるのはコーディネーターだけです。"))
    existing = {(a.scheme, a.prefecture_code): a for a in coordinator.areas}
    for key, area in existing.items():
        if key not in cells:
            coordinator.areas.remove(area)
    for scheme, prefecture in sorted(cells - existing.keys()):
        coordinator.areas.append(CoordinatorArea(scheme=scheme, prefecture_code=prefecture))
    db.session.flush()
    logger.info("coordinator %s area set to %d cells", coordinator.id, len(cells),
                extra={"event": "coordinator.area"})


def organisations_in_area(coordinator: User) -> sa.Select:
    """A query of the organisations located in the prefectures a coordinator covers."""
    query = sa.select(Organisation).order_by(Organisation.prefecture_code, Organisation.id)
    if coordinator.role == Role.ADMIN:
        return query
    prefectures = {a.prefecture_code for a in coordinator.areas}
    return query.where(Organisation.prefecture_code.in_(prefectures))
