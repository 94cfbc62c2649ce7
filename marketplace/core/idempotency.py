"""One-time keys on create forms, so that a retried POST returns the first result.

A create form renders ``{{ idempotency_field() }}``: a hidden ``idempotency_key`` holding a
fresh random key on every rendering (a page shown again after an error gets a new one: nothing
was created under the old one, and a page with several forms never shares a key). The view then:

1. calls ``earlier_result()`` before doing anything; when this person already submitted the
   key, it answers with a redirect to the first submission's result and creates nothing;
2. calls ``remember(url)`` after creating the row and before committing, so the key is stored
   in the same transaction as the row (both exist or neither does);
3. commits through ``commit_or_replay()``: when a concurrent submission with the same key
   committed first, the unique constraint refuses this one, the transaction (with its row) is
   rolled back and the answer is the redirect to the first result.

A POST without a key (an older page, a script) behaves as before. A malformed key is refused
with 400. Keys older than ``KEEP_KEYS`` are deleted by the scheduler's nightly housekeeping.
"""
from __future__ import annotations

import logging
import re
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import flash, redirect, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from marketplace.extensions import db
from marketplace.models import IdempotencyKey
from marketplace.core.domain_errors import DomainError

logger = logging.getLogger(__name__)

FIELD = "idempotency_key"
#: Keys are 32 URL-safe characters when we make them; accept a little range for other clients.
KEY_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,64}")
#: How long a key is remembered: far longer than any retry, short enough to keep the table small.
KEEP_KEYS = timedelta(days=7)


def new_key() -> str:
    return secrets.token_urlsafe(24)


def submitted_key() -> str | None:
    """The key this POST carries, or ``None``; a malformed key is refused with 400."""
    key = request.form.get(FIELD)
    if key is None or key == "":
        return None
    if not KEY_PATTERN.fullmatch(key):
        raise DomainError(str(_l("フォームの送信キーが正しくありません。ページを読み込み直してから、もう一度送信してください。")))
    return key


def idempotency_field() -> Markup:
    """The hidden input of a create form (a template global)."""
    return Markup('<input type="hidden" name="{}" value="{}">').format(FIELD, new_key())


def _lookup(key: str) -> str | None:
    return db.session.scalar(sa.select(IdempotencyKey.result_url).where(
        IdempotencyKey.user_id == current_user.id, IdempotencyKey.key == key))


def _replay(url: str) -> Response:
    logger.info("repeated form submission answered with its first result",
                extra={"event": "idempotency.replayed"})
    flash(_("この送信はすでに受け付けています。最初に送信したときの結果を表示します。"), "info")
    return redirect(url, code=303)


def earlier_result() -> Response | None:
    """The redirect to the first result when this key was already used by this person, else ``None``."""
    key = submitted_key()
    if key is None or not current_user.is_authenticated:
        return None
    url = _lookup(key)
    return _replay(url) if url is not None else None


def remember(result_url: str) -> None:
    """Store the submitted key with the result's URL, in the current transaction (no commit).

    Not flushed here: call it just before ``commit_or_replay()``, which catches the unique
    constraint's refusal when the insert reaches the database.
    """
    key = submitted_key()
    if key is None or not current_user.is_authenticated:
        return
    db.session.add(IdempotencyKey(user_id=current_user.id, key=key, result_url=result_url))


def commit_or_replay() -> Response | None:
    """Commit; when a concurrent submission of the same key won, roll back and return its result."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        key = submitted_key()
        url = _lookup(key) if key is not None and current_user.is_authenticated else None
        if url is None:
            raise
        return _replay(url)
    return None


def forget_old_keys(now: datetime) -> int:
    """Delete keys older than ``KEEP_KEYS`` (the scheduler's housekeeping); returns how many."""
    result = db.session.execute(sa.delete(IdempotencyKey).where(IdempotencyKey.created_at < now - KEEP_KEYS))
    return result.rowcount or 0
