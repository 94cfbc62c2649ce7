"""Leak sentinel: private values planted as canaries reach nobody who is not entitled to them.

For each state of the candidate's matches (see ``sentinel_world``), every GET route of the URL map
is requested by every role with every object of the world filled in (pages, CSV exports, the
JSON API with each role's bearer token), and every e-mail the pipeline notices and the digest
build put through the outbox to the SMTP server is read. A canary found in a body, a <title>, a
<meta> tag or a header of something a role is not entitled to fails the test; so does an entitled
person not seeing the value where the site is meant to show it, so the test fails both ways.
Refusals and errors are checked on the way: no 5xx, and no trace of internals in any 4xx body.
"""
from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from flask import url_for

from marketplace.extensions import db
from marketplace.models import utcnow
from marketplace.digests import outbox
from marketplace.digests import builder
from tests.access.observe import SKIP_ENDPOINTS
from tests.access.world import log_in
from tests.security.scan import found, internals_in, mail_parts, response_parts
from tests.security.sentinel_world import (
    ROLES,
    STATES,
    SentinelWorld,
    build_sentinel_world,
    entitled,
    entitled_by_mail,
)

#: Queries beyond the URL map: the JSON API's lists on one page, held suggestions, the public list by scheme.
EXTRA_PATHS = ("/api/v1/postings?per_page=100", "/api/v1/me/suggestions?per_page=100",
               "/api/v1/coordination/queue?per_page=100", "/api/v1/coordination/queue?status=on_hold",
               "/postings?scheme=succession", "/postings?scheme=side_job")


@dataclass
class Crawl:
    """What one state's crawl saw."""

    seen: dict[tuple[str, str], set[str]] = field(default_factory=lambda: defaultdict(set))  # (role, path) -> keys
    leaks: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    requests: int = 0
    api_served: int = 0  # JSON API answers with data (a bearer token of the role was accepted)


def _paths(app, world: SentinelWorld) -> list[str]:
    """Every GET route with every combination of the world's objects, then the extra list queries."""
    paths: list[str] = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint in SKIP_ENDPOINTS or "GET" not in (rule.methods or ()):
            continue
        names = sorted(rule.arguments)
        missing = [n for n in names if n not in world.values]
        assert not missing, f"{rule.rule}: no value for {missing}: add it to tests/security/sentinel_world.py"
        for combination in itertools.product(*(world.values[n] for n in names)):
            built = rule.build(dict(zip(names, combination, strict=True)), append_unknown=False)
            assert built is not None, rule.rule
            paths.append(built[1])
    return list(dict.fromkeys(paths)) + list(EXTRA_PATHS)


def _crawl(app, world: SentinelWorld) -> Crawl:
    crawl = Crawl()
    patterns = world.canaries.patterns()
    secret_key = app.config["SECRET_KEY"]
    paths = _paths(app, world)
    for role in ROLES:
        client = app.test_client()
        log_in(client, world, role)
        bearer = {"Authorization": f"Bearer {world.api_secrets[role]}"} if role != "anonymous" else {}
        for path in paths:
            response = client.get(path, headers=bearer if path.startswith("/api/") else {})
            crawl.requests += 1
            crawl.statuses[f"{response.status_code // 100}xx"] += 1
            crawl.api_served += path.startswith("/api/v1/") and response.status_code == 200 and bool(bearer)
            parts = response_parts(response)
            if response.status_code >= 500:
                crawl.problems.append(f"{response.status_code} on GET {path} as {role}")
            if response.status_code >= 400:
                shown = internals_in(parts["body"] + parts["headers"], [secret_key])
                if shown:
                    crawl.problems.append(f"{response.status_code} body of GET {path} as {role} shows {shown}")
            elif secret_key in parts["body"]:
                crawl.problems.append(f"the SECRET_KEY is in GET {path} as {role}")
            for key, where in found(patterns, parts):
                crawl.seen[(role, path)].add(key)
                if not entitled(role, key, world.state):
                    crawl.leaks.append(f"[{world.state}] {key} in the {where} of GET {path} "
                                       f"({response.status_code}) as {role}")
        # still signed in at the end: the crawl really saw the pages of this role
        if role != "anonymous":
            assert client.get("/auth/security").status_code == 200, f"{role} was signed out during the crawl"
    return crawl


def _expected_sightings(app, world: SentinelWorld) -> list[tuple[str, str, str]]:
    """(role, path, canary key) that must be seen: where the site shows a value to those entitled to it."""
    ids = world.ids
    with app.test_request_context():
        case = url_for("public.posting_detail", posting_id=ids["case"])
        expected = [
            ("candidate_a", url_for("candidates.edit_profile"), "candidate_phone"),
            ("candidate_a", url_for("candidates.edit_profile"), "compensation"),
            ("candidate_a", url_for("candidates.opt_in", code="side_job"), "fee_min"),
            ("candidate_a", url_for("candidates.export_data"), "fee_min"),
            ("candidate_a", url_for("candidates.export_data"), "candidate_email"),
            ("coordinator_a", url_for("coordination.area_candidate_detail", profile_id=ids["profile_a"]),
             "compensation"),
            ("admin", url_for("admin.users_list"), "candidate_email"),
            ("admin", url_for("admin.users_list"), "member_email"),
            ("admin", url_for("admin.organisations_list"), "firm_org_name"),
            ("firm_member", case, "firm_name"), ("firm_member", case, "firm_address"),
            ("coordinator_a", case, "firm_name"), ("coordinator_a", case, "firm_financials"),
            ("admin", case, "firm_name"),
            ("coordinator_a", url_for("coordination.organisation", org_id=ids["firm"]), "firm_org_name"),
            ("coordinator_a", url_for("coordination.export_matches"), "firm_org_name"),
            ("admin", url_for("coordination.export_matches"), "firm_org_name"),
        ]
        if world.state == "introduced":
            expected += [
                (role, url_for("matches.detail", match_id=ids[match]), key)
                for role, match in (("member_a", "m_pos"), ("firm_member", "m_case"), ("tech_member", "m_proj"))
                for key in ("candidate_email", "candidate_phone")
            ]
            expected += [
                ("candidate_a", url_for("matches.detail", match_id=ids["m_pos"]), "member_email"),
                ("candidate_a", url_for("matches.detail", match_id=ids["m_case"]), "firm_member_email"),
                ("candidate_a", url_for("matches.detail", match_id=ids["m_case"]), "firm_org_name"),
                ("candidate_a", url_for("matches.detail", match_id=ids["m_case"]), "firm_name"),
                ("candidate_a", url_for("matches.detail", match_id=ids["m_case"]), "firm_address"),
                ("candidate_a", case, "firm_name"),
                ("coordinator_a", url_for("coordination.match_detail", match_id=ids["m_pos"]), "candidate_phone"),
                ("coordinator_a", url_for("coordination.match_detail", match_id=ids["m_pos"]), "member_email"),
                ("admin", url_for("coordination.match_detail", match_id=ids["m_case"]), "firm_member_email"),
            ]
        if world.state == "disclosed":
            expected += [("candidate_a", case, "firm_name"), ("candidate_a", case, "firm_address")]
    return expected


def _deliver_mail(app, mailbox) -> list:
    """Build the daily digests and deliver the whole outbox (notices and digests) to the SMTP server."""
    with app.app_context():
        now = utcnow() + timedelta(minutes=1)
        report = builder.build_period("daily", now)
        assert report.errors == 0 and report.written >= 3, report
        outbox.send_pending(now)
        db.session.remove()
    return list(mailbox.messages)


@pytest.fixture(params=STATES)
def sentinel(request, app, mailbox) -> SentinelWorld:
    with app.app_context():
        world = build_sentinel_world(request.param)
        db.session.remove()
    return world


def test_no_canary_reaches_anyone_not_entitled_to_it(app, mailbox, sentinel):
    world = sentinel
    messages = _deliver_mail(app, mailbox)
    crawl = _crawl(app, world)
    assert crawl.requests > 1000 and crawl.statuses["2xx"] > 400, dict(crawl.statuses)
    assert crawl.api_served > 30, crawl.api_served

    missing = [f"{role} does not see {key} on {path}" for role, path, key in _expected_sightings(app, world)
               if key not in crawl.seen.get((role, path), set())]
    patterns = world.canaries.patterns()
    mail_leaks, readers = [], defaultdict(int)
    for message in messages:
        role = world.roles_by_email.get(str(message["To"]))
        assert role is not None, f"mail to an unknown address: {message['To']}"
        readers[role] += 1
        for key, where in found(patterns, mail_parts(message)):
            if not entitled_by_mail(role, key, world.state):
                mail_leaks.append(f"{key} in the {where} of the mail {message['Subject']!r} to {role}")
    report = {"errors and internals": crawl.problems, "leaks on the site": crawl.leaks, "leaks by mail": mail_leaks,
              "entitled people not shown what the site should show them": missing}
    if any(report.values()):
        pytest.fail(f"[{world.state}]\n" + "\n".join(f"{title} ({len(lines)}):\n  " + "\n  ".join(lines[:40])
                                                    for title, lines in report.items() if lines), pytrace=False)

    # the mail was really read: digests went out in every state, notices where the pipeline moved
    assert readers["coordinator_a"] >= 1 and readers["candidate_a"] >= 1, dict(readers)
    if world.state in ("approved", "introduced"):
        assert readers["member_a"] >= 1 and readers["tech_member"] >= 1, dict(readers)
    candidate_mail = [m for m in messages if str(m["To"]) == world.canaries.candidate_email]
    assert candidate_mail and all("candidate_email" in {k for k, _w in found(patterns, mail_parts(m))}
                                  for m in candidate_mail)
