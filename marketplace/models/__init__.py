"""All models, re-exported so that Alembic and callers import one place."""
from marketplace.models.accounts import CoordinatorArea, Role, User
from marketplace.models.base import Base, utcnow
from marketplace.models.organisations import SUPPORT_CENTRE_KINDS, OrgKind, Organisation
from marketplace.models.reference import Municipality, Prefecture, SuccessionCentre

__all__ = [
    "Base",
    "CoordinatorArea",
    "Municipality",
    "OrgKind",
    "Organisation",
    "Prefecture",
    "Role",
    "SUPPORT_CENTRE_KINDS",
    "SuccessionCentre",
    "User",
    "utcnow",
]
