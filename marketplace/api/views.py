"""The read-only JSON endpoints of ``/api/v1``.

Authentication is ``Authorization: Bearer <token>`` only (``g.api_user``): the session cookie
is never consulted, so the blueprint needs no CSRF protection. Every endpoint shares one rate
limit per client address (``API_RATE_LIMIT``).
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import current_app, g, request, url_for
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from marketplace.api import bp
from marketplace.api import params as p
from marketplace.api import representations as rep
from marketplace.api.errors import ApiError, api_error_response, json_response
from marketplace.api.openapi import openapi_document
from marketplace.extensions import csrf, db, limiter
from marketplace.models import CandidateProfile, Match, MatchStatus, Posting, PostingStatus, Role, User
from marketplace.schemes.registry import SCHEMES
from marketplace.accounts import api_tokens
from marketplace.matches import operations as pipeline
from marketplace.postings import operations as posting_service
from marketplace.postings.search import POSTING_SORTS, REMOTE_VALUES, PostingFilters

#: Endpoints anyone may call without a token.
PUBLIC_ENDPOINTS = frozenset({"api.index", "api.openapi"})
DEFAULT_RATE_LIMIT = "120 per minute;3000 per hour"
REALM = 'Bearer realm="api"'

csrf.exempt(bp)
limiter.shared_limit(lambda: current_app.config.get("API_RATE_LIMIT") or DEFAULT_RATE_LIMIT, scope="api")(bp)


@bp.errorhandler(ApiError)
def _api_error(error: ApiError) -> Response:
    return api_error_response(error)


@bp.before_request
def _authenticate() -> None:
    """Resolve the bearer token to ``g.api_user``; 401 with ``WWW-Authenticate`` otherwise."""
    g.api_user = None
    if request.endpoint in PUBLIC_ENDPOINTS:
        return
    header = request.headers.get("Authorization", "").strip()
    if not header:
        raise ApiError(401, "unauthorized", headers={"WWW-Authenticate": REALM})
    scheme, _space, secret = header.partition(" ")
    try:
        user = api_tokens.authenticate(secret.strip()) if scheme.lower() == "bearer" and secret.strip() else None
    except api_tokens.TokenExpired:
        raise ApiError(401, "invalid_token",
                       _l("APIトークンの有効期限が切れています。トークンのページで新しいトークンを発行してください。"),
                       headers={"WWW-Authenticate": f'{REALM}, error="invalid_token", '
                                                    'error_description="The access token expired"'}) from None
    if user is None:
        raise ApiError(401, "invalid_token",
                       _l("APIトークンが無効です（取り消されたか、存在しないか、アカウントが停止されています）。"),
                       headers={"WWW-Authenticate": f'{REALM}, error="invalid_token"'})
    g.api_user = user


def _user() -> User:
    return g.api_user


def _require_role(*roles: Role, message: Any) -> User:
    user = _user()
    if user.role not in roles:
        raise ApiError(403, "forbidden", message)
    return user


def _paginate(query: sa.Select, paging: p.PageParams):
    return db.paginate(query, page=paging.page, per_page=paging.per_page, max_per_page=p.MAX_PER_PAGE,
                       error_out=False, count=True)


# --- discovery -----------------------------------------------------------------------
@bp.get("/")
def index() -> Response:
    """Where the document and the endpoints are."""
    return json_response({
        "openapi": url_for("api.openapi", _external=True),
        "documentation": url_for("api_pages.docs", _external=True),
        "endpoints": {
            "postings": url_for("api.postings", _external=True),
            "suggestions": url_for("api.my_suggestions", _external=True),
            "coordination_queue": url_for("api.coordination_queue", _external=True),
        },
    })


@bp.get("/openapi.json")
def openapi() -> Response:
    return json_response(openapi_document())


# --- postings ------------------------------------------------------------------------
def _posting_filters(args) -> tuple[PostingFilters, dict[str, Any]]:
    """The public list's filters, validated strictly; also the values to repeat in page links."""
    values = {
        "scheme": p.choice(args, "scheme", tuple(SCHEMES)),
        "prefecture": p.prefecture(args),
        "remote": p.choice(args, "remote", REMOTE_VALUES),
        "q": p.text(args, "q"),
        "sort": p.choice(args, "sort", POSTING_SORTS),
    }
    given = {k: v for k, v in values.items() if v}
    return PostingFilters.from_args(given), given


@bp.get("/postings")
def postings() -> Response:
    """Published postings with the public list's filters, newest first by default."""
    filters, given = _posting_filters(request.args)
    paging = p.PageParams.from_args(request.args)
    return json_response(rep.page(_paginate(filters.query(), paging), "api.postings", given, rep.posting_summary))


@bp.get("/postings/<int:posting_id>")
def posting(posting_id: int) -> Response:
    """One published (or closed) posting; drafts and postings under review are not found."""
    found = db.session.get(Posting, posting_id) if posting_id <= p.MAX_ID else None
    if found is None or not posting_service.is_publicly_visible(found):
        raise ApiError(404, "not_found", _l("募集が見つかりません。"))
    return json_response(rep.posting_detail(found))


# --- a candidate's suggestions ----------------------------------------------------------
@bp.get("/me/suggestions")
def my_suggestions() -> Response:
    """The token owner's suggested postings (candidates only), best score first."""
    user = _require_role(Role.CANDIDATE, message=_l("提案を見られるのは候補者のアカウントだけです。"))
    paging = p.PageParams.from_args(request.args)
    own_profiles = sa.select(CandidateProfile.id).where(CandidateProfile.user_id == user.id)
    query = (sa.select(Match).join(Posting, Posting.id == Match.posting_id)
             .where(Match.candidate_profile_id.in_(own_profiles), Match.status != MatchStatus.REJECTED,
                    Posting.status == PostingStatus.PUBLISHED)
             .order_by(Match.score.desc(), Match.id))
    return json_response(rep.page(_paginate(query, paging), "api.my_suggestions", {}, rep.suggestion))


# --- a coordinator's review queue --------------------------------------------------------
QUEUE_FLAGS = ("flagged", "interest")
QUEUE_STATUSES = ("suggested", "on_hold")
MAX_SCORE = 100.0


@bp.get("/coordination/queue")
def coordination_queue() -> Response:
    """Suggestions awaiting review in the coordinator's area (admins: everywhere), as on the web queue."""
    user = _require_role(Role.COORDINATOR, Role.ADMIN,
                         message=_l("審査待ちの一覧を見られるのはコーディネーターと管理者だけです。"))
    args = request.args
    given = {
        "scheme": p.choice(args, "scheme", tuple(SCHEMES)),
        "prefecture": p.prefecture(args),
        "min_score": p.number(args, "min_score", minimum=0.0, maximum=MAX_SCORE),
        "flag": p.choice(args, "flag", QUEUE_FLAGS),
        "status": p.choice(args, "status", QUEUE_STATUSES),
    }
    given = {k: v for k, v in given.items() if v is not None}
    paging = p.PageParams.from_args(args)
    filters = pipeline.QueueFilters(scheme=given.get("scheme"), prefecture=given.get("prefecture"),
                                    min_score=given.get("min_score"), flag=given.get("flag"),
                                    status=given.get("status", "suggested"))
    query = pipeline.review_queue(user, filters)
    return json_response(rep.page(_paginate(query, paging), "api.coordination_queue", given, rep.queue_item))
