"""Find, at run time, what there is to attack: every route of ``app.url_map``, who may use it, and
which fields it takes — read from the forms the pages actually render for each actor.

Each actor fetches every GET route once per combination of URL values from the world
(``world.param_candidates``). Every form on a page that answered 200 is recorded under the
endpoint its action resolves to. A URL is kept as a recipe — for each variable, its position in the
candidate list — so that it can be rebuilt in a later copy of the world (signed tokens differ).
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from flask import Flask
from werkzeug.exceptions import HTTPException
from werkzeug.routing import Rule

from marketplace.extensions import db
from tests.fuzz.harness import Harness
from tests.fuzz.html_forms import FieldSpec, FormSpec, parse_forms
from tests.fuzz.world import ACTORS, FuzzWorld, param_candidates, scheme_type_pairs

#: Endpoints never crawled (files, and the language switch that only redirects).
SKIPPED_ENDPOINTS = frozenset({"static"})
#: Most URL-value combinations tried per route and actor.
MAX_COMBINATIONS = 40
#: An anonymous actor sent to the login page this many times on a route is not tried further there.
GIVE_UP_AFTER = 2
#: An actor whose pages on a route showed no new form this many times in a row moves on.
PATIENCE = 3
#: Forms kept per (endpoint, actor): different objects may show different forms (match stages).
MAX_FORMS = 4

Recipe = dict[str, tuple[str, int] | str]  # variable → (candidate name, index) or a literal value


@dataclass
class Target:
    """A form (or query string) to attack: where it goes, as whom, with which fields."""

    endpoint: str
    actor: str
    method: str
    rule: str
    recipe: Recipe
    query: str
    form: FormSpec
    source: str = ""  # the page (path) that showed the form

    def url(self, app: Flask, world: FuzzWorld) -> str:
        """The path (and query) of this target in the current copy of the world."""
        values = {}
        for name, part in self.recipe.items():
            if isinstance(part, tuple):
                values[name] = param_candidates(world, part[0])[part[1]]
            else:
                values[name] = part
        adapter = app.url_map.bind("localhost")
        path = adapter.build(self.endpoint, values, method=self.method.upper())
        return path + (f"?{self.query}" if self.query else "")

    @property
    def fields(self) -> dict[str, FieldSpec]:
        return self.form.fields


@dataclass
class Catalogue:
    post_targets: dict[str, list[Target]] = field(default_factory=dict)
    get_forms: dict[str, list[Target]] = field(default_factory=dict)  # GET forms (filters): their fields
    pages: dict[str, list[Target]] = field(default_factory=dict)  # GET routes that answered 200, per endpoint
    requests: int = 0

    def add(self, bucket: dict[str, list[Target]], target: Target) -> bool:
        """Keep ``target`` unless the actor already has this form (or enough forms) there."""
        targets = bucket.setdefault(target.endpoint, [])
        same_actor = [t for t in targets if t.actor == target.actor]
        key = (target.form.path, tuple(sorted(target.form.fields)))
        if any((t.form.path, tuple(sorted(t.form.fields))) == key for t in same_actor):
            return False
        if len(same_actor) >= MAX_FORMS:
            return False
        targets.append(target)
        return True


def routes(app: Flask, method: str) -> list[Rule]:
    """Rules accepting ``method``, in a stable order."""
    return sorted((r for r in app.url_map.iter_rules() if method in (r.methods or ())
                   and r.endpoint not in SKIPPED_ENDPOINTS), key=lambda r: (r.rule, r.endpoint))


def _combinations(world: FuzzWorld, rule: Rule) -> list[dict[str, tuple[str, int]]]:
    names = sorted(rule.arguments)
    choices = [[(name, i) for i in range(len(param_candidates(world, name)))] for name in names]
    if any(not c for c in choices):
        return []
    combos = (dict(zip(names, combo)) for combo in itertools.product(*choices))
    if {"scheme_code", "type_code"} <= set(names):  # only the posting types each scheme has
        pairs = scheme_type_pairs()
        combos = (c for c in combos if (param_candidates(world, "scheme_code")[c["scheme_code"][1]],
                                        param_candidates(world, "type_code")[c["type_code"][1]]) in pairs)
    return list(itertools.islice(combos, MAX_COMBINATIONS))


def _recipe_of(world: FuzzWorld, view_args: dict[str, object]) -> Recipe:
    recipe: Recipe = {}
    for name, value in view_args.items():
        candidates = param_candidates(world, name)
        recipe[name] = (name, candidates.index(str(value))) if str(value) in candidates else str(value)
    return recipe


def crawl(harness: Harness) -> Catalogue:
    """Visit every GET route as every actor and collect the forms (on a fresh copy of the world)."""
    app = harness.app
    world = harness.restore()
    catalogue = Catalogue()
    adapter = app.url_map.bind("localhost")
    clients = harness.clients()
    for rule in routes(app, "GET"):
        with app.app_context():
            combos = _combinations(world, rule) if rule.arguments else [{}]
        refusals: dict[str, int] = {}
        stale: dict[str, int] = {}
        for combo in combos:
            with app.app_context():
                values = {name: param_candidates(world, part[0])[part[1]] for name, part in combo.items()}
                db.session.remove()
            path = adapter.build(rule.endpoint, values)
            for actor in ACTORS:
                if refusals.get(actor, 0) >= GIVE_UP_AFTER or stale.get(actor, 0) >= PATIENCE:
                    continue
                response = clients[actor].get(path)
                catalogue.requests += 1
                if response.status_code != 200:
                    if _refused_for_role(response):
                        refusals[actor] = refusals.get(actor, 0) + 1
                    continue
                refusals[actor] = -MAX_COMBINATIONS  # allowed once: try every object
                page = Target(rule.endpoint, actor, "get", rule.rule, dict(combo), "", FormSpec("get", path, ""))
                catalogue.add(catalogue.pages, page)
                new = False
                if "html" in (response.content_type or ""):
                    for form in parse_forms(response.get_data(as_text=True), path):
                        new |= _record_form(app, world, catalogue, adapter, actor, form, path)
                stale[actor] = 0 if new else stale.get(actor, 0) + 1
    return catalogue


def _refused_for_role(response) -> bool:
    """Sent to the login page: nobody signed in may use the route (a 403 may concern one object only)."""
    location = response.headers.get("Location", "")
    return response.status_code == 401 or (response.status_code == 302 and "/auth/login" in location)


def _record_form(app: Flask, world: FuzzWorld, catalogue: Catalogue, adapter, actor: str, form: FormSpec,
                 source: str) -> bool:
    """Keep ``form`` as a target; ``True`` when it was new."""
    method = "POST" if form.method == "post" else "GET"
    try:
        rule, view_args = adapter.match(form.path, method=method, return_rule=True)
    except HTTPException:
        return False
    endpoint = rule.endpoint
    with app.app_context():
        recipe = _recipe_of(world, view_args)
        db.session.remove()
    target = Target(endpoint, actor, form.method, rule.rule, recipe, urlsplit(form.action).query, form, source)
    return catalogue.add(catalogue.post_targets if method == "POST" else catalogue.get_forms, target)
