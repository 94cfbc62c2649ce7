"""API token use cases: create (the secret is returned once), list, revoke, and authenticate a secret.

A secret is ``rtm_`` followed by 43 URL-safe characters (256 random bits). Only the hex SHA-256
of the whole secret is stored, so a leaked database does not give working tokens; looking a
token up by its hash needs no constant-time comparison because the hash is the index key.
"""
from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from marketplace.extensions import db
from marketplace.models import ApiToken, Role, User, utcnow
from marketplace.core.domain_errors import DomainError, NotFound, PermissionDenied

logger = logging.getLogger(__name__)

SECRET_PREFIX = "rtm_"  # nosec B105 # the public prefix of every token, not a secret
#: Active tokens one person may hold at once.
MAX_ACTIVE_TOKENS = 10
NAME_MAX_LENGTH = 100
#: ``last_used_at`` is written at most this often per token (not on every request).
LAST_USED_RESOLUTION = timedelta(minutes=1)
#: Longest string accepted as a presented secret (anything longer cannot be one of ours).
SECRET_MAX_LENGTH = 128
#: Terms a new token may be given, in days; the page offers them in this order.
EXPIRY_CHOICES_DAYS = (7, 30, 90, 180, 365)
DEFAULT_EXPIRY_DAYS = 90


class TokenExpired(Exception):
    """The presented secret is a real token whose term has ended (the API answers 401 saying so)."""


def hash_secret(secret: str) -> str:
    """Hex SHA-256 of a presented secret."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def create_token(user: User, name: str, expires_in_days: int = DEFAULT_EXPIRY_DAYS) -> tuple[ApiToken, str]:
    """Create a token for ``user`` valid for ``expires_in_days`` and return it with its secret (shown once).

    Raises ``DomainError`` when the name is empty or too long, the term is not one of
    ``EXPIRY_CHOICES_DAYS``, or the user holds too many tokens.
    """
    name = name.strip()
    if not name:
        raise DomainError(str(_l("トークンの名前を入力してください。")))
    if len(name) > NAME_MAX_LENGTH:
        raise DomainError(str(_l("トークンの名前は100文字以内で入力してください。")))
    if expires_in_days not in EXPIRY_CHOICES_DAYS:
        raise DomainError(str(_l("有効期限は一覧から選んでください。")))
    if len(active_tokens(user)) >= MAX_ACTIVE_TOKENS:
        raise DomainError(str(_l("有効なトークンは10個までです。使わないトークンを無効にしてください。")))
    secret = new_secret()
    token = ApiToken(user_id=user.id, name=name, token_hash=hash_secret(secret),
                     token_prefix=secret[: len(SECRET_PREFIX) + 6],
                     expires_at=utcnow() + timedelta(days=expires_in_days))
    db.session.add(token)
    db.session.flush()
    logger.info("api token %s created for user %s", token.id, user.id, extra={"event": "api_token.created"})
    return token, secret


def tokens_of(user: User) -> list[ApiToken]:
    """Every token of ``user``, newest first (revoked ones too, for the record)."""
    return list(db.session.scalars(sa.select(ApiToken).where(ApiToken.user_id == user.id)
                                   .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def active_tokens(user: User) -> list[ApiToken]:
    return [t for t in tokens_of(user) if t.active]


def revoke_token(actor: User, token_id: int) -> ApiToken:
    """Revoke one of the actor's own tokens (admins may revoke anyone's). Revoking twice is harmless."""
    token = db.session.get(ApiToken, token_id)
    if token is None:
        raise NotFound(str(_l("トークンが見つかりません。")))
    if token.user_id != actor.id and actor.role != Role.ADMIN:
        raise PermissionDenied(str(_l("このトークンは操作できません。")))
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.flush()
        logger.info("api token %s revoked by user %s", token.id, actor.id, extra={"event": "api_token.revoked"})
    return token


def revoke_all(user: User) -> int:
    """Revoke every unrevoked token of ``user`` (a password change or reset); returns how many."""
    now = utcnow()
    revoked = 0
    for token in db.session.scalars(sa.select(ApiToken).where(ApiToken.user_id == user.id,
                                                              ApiToken.revoked_at.is_(None))):
        token.revoked_at = now
        revoked += 1
    if revoked:
        db.session.flush()
        logger.info("%s api tokens of user %s revoked with the password", revoked, user.id,
                    extra={"event": "api_token.revoked_all"})
    return revoked


def authenticate(secret: str) -> User | None:
    """The active user owning this unrevoked token, else None. Records when the token was last used.

    Raises ``TokenExpired`` when the token exists and is not revoked but its term has ended.
    """
    if not secret.startswith(SECRET_PREFIX) or len(secret) > SECRET_MAX_LENGTH:
        return None
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == hash_secret(secret)))
    if token is None or token.revoked_at is not None:
        return None
    user = token.user
    if user is None or not user.active:
        return None
    if token.expired:
        raise TokenExpired
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        token.last_used_at = now
        db.session.commit()
    return user
