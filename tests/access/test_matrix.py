"""Every route × every role, generated from the URL map: who gets served and who is refused.

The policy below names, for each endpoint, the roles that may use it on the world's "A" objects
(see ``tests/access/world.py``); every other role must be refused (401/403/404 or sent to log in).
A route that is missing from the policy fails the test, so a new route cannot go unreviewed.
"""
from __future__ import annotations

import pytest

from marketplace import create_app
from tests.access.observe import targets
from tests.access.observe import outcome as classify
from tests.access.world import ROLES, build_world, log_in
from tests.conftest import make_config

ALL = frozenset(ROLES)
SIGNED_IN = ALL - {"anonymous"}
CANDIDATES = frozenset({"candidate_a", "candidate_b"})
MEMBERS = frozenset({"member_a", "member_b", "admin"})
COORDINATORS = frozenset({"coordinator_a", "coordinator_b", "admin"})
AREA_A = frozenset({"coordinator_a", "admin"})
NOBODY = frozenset()  # by cookie session: the JSON API takes bearer tokens only
ADMIN = frozenset({"admin"})
PEOPLE_WITH_DATES = (CANDIDATES | MEMBERS | COORDINATORS) - ADMIN

POLICY: dict[str, frozenset[str]] = {
    # public pages
    "public.home": ALL, "public.postings": ALL, "public.posting_detail": ALL, "public.municipalities": ALL,
    "public.scheme_landing": ALL, "public.accelerator_status": ALL, "public.set_language": ALL, "public.favicon": ALL,
    "public.saved_searches": SIGNED_IN, "public.delete_saved_search": frozenset({"candidate_a"}),
    "api_pages.docs": ALL,
    # accounts
    "auth.login": ALL, "auth.login_code": SIGNED_IN,  # without a pending login: back to the first step
    "auth.forgot_password": ALL, "auth.reset_password": ALL, "auth.forgot_password": ALL, "auth.reset_password": ALL,
    "auth.register": ALL, "auth.register_sent": ALL, "auth.verify_email": ALL, "auth.resend_verification": ALL,
    "auth.logout": SIGNED_IN, "auth.security": SIGNED_IN, "auth.change_password": SIGNED_IN,
    "auth.two_factor_setup": SIGNED_IN, "auth.two_factor_disable": SIGNED_IN,
    "auth.two_factor_recovery_codes": SIGNED_IN, "auth.sessions_page": SIGNED_IN,
    "auth.session_sign_out": SIGNED_IN, "auth.session_sign_out_others": SIGNED_IN, "api_pages.tokens": SIGNED_IN, "api_pages.revoke": SIGNED_IN,
    "settings.notifications": SIGNED_IN, "settings.unsubscribe": ALL,
    # the calendar feed's settings: the people with dated steps (not admins); the feed itself opens only
    # with its owner's current token (tests/pipeline/test_calendar_feed.py), never with a session
    "settings.calendar_page": PEOPLE_WITH_DATES, "settings.calendar_create": PEOPLE_WITH_DATES,
    "settings.calendar_regenerate": PEOPLE_WITH_DATES, "settings.calendar_feed": NOBODY,
    # the JSON API (bearer tokens; a browser session is not enough)
    "api.index": ALL, "api.openapi": ALL, "api.postings": NOBODY, "api.posting": NOBODY,
    "api.my_suggestions": NOBODY, "api.coordination_queue": NOBODY,
    # candidates: their own data only (admins have no candidate pages)
    "candidates.dashboard": CANDIDATES, "candidates.edit_profile": CANDIDATES, "candidates.opt_in": CANDIDATES,
    "candidates.leave_scheme": CANDIDATES, "candidates.export_data": CANDIDATES,
    "candidates.delete_account": CANDIDATES, "candidates.privacy_page": CANDIDATES,
    "candidates.stop_use": CANDIDATES, "candidates.resume_use": CANDIDATES,
    "candidates.request_correction": CANDIDATES, "candidates.request_disclosure": CANDIDATES,
    # the people of a match, and its coordinators
    "matches.index": SIGNED_IN,
    "matches.detail": frozenset({"candidate_a", "member_a"}) | AREA_A,
    "matches.respond": frozenset({"candidate_a", "member_a"}) | AREA_A,
    "matches.post_message": frozenset({"candidate_a", "member_a"}) | AREA_A,
    "matches.debrief": frozenset({"candidate_a", "member_a"}) | AREA_A,
    "matches.interest": frozenset({"candidate_a", "member_a"}),
    "matches.interests": SIGNED_IN,
    "matches.withdraw_interest": frozenset({"candidate_a", "member_a"}),
    # organisations
    "organisations.dashboard": MEMBERS, "organisations.candidates": MEMBERS,
    "organisations.candidate_detail": MEMBERS,
    "organisations.choose_posting_type": MEMBERS - {"admin"},  # posting needs an organisation
    "organisations.new_posting": MEMBERS - {"admin"},
    "organisations.edit_posting": frozenset({"member_a"}) | AREA_A,
    "organisations.close_posting": frozenset({"member_a"}) | AREA_A,
    "organisations.submit_posting": frozenset({"member_a"}) | AREA_A,
    "organisations.disclosures": AREA_A,  # the case of another firm of area A
    # coordinators: lists of their own area, objects of area A
    "coordination.dashboard": COORDINATORS, "coordination.review_queue": COORDINATORS,
    "coordination.proposal": COORDINATORS, "coordination.match_queue": COORDINATORS,
    "coordination.match_pipeline": COORDINATORS, "coordination.match_bulk": COORDINATORS,
    "coordination.area_candidates": COORDINATORS, "coordination.csv_page": COORDINATORS,
    "coordination.export_postings": COORDINATORS, "coordination.export_candidates": COORDINATORS,
    "coordination.export_matches": COORDINATORS, "coordination.csv_template": COORDINATORS,
    "coordination.csv_preview": COORDINATORS, "coordination.csv_commit": COORDINATORS,
    "coordination.dashboards_page": COORDINATORS, "coordination.support_structures": COORDINATORS,
    "coordination.support_structure_edit": AREA_A,
    "coordination.area_candidate_detail": AREA_A, "coordination.organisation": AREA_A,
    "coordination.proxy_posting": AREA_A, "coordination.review_posting": AREA_A,
    "coordination.match_detail": AREA_A, "coordination.match_review": AREA_A,
    "coordination.match_advance": AREA_A, "coordination.match_details": AREA_A,
    "coordination.match_next_step": AREA_A, "coordination.match_note": AREA_A,
    "coordination.match_trial": AREA_A, "coordination.match_follow_up": AREA_A,
    # the operator
    "admin.dashboard": ADMIN, "admin.organisations_list": ADMIN, "admin.organisation_edit": ADMIN,
    "admin.organisation_verify": ADMIN, "admin.users_list": ADMIN, "admin.user_edit": ADMIN,
    "admin.mail_status": ADMIN, "admin.mail_resume": ADMIN, "admin.mail_unbounce": ADMIN,
}

#: Where a route needs another object than the default one of its parameter name.
OVERRIDES: dict[str, dict[str, object]] = {
    "coordination.support_structure_edit": {"code": "39"},
    "organisations.disclosures": {"posting_id": "case_id"},
    "candidates.request_disclosure": {"posting_id": "case_id"},
    "organisations.submit_posting": {"posting_id": "draft_id"},
    "public.delete_saved_search": {},
}

_PROBE_APP = create_app(make_config(1, SQLALCHEMY_DATABASE_URI="sqlite://"))
ENDPOINT_METHODS = sorted({(r.endpoint, m) for r in _PROBE_APP.url_map.iter_rules() if r.endpoint != "static"
                           for m in (r.methods or set()) - {"HEAD", "OPTIONS"}})


def test_every_route_is_in_the_policy():
    missing = sorted({e for e, _m in ENDPOINT_METHODS} - set(POLICY))
    assert not missing, f"routes without an access policy: {missing}"
    stale = sorted(set(POLICY) - {e for e, _m in ENDPOINT_METHODS})
    assert not stale, f"policy entries for routes that no longer exist: {stale}"


@pytest.fixture
def world(app):
    with app.app_context():
        return build_world()


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_each_role_gets_exactly_what_the_policy_allows(app, world, method):
    """One world, every route of ``method``: GETs for everyone, POSTs only for refused roles (no writes)."""
    problems: list[str] = []
    clients = {}
    for role in ROLES:
        clients[role] = app.test_client()
        log_in(clients[role], world, role)
    for target in targets(app, world):
        if target.method != method or target.endpoint not in POLICY:
            continue
        path = _path_with_overrides(app, world, target)
        for role in ROLES:
            allowed = role in POLICY[target.endpoint]
            if method == "POST" and allowed:
                continue  # allowed POSTs change data: covered by each feature's own tests
            response = clients[role].open(path, method=method, data={})
            result = classify(response)
            expected = "ok" if allowed else "denied"
            if result != expected:
                problems.append(f"{method} {path} as {role}: {result} ({response.status_code}), expected {expected}")
    assert not problems, "\n".join(problems)


def _path_with_overrides(app, world, target) -> str:
    overrides = OVERRIDES.get(target.endpoint)
    if not overrides:
        return target.path
    rule = next(r for r in app.url_map.iter_rules() if r.rule == target.rule)
    values = {name: world.ids.get(name) for name in rule.arguments}
    for name, value in overrides.items():
        values[name] = world.ids[value] if isinstance(value, str) and value in world.ids else value
    return rule.build(values, append_unknown=False)[1]


# --- CSRF and safe GETs -------------------------------------------------------------------
#: POST routes that must work without a CSRF token: RFC 8058 one-click unsubscribe (signed token).
CSRF_EXEMPT = frozenset({"settings.unsubscribe"})


@pytest.fixture
def csrf_app(app_config, _pg_schema, _instance_dir):
    """The app with CSRF protection on, as in production."""
    from marketplace.extensions import db
    from marketplace.seeding.reference import load_prefectures

    application = create_app({**app_config, "WTF_CSRF_ENABLED": True, "RATELIMIT_ENABLED": False})
    application.instance_path = _instance_dir
    with application.app_context():
        db.create_all()
        load_prefectures()
        db.session.commit()
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


def test_every_post_without_a_csrf_token_is_refused(csrf_app):
    with csrf_app.app_context():
        world = build_world()
    accepted: list[str] = []
    clients = {}
    for target in targets(csrf_app, world):
        if target.method != "POST" or target.endpoint in CSRF_EXEMPT:
            continue
        role = next((r for r in ROLES if r in POLICY[target.endpoint]), "anonymous")
        if role not in clients:
            clients[role] = csrf_app.test_client()
            log_in(clients[role], world, role, csrf=True)
        response = clients[role].post(_path_with_overrides(csrf_app, world, target), data={"submit": "1"})
        if response.status_code != 400:
            accepted.append(f"POST {target.path} as {role}: {response.status_code}")
    assert not accepted, "POSTs accepted without a CSRF token:\n" + "\n".join(accepted)


def _snapshot(app) -> dict[str, list[tuple]]:
    import sqlalchemy as sa

    from marketplace.extensions import db
    from marketplace.models import Base

    #: Reading a page may be recorded (who saw whose contacts, APPI disclosure records): that is not a change.
    records = {"audit_events", "disclosure_records"}
    #: Nor is a device's "last seen" time, written at most once a minute per session
    #: (``services.sessions.TOUCH_INTERVAL``): a crawl slower than that touches it.
    bookkeeping = {("user_sessions", "last_seen_at")}
    with app.app_context():
        return {t.name: sorted(map(tuple, db.session.execute(sa.select(
                    *[c for c in t.columns if (t.name, c.name) not in bookkeeping])).all()), key=repr)
                for t in Base.metadata.sorted_tables if t.name not in records}


def test_crawling_every_get_route_changes_no_row(app, world):
    clients = {}
    for role in ROLES:
        clients[role] = app.test_client()
        log_in(clients[role], world, role)
    before = _snapshot(app)
    for target in targets(app, world):
        if target.method == "GET":
            for role in ROLES:
                clients[role].get(_path_with_overrides(app, world, target))
    after = _snapshot(app)
    changed = {name: sorted(set(after[name]) ^ set(before[name]), key=repr)[:4]
               for name in before if before[name] != after[name]}
    assert not changed, f"GET requests changed rows: {changed}"
