"""Account use cases: registration, email verification, login, password reset."""
from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import Response, current_app, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from marketplace.extensions import db
from marketplace.models import (
    AuditEvent, Organisation, OrgKind, OutboxMessage, OutboxStatus, PasswordResetRequest, Role, User, utcnow,
)
from marketplace.core import tokens
from marketplace.core.domain_errors import Conflict, DomainError
from marketplace.accounts.passwords import hash_password, needs_rehash, password_problems, verify_password

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class NewOrganisation:
    """What a member gives about the organisation they register for."""

    name: str
    kind: OrgKind
    prefecture_code: str
    municipality_code: str | None = None


def normalise_email(email: str) -> str:
    """Trim and lower-case an address so that one person has one account."""
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def load_user_by_session_secret(secret: str) -> User | None:
    """Flask-Login loader: the cookie holds this device's session secret, not the id."""
    from marketplace.accounts import sessions

    return sessions.load(secret)


def create_user(
    email: str,
    password: str,
    role: Role,
    *,
    display_name: str = "",
    locale: str = "ja",
    organisation: Organisation | None = None,
    verified: bool = False,
) -> User:
    """Create an account. Raises ``Conflict`` for a taken email, ``DomainError`` for a weak password."""
    email = normalise_email(email)
    # The password is judged before the address is looked up, so a weak password gets the same
    # answer whether or not the address is taken; a taken address still costs one hash.
    problems = password_problems(password, email)
    if problems:
        raise DomainError(" ".join(problems))
    password_hash = hash_password(password)
    if find_user_by_email(email) is not None:
        raise Conflict(_("このメールアドレスは既に登録されています。"))
    user = User(
        email=email,
        password_hash=password_hash,
        role=role,
        display_name=display_name.strip(),
        locale=locale,
        organisation=organisation,
        email_verified_at=utcnow() if verified else None,
    )
    db.session.add(user)
    db.session.flush()
    logger.info("user %s created with role %s", user.id, role.value, extra={"event": "user.created"})
    return user


def register(
    email: str,
    password: str,
    role: Role,
    display_name: str,
    locale: str,
    new_organisation: NewOrganisation | None = None,
) -> User:
    """Self-service registration of a candidate or an organisation member.

    A member registers together with a new, unverified organisation. Sends the
    verification email. Raises ``Conflict``/``DomainError`` as :func:`create_user`.
    """
    if role not in (Role.CANDIDATE, Role.MEMBER):
        raise DomainError(_("この種別では登録できません。"))
    organisation = None
    if role == Role.MEMBER:
        if new_organisation is None:
            raise DomainError(_("所属団体の情報を入力してください。"))
        organisation = Organisation(
            name=new_organisation.name.strip(),
            kind=new_organisation.kind,
            prefecture_code=new_organisation.prefecture_code,
            municipality_code=new_organisation.municipality_code or None,
        )
        db.session.add(organisation)
    user = create_user(
        email, password, role, display_name=display_name, locale=locale, organisation=organisation
    )
    send_verification_email(user)
    return user


def _external_url(endpoint: str, **values: str) -> str:
    base = current_app.config["BASE_URL"].rstrip("/")
    return base + url_for(endpoint, **values)


#: ``OutboxMessage.kind`` of the mail an account's own actions cause (verification, reset, notices
#: about registration). It ignores notification settings and unsubscribes, never bounces aside.
ACCOUNT_MAIL = "account"


def enqueue_account_mail(user: User, stream: str, subject: str, text: str) -> OutboxMessage:
    """Queue one account mail in the outbox (same transaction as the change that caused it).

    Never sent inside the request: the request's answer takes the same time whether or not a
    mail was queued (see :func:`send_after_response`); the scheduler sends what is left.
    """
    row = _add_account_mail(user, stream, subject, text)
    db.session.flush()
    return row


def _add_account_mail(user: User, stream: str, subject: str, text: str) -> OutboxMessage:
    now = utcnow()
    row = OutboxMessage(user_id=user.id, kind=ACCOUNT_MAIL, stream=stream,
                        period=f"{now:%Y%m%dT%H%M%S.%f}-{secrets.token_hex(4)}", to_address=user.email,
                        subject=subject[:300], body_text=text, body_html=None, headers=[],
                        status=OutboxStatus.PENDING, next_attempt_at=now, created_at=now)
    db.session.add(row)
    return row


def send_after_response(response: Response) -> Response:
    """Deliver the outbox once ``response`` has gone out (WSGI ``close``), outside the timed answer."""
    from marketplace.matches import notices as pipeline_notices

    app = current_app._get_current_object()

    def deliver() -> None:
        with app.app_context():
            pipeline_notices.send_now()

    response.call_on_close(deliver)
    return response


def _verification_mail(user: User) -> tuple[str, str]:
    token = tokens.make_token(tokens.EMAIL_VERIFY, {"uid": user.id, "email": user.email})
    link = _external_url("auth.verify_email", token=token)
    with force_locale(user.locale):
        return _("メールアドレスの確認"), render_template("emails/verify_email.txt", user=user, link=link)


def send_verification_email(user: User) -> None:
    """Queue a signed link that confirms the address."""
    subject, text = _verification_mail(user)
    enqueue_account_mail(user, "verify_email", subject, text)


def send_already_registered_notice(email: str) -> None:
    """Tell the owner of ``email`` that someone tried to register it again (queued)."""
    user = find_user_by_email(email)
    if user is None:
        return
    link = _external_url("auth.forgot_password")
    with force_locale(user.locale):
        subject = _("登録済みのメールアドレスです")
        text = render_template("emails/already_registered.txt", user=user, link=link)
    enqueue_account_mail(user, "already_registered", subject, text)


def verify_email(token: str) -> User | None:
    """Mark the address verified. Returns the user, or ``None`` for a bad or expired token."""
    payload = tokens.read_token(tokens.EMAIL_VERIFY, token, current_app.config["EMAIL_TOKEN_MAX_AGE"])
    if payload is None:
        return None
    user = db.session.get(User, payload.get("uid"))
    if user is None or user.email != payload.get("email"):
        return None
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
        logger.info("user %s verified their email", user.id, extra={"event": "user.verified"})
    # A link that arrived proves the address works: a bounce recorded for it is cleared.
    from marketplace.digests import outbox

    outbox.unbounce(user.email)
    return user


def authenticate(email: str, password: str) -> User | None:
    """Return the user when the credentials are right; the same cost whether or not the user exists."""
    user = find_user_by_email(email)
    if not verify_password(user.password_hash if user else None, password) or user is None:
        return None
    if not user.active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def record_login(user: User) -> None:
    """Note the login time and start a session for this device (the others go on)."""
    from marketplace.accounts import sessions

    user.last_login_at = utcnow()
    sessions.start(user)
    db.session.add(AuditEvent(actor_id=user.id, event="auth.login", subject=f"user:{user.id}"))
    logger.info("user %s logged in", user.id, extra={"event": "auth.login"})


def record_logout(user: User) -> None:
    """End this device's session so that a replayed copy of its cookie no longer works."""
    from marketplace.accounts import sessions

    sessions.end_current(user)
    logger.info("user %s logged out", user.id, extra={"event": "auth.logout"})


def _reset_fingerprint(user: User) -> str:
    # Ties the token to the current hash, so it stops working once the password changes.
    return user.password_hash[-16:]


#: How long the record of reset requests is kept (the scheduler's nightly housekeeping deletes older rows).
KEEP_RESET_REQUESTS = timedelta(days=7)


def reset_address_digest(email: str) -> str:
    """A keyed hash (HMAC-SHA256 under ``SECRET_KEY``) of the normalised address: never the address itself."""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, f"password-reset:{normalise_email(email)}".encode(), hashlib.sha256).hexdigest()


def send_password_reset(email: str) -> None:
    """Email a reset link when the address belongs to an account; say nothing either way.

    Both paths do the same work: a token, a rendered mail and one ``password_reset_requests`` row
    (a keyed hash of the address, no address in clear), written in the caller's one commit. Only a
    known address also queues its mail in the outbox, in the same flush, so the unknown path is not
    the one transaction that writes nothing.
    """
    user = find_user_by_email(email)
    known = user is not None and user.active
    subject_of = user if known else User(email=normalise_email(email), password_hash="", display_name="",  # nosec B106 # an unsaved stand-in, never stored
                                         locale="ja", role=Role.CANDIDATE)
    fingerprint = _reset_fingerprint(subject_of) if known else secrets.token_hex(8)
    token = tokens.make_token(tokens.PASSWORD_RESET, {"uid": subject_of.id or 0, "fp": fingerprint})
    link = _external_url("auth.reset_password", token=token)
    with force_locale(subject_of.locale):
        subject = _("パスワードの再設定")
        text = render_template("emails/reset_password.txt", user=subject_of, link=link)
    if known:
        _add_account_mail(user, "password_reset", subject, text)
    else:
        logger.info("password reset asked for an unknown address", extra={"event": "auth.reset_unknown"})
    db.session.add(PasswordResetRequest(address_digest=reset_address_digest(email),
                                        user_id=user.id if known else None))
    db.session.flush()


def forget_old_reset_requests(now: datetime) -> int:
    """Delete reset requests older than ``KEEP_RESET_REQUESTS`` (nightly housekeeping); returns how many."""
    result = db.session.execute(sa.delete(PasswordResetRequest).where(
        PasswordResetRequest.created_at < now - KEEP_RESET_REQUESTS))
    return result.rowcount or 0


def erase_reset_requests(user: User) -> None:
    """Delete the person's reset requests: their account's, and any made for their address before it had one."""
    db.session.execute(sa.delete(PasswordResetRequest).where(sa.or_(
        PasswordResetRequest.user_id == user.id,
        PasswordResetRequest.address_digest == reset_address_digest(user.email))))


def user_for_reset_token(token: str) -> User | None:
    """The user a reset token was issued to, or ``None`` when it is bad, expired or used."""
    payload = tokens.read_token(tokens.PASSWORD_RESET, token, current_app.config["RESET_TOKEN_MAX_AGE"])
    if payload is None:
        return None
    user = db.session.get(User, payload.get("uid"))
    if user is None or payload.get("fp") != _reset_fingerprint(user):
        return None
    return user


def change_password(user: User, new_password: str) -> None:
    """Set a new password, end every other session and revoke every API token.

    Raises ``DomainError`` when too weak.
    """
    problems = password_problems(new_password, user.email)
    if problems:
        raise DomainError(" ".join(problems))
    user.password_hash = hash_password(new_password)
    from marketplace.accounts import api_tokens, sessions

    sessions.end_all(user)
    api_tokens.revoke_all(user)
    logger.info("user %s changed their password", user.id, extra={"event": "auth.password_changed"})


def reset_password(user: User, new_password: str) -> None:
    """Complete a reset from an emailed link; following the link also proves the address."""
    change_password(user, new_password)
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
