"""The outbox sender: claims rows safely, delivers them over SMTP, retries, gives up, notes bounces.

Claiming
    One ``UPDATE … WHERE id IN (SELECT … LIMIT n FOR UPDATE SKIP LOCKED)`` marks a batch as
    ``sending`` with a random claim token and a lease. On PostgreSQL rows locked by another sender
    are skipped; SQLite serialises writers, so the single statement is atomic there too. Every
    later change checks the claim token, so a sender whose lease ran out cannot overwrite the
    work of the sender that took over.

Crashes
    A sender killed halfway leaves its claimed rows ``sending``; when the lease ends another sender
    claims them again. Each row is marked ``sent`` (and committed) right after the server accepted
    it, so at most the one message in flight at the moment of the kill can be sent twice; its
    Message-ID is stable (``outbox-<id>``), so mail clients drop such a twin.

Failures
    Server down or 4xx: retried with exponential backoff (``OUTBOX_RETRY_BASE_SECONDS`` × 2^n, at
    most 6 h), ``failed`` after ``OUTBOX_MAX_ATTEMPTS`` claims. Only a mailbox-level permanent
    refusal (enhanced status 5.1.x or 5.2.x, or a plain 550 without an enhanced code) records the
    address as bouncing, so nothing more is sent to it. A refusal of the server's own (relay,
    policy, authentication: 5.7.x and every other 5xx) says nothing about the address: sending
    pauses (``mail_pauses``), the message waits, and admins are told (an error log and the admin
    mail page). A batch in which most recipients are refused looks like the same kind of fault:
    its bounces are undone, its messages wait and sending pauses. ``flask mail resume`` or the
    admin page resume; ``flask mail unbounce``, the admin page or the person confirming the
    address again clear a bounce.
"""
from __future__ import annotations

import logging
import re
import secrets
import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage

import sqlalchemy as sa
from flask import current_app

from marketplace.extensions import db
from marketplace.models import BouncedAddress, MailPause, OutboxMessage, OutboxStatus, utcnow
from marketplace.digests.mail import Mail, build_message, send_mail

logger = logging.getLogger(__name__)

MAX_RETRY_DELAY = timedelta(hours=6)


@dataclass
class SendReport:
    """What one call of :func:`send_pending` did."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    bounced: int = 0
    lost_claims: int = 0
    paused: bool = False


class ServerUnavailable(Exception):
    """The SMTP server cannot be reached or refuses the session: retry the whole batch later."""


class ServerRefusal(Exception):
    """The server refused for a reason of its own (relay, policy, authentication): pause sending."""

    def __init__(self, code: int, text: str) -> None:
        super().__init__(f"{code} {text}")
        self.code, self.text = code, text


# --- what a refusal means -------------------------------------------------------------------
MAILBOX = "mailbox"  # the address itself is bad: record a bounce
POLICY = "policy"  # the server's own refusal: pause, tell admins
TEMPORARY = "temporary"  # 4xx: retry later

_ENHANCED = re.compile(r"^\s*([245])\.(\d{1,3})\.(\d{1,3})(?!\d)")
_POLICY_WORDS = re.compile(r"relay|policy|spam|black ?list|block|authenticat|not permitted|denied", re.IGNORECASE)
_ADDRESS = re.compile(r"[^\s<>@]+@[^\s<>@]+")
#: A batch pauses when at least this many recipients are refused and they are most of it.
MASS_REFUSAL_MIN = 3


def classify_refusal(code: int, text: str) -> str:
    """``mailbox``, ``policy`` or ``temporary`` for an SMTP answer (RFC 3463 enhanced codes).

    Mailbox level: 5.1.x (address) and 5.2.x (mailbox), or a plain 550 that carries no enhanced
    code and no word of relay/policy/spam/authentication. Every other 5xx is the server's policy.
    """
    if code < 500:
        return TEMPORARY
    enhanced = _ENHANCED.match(text or "")
    if enhanced:
        return MAILBOX if enhanced.group(1) == "5" and enhanced.group(2) in ("1", "2") else POLICY
    if code == 550 and not _POLICY_WORDS.search(text or ""):
        return MAILBOX
    return POLICY


def without_addresses(text: str) -> str:
    """The server's answer with every address replaced (it is shown to admins and kept)."""
    return _ADDRESS.sub("<address>", text or "")


def active_pause() -> MailPause | None:
    return db.session.scalar(sa.select(MailPause).where(MailPause.resumed_at.is_(None)).order_by(MailPause.id))


def pause(reason: str, code: int, text: str, now: datetime) -> MailPause:
    """Stop sending until an admin resumes (commits). Logged as an error for the operators."""
    current = active_pause()
    if current is not None:
        return current
    row = MailPause(reason=reason, code=code, detail=without_addresses(text)[:500], created_at=now)
    db.session.add(row)
    db.session.commit()
    logger.error("mail sending paused: %s (%s %s)", reason, code, row.detail,
                 extra={"event": "mail.paused", "reason": reason, "code": code})
    return row


def resume(actor_id: int | None = None, now: datetime | None = None) -> bool:
    """Resume sending (the caller commits). False when it was not paused."""
    now = now or utcnow()
    rows = db.session.scalars(sa.select(MailPause).where(MailPause.resumed_at.is_(None))).all()
    for row in rows:
        row.resumed_at, row.resumed_by_id = now, actor_id
    if rows:
        logger.warning("mail sending resumed", extra={"event": "mail.resumed"})
    return bool(rows)


def unbounce(address: str) -> bool:
    """Forget that ``address`` bounced (the caller commits). False when it was not recorded."""
    result = db.session.execute(sa.delete(BouncedAddress).where(
        sa.func.lower(BouncedAddress.address) == address.strip().lower()))
    if result.rowcount:
        logger.info("bounce cleared", extra={"event": "mail.unbounced"})
    return bool(result.rowcount)


# --- claiming -------------------------------------------------------------------------------
def _claimable(now: datetime) -> sa.ColumnElement[bool]:
    return sa.or_(
        sa.and_(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now),
        sa.and_(OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.lease_until < now),
    )


def claim_batch(now: datetime, limit: int, lease_seconds: int) -> tuple[str, list[int]]:
    """Claim up to ``limit`` due rows for this sender; returns the claim token and the row ids.

    Commits: the claim must be visible to other senders before any mail leaves. An empty list
    means nothing is left to claim (rows another sender took first are retried, not mistaken
    for the end of the queue).
    """
    token = secrets.token_hex(16)
    while True:
        db.session.commit()  # start from a clean transaction
        # Two statements in one transaction: PostgreSQL may re-run a LIMIT … SKIP LOCKED sub-select
        # inside ``IN (…)`` for every outer row and claim far more than ``limit`` rows. The row
        # locks taken here (SKIP LOCKED on PostgreSQL; SQLite's single writer elsewhere) and the
        # re-check of ``_claimable`` in the UPDATE keep two senders from claiming the same row.
        due = list(db.session.scalars(sa.select(OutboxMessage.id).where(_claimable(now)).order_by(OutboxMessage.id)
                                      .limit(limit).with_for_update(skip_locked=True)))
        if not due:
            db.session.commit()
            return token, []
        db.session.execute(
            sa.update(OutboxMessage)
            .where(OutboxMessage.id.in_(due), _claimable(now))
            .values(status=OutboxStatus.SENDING, claim_token=token,
                    lease_until=now + timedelta(seconds=lease_seconds), attempts=OutboxMessage.attempts + 1)
            .execution_options(synchronize_session=False))
        db.session.commit()
        ids = list(db.session.scalars(sa.select(OutboxMessage.id).where(
            OutboxMessage.claim_token == token, OutboxMessage.status == OutboxStatus.SENDING)
            .order_by(OutboxMessage.id)))
        if ids:
            return token, ids


def _update_claimed(row_id: int, token: str, **values: object) -> bool:
    """Change a row only while this sender still holds its claim; commits. True when it did."""
    result = db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == row_id, OutboxMessage.claim_token == token,
               OutboxMessage.status == OutboxStatus.SENDING)
        .values(**values).execution_options(synchronize_session=False))
    db.session.commit()
    return result.rowcount == 1


def retry_delay(attempts: int) -> timedelta:
    base = current_app.config["OUTBOX_RETRY_BASE_SECONDS"]
    return min(timedelta(seconds=base * 2 ** max(attempts - 1, 0)), MAX_RETRY_DELAY)


# --- transports -----------------------------------------------------------------------------
def message_for(row: OutboxMessage) -> EmailMessage:
    """The MIME message of an outbox row, with a Message-ID that stays the same on every attempt."""
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    mail = Mail(to=row.to_address, subject=row.subject, text=row.body_text, html=row.body_html,
                headers=tuple((str(name), str(value)) for name, value in row.headers or ()))
    message = build_message(mail, sender)
    del message["Message-ID"]
    message["Message-ID"] = f"<outbox-{row.id}.{row.created_at:%Y%m%d%H%M%S}@{sender.rsplit('@', 1)[-1]}>"
    return message


class SmtpTransport:
    """One SMTP session reused for a batch (``MAIL_SERVER``, ``MAIL_PORT``, TLS/SSL, auth)."""

    def __init__(self) -> None:
        self._smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        config = current_app.config
        host, port, timeout = config["MAIL_SERVER"], config["MAIL_PORT"], config["MAIL_TIMEOUT"]
        try:
            if config.get("MAIL_USE_SSL"):
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=timeout,
                                                      context=ssl.create_default_context())
            else:
                smtp = smtplib.SMTP(host, port, timeout=timeout)
            if config.get("MAIL_USE_TLS"):
                smtp.starttls(context=ssl.create_default_context())
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        except (OSError, smtplib.SMTPException) as exc:
            raise ServerUnavailable(str(exc) or exc.__class__.__name__) from exc
        return smtp

    def send(self, row: OutboxMessage) -> None:
        if self._smtp is None:
            self._smtp = self._connect()
        message = message_for(row)
        try:
            self._smtp.send_message(message, to_addrs=[row.to_address])
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPResponseException):
            # A refusal of this message; a fresh session for the next one is the simplest.
            self._reset()
            raise
        except OSError as exc:  # disconnected, timed out, reset (smtplib's errors are OSErrors too)
            self._reset()
            raise ServerUnavailable(str(exc) or exc.__class__.__name__) from exc

    def _reset(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            try:
                smtp.close()
            except OSError:  # pragma: no cover - closing a dead socket
                pass

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException):
                smtp.close()


class FolderTransport:
    """Development without ``MAIL_SERVER``: messages go to the instance outbox folder and the console."""

    def send(self, row: OutboxMessage) -> None:
        send_mail(Mail(to=row.to_address, subject=row.subject, text=row.body_text, html=row.body_html,
                       headers=tuple((str(n), str(v)) for n, v in row.headers or ())))

    def close(self) -> None:
        pass


def _transport() -> SmtpTransport | FolderTransport:
    return SmtpTransport() if current_app.config.get("MAIL_SERVER") else FolderTransport()


# --- sending ------------------------------------------------------------------------------
def _refusal(exc: smtplib.SMTPRecipientsRefused) -> tuple[int, str]:
    code, response = next(iter(exc.recipients.values()))
    return int(code), response.decode("utf-8", "replace") if isinstance(response, bytes) else str(response)


def _mark_bouncing(address: str, code: int, reason: str, now: datetime) -> int | None:
    """Record a bounce; the new row's id (None when the address was already recorded)."""
    if db.session.scalar(sa.select(BouncedAddress.id).where(BouncedAddress.address == address)) is None:
        row = BouncedAddress(address=address, code=code, reason=without_addresses(reason)[:500], created_at=now)
        db.session.add(row)
        db.session.flush()
        logger.warning("address refused permanently", extra={"event": "mail.bounced", "code": code})
        return row.id
    return None


def _is_bouncing(address: str) -> bool:
    return db.session.scalar(sa.select(BouncedAddress.id).where(BouncedAddress.address == address)) is not None


def _may_try_bouncing(row: OutboxMessage) -> bool:
    """A new confirmation link goes even to a bouncing address: following it clears the bounce."""
    return row.kind == "account" and row.stream == "verify_email"


def _retry_or_fail(row_id: int, token: str, attempts: int, error: str, now: datetime, report: SendReport) -> None:
    if attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]:
        if _update_claimed(row_id, token, status=OutboxStatus.FAILED, claim_token=None, lease_until=None,
                           last_error=error[:500]):
            report.failed += 1
            logger.warning("mail given up", extra={"event": "mail.failed", "attempts": attempts})
        return
    if _update_claimed(row_id, token, status=OutboxStatus.PENDING, claim_token=None, lease_until=None,
                       next_attempt_at=now + retry_delay(attempts), last_error=error[:500]):
        report.retried += 1


def _release(row_ids: list[int], token: str, now: datetime, error: str) -> None:
    """Put claimed rows back, due at once and without spending a try (sending is paused)."""
    for row_id in row_ids:
        _update_claimed(row_id, token, status=OutboxStatus.PENDING, claim_token=None, lease_until=None,
                        next_attempt_at=now, attempts=sa.func.max(OutboxMessage.attempts - 1, 0)
                        if db.engine.dialect.name == "sqlite" else sa.func.greatest(OutboxMessage.attempts - 1, 0),
                        last_error=error[:500])


@dataclass
class _Batch:
    """What happened to the rows of one claimed batch (to spot a batch of refusals)."""

    tried: int = 0
    bounces: list[tuple[int, int | None]] = field(default_factory=list)  # (outbox row, new bounce id)
    code: int = 0
    text: str = ""


def _send_one(transport, row_id: int, token: str, clock: Callable[[], datetime], lease: timedelta,
              report: SendReport, batch: _Batch) -> None:
    now = clock()
    # Renew the lease and make sure the claim is still ours before anything leaves.
    if not _update_claimed(row_id, token, lease_until=now + lease):
        report.lost_claims += 1
        return
    row = db.session.get(OutboxMessage, row_id, populate_existing=True)
    if row is None:  # pragma: no cover - deleted together with its user
        return
    if _is_bouncing(row.to_address) and not _may_try_bouncing(row):
        if _update_claimed(row_id, token, status=OutboxStatus.FAILED, claim_token=None, lease_until=None,
                           last_error="address bounced before"):
            report.failed += 1
        return
    attempts = row.attempts
    batch.tried += 1
    try:
        transport.send(row)
    except smtplib.SMTPRecipientsRefused as exc:
        code, reason = _refusal(exc)
        kind = classify_refusal(code, reason)
        if kind == TEMPORARY:
            _retry_or_fail(row_id, token, attempts, f"recipient refused: {code} {without_addresses(reason)}",
                           now, report)
            return
        if kind == POLICY:
            raise ServerRefusal(code, reason) from exc
        bounce_id = _mark_bouncing(row.to_address, code, reason, now)
        batch.bounces.append((row_id, bounce_id))
        batch.code, batch.text = code, reason
        if _update_claimed(row_id, token, status=OutboxStatus.FAILED, claim_token=None, lease_until=None,
                           last_error=f"{code} {without_addresses(reason)}"[:500]):
            report.bounced += 1
        return
    except smtplib.SMTPResponseException as exc:
        text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        error = f"{exc.smtp_code} {without_addresses(text)}"
        if 500 <= exc.smtp_code < 600:
            if classify_refusal(exc.smtp_code, text) == POLICY and not isinstance(exc, smtplib.SMTPDataError):
                raise ServerRefusal(exc.smtp_code, text) from exc  # e.g. the sender or the session refused
            if _update_claimed(row_id, token, status=OutboxStatus.FAILED, claim_token=None, lease_until=None,
                               last_error=error[:500]):
                report.failed += 1
            return
        _retry_or_fail(row_id, token, attempts, error, now, report)
        return
    except (ServerUnavailable, ServerRefusal):
        raise
    except Exception as exc:  # a bug must not stop the batch: log it and retry this row later
        logger.exception("mail could not be built or sent", extra={"event": "mail.error"})
        _retry_or_fail(row_id, token, attempts, f"{exc.__class__.__name__}: {exc}", now, report)
        return
    if _update_claimed(row_id, token, status=OutboxStatus.SENT, sent_at=clock(), claim_token=None,
                       lease_until=None, last_error=""):
        report.sent += 1


def _undo_mass_refusal(batch: _Batch, now: datetime, report: SendReport) -> None:
    """Most of the batch was refused: not the addresses' fault. Undo its bounces, requeue, pause."""
    for row_id, bounce_id in batch.bounces:
        if bounce_id is not None:
            db.session.execute(sa.delete(BouncedAddress).where(BouncedAddress.id == bounce_id))
        db.session.execute(sa.update(OutboxMessage).where(OutboxMessage.id == row_id).values(
            status=OutboxStatus.PENDING, next_attempt_at=now, last_error="held: most of its batch was refused")
            .execution_options(synchronize_session=False))
    db.session.commit()
    report.bounced = max(report.bounced - len(batch.bounces), 0)
    pause("mass_refusal", batch.code, f"{len(batch.bounces)} of {batch.tried} recipients refused; last: "
          f"{batch.code} {batch.text}", now)
    report.paused = True


def send_pending(now: datetime | None = None, *, batch_size: int | None = None,
                 max_batches: int | None = None) -> SendReport:
    """Deliver due outbox rows, batch after batch, until none is left (or ``max_batches``).

    ``now`` fixes the clock (tests); by default the real time is read at every step. Does
    nothing while sending is paused (see :func:`active_pause`).
    """
    config = current_app.config
    clock: Callable[[], datetime] = (lambda: now) if now is not None else utcnow
    batch_size = batch_size or config["OUTBOX_BATCH_SIZE"]
    lease = timedelta(seconds=config["OUTBOX_LEASE_SECONDS"])
    report = SendReport()
    batches = 0
    while max_batches is None or batches < max_batches:
        if active_pause() is not None:
            report.paused = True
            db.session.commit()
            break
        token, ids = claim_batch(clock(), batch_size, config["OUTBOX_LEASE_SECONDS"])
        if not ids:
            break
        batches += 1
        transport = _transport()
        batch = _Batch()
        try:
            for position, row_id in enumerate(ids):
                try:
                    _send_one(transport, row_id, token, clock, lease, report, batch)
                except ServerUnavailable as exc:
                    logger.warning("mail server unavailable", extra={"event": "mail.server_unavailable"})
                    for waiting in ids[position:]:
                        attempts = db.session.scalar(sa.select(OutboxMessage.attempts).where(
                            OutboxMessage.id == waiting)) or 1
                        _retry_or_fail(waiting, token, attempts, f"server unavailable: {exc}", clock(), report)
                    return report
                except ServerRefusal as exc:
                    db.session.rollback()
                    _release(ids[position:], token, clock(), f"paused: {exc.code} {without_addresses(exc.text)}")
                    pause("policy_refusal", exc.code, exc.text, clock())
                    report.paused = True
                    return report
        finally:
            transport.close()
        if len(batch.bounces) >= MASS_REFUSAL_MIN and len(batch.bounces) * 2 > batch.tried:
            _undo_mass_refusal(batch, clock(), report)
            return report
    return report
