"""All models, re-exported so that Alembic and callers import one place."""
from marketplace.models.accounts import CoordinatorArea, RecoveryCode, Role, User
from marketplace.models.base import Base, utcnow
from marketplace.models.organisations import SUPPORT_CENTRE_KINDS, OrgKind, Organisation
from marketplace.models.matches import (
    Consent, FollowUp, Match, MatchEvent, MatchMessage, MatchStatus, NearMiss, TrialDebrief,
)
from marketplace.models.postings import (
    CloseReason,
    DisclosureRequest,
    DisclosureStatus,
    Posting,
    PostingStatus,
    PostingStatusChange,
)
from marketplace.models.invitations import Invitation
from marketplace.models.matching import ChangeKind, MatcherNode, MatchingChange, MatchingFreshness, MatchingPartition
from marketplace.models.api_tokens import ApiToken
from marketplace.models.sessions import UserSession
from marketplace.models.idempotency import IdempotencyKey
from marketplace.models.password_resets import PasswordResetRequest
from marketplace.models.calendar_feeds import CalendarFeed
from marketplace.models.notifications import (
    BouncedAddress,
    DeliveryMode,
    HeldNotification,
    MailPause,
    NotificationPreference,
    OutboxMessage,
    OutboxStatus,
    SavedSearchDelivery,
    SchedulerRun,
)
from marketplace.models.privacy import AuditEvent, ConsentRecord, DataRequest, DisclosureRecord, SavedSearch
from marketplace.models.profiles import CandidateProfile, CareerEntry, FieldVisibility, SchemeOptIn, Visibility
from marketplace.models.reference import Municipality, Prefecture, SuccessionCentre
from marketplace.models.support import SUPPORT_FUNCTIONS, PrefectureSupportStructure
from marketplace.models import search_index  # noqa: F401  (DDL events of the keyword-search indexes)

__all__ = [
    "ApiToken",
    "AuditEvent",
    "Base",
    "CalendarFeed",
    "CandidateProfile",
    "CareerEntry",
    "CloseReason",
    "ConsentRecord",
    "DataRequest",
    "DisclosureRecord",
    "DisclosureRequest",
    "DisclosureStatus",
    "Invitation",
    "Consent",
    "FollowUp",
    "IdempotencyKey",
    "PasswordResetRequest",
    "Match",
    "ChangeKind",
    "MatcherNode",
    "MatchingChange",
    "MatchingFreshness",
    "MatchingPartition",
    "MatchEvent",
    "MatchMessage",
    "MatchStatus",
    "NearMiss",
    "TrialDebrief",
    "Posting",
    "PostingStatus",
    "PostingStatusChange",
    "SavedSearch",
    "SchemeOptIn",
    "Visibility",
    "FieldVisibility",
    "CoordinatorArea",
    "Municipality",
    "OrgKind",
    "Organisation",
    "Prefecture",
    "PrefectureSupportStructure",
    "SUPPORT_FUNCTIONS",
    "RecoveryCode",
    "Role",
    "SUPPORT_CENTRE_KINDS",
    "SuccessionCentre",
    "User",
    "UserSession",
    "utcnow",
    # mail delivery
    "BouncedAddress",
    "MailPause",
    "DeliveryMode",
    "HeldNotification",
    "NotificationPreference",
    "OutboxMessage",
    "OutboxStatus",
    "SavedSearchDelivery",
    "SchedulerRun",
]
