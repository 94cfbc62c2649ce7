"""``flask users create`` and ``flask seed``."""
from __future__ import annotations

import sqlalchemy as sa

from marketplace.extensions import db
from marketplace.models import Municipality, Prefecture, Role, SuccessionCentre, User


def test_users_create_makes_a_coordinator_whose_area_is_enforced(app, runner, login_as):
    result = runner.invoke(args=[
        "users", "create", "--email", "coord@example.jp", "--role", "coordinator",
        "--scheme", "accelerator", "--scheme", "side_job", "--prefecture", "39", "--password", "kochi-Area-2026",
    ])
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "coord@example.jp"))
        assert user.role == Role.COORDINATOR and user.email_verified
        assert {(a.scheme, a.prefecture_code) for a in user.areas} == {("accelerator", "39"), ("side_job", "39")}
        assert user.covers("accelerator", "39") and not user.covers("accelerator", "13")
        assert not user.covers("succession", "39")


def test_users_create_prompts_for_the_password(app, runner):
    result = runner.invoke(args=["users", "create", "--email", "a@example.jp", "--role", "candidate"],
                           input="prompted-Pass-2026\nprompted-Pass-2026\n")
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(sa.select(User.email)) == "a@example.jp"


def test_users_create_refuses_a_coordinator_without_area(runner):
    result = runner.invoke(args=["users", "create", "--email", "c@example.jp", "--role", "coordinator",
                                 "--password", "kochi-Coord-2026"])
    assert result.exit_code != 0
    assert "--scheme" in result.output


def test_users_create_refuses_unknown_scheme_and_weak_password(app, runner):
    bad_scheme = runner.invoke(args=["users", "create", "--email", "c@example.jp", "--role", "coordinator",
                                     "--scheme", "golf", "--prefecture", "39", "--password", "kochi-Coord-2026"])
    assert bad_scheme.exit_code != 0 and "golf" in bad_scheme.output
    weak = runner.invoke(args=["users", "create", "--email", "w@example.jp", "--role", "candidate",
                               "--password", "password"])
    assert weak.exit_code != 0
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def test_users_create_refuses_missing_organisation(runner):
    result = runner.invoke(args=["users", "create", "--email", "m@example.jp", "--role", "member",
                                 "--org", "999", "--password", "member-Pass-2026"])
    assert result.exit_code != 0 and "999" in result.output


def test_seed_reference_loads_all_rows_and_is_idempotent(app, runner):
    for _ in range(2):
        result = runner.invoke(args=["seed", "reference"])
        assert result.exit_code == 0, result.output
    with app.app_context():
        count = lambda model: db.session.scalar(sa.select(sa.func.count()).select_from(model))  # noqa: E731
        assert count(Prefecture) == 47
        assert count(Municipality) == 1916
        assert count(SuccessionCentre) == 48
        assert db.session.get(Prefecture, "26").name_ja == "京都府"
        assert db.session.get(Municipality, "394122").name_ja == "四万十町"
        non_wards = db.session.scalar(sa.select(sa.func.count()).where(Municipality.kind != "ward"))
        assert non_wards == 1741


def test_seed_demo_is_idempotent_and_prints_accounts(app, runner):
    runner.invoke(args=["seed", "reference"])
    first = runner.invoke(args=["seed", "demo"])
    second = runner.invoke(args=["seed", "demo"])
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    assert "coordinator.kochi@example.jp" in first.output
    with app.app_context():
        emails = db.session.scalars(sa.select(User.email)).all()
        assert len(emails) == len(set(emails))
        assert "admin@example.jp" in emails
