"""User accounts, roles and coordinators' areas."""
from __future__ import annotations

import secrets
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.models.base import Base, utcnow
from marketplace.models.organisations import Organisation
from marketplace.models.reference import Prefecture


class Role(StrEnum):
    """What a user may do on the site."""

    CANDIDATE = "candidate"
    MEMBER = "member"
    COORDINATOR = "coordinator"
    ADMIN = "admin"


#: Roles a person may choose when registering; the others are granted by an admin.
SELF_SERVICE_ROLES = (Role.CANDIDATE, Role.MEMBER)


def new_session_token() -> str:
    """A random token naming the current generation of the user's sign-ins (rotated to end them all)."""
    return secrets.token_urlsafe(32)


class User(Base):
    """A person with an account. Passwords are stored as Argon2id hashes only."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[Role] = mapped_column(sa.Enum(Role, native_enum=False, length=16), index=True)
    display_name: Mapped[str] = mapped_column(sa.String(100), default="")
    locale: Mapped[str] = mapped_column(sa.String(8), default="ja")
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id"), index=True)
    email_verified_at: Mapped[datetime | None]
    # Rotated whenever every session of the user ends (password change or reset, new second factor),
    # so that a half-finished sign-in (password given, code pending) started before stops working.
    # Each signed-in device has its own row in ``user_sessions``.
    session_token: Mapped[str] = mapped_column(sa.String(64), unique=True, default=new_session_token)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    # Second factor (TOTP, RFC 6238), stored once the user confirmed it with a code;
    # ``totp_last_step`` is the time step of the last accepted code (each code is used once).
    totp_secret: Mapped[str | None] = mapped_column(sa.String(64))
    totp_enabled_at: Mapped[datetime | None]
    totp_last_step: Mapped[int | None]

    organisation: Mapped[Organisation | None] = relationship(back_populates="members")
    recovery_codes: Mapped[list["RecoveryCode"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", order_by="RecoveryCode.id"
    )
    areas: Mapped[list["CoordinatorArea"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", order_by="CoordinatorArea.id"
    )
    sessions: Mapped[list["UserSession"]] = relationship(  # noqa: F821 (models.sessions)
        cascade="all, delete-orphan", order_by="UserSession.id"
    )

    #: The secret of the session this object was loaded for (set by ``services.sessions``).
    _session_secret = None
    #: The ``UserSession`` row of that session.
    _session_row = None

    # Flask-Login protocol -------------------------------------------------
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        """The identifier Flask-Login keeps in the cookie: this device's session secret, never the id."""
        if not self._session_secret:
            raise RuntimeError("no session was started for this user (services.sessions.start)")
        return self._session_secret

    # Invariants -----------------------------------------------------------
    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    def rotate_session_token(self) -> None:
        """Invalidate half-finished sign-ins (``services.sessions.end_all`` also ends the sessions)."""
        self.session_token = new_session_token()

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles

    def covers(self, scheme: str, prefecture_code: str) -> bool:
        """True when this coordinator's area includes ``scheme`` in ``prefecture_code``."""
        if self.role == Role.ADMIN:
            return True
        if self.role != Role.COORDINATOR:
            return False
        return any(a.scheme == scheme and a.prefecture_code == prefecture_code for a in self.areas)

    def covers_prefecture(self, prefecture_code: str) -> bool:
        """True when any of this coordinator's schemes covers ``prefecture_code``."""
        if self.role == Role.ADMIN:
            return True
        return self.role == Role.COORDINATOR and any(
            a.prefecture_code == prefecture_code for a in self.areas
        )

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class CoordinatorArea(Base):
    """One scheme × prefecture cell of a coordinator's area."""

    __tablename__ = "coordinator_areas"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    scheme: Mapped[str] = mapped_column(sa.String(32))
    prefecture_code: Mapped[str] = mapped_column(sa.ForeignKey("prefectures.code"))

    user: Mapped[User] = relationship(back_populates="areas")
    prefecture: Mapped[Prefecture] = relationship()

    __table_args__ = (sa.UniqueConstraint("user_id", "scheme", "prefecture_code"),)


class RecoveryCode(Base):
    """A single-use code that stands in for the authenticator app; only a salted hash is kept."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(sa.String(128))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(back_populates="recovery_codes")
