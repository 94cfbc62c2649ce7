"""The OpenAPI 3.0 document of ``/api/v1``, written by hand next to the views it describes.

Enumerations come from the same constants the views validate against, so the document cannot
drift from them; ``tests/api/test_schemathesis.py`` checks every response against it.
"""
from __future__ import annotations

from typing import Any

from marketplace.api.params import (
    DEFAULT_PER_PAGE,
    MAX_ID,
    MAX_PAGE,
    MAX_PER_PAGE,
    MAX_QUERY_LENGTH,
    PREFECTURE_PATTERN,
)
from marketplace.models import MatchStatus, OrgKind, PostingStatus
from marketplace.matches import machine
from marketplace.schemes.registry import SCHEMES
from marketplace.postings.search import POSTING_SORTS, REMOTE_VALUES

API_VERSION = "1.0.0"


def _ref(kind: str, name: str) -> dict[str, str]:
    return {"$ref": f"#/components/{kind}/{name}"}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return schema | {"nullable": True}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


_STRING_LIST = {"type": "array", "items": {"type": "string"}}


def _schemas() -> dict[str, Any]:
    schemes = list(SCHEMES)
    participant_statuses = ["suggested"] + [s for s in machine.STATUSES if s not in machine.INTERNAL_STATUSES]
    return {
        "Error": {
            "type": "object",
            "required": ["error"],
            "properties": {"error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                    "code": {"type": "string", "description": "Stable machine-readable code, e.g. `invalid_parameter`."},
                    "message": {"type": "string", "description": "Human message in Japanese, or English on request."},
                    "parameter": {"type": "string", "description": "The query parameter at fault (400 only)."},
                    "incident_id": {"type": "string", "description": "Reference of a server error for support."},
                },
            }},
        },
        "PageLinks": {
            "type": "object",
            "required": ["self", "next", "prev"],
            "properties": {
                "self": {"type": "string", "description": "Absolute URL of this page."},
                "next": _nullable({"type": "string", "description": "Next page, null on the last one."}),
                "prev": _nullable({"type": "string", "description": "Previous page, null on the first one."}),
            },
        },
        "Organisation": _nullable({
            "type": "object",
            "description": "The posting organisation; null while a succession case is anonymous.",
            "required": ["name", "kind"],
            "properties": {"name": {"type": "string"}, "kind": {"type": "string", "enum": [k.value for k in OrgKind]}},
        }),
        "PostingSummary": {
            "type": "object",
            "description": "A published posting. Confidential values (a succession firm's name, address and "
                           "financials) are never included.",
            "required": ["id", "scheme", "posting_type", "title", "status", "organisation", "anonymous",
                         "prefecture_code", "municipality_code", "remote", "employment_form", "capacity",
                         "open_places", "monthly_budget_max", "hours_per_month", "months", "skills", "categories",
                         "deadline", "published_at", "links"],
            "properties": {
                "id": {"type": "integer", "minimum": 1},
                "scheme": {"type": "string", "enum": schemes},
                "posting_type": {"type": "string"},
                "title": {"type": "string"},
                "status": {"type": "string", "enum": [PostingStatus.PUBLISHED.value, PostingStatus.CLOSED.value]},
                "organisation": _ref("schemas", "Organisation"),
                "anonymous": {"type": "boolean"},
                "prefecture_code": {"type": "string", "pattern": PREFECTURE_PATTERN},
                "municipality_code": _nullable({"type": "string", "description": "6-digit local-government code."}),
                "remote": {"type": "string", "enum": list(REMOTE_VALUES)},
                "employment_form": _nullable({"type": "string"}),
                "capacity": _nullable({"type": "integer"}),
                "open_places": _nullable({"type": "integer"}),
                "monthly_budget_max": _nullable({"type": "integer", "description": "Yen per month."}),
                "hours_per_month": _nullable({"type": "integer"}),
                "months": _nullable({"type": "integer"}),
                "skills": _STRING_LIST,
                "categories": _STRING_LIST,
                "deadline": _nullable({"type": "string", "format": "date"}),
                "published_at": _nullable({"type": "string", "format": "date-time"}),
                "links": {
                    "type": "object",
                    "required": ["self", "html"],
                    "properties": {"self": {"type": "string"}, "html": {"type": "string"}},
                },
            },
        },
        "PostingDetail": {
            "allOf": [
                _ref("schemas", "PostingSummary"),
                {
                    "type": "object",
                    "required": ["description", "details"],
                    "properties": {
                        "description": {"type": "string"},
                        "details": {"type": "object", "additionalProperties": True,
                                    "description": "Public scheme-specific values, keyed by field name."},
                    },
                },
            ],
        },
        "Explanation": {
            "type": "object",
            "description": "Why the engine suggested the pair (codes are stable; see the web UI for labels).",
            "required": ["shared_skills", "key_terms", "satisfied", "flagged", "funding"],
            "properties": {
                "shared_skills": _STRING_LIST,
                "key_terms": _STRING_LIST,
                "satisfied": _STRING_LIST,
                "flagged": _STRING_LIST,
                "funding": {**_STRING_LIST, "description": "Codes of funding programmes that may apply."},
            },
        },
        "Suggestion": {
            "type": "object",
            "required": ["id", "scheme", "score", "status", "interest_expressed", "explanation", "posting"],
            "properties": {
                "id": {"type": "integer", "description": "The match id."},
                "scheme": {"type": "string", "enum": schemes},
                "score": {"type": "number", "minimum": 0, "maximum": 100},
                "status": {"type": "string", "enum": participant_statuses},
                "interest_expressed": {"type": "boolean"},
                "explanation": _ref("schemas", "Explanation"),
                "posting": _ref("schemas", "PostingSummary"),
            },
        },
        "Seeker": {
            "type": "object",
            "description": "The seeking side by reference only: no name or contact.",
            "required": ["type", "candidate_profile_id", "solution"],
            "properties": {
                "type": {"type": "string", "enum": ["candidate", "solution"]},
                "candidate_profile_id": _nullable({"type": "integer"}),
                "solution": {"allOf": [_ref("schemas", "PostingSummary")], "nullable": True},
            },
        },
        "QueueItem": {
            "type": "object",
            "required": ["id", "scheme", "score", "status", "flagged", "interest", "created_at", "explanation",
                         "posting", "seeker"],
            "properties": {
                "id": {"type": "integer"},
                "scheme": {"type": "string", "enum": schemes},
                "score": {"type": "number", "minimum": 0, "maximum": 100},
                "status": {"type": "string", "enum": [MatchStatus.SUGGESTED.value, MatchStatus.ON_HOLD.value]},
                "flagged": {"type": "boolean"},
                "interest": {
                    "type": "object",
                    "required": ["seeker", "poster"],
                    "properties": {"seeker": {"type": "boolean"}, "poster": {"type": "boolean"}},
                },
                "created_at": {"type": "string", "format": "date-time"},
                "explanation": _ref("schemas", "Explanation"),
                "posting": _ref("schemas", "PostingSummary"),
                "seeker": _ref("schemas", "Seeker"),
            },
        },
        "PostingPage": _page_schema("PostingSummary"),
        "SuggestionPage": _page_schema("Suggestion"),
        "QueuePage": _page_schema("QueueItem"),
        "Index": {
            "type": "object",
            "required": ["openapi", "documentation", "endpoints"],
            "properties": {
                "openapi": {"type": "string"},
                "documentation": {"type": "string"},
                "endpoints": {"type": "object", "additionalProperties": {"type": "string"}},
            },
        },
    }


def _page_schema(item: str) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["items", "page", "per_page", "total", "pages", "links"],
        "properties": {
            "items": {"type": "array", "items": _ref("schemas", item)},
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
            "total": {"type": "integer", "minimum": 0},
            "pages": {"type": "integer", "minimum": 0},
            "links": _ref("schemas", "PageLinks"),
        },
    }


def _parameters() -> dict[str, Any]:
    return {
        "page": _query("page", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
                       "Page number; a page past the last one is empty."),
        "per_page": _query("per_page", {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE,
                                        "default": DEFAULT_PER_PAGE}, "Items per page."),
        "scheme": _query("scheme", {"type": "string", "enum": list(SCHEMES)}, "Only this scheme."),
        "prefecture": _query("prefecture", {"type": "string", "pattern": PREFECTURE_PATTERN},
                             "Two-digit JIS X 0401 prefecture code, e.g. 39 for Kochi."),
        "remote": _query("remote", {"type": "string", "enum": list(REMOTE_VALUES)},
                         "`remote` also lists postings that accept either."),
        "q": _query("q", {"type": "string", "maxLength": MAX_QUERY_LENGTH},
                    "Words that must all appear (title, description, skills)."),
        "sort": _query("sort", {"type": "string", "enum": list(POSTING_SORTS), "default": "new"},
                       "new: newest first; deadline: soonest deadline first; budget: highest budget first."),
        "min_score": _query("min_score", {"type": "number", "minimum": 0, "maximum": 100},
                            "Only suggestions scoring at least this."),
        "flag": _query("flag", {"type": "string", "enum": ["flagged", "interest"]},
                       "flagged: needs a coordinator's judgement; interest: a side said it is interested."),
        "status": _query("status", {"type": "string", "enum": ["suggested", "on_hold"], "default": "suggested"},
                         "Suggestions not yet reviewed, or those put on hold."),
        "posting_id": {"name": "posting_id", "in": "path", "required": True,
                       "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID}},
    }


def _responses() -> dict[str, Any]:
    error = _ref("schemas", "Error")
    return {
        "BadRequest": _json(error, "A query parameter is malformed or out of range (`invalid_parameter`)."),
        "Unauthorized": {
            **_json(error, "No token (`unauthorized`), or a revoked or unknown one, or one of a deactivated "
                           "account (`invalid_token`)."),
            "headers": {"WWW-Authenticate": {"schema": {"type": "string"}, "description": "Bearer challenge."}},
        },
        "Forbidden": _json(error, "The token owner's role may not use this endpoint (`forbidden`)."),
        "NotFound": _json(error, "No such published posting (`not_found`)."),
        "TooManyRequests": {
            **_json(error, "Rate limit exceeded (`rate_limited`); retry after `Retry-After` seconds."),
            "headers": {"Retry-After": {"schema": {"type": "integer"}}},
        },
    }


def _operation(summary: str, description: str, ok_schema: str, parameters: list[str],
               errors: list[str], *, public: bool = False, operation_id: str) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": operation_id,
        "summary": summary,
        "description": description,
        "parameters": [_ref("parameters", name) for name in parameters],
        "responses": {"200": _json(_ref("schemas", ok_schema), "OK")},
    }
    codes = {"BadRequest": "400", "Unauthorized": "401", "Forbidden": "403", "NotFound": "404",
             "TooManyRequests": "429"}
    for name in errors:
        operation["responses"][codes[name]] = _ref("responses", name)
    if public:
        operation["security"] = []
    if not parameters:
        del operation["parameters"]
    return operation


def openapi_document() -> dict[str, Any]:
    """The whole document (a fresh dict on every call)."""
    paging = ["page", "per_page"]
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "地域人材マッチング API (Regional Talent Match)",
            "version": API_VERSION,
            "description": (
                "Read-only JSON API. Authenticate with `Authorization: Bearer <token>`; create tokens on the "
                "site under API tokens (the secret is shown once). Lists are paginated with `page` and "
                "`per_page` (at most 100) and carry `total`, `pages` and `links.next`/`links.prev`. Errors are "
                "`{\"error\": {\"code\", \"message\"}}`; messages are Japanese unless `Accept-Language: en` is "
                "sent or the token owner chose English. No endpoint returns contacts, a succession firm's "
                "identity while anonymous, or a candidate's private conditions (fees, compensation)."
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearerAuth": []}],
        "paths": {
            "/": {"get": _operation(
                "Index", "Links to this document and the endpoints.", "Index", [], ["TooManyRequests"],
                public=True, operation_id="index")},
            "/openapi.json": {"get": {
                "operationId": "openapi", "summary": "This document", "security": [],
                "responses": {"200": _json({"type": "object"}, "The OpenAPI document."),
                              "429": _ref("responses", "TooManyRequests")},
            }},
            "/postings": {"get": _operation(
                "Published postings",
                "The public posting list with the same filters as the web list.",
                "PostingPage", ["scheme", "prefecture", "remote", "q", "sort", *paging],
                ["BadRequest", "Unauthorized", "TooManyRequests"], operation_id="listPostings")},
            "/postings/{posting_id}": {"get": _operation(
                "One posting", "A published or closed posting with its description and public details.",
                "PostingDetail", ["posting_id"], ["Unauthorized", "NotFound", "TooManyRequests"],
                operation_id="getPosting")},
            "/me/suggestions": {"get": _operation(
                "My suggestions",
                "Postings the matching engine suggested to the token owner, best score first. Candidates only.",
                "SuggestionPage", paging, ["BadRequest", "Unauthorized", "Forbidden", "TooManyRequests"],
                operation_id="listMySuggestions")},
            "/coordination/queue": {"get": _operation(
                "Review queue",
                "Suggestions awaiting review in the coordinator's area (admins: everywhere), interest first, "
                "then by score; the same filters as the web queue. Coordinators and admins only.",
                "QueuePage", ["scheme", "prefecture", "min_score", "flag", "status", *paging],
                ["BadRequest", "Unauthorized", "Forbidden", "TooManyRequests"], operation_id="listReviewQueue")},
        },
        "components": {
            "securitySchemes": {"bearerAuth": {
                "type": "http", "scheme": "bearer",
                "description": "A personal API token (`rtm_…`) created on the site; revocable at any time.",
            }},
            "schemas": _schemas(),
            "parameters": _parameters(),
            "responses": _responses(),
        },
    }
