"""Mail addressed to a person about one of their matches (each recipient gets their own message).

Messages carry links and the posting's public title only: never the other side's name or
address (those are on the site, once both accepted), never private matching signals.
"""
from __future__ import annotations

import contextlib
import logging
import smtplib
from collections.abc import Iterable, Iterator
from contextvars import ContextVar

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from marketplace.models import FollowUp, Match, MatchMessage, User
from marketplace.core.links import external_url

logger = logging.getLogger(__name__)
_suppressed: ContextVar[bool] = ContextVar("pipeline_notices_suppressed", default=False)


@contextlib.contextmanager
def suppressed() -> Iterator[None]:
    """Send nothing inside this block (seeding demo data moves many matches at once)."""
    token = _suppressed.set(True)
    try:
        yield
    finally:
        _suppressed.reset(token)


def _deliver(users: Iterable[User], kind: str, key: str, subject_text, template: str, *, link: str,
             **context: object) -> None:
    """Render per recipient in their language, then hand over to the notification outbox.

    The outbox sends at once (the request's ``send_now`` after commit, else the scheduler's next
    tick), or holds the notice for the person's digest if that is what they chose.
    """
    if _suppressed.get():
        return
    from marketplace.digests.notifications import notify

    for user in users:
        if not user.active:
            continue
        with force_locale(user.locale):
            subject = subject_text()
            text = render_template(template, user=user, link=link, **context)
        try:
            notify(user, kind, subject=subject, text=text, key=f"{key}:u{user.id}", link=link)
        except (smtplib.SMTPException, OSError):  # pragma: no cover - the outbox retries
            logger.warning("notice not delivered", extra={"event": "notice.failed", "kind": kind})


def introduction_requested(match: Match, seekers: list[User], posters: list[User]) -> None:
    link = external_url("matches.detail", match_id=match.id)
    _deliver(seekers + posters, "introduction", f"intro-request:m{match.id}",
             lambda: _("紹介のご相談が届きました"), "emails/introduction_request.txt", match=match, link=link)


def introduced(match: Match, users: list[User]) -> None:
    link = external_url("matches.detail", match_id=match.id)
    _deliver(users, "introduction", f"introduced:m{match.id}",
             lambda: _("紹介が成立しました"), "emails/introduced.txt", match=match, link=link)


def new_message(match: Match, message: MatchMessage, users: list[User]) -> None:
    link = external_url("matches.detail", match_id=match.id)
    _deliver(users, "message", f"message:{message.id}",
             lambda: _("新しいメッセージが届きました"), "emails/new_message.txt", match=match, link=link)


def follow_up_due(follow_up: FollowUp, coordinators: list[User]) -> None:
    link = external_url("coordination.match_detail", match_id=follow_up.match_id)
    _deliver(coordinators, "follow_up", f"follow-up:{follow_up.id}",
             lambda: _("フォローアップの時期です"), "emails/follow_up_due.txt", follow_up=follow_up, link=link)


def send_now() -> None:
    """After a commit: deliver what is waiting in the outbox now, so personal notices leave at once.

    Best effort and bounded (one small batch); anything left, or a mail server that is down, is
    the scheduler's next tick's job. Never raises into the request.
    """
    from marketplace.digests import outbox

    try:
        outbox.send_pending(batch_size=20, max_batches=1)
    except Exception:  # noqa: BLE001 - the outbox keeps the row for the scheduler to retry
        logger.warning("immediate send deferred to the scheduler", extra={"event": "notice.deferred"})
