"""Helpers shared by the fuzz tests: routes known at collection time, fallback targets, the rows a
request may touch, snapshots in an app context."""
from __future__ import annotations

from functools import lru_cache

from flask import Flask

from marketplace import create_app
from marketplace.extensions import db
from tests.conftest import make_config
from tests.fuzz import snapshots
from tests.fuzz.catalogue import Target, routes
from tests.fuzz.html_forms import FieldSpec, FormSpec
from tests.fuzz.world import ACTORS, FuzzWorld

#: Field names tried on a POST route whose form the crawl never saw.
COMMON_FIELDS = ("message", "note", "comment", "reason", "body", "name", "code", "token", "password", "action",
                 "target", "decision", "value", "id")
#: Names of fields a form does not have, sent to see that they are ignored.
EXTRA_NAMES = COMMON_FIELDS + ("role", "organisation_id", "user_id", "status", "verified", "admin")


@lru_cache(maxsize=1)
def _route_app() -> Flask:
    """An app used only to list routes at collection time (no database work)."""
    return create_app(make_config(25, SQLALCHEMY_DATABASE_URI="sqlite://"))


def endpoints(method: str) -> list[str]:
    """Every endpoint accepting ``method``, sorted (test parameters)."""
    return sorted({rule.endpoint for rule in routes(_route_app(), method)})


def fallback_post_targets(app: Flask, endpoint: str) -> list[Target]:
    """Every actor, the first URL values, the common field names."""
    rule = next(r for r in app.url_map.iter_rules(endpoint) if "POST" in (r.methods or ()))
    form = FormSpec("post", rule.rule, "application/x-www-form-urlencoded",
                    {name: FieldSpec(name, "text") for name in COMMON_FIELDS})
    recipe = {name: (name, 0) for name in rule.arguments}
    return [Target(endpoint, actor, "post", rule.rule, dict(recipe), "", form) for actor in ACTORS]


def url_roots(app: Flask, world: FuzzWorld, url: str, method: str = "GET") -> list[tuple[str, object]]:
    """The rows a request to ``url`` may change besides the actor's own: the objects its URL names
    (an id, a prefecture code, the user a signed token was issued to)."""
    _endpoint, values = app.url_map.bind("localhost").match(url.split("?")[0], method=method)
    roots: list[tuple[str, object]] = []
    for name, raw in values.items():
        value = str(raw)
        table = snapshots.PARAM_TABLES.get(name)
        if table and value.isdigit():
            roots.append((table, int(value)))
        elif value in world.token_owners:
            roots.append(("users", world.token_owners[value]))
        else:
            roots += [(reference, value) for reference in snapshots.REFERENCE_TABLES]
    return roots


def snapshot(app: Flask, include_reference: bool = False) -> snapshots.Snapshot:
    with app.app_context():
        result = snapshots.take(include_reference)
        db.session.remove()
    return result


def short(fields: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Fields for a failure message, long values cut."""
    return [(k, v if len(v) <= 60 else f"{v[:40]!r}…({len(v)} chars)") for k, v in fields]
