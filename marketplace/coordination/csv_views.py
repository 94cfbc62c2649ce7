"""Coordinators' CSV: exports of their area, and bulk imports of postings and candidate invitations.

An import is two steps: the upload is checked row by row and shown as a preview (nothing stored);
the preview carries the decoded text as a signed token, and confirming stores every row in one
transaction, or none.
"""
from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from marketplace.core import idempotency
from marketplace.core.access import role_required
from marketplace.coordination import bp
from marketplace.coordination.csv_forms import CsvCommitForm, CsvUploadForm
from marketplace.extensions import db
from marketplace.core.i18n import current_language, to_jst
from marketplace.models import CandidateProfile, Match, Posting, Role, User, utcnow
from marketplace.organisations import areas
from marketplace.coordination import csv_export
from marketplace.core import csv_io
from marketplace.postings import csv_table as csv_postings
from marketplace.accounts import invitations
from marketplace.core.csv_io import CsvFileError, ImportPreview
from marketplace.core.domain_errors import DomainError

IMPORTS = {"postings": csv_postings.IMPORT_PURPOSE, "invitations": invitations.IMPORT_PURPOSE}


def _csv_response(body: bytes, label: str, ascii_label: str) -> Response:
    stamp = to_jst(utcnow()).strftime("%Y%m%d")
    response = Response(body, mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = csv_io.content_disposition(f"{label}_{stamp}.csv",
                                                                          f"{ascii_label}_{stamp}.csv")
    response.headers["Cache-Control"] = "no-store"
    return response


def _upload_forms() -> dict[str, CsvUploadForm]:
    return {kind: CsvUploadForm(prefix=kind) for kind in IMPORTS}


def _csv_page(errors: dict[str, str] | None = None, status: int = 200,
              forms: dict[str, CsvUploadForm] | None = None) -> tuple[str, int]:
    sent, accepted = invitations.invitation_counts(current_user)
    return render_template(
        "coordination/csv.html", forms=forms or _upload_forms(), errors=errors or {},
        posting_columns=csv_postings.import_columns_help(current_language()),
        invitable=invitations.invitable_schemes(current_user), sent=sent, accepted=accepted,
        max_kb=csv_io.MAX_CSV_BYTES // 1024, max_rows=csv_io.MAX_ROWS,
    ), status


@bp.route("/csv")
@role_required(Role.COORDINATOR)
def csv_page() -> tuple[str, int]:
    return _csv_page()


# --- exports -----------------------------------------------------------------------------
@bp.route("/csv/postings.csv")
@role_required(Role.COORDINATOR)
def export_postings() -> Response:
    query = areas.postings_in_area(current_user).options(
        selectinload(Posting.organisation), selectinload(Posting.prefecture), selectinload(Posting.municipality))
    postings = db.session.scalars(query).all()
    body = csv_postings.export_postings(postings, current_language())
    csv_export.record_export(current_user, "postings", len(postings))
    db.session.commit()
    return _csv_response(body, _("募集一覧"), "postings")


@bp.route("/csv/candidates.csv")
@role_required(Role.COORDINATOR)
def export_candidates() -> Response:
    query = areas.candidates_in_area(current_user).options(
        selectinload(CandidateProfile.user), selectinload(CandidateProfile.opt_ins))
    profiles = db.session.scalars(query).all()
    body = csv_export.export(csv_export.CANDIDATE_COLUMNS, profiles, current_language())
    csv_export.record_export(current_user, "candidates", len(profiles))
    db.session.commit()
    return _csv_response(body, _("人材一覧"), "candidates")


@bp.route("/csv/matches.csv")
@role_required(Role.COORDINATOR)
def export_matches() -> Response:
    query = areas.matches_in_area(current_user).options(
        selectinload(Match.posting).selectinload(Posting.organisation),
        selectinload(Match.candidate_profile).selectinload(CandidateProfile.user),
        selectinload(Match.solution_posting).selectinload(Posting.organisation))
    matches = db.session.scalars(query).all()
    body = csv_export.export(csv_export.MATCH_COLUMNS, matches, current_language())
    csv_export.record_export(current_user, "matches", len(matches))
    db.session.commit()
    return _csv_response(body, _("マッチング一覧"), "matches")


@bp.route("/csv/templates/<kind>.csv")
@role_required(Role.COORDINATOR)
def csv_template(kind: str) -> Response:
    if kind == "postings":
        return _csv_response(csv_postings.template_csv(current_language()), _("募集の取り込み用テンプレート"),
                             "postings-template")
    if kind == "invitations":
        return _csv_response(invitations.template_csv(), _("招待の取り込み用テンプレート"), "invitations-template")
    abort(404)


# --- imports -----------------------------------------------------------------------------
def _preview(kind: str, actor: User, text: str) -> ImportPreview:
    if kind == "postings":
        return csv_postings.preview_import(actor, text, current_language())
    return invitations.preview_import(actor, text)


def _render_preview(kind: str, preview: ImportPreview, token: str | None) -> tuple[str, int]:
    form = CsvCommitForm(formdata=None, data={"token": token}) if preview.ok and token else None
    return render_template("coordination/csv_preview.html", kind=kind, preview=preview, form=form), (
        200 if preview.ok else 400)


@bp.route("/csv/<kind>/preview", methods=["POST"])
@role_required(Role.COORDINATOR)
def csv_preview(kind: str) -> tuple[str, int]:
    if kind not in IMPORTS:
        abort(404)
    forms = _upload_forms()
    form = forms[kind]
    if not form.validate_on_submit():
        message = next(iter(form.errors.get("file", [])), None) or _("もう一度ファイルを選んでください。")
        return _csv_page({kind: str(message)}, 400, forms)
    try:
        text = csv_io.decode_upload(form.file.data.stream.read(csv_io.MAX_CSV_BYTES + 1))
        preview = _preview(kind, current_user, text)
        token = csv_io.sign_upload(IMPORTS[kind], current_user.id, text) if preview.ok else None
    except CsvFileError as exc:
        return _csv_page({kind: exc.message}, exc.status_code, forms)
    finally:
        db.session.rollback()  # a preview never writes
    return _render_preview(kind, preview, token)


@bp.route("/csv/<kind>/commit", methods=["POST"])
@role_required(Role.COORDINATOR)
def csv_commit(kind: str) -> Response | tuple[str, int]:
    if kind not in IMPORTS:
        abort(404)
    form = CsvCommitForm()
    if (earlier := idempotency.earlier_result()) is not None:
        return earlier
    if not form.validate_on_submit():
        abort(400)
    try:
        text = csv_io.read_signed_upload(IMPORTS[kind], current_user.id, form.token.data or "")
        if kind == "postings":
            preview, created = csv_postings.commit_import(current_user, text, current_language())
        else:
            preview, created = invitations.commit_import(current_user, text)
        if not preview.ok:
            db.session.rollback()
            return _render_preview(kind, preview, None)
        idempotency.remember(url_for("coordination.csv_page"))
        if (earlier := idempotency.commit_or_replay()) is not None:
            return earlier
    except DomainError as exc:
        db.session.rollback()
        return _csv_page({kind: exc.message}, exc.status_code)
    except Exception:
        db.session.rollback()
        raise
    if kind == "postings":
        flash(_("%(n)d件の募集を下書きとして登録しました。", n=len(created)), "info")
    else:
        failed = invitations.send_invitations(current_user, created)
        db.session.commit()
        flash(_("%(n)d件の招待を登録しました。", n=len(created)), "info")
        if failed:
            flash(_("%(n)d件の招待メールを送れませんでした。メールの設定を管理者に確認してください。", n=failed), "error")
    return redirect(url_for("coordination.csv_page"))
