"""Broken requests on every POST route: bodies over MAX_CONTENT_LENGTH, malformed multipart,
wrong Content-Type, invalid UTF-8 in bodies and query strings, and too many fields.

Over-large bodies must be answered 413 with a page in Japanese (with CSRF protection on, as in
production, every POST reads its body first); everything else with a clear 4xx or a normal answer,
never a 500, and with no stored row changed on refusal.
"""
from __future__ import annotations

import pytest

from marketplace.extensions import db
from tests.fuzz import tally
from tests.fuzz.judge import Request, verdict
from tests.fuzz.responses import JAPANESE, response_problems
from tests.fuzz.support import endpoints, fallback_post_targets, snapshot, url_roots

POST_ENDPOINTS = endpoints("POST")
FORM = "application/x-www-form-urlencoded"
#: Broken requests sent to every POST route; the others go to every other route (time).
CORE = frozenset({"invalid UTF-8, raw", "multipart file where text is expected", "JSON list",
                  "JSON number where text is expected", "multipart, invalid UTF-8 name and value"})
#: Invalid UTF-8 and NUL in the query string, sent with a few of the broken bodies.
BAD_QUERY = "?next=%ff%fe&q=%00%c3%28&page=%ef%bc%91"


def _broken_requests(field: str) -> list[tuple[str, bytes, str]]:
    """(what, body, Content-Type) for a form whose first field is ``field``."""
    f = field.encode("utf-8")
    return [
        ("invalid UTF-8, raw", f + b"=\xff\xfe\xfd\xc3\x28&note=\xe3\x81", FORM),
        ("invalid UTF-8, percent-encoded", f + b"=%ff%fe%fd%c3%28&%e3%81=%80", FORM),
        ("overlong and surrogate UTF-8", f + b"=%c0%af%ed%a0%80%ed%b0%80", FORM),
        ("NUL and controls, percent-encoded", f + b"=%00%01%1b%7f&" + f + b"=a%00b", FORM),
        ("cp932 bytes sent as UTF-8", f + "=高知県ﾃｽﾄ①".encode("cp932"), FORM),
        ("cp932 with charset", f + b"=" + "高知県".encode("cp932"), FORM + "; charset=shift_jis"),
        ("unknown charset", f + b"=x", FORM + "; charset=x-no-such-charset"),
        ("broken percent escapes", f + b"=%zz%4&%=%%&&=&" + f + b"%", FORM),
        ("form as JSON", b'{"' + f + b'": "\\u0000", "csrf_token": []}', "application/json"),
        ("broken JSON", b'{"' + f + b'": ', "application/json"),
        ("JSON list", b"[1, 2]", "application/json"),
        ("JSON number where text is expected", b'{"' + f + b'": 1e999, "x": true}', "application/json"),
        ("plain text", f + b"=text", "text/plain; charset=utf-8"),
        ("XML", b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'aaaa'>]><x>&a;</x>", "application/xml"),
        ("garbage Content-Type", f + b"=x", "\x00;;;=\xff"),
        ("multipart without boundary", b"--x\r\n\r\n", "multipart/form-data"),
        ("multipart with a wrong boundary", b"--other\r\nContent-Disposition: form-data; name=\"" + f +
         b"\"\r\n\r\nx\r\n--other--\r\n", "multipart/form-data; boundary=expected"),
        ("multipart cut short", b"--b\r\nContent-Disposition: form-data; name=\"" + f + b"\"\r\n\r\nx",
         "multipart/form-data; boundary=b"),
        ("multipart header garbage", b"--b\r\nContent-Disposition: \xff\xfe; name\r\n\r\n\r\n--b--\r\n",
         "multipart/form-data; boundary=b"),
        ("multipart, invalid UTF-8 name and value", b"--b\r\nContent-Disposition: form-data; name=\"\xff\"\r\n\r\n"
         b"\xfe\xfd\r\n--b\r\nContent-Disposition: form-data; name=\"" + f + b"\"\r\n\r\n\xc3\x28\r\n--b--\r\n",
         "multipart/form-data; boundary=b"),
        ("multipart file where text is expected", b"--b\r\nContent-Disposition: form-data; name=\"" + f +
         b"\"; filename=\"../../etc/passwd\"\r\nContent-Type: application/octet-stream\r\n\r\n\x00\x01\xff\r\n"
         b"--b--\r\n", "multipart/form-data; boundary=b"),
        ("too many fields", b"&".join(b"f%d=%d" % (i, i) for i in range(5_000)), FORM),
        ("too many multipart parts", b"".join(b"--b\r\nContent-Disposition: form-data; name=\"p%d\"\r\n\r\nx\r\n" % i
                                              for i in range(1_500)) + b"--b--\r\n", "multipart/form-data; boundary=b"),
    ]


def _first_target(harness, catalogue, endpoint):
    targets = catalogue.post_targets.get(endpoint)
    return targets[0] if targets else fallback_post_targets(harness.app, endpoint)[-1]  # the admin


@pytest.mark.parametrize("endpoint", POST_ENDPOINTS)
def test_broken_bodies(endpoint, harness, catalogue, world):
    app = harness.app
    target = _first_target(harness, catalogue, endpoint)
    client = harness.client(target.actor)
    field = next(iter(target.fields), "name")
    with app.app_context():
        url = target.url(app, world)
        roots = url_roots(app, world, url, "POST")
        db.session.remove()
    failures = []
    requests = _broken_requests(field)
    turn = POST_ENDPOINTS.index(endpoint) % 2
    chosen = [r for i, r in enumerate(requests) if r[0] in CORE or i % 2 == turn]  # the rest on every other route
    for number, (what, body, content_type) in enumerate(chosen):
        tally.record(body)
        for query in ("", BAD_QUERY) if number < 3 else ("",):
            before = snapshot(app)
            response = client.post(url + query, data=body, content_type=content_type)
            after = snapshot(app)
            request = Request(endpoint, url, world.users.get(target.actor), roots, None, {})
            problems = verdict(request, response, before, after)
            if problems:
                failures.append(f"{what}{' + bad query' if query else ''}: {response.status_code} {problems}")
    tally.record(BAD_QUERY)
    assert not failures, f"{target.actor} POST {url}:\n" + "\n".join(failures)


@pytest.mark.parametrize("csrf", [True, False], ids=["csrf-on", "csrf-off"])
def test_bodies_over_the_limit_get_413_in_japanese(csrf, harness, catalogue, world):
    app = harness.app
    limit = app.config["MAX_CONTENT_LENGTH"]
    huge_form = b"name=" + b"x" * (limit + 1)
    huge_multipart = (b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\n"
                      + b"a," * (limit // 2 + 1) + b"\r\n--b--\r\n")
    tally.record(huge_form, huge_multipart)
    failures = []
    app.config["WTF_CSRF_ENABLED"] = csrf
    try:
        for endpoint in POST_ENDPOINTS:
            target = _first_target(harness, catalogue, endpoint)
            with app.app_context():
                url = target.url(app, world)
                db.session.remove()
            client = harness.client(target.actor)
            for body, content_type in ((huge_form, FORM), (huge_multipart, "multipart/form-data; boundary=b")):
                response = client.post(url, data=body, content_type=content_type)
                problems = response_problems(response, api=url.startswith("/api/"))
                if csrf and response.status_code != 413 and not 400 <= response.status_code < 500:
                    # a route exempt from CSRF may refuse before reading the body; nothing may go through
                    problems.append(f"answered {response.status_code}, not 413")
                if response.status_code == 413 and not url.startswith("/api/") and \
                        not JAPANESE.search(response.get_data(as_text=True)):
                    problems.append("413 page not in Japanese")
                if problems:
                    failures.append(f"{target.actor} POST {url} ({content_type[:20]}): {problems}")
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert not failures, "\n".join(failures)
