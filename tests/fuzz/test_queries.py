"""Hostile query strings on every GET route: list filters (``?q=&page=&prefecture=``), paging,
``next`` and unknown parameters, and on the API the parameters its OpenAPI document declares.

Parameter names come from the GET forms the crawl found on the pages (filters), the API's
``/openapi.json``, and a few names every list may read. Each actor that got the page is used.
"""
from __future__ import annotations

import re
import zlib

import pytest
from hypothesis import given, seed, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from marketplace.extensions import db
from tests.fuzz import snapshots, tally
from tests.fuzz.catalogue import Target
from tests.fuzz.conftest import DEEP, FUZZ_SETTINGS, examples
from tests.fuzz.html_forms import FieldSpec, FormSpec
from tests.fuzz.judge import Request, verdict
from tests.fuzz.strategies import submissions
from tests.fuzz.support import endpoints, short, snapshot, url_roots
from tests.fuzz.world import param_candidates

#: Parameters any list or page may read.
COMMON_PARAMS = ("page", "per_page", "q", "sort", "next", "lang", "format", "prefecture", "scheme")
#: Real servers refuse longer URLs (nginx: 8 kB lines), so longer values prove nothing.
MAX_QUERY_VALUE = 8_000
API_PREFIX = "/api/"


GET_ENDPOINTS = endpoints("GET")


def _openapi_params(client) -> dict[str, dict[str, FieldSpec]]:
    """Query parameters per API path template, read from the app's own OpenAPI document."""
    document = client.get("/api/v1/openapi.json").get_json() or {}
    base = (document.get("servers") or [{"url": ""}])[0]["url"]
    shared = document.get("components", {}).get("parameters", {})
    found: dict[str, dict[str, FieldSpec]] = {}
    for path, operations in document.get("paths", {}).items():
        specs: dict[str, FieldSpec] = {}
        for parameter in operations.get("get", {}).get("parameters", []):
            if "$ref" in parameter:
                parameter = shared.get(parameter["$ref"].rsplit("/", 1)[-1], {})
            if parameter.get("in") != "query":
                continue
            schema = parameter.get("schema", {})
            kind = "number" if schema.get("type") in ("integer", "number") else "text"
            options = [str(v) for v in schema.get("enum", [])]
            specs[parameter["name"]] = FieldSpec(parameter["name"], "select" if options else kind, options)
        rule = re.sub(r"\{(\w+)\}", r"<\1>", base + path)
        found[rule] = specs
    return found


def _api_targets(harness, endpoint: str) -> list[Target]:
    rule = next(r for r in harness.app.url_map.iter_rules(endpoint))
    params = _openapi_params(harness.client("anonymous"))
    template = re.sub(r"<(?:\w+:)?(\w+)>", r"<\1>", rule.rule)
    fields = dict(params.get(template, {}))
    form = FormSpec("get", rule.rule, "", fields)
    targets = []
    for actor, secret in harness.world.api_secrets.items():
        client = harness.client("anonymous")
        for index in range(8):  # the first object this token may read
            recipe = {name: (name, index) for name in rule.arguments}
            target = Target(endpoint, actor, "get", rule.rule, recipe, "", form)
            with harness.app.app_context():
                try:
                    url = target.url(harness.app, harness.world)
                except IndexError:
                    break
            if client.get(url, headers={"Authorization": f"Bearer {secret}"}).status_code == 200:
                targets.append(target)
                break
            if not rule.arguments:
                break
    return targets


def _fallback(harness, endpoint: str) -> list[Target]:
    """A page no actor got in the crawl (it needs a parameter or a state): a few actors try it anyway."""
    rule = next(r for r in harness.app.url_map.iter_rules(endpoint))
    with harness.app.app_context():
        if any(not param_candidates(harness.world, name) for name in rule.arguments):
            return []
    recipe = {name: (name, 0) for name in rule.arguments}
    return [Target(endpoint, actor, "get", rule.rule, dict(recipe), "", FormSpec("get", rule.rule, ""))
            for actor in ("anonymous", "candidate", "coordinator")]


def _targets(harness, catalogue, endpoint: str) -> list[Target]:
    if any(r.rule.startswith(API_PREFIX) for r in harness.app.url_map.iter_rules(endpoint)):
        targets = _api_targets(harness, endpoint)
    else:
        targets = list(catalogue.pages.get(endpoint, [])) or _fallback(harness, endpoint)
    form_fields: dict[str, FieldSpec] = {}
    for form_target in catalogue.get_forms.get(endpoint, []):
        form_fields.update(form_target.form.fields)
    result = []
    for target in targets:
        fields = {name: FieldSpec(name, "text") for name in COMMON_PARAMS}
        fields.update(form_fields)
        fields.update(target.form.fields)
        result.append(Target(target.endpoint, target.actor, "get", target.rule, target.recipe, "",
                             FormSpec("get", target.form.action, "", fields)))
    return result


def _clip(fields: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(k[:200], v[:MAX_QUERY_VALUE]) for k, v in fields]


@pytest.mark.parametrize("endpoint", GET_ENDPOINTS)
def test_hostile_query_strings(endpoint, harness, catalogue, world):
    targets = _targets(harness, catalogue, endpoint)
    if not targets:
        pytest.fail(f"{endpoint}: the fuzz world has no value for this route's URL variables: add one to "
                    "tests/fuzz/world.py so the route is fuzzed")
    app = harness.app
    clients = harness.clients(sorted({t.actor for t in targets}))
    with app.app_context():
        urls = [t.url(app, world) for t in targets]
        roots = [url_roots(app, world, url) for url in urls]
        db.session.remove()
    filters = bool(catalogue.get_forms.get(endpoint)) or urls[0].startswith(API_PREFIX)
    salt = zlib.crc32(b"query " + endpoint.encode())
    last: list[snapshots.Snapshot] = []  # each request's "after" is the next one's "before"

    @settings(FUZZ_SETTINGS, max_examples=examples(28 if filters else 4))
    @given(data=st.data())
    def attack(data):
        index = data.draw(st.integers(0, len(targets) - 1), label="target")
        target = targets[index]
        submission = data.draw(submissions(target.form, salt=salt), label="query")
        fields = _clip(submission.fields)
        tally.record(*(v[:MAX_QUERY_VALUE] for values in submission.hostile.values() for v in values))
        headers = {}
        if urls[index].startswith(API_PREFIX):
            headers["Authorization"] = f"Bearer {world.api_secrets[target.actor]}"
        before = last[0] if last else snapshot(app)
        response = clients[target.actor].get(urls[index], query_string=MultiDict(fields), headers=headers)
        last[:] = [after := snapshot(app)]
        request = Request(endpoint, urls[index], world.users.get(target.actor), roots[index], None, {})
        problems = verdict(request, response, before, after)
        assert not problems, f"{target.actor} GET {urls[index]} {response.status_code}: {problems} " \
                             f"query={short(fields)}"

    if not DEEP:
        attack = seed(salt)(attack)
    attack()
