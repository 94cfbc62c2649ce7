"""What the API shows of postings and matches: plain dicts matching the OpenAPI schemas.

Privacy rules (the whole API keeps them, whoever calls it):

* a posting's ``confidential`` values (a succession firm's name, address, financials) are never
  included, and the posting organisation is ``null`` while the posting is anonymous;
* of a candidate, only the profile id is shown: no name, contact, phone, e-mail, compensation or
  the minimum fee of a scheme opt-in (those are private matching signals);
* match explanations carry codes and the skill/keyword overlap, never the signals behind them.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from flask import url_for
from flask_sqlalchemy.pagination import Pagination

from marketplace.models import Match, Posting
from marketplace.matches import machine
from marketplace.schemes.registry import get_scheme
from marketplace.postings.operations import COLUMN_FIELDS


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def public_details(posting: Posting) -> dict[str, Any]:
    """Scheme-specific values declared public for the posting's type (never the confidential ones)."""
    scheme = get_scheme(posting.scheme)
    posting_type = scheme.posting_type(posting.posting_type) if scheme else None
    if posting_type is None:
        return {}
    allowed = {spec.name for spec in posting_type.fields if not spec.confidential and spec.name not in COLUMN_FIELDS}
    return {name: value for name, value in (posting.details or {}).items()
            if name in allowed and value not in (None, "", [])}


def posting_summary(posting: Posting) -> dict[str, Any]:
    """The fields of a posting shown in lists."""
    anonymous = posting.anonymous
    return {
        "id": posting.id,
        "scheme": posting.scheme,
        "posting_type": posting.posting_type,
        "title": posting.title,
        "status": posting.status.value,
        "organisation": None if anonymous else {"name": posting.organisation.name,
                                                "kind": posting.organisation.kind.value},
        "anonymous": anonymous,
        "prefecture_code": posting.prefecture_code,
        "municipality_code": None if anonymous else posting.municipality_code,  # the city only after disclosure
        "remote": posting.remote,
        "employment_form": posting.employment_form,
        "capacity": posting.capacity,
        "open_places": posting.open_places,
        "monthly_budget_max": posting.monthly_budget_max,
        "hours_per_month": posting.hours_per_month,
        "months": posting.months,
        "skills": list(posting.skills or []),
        "categories": list(posting.categories or []),
        "deadline": _iso(posting.deadline),
        "published_at": _iso(posting.published_at),
        "links": {
            "self": url_for("api.posting", posting_id=posting.id, _external=True),
            "html": url_for("public.posting_detail", posting_id=posting.id, _external=True),
        },
    }


def posting_detail(posting: Posting) -> dict[str, Any]:
    """A posting with its description and public scheme-specific values."""
    return posting_summary(posting) | {"description": posting.description or "",
                                       "details": public_details(posting)}


def explanation(match: Match) -> dict[str, list[str]]:
    """Why the engine suggested the pair: overlaps and stable reason/funding codes."""
    why = match.explanation or {}

    def strings(key: str) -> list[str]:
        return [str(v) for v in why.get(key) or [] if isinstance(v, (str, int))]

    funding = [str(f.get("code")) for f in why.get("funding") or [] if isinstance(f, dict) and f.get("code")]
    return {"shared_skills": strings("shared_skills"), "key_terms": strings("key_terms"),
            "satisfied": strings("satisfied"), "flagged": strings("flagged"), "funding": funding}


def participant_status(match: Match) -> str:
    """What the seeker may know of the stage: internal review stages all read ``suggested``."""
    return machine.participant_status(match.status.value) or "suggested"


def suggestion(match: Match) -> dict[str, Any]:
    """One suggestion for the candidate it concerns."""
    return {
        "id": match.id,
        "scheme": match.scheme,
        "score": float(match.score),
        "status": participant_status(match),
        "interest_expressed": match.seeker_interest_at is not None,
        "explanation": explanation(match),
        "posting": posting_summary(match.posting),
    }


def seeker(match: Match) -> dict[str, Any]:
    """The seeking side by reference only: a candidate profile id, or a startup's solution posting."""
    if match.candidate_profile_id is not None:
        return {"type": "candidate", "candidate_profile_id": match.candidate_profile_id, "solution": None}
    solution = match.solution_posting
    return {"type": "solution", "candidate_profile_id": None,
            "solution": posting_summary(solution) if solution is not None else None}


def queue_item(match: Match) -> dict[str, Any]:
    """One suggestion awaiting a coordinator's review."""
    return {
        "id": match.id,
        "scheme": match.scheme,
        "score": float(match.score),
        "status": match.status.value,
        "flagged": bool(match.flagged),
        "interest": {"seeker": match.seeker_interest_at is not None, "poster": match.poster_interest_at is not None},
        "created_at": _iso(match.created_at),
        "explanation": explanation(match),
        "posting": posting_summary(match.posting),
        "seeker": seeker(match),
    }


def page(pagination: Pagination, endpoint: str, params: dict[str, Any],
         represent: Callable[[Any], dict[str, Any]]) -> dict[str, Any]:
    """A page of items with totals and absolute links to this, the next and the previous page."""
    def link(number: int) -> str:
        return url_for(endpoint, _external=True, **params, page=number, per_page=pagination.per_page)

    pages = pagination.pages
    return {
        "items": [represent(item) for item in pagination.items],
        "page": pagination.page,
        "per_page": pagination.per_page,
        "total": pagination.total or 0,
        "pages": pages,
        "links": {
            "self": link(pagination.page),
            "next": link(pagination.page + 1) if pagination.page < pages else None,
            "prev": link(min(pagination.page - 1, max(pages, 1))) if pagination.page > 1 else None,
        },
    }
