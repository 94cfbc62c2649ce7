"""Every POST route of ``app.url_map`` gets hostile values in every field its forms show.

Targets are discovered at run time (``catalogue``): the forms each actor sees, with their fields.
A POST route whose form never shows up in the crawl (it appears only in some state) is attacked by
every actor with a set of common field names. Each request must get a clear answer (``responses``)
and leave the stored rows as ``judge`` requires.
"""
from __future__ import annotations

import zlib

import pytest
from hypothesis import given, seed, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from marketplace.extensions import db
from tests.fuzz import snapshots, tally
from tests.fuzz.conftest import DEEP, FUZZ_SETTINGS, examples
from tests.fuzz.judge import Request, offered_roots, verdict
from tests.fuzz.strategies import submissions
from tests.fuzz.support import EXTRA_NAMES, endpoints, fallback_post_targets, short, snapshot, url_roots

POST_ENDPOINTS = endpoints("POST")


@pytest.mark.parametrize("endpoint", POST_ENDPOINTS)
def test_hostile_form_input(endpoint, harness, catalogue, world):
    app = harness.app
    targets = catalogue.post_targets.get(endpoint) or fallback_post_targets(app, endpoint)
    clients = harness.clients(sorted({t.actor for t in targets}))
    with app.app_context():
        urls = [t.url(app, world) for t in targets]
        roots = [url_roots(app, world, url, "POST") for url in urls]
        db.session.remove()
    reference = snapshot(app, include_reference=True)
    salt = zlib.crc32(endpoint.encode())
    last: list[snapshots.Snapshot] = []  # each request's "after" is the next one's "before"

    @settings(FUZZ_SETTINGS, max_examples=examples(18 + 7 * min(len(targets), 5)))  # more forms, more examples
    @given(data=st.data())
    def attack(data):
        index = data.draw(st.integers(0, len(targets) - 1), label="target")
        target = targets[index]
        submission = data.draw(submissions(target.form, EXTRA_NAMES, salt), label="submission")
        tally.record(*(v for values in submission.hostile.values() for v in values))
        before = last[0] if last else snapshot(app)
        response = clients[target.actor].post(urls[index], data=MultiDict(submission.fields))
        last[:] = [after := snapshot(app)]
        request = Request(endpoint, urls[index], world.users.get(target.actor),
                          roots[index] + offered_roots(target.form, list(submission.fields)), target.form,
                          submission.hostile)
        problems = verdict(request, response, before, after)
        assert not problems, f"{target.actor} POST {urls[index]} {response.status_code}: {problems} " \
                             f"sent={short(submission.fields)}"

    if not DEEP:  # the same inputs every run, different ones on each route
        attack = seed(salt)(attack)
    attack()
    after = snapshot(app, include_reference=True)
    for table in snapshots.REFERENCE_TABLES:
        assert after[table] == reference[table], f"reference table {table} changed"
