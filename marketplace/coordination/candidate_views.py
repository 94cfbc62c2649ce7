"""Coordinators' candidate list: the profiles in their area, with the same filters as the other lists.

A profile is in a coordinator's area when the candidate joined one of the coordinator's schemes and lives in,
or would work in, one of the coordinator's prefectures. Coordinators see every visibility level (including
"coordinators only"); contact details only where the candidate chose to show them to coordinators, else
after an introduction both sides accepted (``profiles/visibility.py`` decides).
"""
from __future__ import annotations

from typing import Any

from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from marketplace.core.access import role_required
from marketplace.coordination import bp
from marketplace.extensions import db
from marketplace.schemes.filter_options import CANDIDATE_EMPLOYMENT_FORMS, candidate_filter_options
from marketplace.core.i18n import current_language
from marketplace.models import CandidateProfile, Role, Visibility
from marketplace.schemes.presenters import rows_for
from marketplace.public.forms import SaveSearchForm
from marketplace.schemes import eligibility
from marketplace.schemes import fields as f
from marketplace.schemes.fields import label_of
from marketplace.schemes.registry import SCHEMES
from marketplace.suggestions import near_misses
from marketplace.seeding import reference
from marketplace.profiles import visibility
from marketplace.profiles.areas import area_condition, in_area
from marketplace.postings.search import CandidateFilters, candidate_visibilities_for

#: Opt-in fields a candidate was told are used for matching only (never shown to anyone).
PRIVATE_OPT_IN_FIELDS = ("monthly_fee_min",)


def visibility_label(level: Visibility) -> str:
    """What the candidate chose to share, in words."""
    return str(visibility.LISTING_LABELS[level])


def remote_label(value: str) -> str:
    return {"remote": _("リモートを希望"), "either": _("どちらでもよい"), "onsite": _("現地で働きたい")}.get(value, value)


def profile_facts(profile: CandidateProfile, prefecture_names: dict[str, str]) -> list[tuple[str, str]]:
    """(label, text) rows of a profile's facts for a coordinator; no contact details."""
    facts: list[tuple[str, str]] = []

    def add(label: str, text: Any) -> None:
        if text not in (None, "", []):
            facts.append((label, str(text)))

    add(_("お住まいの都道府県"), prefecture_names.get(profile.residence_prefecture or "", ""))
    add(_("働ける・移住できる都道府県"), "、".join(prefecture_names.get(c, c) for c in profile.work_prefectures or []))
    add(_("リモートワークの希望"), remote_label(profile.remote))
    add(_("開始可能日"), profile.available_from.isoformat() if profile.available_from else "")
    add(_("月に使える時間"), _("%(n)d時間", n=profile.hours_per_month) if profile.hours_per_month else "")
    add(_("受けられる働き方"), "、".join(str(label_of(CANDIDATE_EMPLOYMENT_FORMS, c)) for c in profile.employment_forms or []))
    if profile.compensation_min is not None or profile.compensation_max is not None:
        low = f"{profile.compensation_min:,}" if profile.compensation_min is not None else ""
        high = f"{profile.compensation_max:,}" if profile.compensation_max is not None else ""
        add(_("希望報酬（月額・円）"), f"{low}〜{high}")
    add(_("スキル"), "、".join(profile.skills or []))
    add(_("IPA高度試験"), "、".join(str(label_of(f.IPA_EXAMS, c)) for c in profile.qualifications or []))
    add(_("その他の資格"), profile.other_qualifications)
    add(_("プロフィールの概要の公開範囲"), visibility_label(profile.visibility))
    for row in visibility.summary(profile):
        add(_("%(field)sの公開範囲（紹介の前）", field=row["label"]), row["effective"])
    return facts


def _prefecture_names() -> dict[str, str]:
    return dict(reference.prefecture_choices(current_language()))


@bp.route("/candidates")
@role_required(Role.COORDINATOR)
def area_candidates() -> str:
    """The candidates in the coordinator's area, filtered, sorted and paginated like the other lists."""
    filters = CandidateFilters.from_args(request.args)
    query = filters.query(candidate_visibilities_for(current_user), coordinator=True).where(area_condition(current_user))
    page = db.paginate(query, per_page=20, error_out=False)
    return render_template("coordination/candidates.html", page=page, filters=filters, areas=current_user.areas,
                           options=candidate_filter_options(current_language()),
                           prefecture_names=_prefecture_names(), save_form=SaveSearchForm(target="candidates"))


@bp.route("/candidates/<int:profile_id>")
@role_required(Role.COORDINATOR)
def area_candidate_detail(profile_id: int) -> str:
    """One candidate of the area: the whole profile and scheme answers; e-mail and phone as the candidate chose."""
    profile = db.get_or_404(CandidateProfile, profile_id)
    if not profile.user.active or profile.use_stopped_at is not None or not in_area(current_user, profile):
        abort(404)
    opt_ins = [(SCHEMES[o.scheme], rows_for(SCHEMES[o.scheme].candidate_fields, o.details, hide=PRIVATE_OPT_IN_FIELDS))
               for o in profile.opt_ins if o.scheme in SCHEMES]
    verdict = eligibility.for_profile(profile)
    return render_template("coordination/candidate_detail.html", profile=profile, opt_ins=opt_ins,
                           view=visibility.view_for(profile, visibility.Audience.COORDINATOR),
                           facts=profile_facts(profile, _prefecture_names()),
                           eligibility=verdict, situation=eligibility.situation_text(verdict) if verdict else None,
                           min_years=eligibility.MIN_YEARS,
                           near=near_misses.for_profile(profile.id), near_sentences=near_misses.sentences)
