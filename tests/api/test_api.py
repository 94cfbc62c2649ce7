"""The JSON API: token auth, roles, the coordinator's area, pagination, strict parameters, privacy."""
from __future__ import annotations

import json
from typing import Any

import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _

from marketplace.api.errors import DEFAULT_MESSAGES
from marketplace.extensions import db
from marketplace.models import ApiToken, Match, MatchStatus, Role, User
from tests.api.conftest import CANARY_FIRM, CANARY_VALUES, PRIVATE_KEYS, bearer

DATA_PATHS = ("/api/v1/postings", "/api/v1/me/suggestions", "/api/v1/coordination/queue")


def _json(response) -> Any:
    assert response.mimetype == "application/json", (response.status_code, response.get_data(as_text=True)[:300])
    return response.get_json()


def _error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    body = _json(response)
    assert set(body) == {"error"} and body["error"]["code"] == code and body["error"]["message"]
    return body["error"]


def _ids(response) -> list[int]:
    return [item["id"] for item in _json(response)["items"]]


# --- authentication --------------------------------------------------------------------
def test_data_endpoints_need_a_bearer_token(client, api_world, make_token):
    for path in DATA_PATHS + (f"/api/v1/postings/{api_world.kochi_position}",):
        response = client.get(path)
        error = _error(response, 401, "unauthorized")
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert "APIトークン" in error["message"]
    for header in ("Basic dXNlcjpwYXNz", "Bearer", "Bearer   ", "Token abc", "Bearer rtm_" + "x" * 500):
        response = client.get("/api/v1/postings", headers={"Authorization": header})
        _error(response, 401, "invalid_token")
        assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]
    assert client.get("/api/v1/openapi.json").status_code == 200
    assert _json(client.get("/api/v1/"))["openapi"].endswith("/api/v1/openapi.json")


def test_a_signed_in_browser_session_does_not_authenticate_the_api(app, client, login_as, api_world):
    login_as(api_world.candidate)
    assert client.get("/candidates/").status_code == 200  # the session works on the site
    for path in DATA_PATHS:
        _error(client.get(path), 401, "unauthorized")
    # with CSRF protection on, a cookie-carrying POST gets the API's 405, not a CSRF failure page
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post("/auth/logout").status_code == 400  # the site does check CSRF tokens now
    response = client.post("/api/v1/postings", data={"title": "x"})
    _error(response, 405, "method_not_allowed")
    assert "GET" in response.headers["Allow"]


def test_revoked_unknown_and_deactivated_tokens_are_refused(app, client, api_world, make_token):
    secret = make_token(api_world.candidate)
    response = client.get("/api/v1/postings", headers=bearer(secret))
    assert response.status_code == 200 and "Set-Cookie" not in response.headers  # no session is started
    assert response.headers["Cache-Control"] == "no-store"
    with app.app_context():
        token = db.session.scalar(sa.select(ApiToken).where(ApiToken.user_id == api_world.candidate))
        assert token.last_used_at is not None and secret not in (token.token_hash, token.token_prefix)
        token.revoked_at = token.last_used_at
        db.session.commit()
    response = client.get("/api/v1/postings", headers=bearer(secret))
    _error(response, 401, "invalid_token")
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="api", error="invalid_token"'
    _error(client.get("/api/v1/postings", headers=bearer("rtm_" + "A" * 43)), 401, "invalid_token")

    other = make_token(api_world.member)
    assert client.get("/api/v1/postings", headers=bearer(other)).status_code == 200
    with app.app_context():
        db.session.get(User, api_world.member).active = False
        db.session.commit()
    _error(client.get("/api/v1/postings", headers=bearer(other)), 401, "invalid_token")


# --- roles and the coordinator's area ------------------------------------------------------
def test_suggestions_are_for_candidates_only(client, api_world, make_token):
    for user in (api_world.member, api_world.coordinator, api_world.admin):
        error = _error(client.get("/api/v1/me/suggestions", headers=bearer(make_token(user))), 403, "forbidden")
        assert "候補者" in error["message"]
    response = client.get("/api/v1/me/suggestions", headers=bearer(make_token(api_world.outsider)))
    assert _json(response) | {"links": None} == {"items": [], "page": 1, "per_page": 20, "total": 0, "pages": 0,
                                                  "links": None}


def test_a_candidate_sees_their_suggestions_best_first_without_rejected_ones(app, client, api_world, make_token):
    with app.app_context():
        rejected = db.session.get(Match, api_world.kochi_matches[1])
        rejected.status = MatchStatus.REJECTED
        db.session.get(Match, api_world.nagano_match).status = MatchStatus.ON_HOLD
        db.session.commit()
    body = _json(client.get("/api/v1/me/suggestions", headers=bearer(make_token(api_world.candidate))))
    expected = [api_world.kochi_matches[0], api_world.nagano_match, api_world.kochi_matches[2]]  # 82.5, 70, 55
    assert [item["id"] for item in body["items"]] == expected
    assert body["total"] == 3
    by_id = {item["id"]: item for item in body["items"]}
    assert by_id[api_world.nagano_match]["status"] == "suggested"  # on hold is internal to coordinators
    side_job = by_id[api_world.kochi_matches[2]]
    assert side_job["explanation"]["flagged"] == ["fee_slightly_above_budget"]
    assert side_job["explanation"]["funding"] == ["side_job_subsidy"]
    assert side_job["posting"]["id"] == api_world.project and side_job["score"] == 55.0


def test_the_queue_is_for_coordinators_and_admins(client, api_world, make_token):
    for user in (api_world.candidate, api_world.member):
        _error(client.get("/api/v1/coordination/queue", headers=bearer(make_token(user))), 403, "forbidden")
    admin = _ids(client.get("/api/v1/coordination/queue", headers=bearer(make_token(api_world.admin))))
    assert sorted(admin) == sorted(api_world.kochi_matches + [api_world.nagano_match])


def test_the_queue_is_restricted_to_the_coordinators_area(client, api_world, make_token):
    kochi = bearer(make_token(api_world.coordinator))
    nagano = bearer(make_token(api_world.other_coordinator))
    assert _ids(client.get("/api/v1/coordination/queue", headers=kochi)) == api_world.kochi_matches  # by score
    assert _ids(client.get("/api/v1/coordination/queue", headers=nagano)) == [api_world.nagano_match]
    assert _ids(client.get("/api/v1/coordination/queue?prefecture=20", headers=kochi)) == []
    assert _ids(client.get("/api/v1/coordination/queue?scheme=succession", headers=kochi)) == [
        api_world.kochi_matches[1]]
    assert _ids(client.get("/api/v1/coordination/queue?min_score=60", headers=kochi)) == api_world.kochi_matches[:2]
    assert _ids(client.get("/api/v1/coordination/queue?flag=flagged", headers=kochi)) == [api_world.kochi_matches[2]]
    assert _ids(client.get("/api/v1/coordination/queue?status=on_hold", headers=kochi)) == []
    item = _json(client.get("/api/v1/coordination/queue?scheme=accelerator", headers=kochi))["items"][0]
    assert item["seeker"] == {"type": "candidate", "candidate_profile_id": api_world.profile, "solution": None}
    assert item["posting"]["prefecture_code"] == "39" and item["status"] == "suggested"


# --- postings and pagination ----------------------------------------------------------------
def test_postings_use_the_public_filters(client, api_world, make_token):
    auth = bearer(make_token(api_world.member))
    published = {api_world.kochi_position, api_world.nagano_position, api_world.case, api_world.project}
    assert set(_ids(client.get("/api/v1/postings", headers=auth))) == published
    assert _ids(client.get("/api/v1/postings?scheme=succession", headers=auth)) == [api_world.case]
    assert _ids(client.get("/api/v1/postings?prefecture=20", headers=auth)) == [api_world.nagano_position]
    assert _ids(client.get("/api/v1/postings?q=酒蔵", headers=auth)) == [api_world.case]
    assert set(_ids(client.get("/api/v1/postings?remote=remote", headers=auth))) == published
    assert _ids(client.get("/api/v1/postings?remote=onsite", headers=auth)) == []
    assert _ids(client.get("/api/v1/postings?q=&scheme=", headers=auth)) != []  # empty values count as absent


def test_pagination_has_totals_and_links_that_keep_the_filters(client, api_world, make_token):
    auth = bearer(make_token(api_world.member))
    first = _json(client.get("/api/v1/postings?per_page=3", headers=auth))
    assert (first["page"], first["per_page"], first["total"], first["pages"]) == (1, 3, 4, 2)
    assert len(first["items"]) == 3 and first["links"]["prev"] is None
    second = _json(client.get(first["links"]["next"], headers=auth))
    assert second["page"] == 2 and len(second["items"]) == 1 and second["links"]["next"] is None
    assert {i["id"] for i in first["items"]} | {i["id"] for i in second["items"]} == set(
        _ids(client.get("/api/v1/postings", headers=auth)))
    assert _json(client.get(second["links"]["prev"], headers=auth))["items"] == first["items"]
    beyond = _json(client.get("/api/v1/postings?page=7&per_page=3", headers=auth))
    assert beyond["items"] == [] and beyond["total"] == 4 and beyond["links"]["prev"].endswith("page=2&per_page=3")
    filtered = _json(client.get("/api/v1/postings?scheme=accelerator&per_page=1", headers=auth))
    assert filtered["total"] == 2 and "scheme=accelerator" in filtered["links"]["next"]
    assert "per_page=1" in filtered["links"]["next"]


BAD_PARAMETERS = [
    ("/api/v1/postings", "page=abc", "page"),
    ("/api/v1/postings", "page=-1", "page"),
    ("/api/v1/postings", "page=0", "page"),
    ("/api/v1/postings", "page=1.5", "page"),
    ("/api/v1/postings", "page=99999999999999999999999999", "page"),
    ("/api/v1/postings", "page=１", "page"),
    ("/api/v1/postings", "per_page=101", "per_page"),
    ("/api/v1/postings", "per_page=0x10", "per_page"),
    ("/api/v1/postings", "scheme=unknown", "scheme"),
    ("/api/v1/postings", "prefecture=99", "prefecture"),
    ("/api/v1/postings", "prefecture=<script>", "prefecture"),
    ("/api/v1/postings", "remote=sometimes", "remote"),
    ("/api/v1/postings", "sort=random", "sort"),
    ("/api/v1/postings", "q=" + "あ" * 201, "q"),
    ("/api/v1/me/suggestions", "per_page=-5", "per_page"),
    ("/api/v1/coordination/queue", "min_score=abc", "min_score"),
    ("/api/v1/coordination/queue", "min_score=nan", "min_score"),
    ("/api/v1/coordination/queue", "min_score=inf", "min_score"),
    ("/api/v1/coordination/queue", "min_score=1e999", "min_score"),
    ("/api/v1/coordination/queue", "min_score=-1", "min_score"),
    ("/api/v1/coordination/queue", "min_score=100.5", "min_score"),
    ("/api/v1/coordination/queue", "flag=everything", "flag"),
    ("/api/v1/coordination/queue", "status=rejected", "status"),
]


@pytest.mark.parametrize(("path", "query", "parameter"), BAD_PARAMETERS)
def test_bad_parameters_are_a_json_400_naming_the_parameter(client, make_user, make_token, path, query, parameter):
    role = {"/api/v1/me/suggestions": Role.CANDIDATE, "/api/v1/coordination/queue": Role.COORDINATOR}
    secret = make_token(make_user(role.get(path, Role.MEMBER)))
    error = _error(client.get(f"{path}?{query}", headers=bearer(secret)), 400, "invalid_parameter")
    assert error["parameter"] == parameter and parameter in error["message"]


def test_good_edge_values_are_accepted(client, api_world, make_token):
    auth = bearer(make_token(api_world.coordinator))
    for query in ("page=10000&per_page=100", "min_score=0", "min_score=100", "min_score=1e-05", "min_score=+5",
                  "prefecture=01&scheme=adviser", "flag=interest&status=on_hold", "unknown=ignored"):
        assert client.get(f"/api/v1/coordination/queue?{query}", headers=auth).status_code == 200, query
    assert client.get("/api/v1/postings?q=%01%7f酒蔵", headers=auth).status_code == 200  # controls are dropped
    refused = client.get("/api/v1/postings?q=%00酒蔵", headers=auth)  # NUL is refused everywhere on the site
    assert refused.status_code == 400 and refused.get_json()["error"]["code"]


def test_a_posting_in_detail_and_what_is_not_found(client, api_world, make_token):
    auth = bearer(make_token(api_world.candidate))
    body = _json(client.get(f"/api/v1/postings/{api_world.kochi_position}", headers=auth))
    assert body["title"] == "DX推進計画の策定支援" and body["details"] == {"work_area": "幡多ブロック"}
    assert body["organisation"] == {"name": "高知県", "kind": "prefecture"} and body["anonymous"] is False
    assert body["links"]["html"].endswith(f"/postings/{api_world.kochi_position}")
    for posting_id in (api_world.draft, 999_999, 99_999_999_999_999_999_999):
        _error(client.get(f"/api/v1/postings/{posting_id}", headers=auth), 404, "not_found")
    for path in ("/api/v1/postings/abc", "/api/v1/postings/-1", "/api/v1/nothing", "/api/v2/postings", "/api"):
        _error(client.get(path, headers=auth), 404, "not_found")


def test_errors_under_api_are_never_html(client, api_world, make_token):
    auth = bearer(make_token(api_world.candidate))
    for method in ("post", "put", "delete", "patch"):
        response = getattr(client, method)("/api/v1/me/suggestions", headers=auth)
        _error(response, 405, "method_not_allowed")
    response = client.get("/api/v1/postings/1", headers={"Authorization": "Bearer x"})
    assert "<html" not in response.get_data(as_text=True).lower()


# --- language -------------------------------------------------------------------------------
def test_messages_are_japanese_by_default_and_english_on_request(app, client, make_user, make_token):
    ja_user, en_user = make_user(Role.MEMBER), make_user(Role.MEMBER, locale="en")
    with app.test_request_context():
        with force_locale("en"):
            english_401 = str(DEFAULT_MESSAGES[401])
            english_param = _("%(name)s は整数で指定してください。", name="page")
        with force_locale("ja"):
            japanese_401 = str(DEFAULT_MESSAGES[401])
    assert "APIトークン" in japanese_401
    response = client.get("/api/v1/postings")
    assert response.headers["Content-Language"] == "ja"
    assert response.get_json()["error"]["message"] == japanese_401
    response = client.get("/api/v1/postings", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert response.headers["Content-Language"] == "en" and response.get_json()["error"]["message"] == english_401
    # without the header, the token owner's language decides; the header wins over it
    response = client.get("/api/v1/postings?page=x", headers=bearer(make_token(en_user)))
    assert response.headers["Content-Language"] == "en" and response.get_json()["error"]["message"] == english_param
    response = client.get("/api/v1/postings?page=x", headers=bearer(make_token(en_user), **{"Accept-Language": "ja"}))
    assert response.get_json()["error"]["message"] == "page は整数で指定してください。"
    response = client.get("/api/v1/postings?page=x", headers=bearer(make_token(ja_user)))
    assert response.headers["Content-Language"] == "ja"


# --- privacy ------------------------------------------------------------------------------
def _keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


def test_no_private_value_appears_in_any_api_response(app, client, login_as, api_world, make_token):
    # the canaries are real: the firm's own member sees its name on the web page
    login_as(api_world.firm_member)
    assert CANARY_FIRM in client.get(f"/postings/{api_world.case}").get_data(as_text=True)
    client.post("/auth/logout")
    users = (api_world.candidate, api_world.outsider, api_world.member, api_world.firm_member,
             api_world.coordinator, api_world.other_coordinator, api_world.admin)
    posting_ids = (api_world.kochi_position, api_world.nagano_position, api_world.case, api_world.project,
                   api_world.draft)
    paths = ["/api/v1/", "/api/v1/openapi.json", "/api/v1/postings?per_page=100", "/api/v1/postings?q=酒蔵",
             "/api/v1/postings?scheme=succession", "/api/v1/me/suggestions?per_page=100",
             "/api/v1/coordination/queue?per_page=100", "/api/v1/coordination/queue?status=on_hold",
             "/api/v1/coordination/queue?scheme=succession", "/api/v1/coordination/queue?scheme=side_job"]
    paths += [f"/api/v1/postings/{pid}" for pid in posting_ids]
    seen_case = 0
    for user in users:
        auth = bearer(make_token(user))
        for path in paths:
            response = client.get(path, headers=auth)
            assert response.status_code in (200, 403, 404), (path, response.status_code)
            text = response.get_data(as_text=True)
            decoded = json.dumps(response.get_json(), ensure_ascii=False)
            for canary in CANARY_VALUES:
                assert canary not in text and canary not in decoded, (user, path, canary)
            if "openapi" not in path:
                assert not _keys(response.get_json()) & set(PRIVATE_KEYS), (user, path)
            for posting in _postings_in(response.get_json()):
                if posting["id"] == api_world.case:
                    seen_case += 1
                    assert posting["organisation"] is None and posting["anonymous"] is True
    assert seen_case > 10  # the anonymous case was really served to every kind of user


def _postings_in(body: Any) -> list[dict]:
    if not isinstance(body, dict):
        return []
    found = [body] if "posting_type" in body else []
    for value in body.values():
        if isinstance(value, dict):
            found += _postings_in(value)
        elif isinstance(value, list):
            for item in value:
                found += _postings_in(item)
    return found


# --- limits and the document ---------------------------------------------------------------
def test_the_api_is_rate_limited_with_a_json_429(app, client, api_world, make_token):
    app.config["API_RATE_LIMIT"] = "3 per minute"
    auth = bearer(make_token(api_world.member))
    statuses = [client.get("/api/v1/postings", headers=auth).status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    response = client.get(f"/api/v1/postings/{api_world.case}", headers=auth)  # the limit spans every endpoint
    _error(response, 429, "rate_limited")
    assert int(response.headers["Retry-After"]) > 0


def test_every_api_route_is_in_the_openapi_document(app, client):
    document = _json(client.get("/api/v1/openapi.json"))
    assert document["openapi"].startswith("3.") and document["servers"] == [{"url": "/api/v1"}]
    documented = {("/api/v1" + path).rstrip("/") or "/" for path in document["paths"]}
    routes = {rule.rule.replace("<int:posting_id>", "{posting_id}").rstrip("/")
              for rule in app.url_map.iter_rules() if rule.endpoint.startswith("api.")}
    assert routes == documented
    assert document["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http", "scheme": "bearer", "description": document["components"]["securitySchemes"][
            "bearerAuth"]["description"]}
    for path, item in document["paths"].items():
        responses = item["get"]["responses"]
        assert "200" in responses and "429" in responses, path
        if item["get"].get("security") != []:
            assert "401" in responses, path
