"""One application for the whole fuzz run, a world restored before every test, a client per actor.

On SQLite the world is built once and copied into the in-memory database before each test (the
``sqlite3`` backup API takes milliseconds; building takes about a second). Actors log in once,
while the template is built: their cookies stay valid in every copy. On PostgreSQL
(``TEST_DATABASE_URL``) the tables are emptied and the world built again each time.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

import pyotp
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from marketplace import create_app
from marketplace.extensions import db, limiter
from marketplace.models import Base
from marketplace.seeding.reference import load_prefectures
from tests.fuzz.world import ACTORS, PASSWORD, FuzzWorld, build_world

COOKIE_NAMES = ("session", "remember_token")


def _login(client: FlaskClient, world: FuzzWorld, actor: str) -> None:
    response = client.post("/auth/login", data={"email": world.emails[actor], "password": PASSWORD})
    if actor in world.totp and response.headers.get("Location", "").endswith("/auth/login/code"):
        response = client.post("/auth/login/code", data={"code": pyotp.TOTP(world.totp[actor]).now()})
    assert response.status_code == 302, (actor, response.status_code, response.get_data(as_text=True)[:500])


@dataclass
class Harness:
    app: Flask
    postgres: bool
    world: FuzzWorld = field(default_factory=FuzzWorld)
    cookies: dict[str, dict[str, str]] = field(default_factory=dict)
    _template: sqlite3.Connection | None = None

    # --- the database ---------------------------------------------------------------------
    def _raw(self) -> sqlite3.Connection:
        return db.engine.raw_connection().driver_connection  # StaticPool: the one in-memory database

    def _build(self) -> None:
        with self.app.app_context():
            if self.postgres:
                names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
                db.session.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
                db.session.commit()
            else:
                db.drop_all()
                db.create_all()
            load_prefectures()
            db.session.commit()
            world = build_world()
            db.session.remove()
        if self.world.users and world.ids() != self.world.ids():
            raise AssertionError("the fuzz world is not deterministic")
        self.world = world
        self.cookies = {}
        for actor in ACTORS:
            if actor == "anonymous":
                continue
            client = self.app.test_client()
            _login(client, world, actor)
            self.cookies[actor] = {name: c.value for name in COOKIE_NAMES
                                   if (c := client.get_cookie(name)) is not None}

    def setup(self) -> None:
        """Build the world once (and keep it as the template on SQLite)."""
        self._build()
        if not self.postgres:
            with self.app.app_context():
                self._template = sqlite3.connect(":memory:", check_same_thread=False)
                self._raw().backup(self._template)
                db.session.remove()

    def restore(self) -> FuzzWorld:
        """Bring the database back to the freshly built world."""
        if self.app.config.get("RATELIMIT_ENABLED"):
            with self.app.app_context():
                limiter.reset()
        if self.postgres:
            self._build()
            return self.world
        with self.app.app_context():
            db.session.remove()
            assert self._template is not None
            self._template.backup(self._raw())
        return self.world

    # --- clients --------------------------------------------------------------------------
    def client(self, actor: str) -> FlaskClient:
        client = self.app.test_client()
        for name, value in self.cookies.get(actor, {}).items():
            client.set_cookie(name, value, domain="localhost")
        return client

    def clients(self, actors: list[str] | tuple[str, ...] = ACTORS) -> dict[str, FlaskClient]:
        return {actor: self.client(actor) for actor in actors}


def make_harness(config: dict, postgres: bool) -> Harness:
    app = create_app(config)
    harness = Harness(app=app, postgres=postgres)
    harness.setup()
    return harness
