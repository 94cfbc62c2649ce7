"""Command-line interface: ``flask users ...`` and ``flask seed ...``."""
from __future__ import annotations

import click
import sqlalchemy as sa
from flask import Flask
from flask.cli import AppGroup

from marketplace.extensions import db
from marketplace.models import Organisation, Role, User
from marketplace.services import accounts, organisations, reference
from marketplace.services.errors import DomainError

users_cli = AppGroup("users", help="Manage user accounts.")
seed_cli = AppGroup("seed", help="Load reference and demo data.")


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--role", "role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--org", "org_id", type=int, help="Organisation id (members).")
@click.option("--scheme", "schemes", multiple=True, help="Scheme code of a coordinator's area (repeatable).")
@click.option("--prefecture", "prefectures", multiple=True, help="JIS prefecture code (repeatable).")
@click.option("--name", "display_name", default="")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def create_user_command(
    email: str, role: str, org_id: int | None, schemes: tuple[str, ...],
    prefectures: tuple[str, ...], display_name: str, password: str,
) -> None:
    """Create a verified account; a coordinator's area is every --scheme × every --prefecture."""
    role_enum = Role(role)
    organisation = None
    if org_id is not None:
        organisation = db.session.get(Organisation, org_id)
        if organisation is None:
            raise click.BadParameter(f"no organisation with id {org_id}", param_hint="--org")
    if role_enum == Role.COORDINATOR and not (schemes and prefectures):
        raise click.UsageError("a coordinator needs at least one --scheme and one --prefecture")
    if role_enum != Role.COORDINATOR and (schemes or prefectures):
        raise click.UsageError("--scheme/--prefecture apply to coordinators only")
    try:
        user = accounts.create_user(
            email, password, role_enum, display_name=display_name, organisation=organisation, verified=True
        )
        if role_enum == Role.COORDINATOR:
            organisations.set_coordinator_area(None, user, organisations.parse_area(schemes, prefectures))
    except DomainError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from exc
    db.session.commit()
    click.echo(f"created user {user.id} ({user.role.value}) {user.email}")


@users_cli.command("list")
def list_users_command() -> None:
    """Print every account: id, role, email, organisation."""
    for user in db.session.scalars(sa.select(User).order_by(User.id)):
        click.echo(f"{user.id}\t{user.role.value}\t{user.email}\t{user.organisation_id or ''}")


@seed_cli.command("reference")
def seed_reference_command() -> None:
    """Load prefectures, municipalities and succession centres (idempotent)."""
    report = reference.load_reference()
    db.session.commit()
    click.echo(
        f"prefectures: {report.prefectures}, municipalities: {report.municipalities}, "
        f"succession centres: {report.succession_centres}"
    )


@seed_cli.command("demo")
def seed_demo_command() -> None:
    """Create the demo organisations and accounts (idempotent) and print how to log in."""
    from marketplace.services.demo import DEMO_PASSWORD, demo_counts, load_demo

    accounts_made = load_demo()
    db.session.commit()
    click.echo("Demo data: " + ", ".join(f"{name} {count}" for name, count in demo_counts().items()))
    click.echo("Demo accounts (password for all: %s):" % DEMO_PASSWORD)
    for email, role in accounts_made:
        click.echo(f"  {role:<12} {email}")


@seed_cli.command("pipeline")
def seed_pipeline_command() -> None:
    """Move some demo suggestions through the pipeline (after `flask match refresh`; idempotent)."""
    from marketplace.services.demo_pipeline import advance_demo_matches

    counts = advance_demo_matches()
    db.session.commit()
    if counts:
        click.echo("Demo matches by stage: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    else:
        click.echo("Demo matches already moved along (or no suggestions yet): nothing to do.")


def register_cli(app: Flask) -> None:
    """Attach the command groups to ``app``."""
    app.cli.add_command(users_cli)
    app.cli.add_command(seed_cli)
    app.cli.add_command(match_cli)


match_cli = AppGroup("match", help="Matching engine.")


@match_cli.command("refresh")
def match_refresh_command() -> None:
    """Refit the engine on all current data and store the top suggestions for every posting."""
    from marketplace.services.suggestions import refresh_all

    with click.progressbar(length=1, label="Scoring postings", show_pos=True) as bar:
        def progress(done: int, total: int) -> None:
            bar.length = total
            bar.update(done - bar.pos)

        written = refresh_all(progress)
    db.session.commit()
    click.echo(f"stored {written} suggestions")
