"""Views of the candidates blueprint: profile, scheme opt-ins, data export and deletion."""
from __future__ import annotations

import json

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from marketplace.core import idempotency
from marketplace.core.access import role_required
from marketplace.profiles import bp
from marketplace.profiles.forms import ConfirmDeleteForm, CorrectionForm, ProfileForm, opt_in_form_class
from marketplace.extensions import db
from marketplace.core.i18n import current_language
import sqlalchemy as sa
from sqlalchemy.orm import contains_eager

from marketplace.models import Match, MatchStatus, Posting, PostingStatus, Role
from marketplace.organisations.forms import ButtonForm
from marketplace.schemes import eligibility
from marketplace.schemes import fields as scheme_fields
from marketplace.schemes.fields import label_of
from marketplace.schemes.forms import from_storable
from marketplace.schemes.registry import SCHEMES
from marketplace.postings import operations as posting_service
from marketplace.suggestions import queue as matching_queue, near_misses
from marketplace.privacy import records as privacy
from marketplace.profiles import operations as profiles, visibility
from marketplace.seeding import reference
from marketplace.core.domain_errors import DomainError


@bp.route("/")
@role_required(Role.CANDIDATE, admin=False)
def dashboard() -> str:
    profile = profiles.profile_of(current_user)  # not saved yet: an empty one, and nothing of anybody else's
    saved = profile.id is not None
    matches = db.session.scalars(sa.select(Match).join(Posting, Posting.id == Match.posting_id).where(
        Match.candidate_profile_id == profile.id, Match.status != MatchStatus.REJECTED,
        Posting.status == PostingStatus.PUBLISHED).options(contains_eager(Match.posting))
        .order_by(Match.score.desc(), Match.id).limit(20)).all() if saved else []
    fresh_pending, fresh_at = matching_queue.freshness_of_profile(profile.id, [o.scheme for o in profile.opt_ins])
    verdict = eligibility.for_profile(profile)
    return render_template("candidates/dashboard.html", profile=profile, matches=matches,
                           completeness=profiles.completeness(profile), schemes=SCHEMES,
                           fresh_pending=fresh_pending, fresh_at=fresh_at, accelerator_eligibility=verdict,
                           accelerator_situation=eligibility.situation_text(verdict) if verdict else None,
                           min_years=eligibility.MIN_YEARS,
                           near=near_misses.for_profile(profile.id) if saved else [], near_sentences=near_misses.sentences)


def _profile_form_data(profile) -> dict:
    careers = [{"organisation": c.organisation, "role": c.role, "years": c.years, "description": c.description}
               for c in profile.careers]
    return {
        "display_name": profile.user.display_name, "residence_prefecture": profile.residence_prefecture or "",
        "work_prefectures": profile.work_prefectures, "remote": profile.remote,
        "available_from": profile.available_from, "hours_per_month": profile.hours_per_month,
        "employment_forms": profile.employment_forms, "compensation_min": profile.compensation_min,
        "compensation_max": profile.compensation_max, "skills": "、".join(profile.skills),
        "qualifications": profile.qualifications, "other_qualifications": profile.other_qualifications,
        "self_intro": profile.self_intro, "phone": profile.phone, "visibility": profile.visibility.value,
        **{column: visibility.level_of(profile, name).value for name, column in visibility.COLUMNS.items()},
        "careers": careers + [{}],
    }


@bp.route("/profile", methods=["GET", "POST"])
@role_required(Role.CANDIDATE, admin=False)
def edit_profile() -> Response | tuple[str, int]:
    profile = profiles.get_or_create_profile(current_user) if request.method == "POST" else profiles.profile_of(current_user)
    form = ProfileForm(data=None if request.method == "POST" else _profile_form_data(profile))
    prefectures = reference.prefecture_choices(current_language())
    form.residence_prefecture.choices = [("", _("選択してください"))] + prefectures
    form.work_prefectures.choices = prefectures
    if request.method == "POST" and "add_career" in request.form:
        # "One more career row" without JavaScript: the same form again with an empty row, nothing saved.
        if len(form.careers) < (form.careers.max_entries or 10):
            form.careers.append_entry()
        return render_template("candidates/profile.html", form=form)
    if form.validate_on_submit():
        try:
            data = form.to_data()
            profiles.update_profile(current_user, profile, data)
            recognised = [c for c in profile.qualifications if c not in data.qualifications]
        except DomainError as exc:
            db.session.rollback()
            form.compensation_min.errors = [exc.message]
            return render_template("candidates/profile.html", form=form), exc.status_code
        db.session.commit()
        flash(_("プロフィールを保存しました。"), "info")
        if recognised:
            names = "、".join(str(label_of(scheme_fields.IPA_EXAMS, c)) for c in recognised)
            flash(_("「その他の資格」の記載から、IPA高度試験の合格（%(names)s）を認識しました。", names=names), "info")
        return redirect(url_for("candidates.dashboard"))
    return render_template("candidates/profile.html", form=form), 400 if form.is_submitted() else 200


@bp.route("/schemes/<code>", methods=["GET", "POST"])
@role_required(Role.CANDIDATE, admin=False)
def opt_in(code: str) -> Response | tuple[str, int]:
    scheme = SCHEMES.get(code)
    if scheme is None or not scheme.candidates_opt_in:
        abort(404)
    profile = profiles.get_or_create_profile(current_user) if request.method == "POST" else profiles.profile_of(current_user)
    existing = profile.opt_in(code)
    data = None
    if request.method == "GET" and existing is not None:
        data = {spec.name: from_storable(spec, existing.details.get(spec.name)) for spec in scheme.candidate_fields}
    # Asked once: what the profile already says (hours, fee, IPA exams) fills the scheme's form.
    from_profile = _opt_in_values_from_profile(profile, scheme)
    if request.method == "GET":
        data = dict(data or {})
        for name, value in from_profile.items():
            if data.get(name) in (None, "", []):
                data[name] = value
    form = opt_in_form_class(scheme)(data=data)
    if form.validate_on_submit():
        values = {spec.name: getattr(form, spec.name).data for spec in scheme.candidate_fields}
        profiles.set_opt_in(current_user, profile, code, values)
        db.session.commit()
        _flash_joined(scheme, profile)
        return redirect(url_for("candidates.dashboard"))
    verdict = eligibility.for_profile(profile) if code == eligibility.ACCELERATOR else None
    return render_template("candidates/opt_in.html", form=form, scheme=scheme, joined=existing is not None,
                           leave_form=ButtonForm(), eligibility=verdict,
                           eligibility_rule=eligibility.rule_text() if code == eligibility.ACCELERATOR else None,
                           situation=eligibility.situation_text(verdict) if verdict else None,
                           from_profile=from_profile), 400 if form.is_submitted() else 200


def _flash_joined(scheme, profile) -> None:
    """Joined; for the accelerator, also whether suggestions will come and, if not, why."""
    name = scheme.name(current_language())
    verdict = eligibility.for_profile(profile) if scheme.code.value == eligibility.ACCELERATOR else None
    if verdict is None or verdict.eligible:
        flash(_("「%(scheme)s」に参加しました。", scheme=name), "info")
    elif verdict.status == "flagged":
        flash(_("「%(scheme)s」に参加しました。参加の要件（実務経験%(years)d年以上、またはIPA高度試験の合格）を"
                "まだ満たしていないため（現在：%(now)s）、申告された同等の知識・経験をコーディネーターが確認します。",
                scheme=name, years=eligibility.MIN_YEARS, now=eligibility.situation_text(verdict)), "warning")
    else:
        flash(_("「%(scheme)s」に参加しましたが、参加の要件（実務経験%(years)d年以上、またはIPA高度試験の合格）を"
                "満たしていないため、要件を満たすまでアクセラレータの募集は提案されません（現在：%(now)s）。",
                scheme=name, years=eligibility.MIN_YEARS, now=eligibility.situation_text(verdict)), "warning")


#: Opt-in fields that the profile also asks for: opt-in field name -> profile attribute.
PROFILE_SHARED_FIELDS = {"hours_per_month": "hours_per_month", "monthly_fee_min": "compensation_min",
                         "exams": "qualifications"}


def _opt_in_values_from_profile(profile, scheme) -> dict:
    names = {spec.name for spec in scheme.candidate_fields}
    values = {}
    for field_name, attribute in PROFILE_SHARED_FIELDS.items():
        value = getattr(profile, attribute, None)
        if field_name in names and value not in (None, "", []):
            values[field_name] = list(value) if isinstance(value, list) else value
    return values


@bp.route("/schemes/<code>/leave", methods=["POST"])
@role_required(Role.CANDIDATE, admin=False)
def leave_scheme(code: str) -> Response:
    if code not in SCHEMES or not ButtonForm().validate_on_submit():
        abort(400)
    profile = profiles.get_or_create_profile(current_user)
    profiles.remove_opt_in(current_user, profile, code)
    db.session.commit()
    flash(_("制度への参加をやめました。"), "info")
    return redirect(url_for("candidates.dashboard"))


@bp.route("/export.json")
@role_required(Role.CANDIDATE, admin=False)
def export_data() -> Response:
    payload = json.dumps(profiles.export_user_data(current_user), ensure_ascii=False, indent=2)
    return Response(payload, mimetype="application/json",
                    headers={"Content-Disposition": 'attachment; filename="my-data.json"', "Cache-Control": "no-store"})


@bp.route("/delete", methods=["GET", "POST"])
@role_required(Role.CANDIDATE, admin=False)
def delete_account() -> Response | tuple[str, int]:
    form = ConfirmDeleteForm()
    if form.validate_on_submit():
        if form.confirm.data not in ("削除", "delete", "DELETE"):
            form.confirm.errors.append(_("「削除」と入力してください。"))
            return render_template("candidates/delete.html", form=form), 400
        user = current_user._get_current_object()
        logout_user()
        profiles.delete_account(user, user)
        db.session.commit()
        flash(_("アカウントと個人データを削除しました。"), "info")
        return redirect(url_for("public.home"))
    return render_template("candidates/delete.html", form=form), 400 if form.is_submitted() else 200


@bp.route("/postings/<int:posting_id>/disclosure", methods=["POST"])
@role_required(Role.CANDIDATE, admin=False)
def request_disclosure(posting_id: int) -> Response:
    posting = db.get_or_404(Posting, posting_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    posting_service.request_disclosure(current_user, posting, request.form.get("message", ""))
    db.session.commit()
    flash(_("事業者名の開示を依頼しました。事業者が承認すると表示されます。"), "info")
    return redirect(url_for("public.posting_detail", posting_id=posting.id))


@bp.route("/privacy")
@role_required(Role.CANDIDATE, admin=False)
def privacy_page() -> str:
    """The person's records (consents, disclosures, requests) and their requests about their data."""
    profile = profiles.profile_of(current_user)
    return render_template("candidates/privacy.html", profile=profile, disclosures=privacy.disclosures_of(current_user),
                           requests=privacy.requests_of(current_user), consents=privacy.consents_of(current_user),
                           correction_form=CorrectionForm(), button_form=ButtonForm(), **_visibility_context(profile))


def _visibility_context(profile) -> dict[str, object]:
    """Per field, who sees it (the candidate's own view of ``profiles/visibility.py``)."""
    return {"visibility_rows": visibility.summary(profile), "listing_label": visibility.LISTING_LABELS[profile.visibility]}


@bp.post("/privacy/stop")
@role_required(Role.CANDIDATE, admin=False)
def stop_use() -> Response:
    if not ButtonForm().validate_on_submit():
        abort(400)
    privacy.stop_use(current_user)
    db.session.commit()
    flash(_("データの利用を停止しました。マッチングと一覧からすぐに外れます。"), "info")
    return redirect(url_for("candidates.privacy_page"))


@bp.post("/privacy/resume")
@role_required(Role.CANDIDATE, admin=False)
def resume_use() -> Response:
    if not ButtonForm().validate_on_submit():
        abort(400)
    privacy.resume_use(current_user)
    db.session.commit()
    flash(_("データの利用を再開しました。"), "info")
    return redirect(url_for("candidates.privacy_page"))


@bp.post("/privacy/correction")
@role_required(Role.CANDIDATE, admin=False)
def request_correction() -> Response | tuple[str, int]:
    form = CorrectionForm()
    if (earlier := idempotency.earlier_result()) is not None:
        return earlier
    if not form.validate_on_submit():
        profile = profiles.profile_of(current_user)
        return render_template("candidates/privacy.html", profile=profile, disclosures=privacy.disclosures_of(current_user),
                               requests=privacy.requests_of(current_user), consents=privacy.consents_of(current_user),
                               correction_form=form, button_form=ButtonForm(), **_visibility_context(profile)), 400
    privacy.request_correction(current_user, form.note.data)
    idempotency.remember(url_for("candidates.privacy_page"))
    if (earlier := idempotency.commit_or_replay()) is not None:
        return earlier
    flash(_("訂正の依頼を受け付けました。運営者が確認して対応します。"), "info")
    return redirect(url_for("candidates.privacy_page"))
