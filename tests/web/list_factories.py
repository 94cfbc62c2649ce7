"""Build published postings and candidate profiles through the services, for the list and filter tests."""
from __future__ import annotations

from typing import Any

from marketplace.extensions import db
from marketplace.models import FieldVisibility, Organisation, User, Visibility
from marketplace.postings import operations as postings
from marketplace.profiles import operations as profiles
from marketplace.profiles.operations import Career, ProfileData


def publish_posting(app, member_id: int, coordinator_id: int, scheme: str, posting_type: str, *,
                    title: str, prefecture: str = "39", remote: str = "onsite", **extra: Any) -> int:
    """Create a posting as ``member_id``, send it to review and have ``coordinator_id`` approve it."""
    with app.app_context():
        member = db.session.get(User, member_id)
        organisation = db.session.get(Organisation, member.organisation_id)
        data = postings.PostingData(title=title, description=f"{title}の説明", prefecture_code=prefecture,
                                    municipality_code=None, remote=remote, skills=[], deadline=None, extra=extra)
        posting = postings.create_posting(member, organisation, scheme, posting_type, data)
        coordinator = db.session.get(User, coordinator_id)
        postings.submit_for_review(member, posting)
        postings.approve(coordinator, posting)
        db.session.commit()
        return posting.id


def build_profile(app, user_id: int, *, name: str, residence: str | None, work: list[str] | None = None,
                  visibility: Visibility = Visibility.VERIFIED_ORGS, opt_ins: dict[str, dict] | None = None,
                  remote: str = "either", employment_forms: list[str] | None = None,
                  compensation_min: int | None = None, skills: list[str] | None = None,
                  phone: str = "090-0000-0000", careers: list[Career] | None = None,
                  self_intro: str = "", name_visibility: FieldVisibility = FieldVisibility.VERIFIED_ORGS) -> int:
    """Fill the candidate's profile and scheme opt-ins; returns the profile id.

    The name is shown to verified organisations unless ``name_visibility`` says otherwise (the lists are
    tested by name); the other fields keep their defaults.
    """
    with app.app_context():
        user = db.session.get(User, user_id)
        profile = profiles.get_or_create_profile(user)
        profiles.update_profile(user, profile, ProfileData(
            display_name=name, residence_prefecture=residence, work_prefectures=work or [], remote=remote,
            available_from=None, hours_per_month=20, employment_forms=employment_forms or [],
            compensation_min=compensation_min, compensation_max=None, skills=skills or ["自治体DX"],
            qualifications=[], other_qualifications="", self_intro=self_intro, phone=phone, visibility=visibility,
            careers=careers or [], field_visibility={"name": name_visibility},
        ))
        for scheme, values in (opt_ins or {}).items():
            profiles.set_opt_in(user, profile, scheme, values)
        db.session.commit()
        return profile.id
