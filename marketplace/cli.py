"""Command-line interface: ``flask users ...`` and ``flask seed ...``."""
from __future__ import annotations

import click
import sqlalchemy as sa
from flask import Flask
from flask.cli import AppGroup

from marketplace.extensions import db
from marketplace.models import Organisation, Role, User
from marketplace.accounts import operations as accounts, two_factor
from marketplace.organisations import operations as organisations
from marketplace.seeding import reference
from marketplace.core.domain_errors import DomainError

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
    if two_factor.required_for(user):
        click.echo(
            "This role signs in with a second factor: at the first login the user is sent to the\n"
            "enrolment page (/auth/security/two-factor/setup) to register an authenticator app\n"
            "(e.g. Google Authenticator) and is given single-use recovery codes to keep safe."
        )


@users_cli.command("reset-2fa")
@click.option("--email", required=True)
def reset_two_factor_command(email: str) -> None:
    """Forget a user's authenticator and recovery codes (lost phone) and end their sessions."""
    user = accounts.find_user_by_email(email)
    if user is None:
        raise click.BadParameter(f"no user with email {email}", param_hint="--email")
    two_factor.clear(user)
    from marketplace.accounts import sessions

    sessions.end_all(user)
    db.session.commit()
    click.echo(f"second factor reset for user {user.id}; they enrol again at their next login")


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
    from marketplace.seeding.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, demo_counts, load_demo

    accounts_made = load_demo()
    db.session.commit()
    from marketplace.scheduler.jobs import settle_fresh_database

    settle_fresh_database()  # the first `make run` must not mail every demo person a digest at start
    click.echo("Demo data: " + ", ".join(f"{name} {count}" for name, count in demo_counts().items()))
    click.echo("Demo accounts (password for all: %s):" % DEMO_PASSWORD)
    for email, role in accounts_made:
        click.echo(f"  {role:<12} {email}")
    click.echo(
        f"Coordinators and admins also give a one-time code: add the TOTP secret {DEMO_TOTP_SECRET}\n"
        "to an authenticator app, or print the current code with\n"
        f"  .venv/bin/python -c \"import pyotp; print(pyotp.TOTP('{DEMO_TOTP_SECRET}').now())\"\n"
        "(demo data only: real accounts register their own app at first login)."
    )


@seed_cli.command("pipeline")
def seed_pipeline_command() -> None:
    """Move some demo suggestions through the pipeline (after `flask match refresh`; idempotent)."""
    from marketplace.seeding.demo_pipeline import advance_demo_matches

    counts = advance_demo_matches()
    db.session.commit()
    if counts:
        click.echo("Demo matches by stage: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    else:
        click.echo("Demo matches already moved along (or no suggestions yet): nothing to do.")


@seed_cli.command("scale")
@click.option("--candidates", default=10_000, show_default=True, type=click.IntRange(0),
              help="Total candidates wanted (demo ones included).")
@click.option("--postings", "postings_total", default=2_000, show_default=True, type=click.IntRange(0),
              help="Total postings wanted (demo ones included); the added ones are published.")
@click.option("--coordinators", default=20, show_default=True, type=click.IntRange(0),
              help="Load-test coordinators load-coordinator-NN@example.jp (demo password and TOTP secret).")
def seed_scale_command(candidates: int, postings_total: int, coordinators: int) -> None:
    """Add synthetic candidates, postings and coordinators for load tests (after `flask seed demo`)."""
    from marketplace.seeding.demo_scale import scale_demo

    report = scale_demo(candidates, postings_total, coordinators)
    db.session.commit()
    click.echo(f"added {report.candidates_added} candidates, {report.organisations_added} organisations, "
               f"{report.postings_added} postings, {report.coordinators_added} coordinators "
               f"in {report.seconds} s")


def register_cli(app: Flask) -> None:
    """Attach the command groups to ``app``."""
    app.cli.add_command(users_cli)
    app.cli.add_command(seed_cli)
    app.cli.add_command(match_cli)
    app.cli.add_command(audit_cli)
    app.cli.add_command(mail_cli)
    from marketplace.scheduler.cli import digests_cli, scheduler_cli

    app.cli.add_command(scheduler_cli)
    app.cli.add_command(digests_cli)


match_cli = AppGroup("match", help="Matching engine.")


@match_cli.command("refresh")
def match_refresh_command() -> None:
    """Refit the engine on all current data and store the top suggestions for every posting."""
    from marketplace.suggestions.bridge import refresh_all

    with click.progressbar(length=1, label="Scoring postings", show_pos=True) as bar:
        def progress(done: int, total: int) -> None:
            bar.length = total
            bar.update(done - bar.pos)

        written = refresh_all(progress)
    db.session.commit()
    click.echo(f"stored {written} suggestions")


@match_cli.command("worker")
@click.option("--once", is_flag=True, help="Drain the queue of this matcher's share, then exit.")
def match_worker_command(once: bool) -> None:
    """Run a matcher: own a share of the schemes' engines and keep their suggestions fresh.

    Start one or more beside the web processes (MATCHER_* settings); stop with SIGTERM.
    """
    from flask import current_app

    from marketplace.suggestions.matcher import Matcher

    matcher = Matcher.from_config(current_app.config)
    if once:
        try:
            applied = matcher.drain()
        finally:
            matcher.release_all()
        click.echo(f"applied {applied} changes")
        return
    matcher.run(poll_seconds=float(current_app.config["MATCHER_POLL_SECONDS"]))


@match_cli.command("drain")
def match_drain_command() -> None:
    """Apply every queued change in this process (all schemes), then exit."""
    from marketplace.suggestions.matcher import drain_all

    click.echo(f"applied {drain_all()} changes")


audit_cli = AppGroup("audit", help="Personal-data records (APPI).")


@audit_cli.command("affected")
@click.option("--since", required=True, help="ISO date or time (UTC), e.g. 2026-11-01 or 2026-11-01T09:00")
@click.option("--field", required=True, help="display_name, email, phone, profile or firm_identity")
def audit_affected_command(since: str, field: str) -> None:
    """List who was affected by an exposure of FIELD since SINCE (disclosures and views), as CSV."""
    import csv
    import sys
    from datetime import UTC, datetime

    from marketplace.privacy import records as privacy
    from marketplace.core.domain_errors import DomainError

    try:
        moment = datetime.fromisoformat(since)
    except ValueError:
        raise click.BadParameter("use an ISO date such as 2026-11-01", param_hint="--since") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        rows = privacy.affected(moment, field)
    except DomainError as exc:
        raise click.BadParameter(exc.message, param_hint="--field") from None
    writer = csv.writer(sys.stdout)
    writer.writerow(["subject", "recipient", "at", "how"])
    for row in rows:
        writer.writerow([row.subject, row.recipient, row.at.isoformat(), row.how])
    click.echo(f"{len({r.subject for r in rows})} people affected, {len(rows)} records", err=True)


mail_cli = AppGroup("mail", help="Outgoing mail: bounces and pauses.")


@mail_cli.command("unbounce")
@click.argument("address")
def mail_unbounce_command(address: str) -> None:
    """Send to ADDRESS again (forget that it bounced)."""
    from marketplace.digests import outbox

    if not outbox.unbounce(address):
        raise click.ClickException(f"{address} is not recorded as bouncing")
    db.session.commit()
    click.echo(f"{address} will receive mail again")


@mail_cli.command("resume")
def mail_resume_command() -> None:
    """Resume sending after a pause (relay/policy refusal or a batch of refusals)."""
    from marketplace.digests import outbox

    if not outbox.resume():
        click.echo("sending was not paused")
        return
    db.session.commit()
    click.echo("sending resumed; the held messages leave with the next run")


@mail_cli.command("status")
def mail_status_command() -> None:
    """Print whether sending is paused, and the bouncing addresses."""
    from marketplace.models import BouncedAddress
    from marketplace.digests import outbox

    paused = outbox.active_pause()
    click.echo(f"paused since {paused.created_at:%Y-%m-%d %H:%M} UTC: {paused.reason} {paused.detail}"
               if paused else "sending")
    for row in db.session.scalars(sa.select(BouncedAddress).order_by(BouncedAddress.address)):
        click.echo(f"bounced\t{row.address}\t{row.code}\t{row.reason}")
