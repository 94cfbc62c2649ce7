"""Second factor: TOTP (RFC 6238) enrolment and checks, and single-use recovery codes.

Codes are accepted once only: the time step of the last accepted code is stored and a code
from the same or an earlier step is refused, with a conditional UPDATE so that two workers
cannot both accept it. Recovery codes are kept as salted SHA-256 hashes (80 random bits each).
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
import unicodedata
from typing import Literal

import pyotp
import segno
import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value
from flask import current_app
from flask_babel import gettext as _
from pyotp.exceptions import OTPVerificationError

from marketplace.extensions import db
from marketplace.models import RecoveryCode, Role, User, utcnow
from marketplace.core.domain_errors import Conflict, DomainError, PermissionDenied

logger = logging.getLogger(__name__)

#: Steps either side of the current one still accepted (clock drift of the phone).
VALID_WINDOW = 1
RECOVERY_CODE_COUNT = 10
#: Crockford's base32: no I, L, O, U, so codes read aloud or copied by hand stay unambiguous.
_RECOVERY_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
_RECOVERY_LENGTH = 16  # 16 × 5 bits = 80 bits
_CROCKFORD_ALIASES = str.maketrans({"o": "0", "i": "1", "l": "1"})
_TOTP_CODE = re.compile(r"^\d{6}$")

Method = Literal["totp", "recovery"]


# --- who needs it --------------------------------------------------------------------------
def required_roles() -> frozenset[str]:
    """Roles that must sign in with a second factor (config ``TOTP_REQUIRED_ROLES``)."""
    value = current_app.config.get("TOTP_REQUIRED_ROLES", "")
    items = value.split(",") if isinstance(value, str) else value
    return frozenset(str(getattr(item, "value", item)).strip() for item in items if str(item).strip())


def required_for(user: User) -> bool:
    """True when ``user``'s role must use a second factor."""
    return Role(user.role).value in required_roles()


def enabled(user: User) -> bool:
    """True when ``user`` has confirmed an authenticator app."""
    return bool(user.totp_secret) and user.totp_enabled_at is not None


# --- enrolment -----------------------------------------------------------------------------
def new_secret(user: User) -> str:
    """A fresh random secret for ``user`` to register. Raises ``Conflict`` when already enrolled.

    Nothing is stored until the user confirms it with a code (see :func:`confirm_enrolment`).
    """
    if enabled(user):
        raise Conflict(_("二段階認証は既に設定されています。"))
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    """The ``otpauth://`` address an authenticator app reads (as text or from the QR code)."""
    issuer = current_app.config.get("TOTP_ISSUER", "")
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=issuer or None)


def qr_code_data_uri(uri: str) -> str:
    """The provisioning address as a QR code: an SVG ``data:`` URI (no script, no inline style)."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=4, dark="#000", light="#fff")


def grouped_secret(secret: str) -> str:
    """The secret in groups of four, easier to type into an app by hand."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def confirm_enrolment(user: User, secret: str, code: str) -> list[str]:
    """Switch the second factor on once ``code`` from the app matches ``secret``; returns recovery codes.

    Raises ``DomainError`` for a wrong code, ``Conflict`` when the user is already enrolled.
    """
    if enabled(user):
        raise Conflict(_("二段階認証は既に設定されています。"))
    if not _valid_secret(secret):
        raise Conflict(_("二段階認証の設定をやり直してください。"))
    user.totp_secret = secret
    if not _accept_totp(user, normalise_code(code)):
        user.totp_secret = None
        raise DomainError(_("コードが正しくありません。認証アプリに表示されている最新のコードを入力してください。"))
    user.totp_enabled_at = utcnow()
    codes = replace_recovery_codes(user)
    logger.info("user %s enabled the second factor", user.id, extra={"event": "auth.2fa_enabled"})
    return codes


def _valid_secret(secret: str) -> bool:
    return bool(re.fullmatch(r"[A-Z2-7]{32}", secret or ""))


def disable(user: User) -> None:
    """Switch the second factor off (only for roles that may go without it)."""
    if required_for(user):
        raise PermissionDenied(_("この種別のアカウントでは二段階認証を無効にできません。"))
    clear(user)
    logger.info("user %s disabled the second factor", user.id, extra={"event": "auth.2fa_disabled"})


def clear(user: User) -> None:
    """Forget the secret and recovery codes (a lost phone: the user enrols again at next login)."""
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    user.recovery_codes.clear()


# --- checking codes ------------------------------------------------------------------------
def normalise_code(text: str) -> str:
    """Full-width digits to ASCII, spaces and hyphens removed, lower case."""
    text = unicodedata.normalize("NFKC", text or "")
    return re.sub(r"[\s\-‐‑–—ー]", "", text).lower()


def verify(user: User, text: str) -> Method | None:
    """Check a code given at login: six digits from the app, or an unused recovery code.

    Returns how the user proved it, or ``None``. A code is never accepted twice.
    """
    if not enabled(user):
        return None
    code = normalise_code(text)
    if _TOTP_CODE.match(code):
        return "totp" if _accept_totp(user, code) else None
    if len(code) == _RECOVERY_LENGTH and _use_recovery_code(user, code):
        return "recovery"
    return None


def verify_current(user: User, text: str) -> bool:
    """Check a fresh code from the app (to confirm a sensitive change); never a recovery code."""
    code = normalise_code(text)
    return enabled(user) and bool(_TOTP_CODE.match(code)) and _accept_totp(user, code)


def _accept_totp(user: User, code: str) -> bool:
    if not user.totp_secret or not _TOTP_CODE.match(code):
        return False
    try:
        step = pyotp.TOTP(user.totp_secret).verify_and_get_timecode(code, valid_window=VALID_WINDOW)
    except OTPVerificationError:
        return False
    # Record the step only if it is newer than the last accepted one: a replay loses this race.
    result = db.session.execute(
        sa.update(User)
        .where(User.id == user.id, sa.or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        logger.info("user %s replayed a one-time code", user.id, extra={"event": "auth.2fa_replay"})
        return False
    set_committed_value(user, "totp_last_step", step)
    return True


# --- recovery codes ------------------------------------------------------------------------
def _hash_recovery_code(code: str, salt: bytes) -> str:
    return salt.hex() + "$" + hashlib.sha256(salt + code.encode("ascii")).hexdigest()


def _matches(code: str, stored: str) -> bool:
    salt_hex, _sep, _digest = stored.partition("$")
    try:
        salt = bytes.fromhex(salt_hex)
    except ValueError:
        return False
    return hmac.compare_digest(_hash_recovery_code(code, salt), stored)


def _format_recovery_code(raw: str) -> str:
    return "-".join(raw[i:i + 4] for i in range(0, len(raw), 4))


def replace_recovery_codes(user: User) -> list[str]:
    """Issue a fresh set of recovery codes (the old ones stop working); returns them, shown once."""
    user.recovery_codes.clear()
    codes: list[str] = []
    for _n in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _i in range(_RECOVERY_LENGTH))
        user.recovery_codes.append(RecoveryCode(code_hash=_hash_recovery_code(raw, secrets.token_bytes(16))))
        codes.append(_format_recovery_code(raw))
    return codes


def remaining_recovery_codes(user: User) -> int:
    """How many recovery codes ``user`` has not used yet."""
    return sum(1 for code in user.recovery_codes if code.used_at is None)


def _use_recovery_code(user: User, code: str) -> bool:
    code = code.translate(_CROCKFORD_ALIASES)
    for stored in user.recovery_codes:
        if stored.used_at is None and _matches(code, stored.code_hash):
            now = utcnow()
            result = db.session.execute(
                sa.update(RecoveryCode)
                .where(RecoveryCode.id == stored.id, RecoveryCode.used_at.is_(None))
                .values(used_at=now)
                .execution_options(synchronize_session=False)
            )
            if result.rowcount != 1:
                return False
            set_committed_value(stored, "used_at", now)
            logger.info("user %s used a recovery code", user.id, extra={"event": "auth.2fa_recovery_used"})
            return True
    return False


__all__ = [
    "Method",
    "new_secret",
    "clear",
    "confirm_enrolment",
    "disable",
    "enabled",
    "grouped_secret",
    "normalise_code",
    "provisioning_uri",
    "qr_code_data_uri",
    "remaining_recovery_codes",
    "replace_recovery_codes",
    "required_for",
    "required_roles",
    "verify",
    "verify_current",
]
