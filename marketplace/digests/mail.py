"""Outgoing mail: over SMTP when configured, else into the outbox folder and the console."""
from __future__ import annotations

import logging
import secrets
import smtplib
import ssl
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from pathlib import Path

from flask import current_app

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Mail:
    """One message to one recipient."""

    to: str
    subject: str
    text: str
    html: str | None = None
    headers: tuple[tuple[str, str], ...] = ()


def build_message(mail: Mail, sender: str) -> EmailMessage:
    """Build a MIME message: UTF-8 text part, optional HTML alternative, encoded subject."""
    message = EmailMessage()
    message["From"] = formataddr(("地域人材マッチング", sender))
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1])
    for name, value in mail.headers:
        message[name] = value
    message.set_content(mail.text, charset="utf-8")
    if mail.html:
        message.add_alternative(mail.html, subtype="html", charset="utf-8")
    return message


def send_mail(mail: Mail) -> None:
    """Deliver ``mail`` now. Raises ``smtplib.SMTPException``/``OSError`` when SMTP fails."""
    config = current_app.config
    message = build_message(mail, config["MAIL_DEFAULT_SENDER"])
    if not config.get("MAIL_SERVER"):
        _write_to_outbox(message, mail)
        return
    host, port, timeout = config["MAIL_SERVER"], config["MAIL_PORT"], config["MAIL_TIMEOUT"]
    if config.get("MAIL_USE_SSL"):
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
    with smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls(context=ssl.create_default_context())
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        smtp.send_message(message)
    logger.info("mail sent", extra={"event": "mail.sent"})


def _write_to_outbox(message: EmailMessage, mail: Mail) -> None:
    folder = Path(current_app.instance_path) / current_app.config["MAIL_OUTBOX_DIR"]
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    path = folder / f"{stamp}-{secrets.token_hex(4)}.eml"
    path.write_bytes(bytes(message))
    # Development aid: the console shows the message so a person can follow its links.
    # Printed rather than logged, so that tokens never reach the structured logs.
    print(f"--- mail to {mail.to}: {mail.subject}\n{mail.text}\n--- saved as {path}", file=sys.stderr)
    logger.info("mail written to outbox", extra={"event": "mail.outbox"})
