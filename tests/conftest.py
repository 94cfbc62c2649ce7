"""Shared fixtures: an app per test on SQLite (or PostgreSQL via TEST_DATABASE_URL), users of each role."""
from __future__ import annotations

import os
import socket
import tempfile
import threading
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage

import pyotp
import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from marketplace import create_app
from marketplace.extensions import db, limiter
from marketplace.models import Base, Organisation, OrgKind, Role, User, utcnow
from marketplace.accounts import operations as accounts, two_factor
from marketplace.organisations import operations as organisations
from marketplace.seeding.reference import load_prefectures

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
PASSWORD = "correct-Horse-battery-9"
#: Keeps every log record and secret of the run for tests/security/test_logs.py (which runs last).
pytest_plugins = ("tests.security.log_capture",)


# --- a real SMTP server -------------------------------------------------------------
class _Inbox:
    """aiosmtpd handler keeping every received message."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd API)
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append(message)  # type: ignore[arg-type]
        return "250 OK"

    def clear(self) -> None:
        with self.lock:
            self.messages.clear()

    def to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [m for m in self.messages if m["To"] == address]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[tuple[Controller, _Inbox]]:
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


@pytest.fixture
def mailbox(smtp_server) -> _Inbox:
    """The messages the app sent during this test."""
    _controller, inbox = smtp_server
    inbox.clear()
    return inbox


# --- the application and its database ----------------------------------------------
@pytest.fixture(scope="session")
def _instance_dir() -> Iterator[str]:
    with tempfile.TemporaryDirectory() as path:
        yield path


@pytest.fixture(scope="session")
def _pg_schema() -> Iterator[None]:
    """On PostgreSQL: build the schema once per session."""
    if not TEST_DATABASE_URL:
        yield
        return
    engine = sa.create_engine(TEST_DATABASE_URL)
    with engine.begin() as conn:
        Base.metadata.drop_all(conn)
        conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        Base.metadata.create_all(conn)
    engine.dispose()
    yield


def make_config(smtp_port: int, **overrides) -> dict:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": TEST_DATABASE_URL or "sqlite://",
        "WTF_CSRF_ENABLED": False,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": smtp_port,
        "BASE_URL": "http://localhost",
        "SERVER_NAME": None,
        "PASSWORD_HASH_PROFILE": "fast",
        "RATELIMIT_ENABLED": True,
        "LOG_LEVEL": "INFO",  # as in production: the log sentinel must see what production would write
    }
    config.update(overrides)
    return config


@pytest.fixture
def app_config(smtp_server) -> dict:
    """Override entries here (via indirect use) before ``app`` is built."""
    controller, _inbox = smtp_server
    return make_config(controller.port)


@pytest.fixture
def app(app_config, _pg_schema, _instance_dir):
    application = create_app(app_config)
    application.instance_path = _instance_dir
    with application.app_context():
        if TEST_DATABASE_URL:
            _truncate_all()
        else:
            db.create_all()
        load_prefectures()
        db.session.commit()
    limiter.reset()
    yield application
    with application.app_context():
        db.session.remove()
        if TEST_DATABASE_URL:
            _truncate_all()
        db.engine.dispose()


def _truncate_all() -> None:
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    db.session.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    db.session.commit()


def drain_matching_now() -> int:
    """Run the real matcher's drain in this process until the change log is empty (in an app context)."""
    from marketplace.suggestions.matcher import drain_all

    return drain_all()


@pytest.fixture
def drain_matching(app):
    """``drain_matching()`` applies every queued matching change, as ``flask match worker`` would."""
    def drain() -> int:
        from flask import has_app_context

        if has_app_context():
            return drain_matching_now()
        with app.app_context():
            return drain_matching_now()

    return drain


@pytest.fixture
def app_ctx(app):
    with app.app_context():
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


# --- factories ---------------------------------------------------------------------
@pytest.fixture
def make_org(app):
    def factory(name: str = "テスト市役所", kind: OrgKind = OrgKind.MUNICIPALITY,
                prefecture: str = "39", verified: bool = True) -> int:
        with app.app_context():
            org = Organisation(name=name, kind=kind, prefecture_code=prefecture, verified=verified)
            db.session.add(org)
            db.session.commit()
            return org.id

    return factory


@pytest.fixture
def make_user(app):
    counter = iter(range(1, 10_000))

    def factory(role: Role = Role.CANDIDATE, *, email: str | None = None, org_id: int | None = None,
                verified: bool = True, area: tuple[tuple[str, ...], tuple[str, ...]] | None = None,
                locale: str = "ja") -> int:
        with app.app_context():
            org = db.session.get(Organisation, org_id) if org_id else None
            user = accounts.create_user(
                email or f"user{next(counter)}-{role.value}@example.jp", PASSWORD, role,
                display_name="テスト 利用者", organisation=org, verified=verified, locale=locale,
            )
            if area:
                organisations.set_coordinator_area(None, user, organisations.parse_area(*area))
            db.session.commit()
            return user.id

    return factory


def login(client, email: str, password: str = PASSWORD):
    return client.post("/auth/login", data={"email": email, "password": password})


def enrol_second_factor(user: User) -> str:
    """Give ``user`` a confirmed authenticator (directly in the database); returns the secret.

    Also forgets the last accepted time step, so the current code works again: tests log the
    same user in several times within one 30-second step.
    """
    if not two_factor.enabled(user):
        user.totp_secret = pyotp.random_base32()
        user.totp_enabled_at = utcnow()
    user.totp_last_step = None
    return user.totp_secret


@pytest.fixture
def login_as(app, client):
    """Log the test client in as the user with this id.

    For roles that need a second factor (coordinators, admins) the user is enrolled if needed and
    the code step is completed with the current TOTP code, as a person with the app would.
    """

    def do(user_id: int):
        with app.app_context():
            user = db.session.get(User, user_id)
            email = user.email
            secret = enrol_second_factor(user) if two_factor.required_for(user) or two_factor.enabled(user) else None
            db.session.commit()
        response = login(client, email)
        if secret is not None and response.headers.get("Location", "").endswith("/auth/login/code"):
            response = client.post("/auth/login/code", data={"code": pyotp.TOTP(secret).now()})
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return do
