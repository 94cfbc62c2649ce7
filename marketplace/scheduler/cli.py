"""``flask scheduler run``, ``flask digests preview --user EMAIL`` and ``flask digests send [--now]``."""
from __future__ import annotations

import signal
from types import FrameType

import click
from flask import current_app
from flask.cli import AppGroup

from marketplace.extensions import db
from marketplace.models import utcnow

scheduler_cli = AppGroup("scheduler", help="The job scheduler (digests, outbox, expiry, reminders).")
digests_cli = AppGroup("digests", help="Digest emails.")


@scheduler_cli.command("run")
def scheduler_run_command() -> None:
    """Run the scheduler in the foreground until interrupted (SIGINT/SIGTERM)."""
    from marketplace.scheduler import create_scheduler

    scheduler = create_scheduler(current_app._get_current_object())  # type: ignore[attr-defined]

    def stop(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    click.echo("scheduler started: " + ", ".join(job.id for job in scheduler.get_jobs()))
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        if scheduler.running:
            scheduler.shutdown(wait=False)
        click.echo("scheduler stopped")


@digests_cli.command("preview")
@click.option("--user", "email", required=True, help="The user's email address.")
def digests_preview_command(email: str) -> None:
    """Print the digests this user would get if they were built now (nothing is written or sent)."""
    from marketplace.accounts.operations import find_user_by_email
    from marketplace.digests import preview

    user = find_user_by_email(email)
    if user is None:
        raise click.BadParameter(f"no user with email {email}", param_hint="--user")
    composed = preview(user, utcnow())
    if not composed:
        click.echo(f"nothing new for {user.email}")
        return
    for digest in composed:
        click.echo(f"=== {digest.frequency} digest (new since {digest.since.isoformat(timespec='seconds')})")
        click.echo(f"Subject: {digest.subject}")
        click.echo("")
        click.echo(digest.text)


@digests_cli.command("send")
@click.option("--now", "build_now", is_flag=True,
              help="Build the due digests of the current periods first (else only send what is waiting).")
def digests_send_command(build_now: bool) -> None:
    """Send the outbox; with --now, first build every due digest (each period still once per user)."""
    from marketplace.scheduler.jobs import run_digests
    from marketplace.digests import FREQUENCIES
    from marketplace.digests.outbox import send_pending

    now = utcnow()
    if build_now:
        for frequency in FREQUENCIES:
            report = run_digests(frequency, now, force=True)
            if report is None:
                click.echo(f"{frequency}: this period was built already")
            else:
                click.echo(f"{frequency} {report.period}: written {report.written}, already {report.already}, "
                           f"nothing new {report.nothing_new}, errors {report.errors}")
    sent = send_pending()
    db.session.commit()
    click.echo(f"sent {sent.sent}, retrying {sent.retried}, failed {sent.failed}, bounced {sent.bounced}")
