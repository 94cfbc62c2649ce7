"""Saved searches: results that are new since the search was saved and were never mailed before.

Each mailed result is recorded in ``saved_search_deliveries`` (once the digest row is written),
so a result is mailed once however many digests follow. Postings count from their publication,
candidate profiles from their last update, both after the search was saved.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from marketplace.extensions import db
from marketplace.models import (
    CandidateProfile,
    OutboxMessage,
    Posting,
    Role,
    SavedSearch,
    SavedSearchDelivery,
)
from marketplace.digests.sections import DigestContext, DigestItem, SectionResult, register_section
from marketplace.digests.notifications import GENERAL
from marketplace.postings.search import run_saved_search

#: At most this many results of one saved search per digest (the rest come next time).
MAX_RESULTS_PER_SEARCH = 200


def _not_delivered(saved: SavedSearch, prefix: str, id_column: sa.ColumnElement[int]) -> sa.ColumnElement[bool]:
    ref = sa.literal(prefix, sa.String) + sa.cast(id_column, sa.String)
    return ~sa.exists().where(SavedSearchDelivery.saved_search_id == saved.id, SavedSearchDelivery.item_ref == ref)


def _recorder(saved_id: int, refs: list[str], now: datetime) -> Callable[[OutboxMessage], None]:
    def record(digest: OutboxMessage) -> None:
        for ref in refs:
            db.session.add(SavedSearchDelivery(saved_search_id=saved_id, item_ref=ref, outbox_id=digest.id,
                                               created_at=now))
        saved = db.session.get(SavedSearch, saved_id)
        if saved is not None:
            saved.last_notified_at = now

    return record


def _posting_results(ctx: DigestContext, saved: SavedSearch) -> list[SectionResult]:
    query = (run_saved_search(saved, ctx.user).order_by(None)
             .where(Posting.published_at > saved.created_at, Posting.published_at <= ctx.now,
                    Posting.scheme.in_(ctx.schemes), _not_delivered(saved, "p", Posting.id))
             .order_by(Posting.published_at.desc(), Posting.id.desc()).limit(MAX_RESULTS_PER_SEARCH))
    by_scheme: dict[str, list[Posting]] = defaultdict(list)
    for posting in db.session.scalars(query):
        by_scheme[posting.scheme].append(posting)
    more = ctx.url("public.postings", **saved.params)
    return [SectionResult(
        key="saved_search.postings", title=_("保存した検索「%(name)s」の新着", name=saved.name), group=scheme,
        items=[DigestItem(title=p.title, url=ctx.url("public.posting_detail", posting_id=p.id),
                          note=p.prefecture.name(ctx.language) if p.prefecture else "") for p in postings],
        more_url=more, on_written=_recorder(saved.id, [f"p{p.id}" for p in postings], ctx.now))
        for scheme, postings in by_scheme.items()]


def _candidate_url(ctx: DigestContext, profile_id: int) -> str:
    if ctx.user.role == Role.COORDINATOR:
        return ctx.first_url(("coordination.area_candidate_detail", {"profile_id": profile_id}))
    return ctx.url("organisations.candidate_detail", profile_id=profile_id)


def _candidate_results(ctx: DigestContext, saved: SavedSearch) -> list[SectionResult]:
    group = saved.params.get("scheme") or GENERAL
    if not ctx.wants(group):
        return []
    query = (run_saved_search(saved, ctx.user).order_by(None)
             .where(CandidateProfile.updated_at > saved.created_at, CandidateProfile.updated_at <= ctx.now,
                    _not_delivered(saved, "c", CandidateProfile.id))
             .order_by(CandidateProfile.updated_at.desc(), CandidateProfile.id.desc()).limit(MAX_RESULTS_PER_SEARCH))
    profiles = db.session.scalars(query).all()
    if not profiles:
        return []
    list_endpoint = "coordination.area_candidates" if ctx.user.role == Role.COORDINATOR else "organisations.candidates"
    more = ctx.first_url((list_endpoint, dict(saved.params)), ("organisations.candidates", dict(saved.params)))
    # Only a number: names and contact details stay on the site, behind its visibility rules.
    items = [DigestItem(title=_("人材 #%(id)d", id=p.id), url=_candidate_url(ctx, p.id)) for p in profiles]
    return [SectionResult(
        key="saved_search.candidates", title=_("保存した検索「%(name)s」の新着", name=saved.name), group=group,
        items=items, more_url=more, on_written=_recorder(saved.id, [f"c{p.id}" for p in profiles], ctx.now))]


@register_section(Role.CANDIDATE, Role.MEMBER, Role.COORDINATOR)
def saved_search_results(ctx: DigestContext) -> list[SectionResult]:
    """New results of each of the user's saved searches."""
    results: list[SectionResult] = []
    searches = db.session.scalars(sa.select(SavedSearch).where(SavedSearch.user_id == ctx.user.id)
                                  .order_by(SavedSearch.id)).all()
    for saved in searches:
        if saved.target == "postings" and ctx.schemes:
            results += _posting_results(ctx, saved)
        elif saved.target == "candidates" and ctx.user.role in (Role.MEMBER, Role.COORDINATOR):
            results += _candidate_results(ctx, saved)
    return results
