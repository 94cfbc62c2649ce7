"""Who wants which mail, and how: preferences, personal notices, unsubscribe links.

Topics
    Every scheme code, ``general`` (things that belong to no scheme, e.g. a saved search without
    one) and each personal notice kind in :data:`PERSONAL_KINDS`. A topic's mode is ``off``,
    ``immediate``, ``daily`` or ``weekly``. Scheme topics default to ``daily`` digests; personal
    kinds default to ``immediate``.

Personal notices
    :func:`notify` is for things addressed to one person (an introduction request, a message).
    Depending on the recipient's mode for that kind it queues the mail in the outbox (sent within
    a minute by the scheduler), holds it for their next daily/weekly digest, or drops it.

Unsubscribing
    Every mail carries a signed link (no login needed) and RFC 8058 ``List-Unsubscribe`` headers.
    The ``digests`` scope turns every digest topic off; ``kind:<kind>`` turns one kind off.
"""
from __future__ import annotations

import logging
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from marketplace.extensions import db
from marketplace.models import (
    BouncedAddress,
    DeliveryMode,
    HeldNotification,
    NotificationPreference,
    OutboxMessage,
    OutboxStatus,
    User,
    utcnow,
)
from marketplace.schemes.codes import SchemeCode
from marketplace.core import tokens
from marketplace.core.links import external_url

logger = logging.getLogger(__name__)

#: Topic of digest items that belong to no scheme.
GENERAL = "general"
#: Schemes, in the order mails and the settings page list them.
SCHEME_TOPICS: tuple[str, ...] = tuple(code.value for code in SchemeCode)
#: Personal notice kinds and their labels. Add a kind here before calling ``notify`` with it.
PERSONAL_KINDS: dict[str, object] = {
    "introduction": _l("紹介の依頼と成立"),
    "message": _l("メッセージ"),
    "follow_up": _l("フォローアップの時期"),
}
#: Scopes of unsubscribe tokens: every digest, or one personal kind (``kind:<kind>``).
DIGESTS_SCOPE = "digests"
UNSUBSCRIBE = "unsubscribe"

#: Labels of the modes (settings page, confirmation texts).
MODE_LABELS: dict[DeliveryMode, object] = {
    DeliveryMode.OFF: _l("受け取らない"),
    DeliveryMode.IMMEDIATE: _l("すぐに受け取る"),
    DeliveryMode.DAILY: _l("毎日まとめて（8時）"),
    DeliveryMode.WEEKLY: _l("毎週まとめて（月曜8時）"),
}
#: The digest frequencies (a mode other than ``off`` used for a digest stream).
DIGEST_FREQUENCIES: tuple[str, ...] = (DeliveryMode.IMMEDIATE.value, DeliveryMode.DAILY.value,
                                       DeliveryMode.WEEKLY.value)


def register_personal_kind(kind: str, label: object) -> None:
    """Declare a personal notice kind (it then appears on the settings page)."""
    PERSONAL_KINDS.setdefault(kind, label)


def digest_topics() -> tuple[str, ...]:
    """Topics whose items travel in digests: every scheme, then ``general``."""
    return SCHEME_TOPICS + (GENERAL,)


def all_topics() -> tuple[str, ...]:
    return digest_topics() + tuple(PERSONAL_KINDS)


def default_mode(topic: str) -> DeliveryMode:
    """Personal kinds arrive at once; digest topics daily."""
    return DeliveryMode.IMMEDIATE if topic in PERSONAL_KINDS else DeliveryMode.DAILY


# --- preferences ------------------------------------------------------------------------
def modes_for(user: User) -> dict[str, DeliveryMode]:
    """Every topic's mode for ``user`` (defaults filled in)."""
    stored = {p.topic: p.mode for p in db.session.scalars(
        sa.select(NotificationPreference).where(NotificationPreference.user_id == user.id))}
    return {topic: stored.get(topic, default_mode(topic)) for topic in all_topics()}


def mode_for(user: User, topic: str) -> DeliveryMode:
    stored = db.session.scalar(sa.select(NotificationPreference.mode).where(
        NotificationPreference.user_id == user.id, NotificationPreference.topic == topic))
    return stored if stored is not None else default_mode(topic)


def set_modes(user: User, modes: dict[str, DeliveryMode]) -> None:
    """Store ``modes`` (unknown topics are ignored). Flushes; the caller commits."""
    known = set(all_topics())
    existing = {p.topic: p for p in db.session.scalars(
        sa.select(NotificationPreference).where(NotificationPreference.user_id == user.id))}
    for topic, mode in modes.items():
        if topic not in known:
            continue
        row = existing.get(topic)
        if row is None:
            db.session.add(NotificationPreference(user_id=user.id, topic=topic, mode=DeliveryMode(mode)))
        elif row.mode != mode:
            row.mode = DeliveryMode(mode)
    db.session.flush()


def topics_in_digest(user: User, frequency: str) -> frozenset[str]:
    """The digest topics whose items go into ``user``'s ``frequency`` digest."""
    modes = modes_for(user)
    return frozenset(t for t in digest_topics() if modes[t].value == frequency)


def is_bouncing(address: str) -> bool:
    return db.session.scalar(sa.select(BouncedAddress.id).where(BouncedAddress.address == address)) is not None


def may_receive_mail(user: User) -> bool:
    """Active, verified and not at an address that bounced."""
    return bool(user.active and user.email_verified_at is not None and not is_bouncing(user.email))


# --- unsubscribe links -------------------------------------------------------------------
def unsubscribe_token(user: User, scope: str) -> str:
    return tokens.make_token(UNSUBSCRIBE, {"uid": user.id, "scope": scope})


def unsubscribe_url(user: User, scope: str) -> str:
    return external_url("settings.unsubscribe", token=unsubscribe_token(user, scope))


def unsubscribe_headers(user: User, scope: str) -> list[list[str]]:
    """RFC 8058 one-click headers (an https link; a mailto: when ``MAIL_UNSUBSCRIBE_MAILTO`` is set)."""
    targets = [f"<{unsubscribe_url(user, scope)}>"]
    mailto = current_app.config.get("MAIL_UNSUBSCRIBE_MAILTO")
    if mailto:
        targets.append(f"<mailto:{mailto}?subject=unsubscribe>")
    return [["List-Unsubscribe", ", ".join(targets)], ["List-Unsubscribe-Post", "List-Unsubscribe=One-Click"]]


def read_unsubscribe(token: str) -> tuple[User, str] | None:
    """The user and scope of a valid token; ``None`` when forged, expired or for an unknown scope."""
    payload = tokens.read_token(UNSUBSCRIBE, token, current_app.config["UNSUBSCRIBE_TOKEN_MAX_AGE"])
    if not payload:
        return None
    scope = payload.get("scope")
    valid_scope = scope == DIGESTS_SCOPE or (
        isinstance(scope, str) and scope.startswith("kind:") and scope.removeprefix("kind:") in PERSONAL_KINDS)
    user = db.session.get(User, payload.get("uid")) if isinstance(payload.get("uid"), int) else None
    if user is None or not valid_scope:
        return None
    return user, scope


def unsubscribe(user: User, scope: str) -> None:
    """Stop the mail a link's scope covers, and cancel such mail not yet sent. Flushes."""
    modes = modes_for(user)
    if scope == DIGESTS_SCOPE:
        changes = {t: DeliveryMode.OFF for t in digest_topics()}
        # Personal notices waiting for a digest would keep digests coming: stop those too.
        changes |= {k: DeliveryMode.OFF for k in PERSONAL_KINDS
                    if modes[k] in (DeliveryMode.DAILY, DeliveryMode.WEEKLY)}
        pending = OutboxMessage.kind == "digest"
    else:
        kind = scope.removeprefix("kind:")
        changes = {kind: DeliveryMode.OFF}
        pending = sa.and_(OutboxMessage.kind == "notice", OutboxMessage.stream == kind)
    set_modes(user, changes)
    db.session.execute(sa.update(OutboxMessage).where(
        OutboxMessage.user_id == user.id, OutboxMessage.status == OutboxStatus.PENDING, pending,
    ).values(status=OutboxStatus.CANCELLED, last_error="unsubscribed"))
    logger.info("user unsubscribed", extra={"event": "mail.unsubscribed", "scope": scope})


# --- personal notices --------------------------------------------------------------------
class NoticeOutcome(StrEnum):
    QUEUED = "queued"  # in the outbox, sent within a minute
    HELD = "held"  # waits for the recipient's next digest
    OFF = "off"  # the recipient turned this kind off (or cannot receive mail)
    DUPLICATE = "duplicate"  # this key was already given for this recipient


def notify(user: User, kind: str, *, subject: str, text: str, key: str, html: str | None = None,
           link: str = "", now: datetime | None = None) -> NoticeOutcome:
    """Tell ``user`` about something addressed to them in person.

    ``kind`` is one of :data:`PERSONAL_KINDS` (``ValueError`` otherwise); ``subject``/``text``
    (and optional ``html``) are already rendered in the recipient's language (wrap the rendering in
    ``flask_babel.force_locale(user.locale)``); ``key`` identifies the event for this recipient, so
    calling twice with the same key sends once; ``link`` (optional) is shown in a digest.
    Never put private matching signals in the text. Writes rows and flushes; the caller commits.
    """
    if kind not in PERSONAL_KINDS:
        raise ValueError(f"unknown notice kind {kind!r}; add it to PERSONAL_KINDS")
    now = now or utcnow()
    key = key[:160]
    mode = mode_for(user, kind)
    if mode == DeliveryMode.OFF or not may_receive_mail(user):
        return NoticeOutcome.OFF
    if mode == DeliveryMode.IMMEDIATE:
        exists = db.session.scalar(sa.select(OutboxMessage.id).where(
            OutboxMessage.user_id == user.id, OutboxMessage.kind == "notice", OutboxMessage.stream == kind,
            OutboxMessage.period == key))
        if exists is not None:
            return NoticeOutcome.DUPLICATE
        scope = f"kind:{kind}"
        with force_locale(user.locale):
            footer_context = {"settings_url": external_url("settings.notifications"),
                              "unsubscribe_url": unsubscribe_url(user, scope), "kind_label": PERSONAL_KINDS[kind]}
            footer_text = render_template("emails/_notice_footer.txt", **footer_context)
            footer_html = render_template("emails/_notice_footer.html", **footer_context) if html else ""
        db.session.add(OutboxMessage(
            user_id=user.id, kind="notice", stream=kind, period=key, to_address=user.email,
            subject=subject[:300], body_text=f"{text.rstrip()}\n\n{footer_text}",
            body_html=f"{html}{footer_html}" if html else None, headers=unsubscribe_headers(user, scope),
            status=OutboxStatus.PENDING, next_attempt_at=now, created_at=now))
        db.session.flush()
        return NoticeOutcome.QUEUED
    exists = db.session.scalar(sa.select(HeldNotification.id).where(
        HeldNotification.user_id == user.id, HeldNotification.kind == kind, HeldNotification.key == key))
    if exists is not None:
        return NoticeOutcome.DUPLICATE
    db.session.add(HeldNotification(user_id=user.id, kind=kind, key=key, mode=mode, subject=subject[:300],
                                    body_text=text, link=link[:500], created_at=now))
    db.session.flush()
    return NoticeOutcome.HELD
