"""Choices offered by the filter forms of the posting and candidate lists, derived from the scheme registry.

The values are the codes ``marketplace.postings.search`` filters on; labels follow the interface language.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.models import Prefecture
from marketplace.schemes import fields as f
from marketplace.schemes.fields import Choices
from marketplace.schemes.registry import SCHEMES
from marketplace.seeding import reference

Options = list[tuple[str, str]]

#: What a candidate can tick as "forms of work I accept" on the profile (the candidate filter's vocabulary).
CANDIDATE_EMPLOYMENT_FORMS: Choices = f.ACCELERATOR_FORMS + f.SIDE_JOB_FORMS + f.SUCCESSION_FORMS


@dataclass(frozen=True)
class OptionGroup:
    """Options shown together under one heading (an ``<optgroup>``)."""

    label: str
    options: Options


@dataclass(frozen=True)
class FilterOptions:
    """Everything a filter form needs to offer."""

    schemes: Options
    regions: Options
    prefectures: Options
    employment_forms: list[OptionGroup]
    categories: list[OptionGroup]


def region_choices(language: str = "ja") -> Options:
    """The regions in prefecture-code order; the value is the English name (short, URL-friendly)."""
    rows = db.session.execute(sa.select(Prefecture.region_en, Prefecture.region_ja).order_by(Prefecture.code))
    seen: dict[str, str] = {}
    for region_en, region_ja in rows:
        seen.setdefault(region_en, region_en if language == "en" else region_ja)
    return list(seen.items())


def _groups_for(field_name: str, language: str) -> list[OptionGroup]:
    """Per scheme, the choices of the posting field ``field_name`` (all posting types, duplicates dropped)."""
    groups = []
    for scheme in SCHEMES.values():
        options: dict[str, str] = {}
        for posting_type in scheme.posting_types:
            for spec in posting_type.fields:
                if spec.name == field_name:
                    for code, label in spec.choices:
                        options.setdefault(code, str(label))
        if options:
            groups.append(OptionGroup(scheme.name(language), list(options.items())))
    return groups


def posting_filter_options(language: str = "ja") -> FilterOptions:
    """Choices of the public posting list."""
    return FilterOptions(
        schemes=[(code, s.name(language)) for code, s in SCHEMES.items()],
        regions=region_choices(language),
        prefectures=reference.prefecture_choices(language),
        employment_forms=_groups_for("employment_form", language),
        categories=_groups_for("categories", language),
    )


def candidate_filter_options(language: str = "ja") -> FilterOptions:
    """Choices of the candidate lists (organisations and coordinators)."""
    return FilterOptions(
        schemes=[(code, s.name(language)) for code, s in SCHEMES.items() if s.candidates_opt_in],
        regions=region_choices(language),
        prefectures=reference.prefecture_choices(language),
        employment_forms=[OptionGroup("", [(code, str(label)) for code, label in CANDIDATE_EMPLOYMENT_FORMS])],
        categories=[],
    )
