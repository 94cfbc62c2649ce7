"""Requesting every route of the URL map as every role, and classifying what came back."""
from __future__ import annotations

from dataclasses import dataclass

from werkzeug.routing import Rule

from tests.access.world import World

#: Routes no person opens in a browser session (served files, tokens in the path).
SKIP_ENDPOINTS = frozenset({"static"})
FAKE_VALUES = {"token": "not-a-valid-token", "token_id": 1, "filename": "css/app.css"}


@dataclass(frozen=True)
class Target:
    endpoint: str
    method: str
    rule: str
    path: str


def url_for_rule(rule: Rule, world: World) -> str:
    """The rule's path with the world's "A" objects (or harmless fakes) filled in."""
    values = {}
    for name in rule.arguments:
        if name in world.ids:
            values[name] = world.ids[name]
        elif name in FAKE_VALUES:
            values[name] = FAKE_VALUES[name]
        else:
            raise AssertionError(f"{rule.rule}: no value for <{name}>: add it to tests/access/world.py")
    built = rule.build(values, append_unknown=False)
    assert built is not None, rule.rule
    return built[1]


def targets(app, world: World) -> list[Target]:
    out = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIP_ENDPOINTS:
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            out.append(Target(rule.endpoint, method, rule.rule, url_for_rule(rule, world)))
    return sorted(out, key=lambda t: (t.rule, t.method))


def outcome(response) -> str:
    """``ok`` (the handler served the person) or ``denied`` (refused, hidden, or sent to log in)."""
    status = response.status_code
    location = response.headers.get("Location", "")
    if status in (401, 403, 404):
        return "denied"
    if status in (301, 302, 303) and ("/auth/login" in location):
        return "denied"
    if status >= 500:
        return "error"
    return "ok"
