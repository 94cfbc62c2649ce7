"""Filters for the posting and candidate lists; saved searches reuse exactly this code."""
from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from marketplace.extensions import db
from marketplace.models import (
    CandidateProfile,
    CareerEntry,
    Organisation,
    Posting,
    PostingStatus,
    Prefecture,
    Role,
    SavedSearch,
    SchemeOptIn,
    User,
    Visibility,
)
from marketplace.models import search_index
from marketplace.schemes.registry import SCHEMES
from marketplace.profiles.areas import area_condition, profile_in_prefecture
from marketplace.core.domain_errors import DomainError
from marketplace.core.text import search_terms

POSTING_SORTS = ("new", "deadline", "budget")
CANDIDATE_SORTS = ("updated", "hours")
REMOTE_VALUES = ("remote", "onsite", "either")
#: Relations shown on posting cards and in API summaries.
POSTING_CARD_LOADS = (selectinload(Posting.organisation), selectinload(Posting.prefecture),
                      selectinload(Posting.municipality))


def keyword_condition(query: sa.Select, model: type[Posting] | type[CandidateProfile], text: str) -> sa.Select:
    """Rows whose normalised ``search_text`` contains every term of ``text`` (width and case ignored).

    The ``LIKE`` per term decides; the trigram index only narrows (see models/search_index.py): on
    PostgreSQL the planner uses the ``pg_trgm`` index for this very ``LIKE``, on SQLite the FTS5
    table is asked first for the terms it can find (three characters or more).
    """
    terms = search_terms(text)
    indexed = [term for term in terms if search_index.indexable(term)]
    if indexed and db.session.get_bind().dialect.name == "sqlite":
        # First, so that the LIKEs only run on the rows the index found.
        query = query.where(model.id.in_(search_index.fts_rowids(model.__tablename__, indexed)))
    for term in terms:
        query = query.where(model.search_text.contains(term, autoescape=True))
    return query


def _clean_code(value: Any, allowed: set[str] | None = None) -> str:
    text = str(value or "").strip()[:32]
    if allowed is not None and text not in allowed:
        return ""
    return text


def _int_or_none(value: Any) -> int | None:
    """A non-negative whole number from user input (full-width digits, commas and 円 accepted), else None."""
    text = unicodedata.normalize("NFKC", str(value if value is not None else "")).strip()
    text = text.replace(",", "").removesuffix("円").strip()
    try:
        number = int(text)
    except ValueError:
        return None
    return number if 0 <= number <= 1_000_000_000 else None


@dataclass(frozen=True)
class PostingFilters:
    """What a person can filter the posting list by. Unknown values are ignored, never an error."""

    q: str = ""
    scheme: str = ""
    prefecture: str = ""
    region: str = ""
    remote: str = ""
    employment_form: str = ""
    category: str = ""
    budget_min: int | None = None
    sort: str = "new"

    @classmethod
    def from_args(cls, args: Mapping[str, Any]) -> "PostingFilters":
        return cls(
            q=str(args.get("q", "") or "")[:200],
            scheme=_clean_code(args.get("scheme"), set(SCHEMES)),
            prefecture=_clean_code(args.get("prefecture")),
            region=str(args.get("region", "") or "")[:16],
            remote=_clean_code(args.get("remote"), set(REMOTE_VALUES)),
            employment_form=_clean_code(args.get("employment_form")),
            category=_clean_code(args.get("category")),
            budget_min=_int_or_none(args.get("budget_min")),
            sort=_clean_code(args.get("sort"), set(POSTING_SORTS)) or "new",
        )

    def to_params(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v not in ("", None) and not (k == "sort" and v == "new")}

    def query(self, statuses: tuple[PostingStatus, ...] = (PostingStatus.PUBLISHED,)) -> sa.Select:
        # What a posting card shows is loaded in one query per relation, not one per card.
        query = sa.select(Posting).options(*POSTING_CARD_LOADS).where(Posting.status.in_(statuses))
        if self.scheme:
            query = query.where(Posting.scheme == self.scheme)
        if self.prefecture:
            query = query.where(Posting.prefecture_code == self.prefecture)
        if self.region:
            query = query.join(Prefecture, Prefecture.code == Posting.prefecture_code).where(
                sa.or_(Prefecture.region_ja == self.region, Prefecture.region_en == self.region))
        if self.remote == "remote":
            query = query.where(Posting.remote.in_(("remote", "either")))
        elif self.remote:
            query = query.where(Posting.remote == self.remote)
        if self.employment_form:
            query = query.where(Posting.employment_form == self.employment_form)
        if self.category:
            query = query.where(Posting.categories_key.contains(f"|{self.category}|", autoescape=True))
        if self.budget_min is not None:
            query = query.where(Posting.monthly_budget_max >= self.budget_min)
        query = keyword_condition(query, Posting, self.q)
        order = {
            "new": (Posting.published_at.desc(), Posting.id.desc()),
            "deadline": (Posting.deadline.is_(None), Posting.deadline.asc(), Posting.id.desc()),
            "budget": (Posting.monthly_budget_max.is_(None), Posting.monthly_budget_max.desc(), Posting.id.desc()),
        }[self.sort]
        return query.order_by(*order)


@dataclass(frozen=True)
class CandidateFilters:
    """Filters of the candidate list seen by verified organisations and coordinators."""

    q: str = ""
    scheme: str = ""
    prefecture: str = ""
    region: str = ""
    remote: str = ""
    employment_form: str = ""
    # A monthly fee the viewer can offer: candidates whose minimum wish is at most this (or who set none).
    budget_max: int | None = None
    sort: str = "updated"

    @classmethod
    def from_args(cls, args: Mapping[str, Any]) -> "CandidateFilters":
        return cls(
            q=str(args.get("q", "") or "")[:200],
            scheme=_clean_code(args.get("scheme"), set(SCHEMES)),
            prefecture=_clean_code(args.get("prefecture")),
            region=str(args.get("region", "") or "")[:16],
            remote=_clean_code(args.get("remote"), set(REMOTE_VALUES)),
            employment_form=_clean_code(args.get("employment_form")),
            budget_max=_int_or_none(args.get("budget_max")),
            sort=_clean_code(args.get("sort"), set(CANDIDATE_SORTS)) or "updated",
        )

    def to_params(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v not in ("", None) and not (k == "sort" and v == "updated")}

    def query(self, visibilities: tuple[Visibility, ...], *, coordinator: bool = False) -> sa.Select:
        """The matching profiles among ``visibilities``.

        Keywords match what every viewer of the profile may see (``search_text``); ``coordinator``: also
        the name, self-introduction and career, which coordinators always see.
        """
        query = sa.select(CandidateProfile).join(User, User.id == CandidateProfile.user_id).where(
            CandidateProfile.visibility.in_(visibilities), User.active.is_(True),
            CandidateProfile.use_stopped_at.is_(None))
        if self.scheme:
            query = query.where(sa.exists().where(SchemeOptIn.profile_id == CandidateProfile.id,
                                                  SchemeOptIn.scheme == self.scheme))
        if self.prefecture:
            query = query.where(profile_in_prefecture(self.prefecture))
        if self.region:
            query = query.where(sa.exists().where(
                sa.or_(Prefecture.region_ja == self.region, Prefecture.region_en == self.region),
                profile_in_prefecture(Prefecture.code)))
        if self.remote == "remote":
            query = query.where(CandidateProfile.remote.in_(("remote", "either")))
        elif self.remote:
            query = query.where(CandidateProfile.remote == self.remote)
        if self.employment_form:
            query = query.where(sa.cast(CandidateProfile.employment_forms, sa.String).contains(
                f'"{self.employment_form}"', autoescape=True))
        if self.budget_max is not None:
            query = query.where(sa.or_(CandidateProfile.compensation_min.is_(None),
                                       CandidateProfile.compensation_min <= self.budget_max))
        if coordinator:
            # the name, self-introduction and career are not all in ``search_text``: tested row by row
            for term in search_terms(self.q):
                query = query.where(sa.or_(
                    CandidateProfile.search_text.contains(term, autoescape=True),
                    sa.func.lower(User.display_name).contains(term, autoescape=True),
                    sa.func.lower(CandidateProfile.self_intro).contains(term, autoescape=True),
                    sa.exists().where(CareerEntry.profile_id == CandidateProfile.id, sa.or_(
                        sa.func.lower(CareerEntry.role).contains(term, autoescape=True),
                        sa.func.lower(CareerEntry.description).contains(term, autoescape=True)))))
        else:
            query = keyword_condition(query, CandidateProfile, self.q)
        if self.sort == "hours":
            return query.order_by(CandidateProfile.hours_per_month.is_(None), CandidateProfile.hours_per_month.desc(),
                                  CandidateProfile.id)
        return query.order_by(CandidateProfile.updated_at.desc(), CandidateProfile.id.desc())


def candidate_visibilities_for(viewer: User | None) -> tuple[Visibility, ...]:
    """Which profiles a viewer may list (decided in ``profiles/visibility.py``)."""
    from marketplace.profiles import visibility

    return visibility.listings_for(visibility.audience_of(viewer))


MAX_SAVED_SEARCHES = 20


def save_search(actor: User, name: str, target: str, params: dict[str, Any]) -> SavedSearch:
    """Keep a filter set under a name (at most 20 per person)."""
    if target not in ("postings", "candidates"):
        raise DomainError(str(_l("保存できない検索です。")))
    count = db.session.scalar(sa.select(sa.func.count(SavedSearch.id)).where(SavedSearch.user_id == actor.id))
    if count >= MAX_SAVED_SEARCHES:
        raise DomainError(str(_l("保存できる検索条件は%(n)d件までです。", n=MAX_SAVED_SEARCHES)))
    filters = PostingFilters.from_args(params) if target == "postings" else CandidateFilters.from_args(params)
    saved = SavedSearch(user_id=actor.id, name=name.strip()[:100] or str(_l("検索条件")), target=target,
                        params=filters.to_params())
    db.session.add(saved)
    db.session.flush()
    return saved


def run_saved_search(saved: SavedSearch, viewer: User) -> sa.Select:
    """The same query the live list would run for these filters."""
    if saved.target == "postings":
        return PostingFilters.from_args(saved.params).query()
    query = CandidateFilters.from_args(saved.params).query(candidate_visibilities_for(viewer),
                                                            coordinator=viewer.role in (Role.COORDINATOR, Role.ADMIN))
    if viewer.role == Role.COORDINATOR:
        # A coordinator's candidate list covers their area only; so do their saved searches.
        query = query.where(area_condition(viewer))
    return query
