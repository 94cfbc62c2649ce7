"""Candidate invitations: bulk import from CSV, the invitation email, and acceptance.

An address is invited once (a unique column); rows for registered or already invited addresses
are errors in the preview, so re-importing a file never invites anyone twice. The emailed token is
random; only its SHA-256 hash is stored.
"""
from __future__ import annotations

import hashlib
import logging
import secrets
import smtplib
from dataclasses import dataclass
from datetime import timedelta
from types import SimpleNamespace

import sqlalchemy as sa
from flask import current_app, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from wtforms.validators import ValidationError

from marketplace.extensions import db
from marketplace.core.forms import CleanText, email_address
from marketplace.core.i18n import format_date
from marketplace.models import Invitation, Role, User, utcnow
from marketplace.schemes.registry import SCHEMES
from marketplace.accounts.operations import normalise_email
from marketplace.core.csv_io import (
    CsvColumn,
    CsvRow,
    ImportPreview,
    PreviewRow,
    RowError,
    example_mark,
    read_table,
    split_list,
    write_csv,
)
from marketplace.core.csv_values import ValueIndex, label_names
from marketplace.core.domain_errors import Conflict, PermissionDenied
from marketplace.digests.mail import Mail, send_mail

logger = logging.getLogger(__name__)

IMPORT_PURPOSE = "invitations"
#: How long the registration link in an invitation prefills the form.
INVITATION_MAX_AGE = timedelta(days=30)
MAX_NAME = 100
MAX_MESSAGE = 1000

#: The invitation file's columns: (code, header, required, other names a header may have).
COLUMNS: tuple[tuple[str, object, bool, frozenset[str]], ...] = (
    ("name", _l("氏名"), True, frozenset({"名前", "表示名", "お名前"})),
    ("email", _l("メールアドレス"), True, frozenset({"メール", "e-mail", "mail"})),
    ("schemes", _l("制度"), False, frozenset({"関心のある制度"})),
    ("message", _l("メッセージ"), False, frozenset({"ひとこと", "備考"})),
)


def _labels() -> dict[str, str]:
    return {key: str(label) for key, label, _r, _a in COLUMNS}


def _csv_columns() -> list[CsvColumn]:
    return [CsvColumn(key, frozenset(label_names(label)), required=required, aliases=aliases)
            for key, label, required, aliases in COLUMNS]


def template_csv() -> bytes:
    """The headers in the current language and one example row, marked so that the importer skips it."""
    from marketplace.core.i18n import current_language

    language = current_language()
    example = [example_mark(language), "taro.yamada@example.jp", SCHEMES["accelerator"].name(language),
               _("地域のデジタル化にご協力ください。")]
    return write_csv(list(_labels().values()), [example])


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _clean_text_problem(text: str, multiline: bool) -> str | None:
    try:
        CleanText(multiline=multiline)(None, SimpleNamespace(data=text))
    except ValidationError as exc:
        return str(exc)
    return None


def _email_problem(email: str) -> str | None:
    try:
        email_address()(None, SimpleNamespace(data=email))
    except ValidationError as exc:
        return str(exc)
    return None


def invitable_schemes(actor: User) -> list[str]:
    """Schemes a candidate can opt into that the actor coordinates (every one for admins)."""
    own = {a.scheme for a in actor.areas} if actor.role == Role.COORDINATOR else set(SCHEMES)
    return [code for code, scheme in SCHEMES.items() if scheme.candidates_opt_in and code in own]


@dataclass(frozen=True)
class _Ready:
    email: str
    name: str
    schemes: list[str]
    message: str


class _RowChecker:
    def __init__(self, actor: User, emails: list[str]) -> None:
        self.actor = actor
        self.labels = _labels()
        self.schemes = ValueIndex((code, {s.name_ja, s.name_en}) for code, s in SCHEMES.items())
        self.allowed = set(invitable_schemes(actor))
        self.seen: dict[str, int] = {}
        wanted = sorted(set(emails))
        self.registered = (set(db.session.scalars(sa.select(User.email).where(User.email.in_(wanted))))
                           if wanted else set())
        self.invited = {i.email: i for i in db.session.scalars(
            sa.select(Invitation).where(Invitation.email.in_(wanted)))} if wanted else {}

    def check(self, row: CsvRow) -> tuple[list[str], _Ready | None, list[RowError]]:
        values = row.values
        errors: list[tuple[str, str]] = []
        name = values.get("name", "")
        if not name:
            errors.append(("name", _("入力してください。")))
        elif len(name) > MAX_NAME:
            errors.append(("name", _("%(max)d文字以内で入力してください。", max=MAX_NAME)))
        elif problem := _clean_text_problem(name, multiline=False):
            errors.append(("name", problem))
        email = normalise_email(values.get("email", ""))
        if not email:
            errors.append(("email", _("入力してください。")))
        elif len(email) > 254 or (problem := _email_problem(email)):
            errors.append(("email", problem or _("メールアドレスの形式が正しくありません。")))
        elif email in self.seen:
            errors.append(("email", _("%(row)d行目と同じメールアドレスです。", row=self.seen[email])))
        elif email in self.registered:
            errors.append(("email", _("既に登録されている利用者です。")))
        elif email in self.invited:
            errors.append(("email", _("既に招待済みです（%(date)s）。",
                                      date=format_date(self.invited[email].created_at))))
        if email and email not in self.seen:
            self.seen[email] = row.number
        schemes: list[str] = []
        for item in split_list(values.get("schemes", "")):
            code = self.schemes.get(item)
            if code is None or not SCHEMES[code].candidates_opt_in:
                errors.append(("schemes", _("不明な制度です: %(value)s", value=item)))
            elif code not in self.allowed:
                errors.append(("schemes", _("担当していない制度には招待できません: %(value)s", value=item)))
            elif code not in schemes:
                schemes.append(code)
        message = values.get("message", "")
        if len(message) > MAX_MESSAGE:
            errors.append(("message", _("%(max)d文字以内で入力してください。", max=MAX_MESSAGE)))
        elif problem := _clean_text_problem(message, multiline=True):
            errors.append(("message", problem))
        summary = [name, email, "、".join(SCHEMES[c].name_ja for c in schemes)]
        row_errors = [RowError(row.number, self.labels[c], m) for c, m in errors]
        ready = None if row_errors else _Ready(email, name, schemes, message)
        return summary, ready, row_errors


def _check_all(actor: User, text: str) -> tuple[ImportPreview, list[_Ready]]:
    if actor.role not in (Role.COORDINATOR, Role.ADMIN):
        raise PermissionDenied(_("この操作はコーディネーターだけが行えます。"))
    table = read_table(text, _csv_columns(), _labels())
    checker = _RowChecker(actor, [normalise_email(r.values.get("email", "")) for r in table.rows])
    extra: dict[int, list[RowError]] = {}
    for error in table.errors:
        extra.setdefault(error.row, []).append(error)
    rows: list[PreviewRow] = []
    ready: list[_Ready] = []
    for row in table.rows:
        summary, prepared, errors = checker.check(row)
        errors = extra.get(row.number, []) + errors
        rows.append(PreviewRow(row.number, summary, errors))
        if prepared is not None and not errors:
            ready.append(prepared)
    return ImportPreview([_("氏名"), _("メールアドレス"), _("制度")], rows, table.examples), ready


def preview_import(actor: User, text: str) -> ImportPreview:
    """Check every row; nothing is written. Raises ``CsvFileError`` when the file cannot be read."""
    return _check_all(actor, text)[0]


@dataclass(frozen=True)
class NewInvitation:
    invitation: Invitation
    token: str


def commit_import(actor: User, text: str) -> tuple[ImportPreview, list[NewInvitation]]:
    """Check again and, when every row is valid, add every invitation (flushed, not committed).

    The caller commits (or rolls back everything) and then calls :func:`send_invitations`.
    Raises ``Conflict`` when another request invited one of the addresses meanwhile.
    """
    preview, ready = _check_all(actor, text)
    if not preview.ok:
        return preview, []
    created: list[NewInvitation] = []
    for item in ready:
        token = secrets.token_urlsafe(32)
        invitation = Invitation(email=item.email, name=item.name, schemes=item.schemes, message=item.message,
                                invited_by_id=actor.id, token_hash=_token_hash(token))
        db.session.add(invitation)
        created.append(NewInvitation(invitation, token))
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(_("同じメールアドレスへの招待が同時に登録されました。もう一度アップロードしてください。")) from None
    logger.info("%d invitations created by %s", len(created), actor.id, extra={"event": "invitation.created"})
    return preview, created


def _register_link(token: str) -> str:
    return current_app.config["BASE_URL"].rstrip("/") + url_for("auth.register", invitation=token)


def send_invitations(actor: User, created: list[NewInvitation]) -> int:
    """Email every new invitation (in Japanese) and stamp ``sent_at``. Returns how many failed."""
    failed = 0
    inviter = actor.display_name or str(_l("コーディネーター"))
    for item in created:
        invitation = item.invitation
        with force_locale("ja"):
            subject = _("地域人材マッチングへのご招待")
            text = render_template("emails/invitation.txt", invitation=invitation, inviter=inviter,
                                   schemes=[SCHEMES[c].name_ja for c in invitation.schemes],
                                   link=_register_link(item.token), days=INVITATION_MAX_AGE.days)
        try:
            send_mail(Mail(to=invitation.email, subject=subject, text=text))
        except (smtplib.SMTPException, OSError):
            failed += 1
            logger.warning("invitation %s could not be sent", invitation.id, extra={"event": "invitation.failed"})
            continue
        invitation.sent_at = utcnow()
    return failed


def find_open_invitation(token: str) -> Invitation | None:
    """The unaccepted, unexpired invitation for an emailed token, or ``None``."""
    if not token or len(token) > 100:
        return None
    invitation = db.session.scalar(sa.select(Invitation).where(Invitation.token_hash == _token_hash(token)))
    if invitation is None or invitation.accepted_at is not None:
        return None
    if invitation.created_at < utcnow() - INVITATION_MAX_AGE:
        return None
    return invitation


def mark_accepted(user: User) -> None:
    """Record that an invited address now belongs to a verified account."""
    invitation = db.session.scalar(sa.select(Invitation).where(Invitation.email == user.email))
    if invitation is not None and invitation.accepted_at is None:
        invitation.accepted_at = utcnow()


def invitation_counts(actor: User) -> tuple[int, int]:
    """(sent by the actor, accepted among them) for the CSV page."""
    base = sa.select(sa.func.count(Invitation.id)).where(Invitation.invited_by_id == actor.id)
    return (db.session.scalar(base) or 0,
            db.session.scalar(base.where(Invitation.accepted_at.is_not(None))) or 0)
