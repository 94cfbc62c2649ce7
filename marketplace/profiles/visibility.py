"""Who sees which field of a candidate's profile: the one place that decides.

A candidate chooses, per field, who sees it before an introduction:

- ``visibility`` (the profile's summary: skills, areas, hours, schemes) decides who can find the
  profile at all: coordinators only, verified organisations, or every organisation (public listing);
- ``name_visibility``, ``contact_visibility``, ``career_visibility``, ``intro_visibility`` decide who
  of those sees the name, the contact details (e-mail, phone), the career history and the
  self-introduction. A field is never shown more widely than the profile itself.

An introduction both sides accepted discloses the name and the contact details to the other side
(and to the match's coordinators); career and self-introduction keep the candidate's choice.

:func:`may_see` is the pure rule; :func:`audience_of` says which audience a person is in, and
:func:`candidate_view` is what every page, CSV export and mail uses to show a candidate.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from marketplace.models import FieldVisibility, Role, Visibility

if TYPE_CHECKING:
    from marketplace.models import CandidateProfile, CareerEntry, User

#: The fields a candidate controls one by one, and the profile column holding each choice.
FIELDS = ("name", "contact", "career", "intro")
COLUMNS = {"name": "name_visibility", "contact": "contact_visibility", "career": "career_visibility",
           "intro": "intro_visibility"}
#: What a new profile starts with: identifying fields for coordinators only (contact details for nobody
#: before an introduction, as the introduction flow promises), what the matching is about for verified
#: organisations, so that their search and the match pages can explain a suggestion.
DEFAULTS = {"name": FieldVisibility.COORDINATORS, "contact": FieldVisibility.INTRODUCED,
            "career": FieldVisibility.VERIFIED_ORGS, "intro": FieldVisibility.VERIFIED_ORGS}
#: What an accepted introduction discloses to the other side, whatever the choice.
INTRODUCTION_DISCLOSES = frozenset({"name", "contact"})
#: The levels each field offers (contact details alone may wait for an introduction).
CHOICES = {"name": (FieldVisibility.COORDINATORS, FieldVisibility.VERIFIED_ORGS, FieldVisibility.PUBLIC),
           "contact": tuple(FieldVisibility),
           "career": (FieldVisibility.COORDINATORS, FieldVisibility.VERIFIED_ORGS, FieldVisibility.PUBLIC),
           "intro": (FieldVisibility.COORDINATORS, FieldVisibility.VERIFIED_ORGS, FieldVisibility.PUBLIC)}

FIELD_LABELS = {"name": _l("お名前（表示名）"), "contact": _l("連絡先（メールアドレス・電話番号）"),
                "career": _l("職歴（役職・担当と年数）"), "intro": _l("自己紹介")}
LEVEL_LABELS = {
    FieldVisibility.INTRODUCED: _l("紹介が成立した相手だけ（コーディネーターにも紹介前は表示しません）"),
    FieldVisibility.COORDINATORS: _l("コーディネーターだけ"),
    FieldVisibility.VERIFIED_ORGS: _l("確認済みの団体とコーディネーター"),
    FieldVisibility.PUBLIC: _l("公開（確認前を含むすべての団体とコーディネーター）"),
}
LISTING_LABELS = {
    Visibility.COORDINATORS: _l("コーディネーターだけ"),
    Visibility.VERIFIED_ORGS: _l("確認済みの団体とコーディネーター"),
    Visibility.PUBLIC_SUMMARY: _l("公開（確認前を含むすべての団体とコーディネーター）"),
}


class Audience(StrEnum):
    """Who is looking, as far as a candidate's profile is concerned."""

    COORDINATOR = "coordinator"  # a coordinator whose area holds the profile, or an admin
    VERIFIED_ORG = "verified_org"  # a member of a verified organisation
    ORG = "org"  # an organisation member whose organisation is not verified (yet)
    NOBODY = "nobody"  # anyone else: anonymous visitors, other candidates, coordinators of other areas


_FIELD_REACH = {FieldVisibility.INTRODUCED: frozenset(),
                FieldVisibility.COORDINATORS: frozenset({Audience.COORDINATOR}),
                FieldVisibility.VERIFIED_ORGS: frozenset({Audience.COORDINATOR, Audience.VERIFIED_ORG}),
                FieldVisibility.PUBLIC: frozenset({Audience.COORDINATOR, Audience.VERIFIED_ORG, Audience.ORG})}
_LISTING_REACH = {Visibility.COORDINATORS: _FIELD_REACH[FieldVisibility.COORDINATORS],
                  Visibility.VERIFIED_ORGS: _FIELD_REACH[FieldVisibility.VERIFIED_ORGS],
                  Visibility.PUBLIC_SUMMARY: _FIELD_REACH[FieldVisibility.PUBLIC]}


def may_list(listing: Visibility, audience: Audience) -> bool:
    """May ``audience`` find and open a profile whose summary is shown to ``listing``?"""
    return audience in _LISTING_REACH[listing]


def listings_for(audience: Audience) -> tuple[Visibility, ...]:
    """The profile-level choices whose profiles ``audience`` may list."""
    return tuple(v for v in Visibility if may_list(v, audience))


def may_see(field: str, level: FieldVisibility, listing: Visibility, audience: Audience, *,
            introduced: bool = False) -> bool:
    """The rule: may ``audience`` see ``field`` set to ``level`` on a profile listed to ``listing``?

    ``introduced``: the viewer is the other side (or a coordinator) of an introduction both sides accepted.
    """
    if field not in COLUMNS:
        raise ValueError(field)
    if introduced and field in INTRODUCTION_DISCLOSES:
        return True
    return audience in _FIELD_REACH[level] and may_list(listing, audience)


def reach(field: str, level: FieldVisibility, listing: Visibility) -> frozenset[Audience]:
    """Every audience that sees the field before an introduction."""
    return frozenset(a for a in Audience if may_see(field, level, listing, a))


def as_field_level(listing: Visibility) -> FieldVisibility:
    """The field level that reaches exactly who can list a profile."""
    return {Visibility.COORDINATORS: FieldVisibility.COORDINATORS, Visibility.VERIFIED_ORGS: FieldVisibility.VERIFIED_ORGS,
            Visibility.PUBLIC_SUMMARY: FieldVisibility.PUBLIC}[listing]


def level_of(profile: CandidateProfile, field: str) -> FieldVisibility:
    return getattr(profile, COLUMNS[field]) or DEFAULTS[field]


def effective_level(profile: CandidateProfile, field: str) -> FieldVisibility:
    """The field's choice as it really works: never wider than who can see the profile."""
    level, listing = level_of(profile, field), profile.visibility
    for candidate in (FieldVisibility.PUBLIC, FieldVisibility.VERIFIED_ORGS, FieldVisibility.COORDINATORS,
                      FieldVisibility.INTRODUCED):
        if reach(field, level, listing) == _FIELD_REACH[candidate]:
            return candidate
    raise AssertionError((field, level, listing))  # pragma: no cover - the reaches are nested


def audience_of(viewer: User | None, profile: CandidateProfile | None = None) -> Audience:
    """The audience ``viewer`` is in for ``profile`` (coordinators count only for profiles of their area)."""
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return Audience.NOBODY
    if viewer.role == Role.ADMIN:
        return Audience.COORDINATOR
    if viewer.role == Role.COORDINATOR:
        if profile is None:
            return Audience.COORDINATOR
        from marketplace.profiles.areas import in_area

        return Audience.COORDINATOR if in_area(viewer, profile) else Audience.NOBODY
    if viewer.role == Role.MEMBER:
        verified = viewer.organisation is not None and viewer.organisation.verified
        return Audience.VERIFIED_ORG if verified else Audience.ORG
    return Audience.NOBODY


def audience_of_organisation(organisation: object | None) -> Audience:
    """The audience of an organisation's members (the other side of a match)."""
    if organisation is None:
        return Audience.NOBODY
    return Audience.VERIFIED_ORG if getattr(organisation, "verified", False) else Audience.ORG


@dataclass(frozen=True)
class CandidateView:
    """A candidate as one viewer may see them: ``None`` for every field they may not see.

    Values are read from the profile only when a page asks for them (lists stay one query per relation).
    """

    profile: CandidateProfile
    shown: tuple[str, ...]  # of FIELDS, in order
    listed: bool  # the viewer may open the profile's summary

    @property
    def profile_id(self) -> int:
        return self.profile.id

    @property
    def hidden(self) -> tuple[str, ...]:
        return tuple(f for f in FIELDS if f not in self.shown)

    @property
    def name(self) -> str | None:
        return (self.profile.user.display_name or "") if "name" in self.shown else None

    @property
    def email(self) -> str | None:
        return self.profile.user.email if "contact" in self.shown else None

    @property
    def phone(self) -> str | None:
        return (self.profile.phone or "") if "contact" in self.shown else None

    @property
    def careers(self) -> tuple[CareerEntry, ...] | None:
        return tuple(self.profile.careers) if "career" in self.shown else None

    @property
    def self_intro(self) -> str | None:
        return (self.profile.self_intro or "") if "intro" in self.shown else None

    @property
    def label(self) -> str:
        """The name where the viewer may see it, else the profile's number."""
        return self.name or _("人材 #%(id)d", id=self.profile_id)


def view_for(profile: CandidateProfile, audience: Audience, *, introduced: bool = False) -> CandidateView:
    """What ``audience`` sees of ``profile``: the only way pages, exports and mails read these fields."""
    shown = tuple(f for f in FIELDS
                  if may_see(f, level_of(profile, f), profile.visibility, audience, introduced=introduced))
    return CandidateView(profile=profile, shown=shown, listed=may_list(profile.visibility, audience))


def candidate_view(profile: CandidateProfile, viewer: User | None, *, introduced: bool = False) -> CandidateView:
    return view_for(profile, audience_of(viewer, profile), introduced=introduced)


def summary(profile: CandidateProfile) -> list[dict[str, object]]:
    """Per field, for the candidate's own pages: the choice, who really sees it, and after an introduction."""
    rows = []
    for field in FIELDS:
        chosen, effective = level_of(profile, field), effective_level(profile, field)
        rows.append({"field": field, "label": FIELD_LABELS[field], "chosen": LEVEL_LABELS[chosen],
                     "effective": LEVEL_LABELS[effective], "narrowed": chosen != effective,
                     "after_introduction": field in INTRODUCTION_DISCLOSES})
    return rows
