"""All models, re-exported so that Alembic and callers import one place."""
from marketplace.models.accounts import CoordinatorArea, Role, User
from marketplace.models.base import Base, utcnow
from marketplace.models.organisations import SUPPORT_CENTRE_KINDS, OrgKind, Organisation
from marketplace.models.matches import Consent, FollowUp, Match, MatchEvent, MatchMessage, MatchStatus, TrialDebrief
from marketplace.models.postings import (
    CloseReason,
    DisclosureRequest,
    DisclosureStatus,
    Posting,
    PostingStatus,
    PostingStatusChange,
)
from marketplace.models.privacy import AuditEvent, ConsentRecord, SavedSearch
from marketplace.models.profiles import CandidateProfile, CareerEntry, SchemeOptIn, Visibility
from marketplace.models.reference import Municipality, Prefecture, SuccessionCentre

__all__ = [
    "AuditEvent",
    "Base",
    "CandidateProfile",
    "CareerEntry",
    "CloseReason",
    "ConsentRecord",
    "DisclosureRequest",
    "DisclosureStatus",
    "Consent",
    "FollowUp",
    "Match",
    "MatchEvent",
    "MatchMessage",
    "MatchStatus",
    "TrialDebrief",
    "Posting",
    "PostingStatus",
    "PostingStatusChange",
    "SavedSearch",
    "SchemeOptIn",
    "Visibility",
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
