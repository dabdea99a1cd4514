"""``flask --app tracker …`` commands: accounts, demo data, keys, housekeeping."""

from __future__ import annotations

import os
import time
from pathlib import Path

import click
from flask import Flask, current_app
from sqlalchemy import select

from tracker.domain.passwords import password_problem
from tracker.domain.policy import Role
from tracker.extensions import db


def register(app: Flask) -> None:
    for command in (create_user, seed_demo, rotate_data_key, purge_expired, report, send_outbox):
        app.cli.add_command(command)


@click.command("create-user")
@click.argument("email")
@click.option("--role", type=click.Choice([Role.ADMIN.value, Role.THERAPIST.value]), required=True)
@click.option("--name", required=True, help="Full name as shown to colleagues.")
@click.option("--credentials", default="", help="For signature blocks, e.g. 'LMFT'.")
@click.option(
    "--practice",
    "practice_name",
    default=None,
    help="Practice name; created if absent. Default: the only practice.",
)
def create_user(email: str, role: str, name: str, credentials: str, practice_name: str | None):
    """Create an account. Password from TRACKER_PASSWORD or a prompt."""
    from tracker.models import Practice
    from tracker.services import accounts

    password = os.environ.get("TRACKER_PASSWORD") or click.prompt(
        "Password", hide_input=True, confirmation_prompt=True
    )
    problem = password_problem(password, email=email)
    if problem:
        raise click.ClickException(problem.message % problem.params)
    practices = list(db.session.scalars(select(Practice)))
    if practice_name:
        practice = next((p for p in practices if p.name == practice_name), None)
        if practice is None:
            practice = Practice(name=practice_name)
            db.session.add(practice)
            db.session.flush()
    elif len(practices) == 1:
        practice = practices[0]
    elif not practices:
        practice = Practice(name="My Practice")
        db.session.add(practice)
        db.session.flush()
    else:
        raise click.ClickException("several practices exist: name one with --practice")
    from tracker.services import homework as homework_service

    homework_service.seed_library(practice)  # a practice starts with the library
    try:
        user = accounts.create_user(
            practice_id=practice.id,
            email=email,
            name=name,
            role=role,
            credentials=credentials,
            password=password,
        )
    except accounts.AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"Created {role} account {user.email} (id {user.id}) in practice {practice.id}.")


@click.command("seed-demo")
@click.option(
    "--clients",
    "extra_clients",
    type=click.IntRange(min=0),
    default=0,
    help="Add this many generated clients (for benchmarks).",
)
@click.option(
    "--sessions-per-client",
    type=click.IntRange(min=0),
    default=0,
    help="Give each generated client this many sessions.",
)
@click.option("--quiet", is_flag=True, help="Do not print the demo sign-ins.")
def seed_demo(extra_clients: int, sessions_per_client: int, quiet: bool):
    """Create the demo practice (idempotent); optionally a large generated data set."""
    from tracker import demo

    started = time.perf_counter()
    try:
        practice, created = demo.seed_demo(env_name=current_app.config["ENV_NAME"])
    except demo.SeedRefused as exc:
        raise click.ClickException(str(exc)) from exc
    added = demo.seed_bulk_clients(practice, extra_clients) if extra_clients else 0
    sessions = demo.seed_bulk_sessions(practice, sessions_per_client) if sessions_per_client else 0
    db.session.commit()
    elapsed = time.perf_counter() - started
    if created:
        click.echo(f"Demo practice created ({elapsed:.1f} s).")
    else:
        click.echo("Demo practice already present; left as it is.")
    if added or sessions:
        click.echo(
            f"Added {added} generated clients and {sessions} sessions "
            f"({time.perf_counter() - started:.1f} s)."
        )
    if not quiet:
        click.echo(f"Demo sign-ins (password for all: {demo.DEMO_PASSWORD}):")
        for account in demo.DEMO_ACCOUNTS:
            click.echo(f"  {account.email:<24} {account.role.value}")


@click.command("rotate-data-key")
def rotate_data_key():
    """Re-encrypt every encrypted column under the newest key of the key ring.

    Put the new key first in the ring (keeping the old ones), run this, then the
    old keys can be removed.
    """
    from sqlalchemy import Text, literal

    from tracker.crypto import field_cipher
    from tracker.models import Base
    from tracker.models.base import EncryptedText

    total = 0
    for table in Base.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, EncryptedText)]
        if not columns:
            continue
        (pk,) = table.primary_key.columns
        # Cast to plain Text so we read (and write back) ciphertext, not plaintext.
        for row in db.session.execute(select(pk, *[c.cast(Text) for c in columns])):
            values = {
                column.name: literal(field_cipher.rotate(stored), Text)
                for column, stored in zip(columns, row[1:], strict=True)
                if stored is not None
            }
            if values:
                db.session.execute(table.update().where(pk == row[0]).values(values))
                total += 1
    db.session.commit()
    click.echo(f"Re-encrypted {total} rows.")


@click.command("purge-expired")
def purge_expired():
    """Delete kept submissions and report batch ZIPs older than their lifetime."""
    from tracker.services import pending, report_batches

    count = pending.purge_expired(current_app.config["PENDING_SUBMISSION_LIFETIME"])
    zips = report_batches.purge_old_zips(current_app.config["REPORT_BATCH_LIFETIME"])
    db.session.commit()
    click.echo(f"Deleted {count} expired kept submissions and {zips} old report batch ZIPs.")


@click.command("report")
@click.argument("client_id", type=int)
@click.option(
    "--from",
    "period_start",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="First day of the period (YYYY-MM-DD). Default: the start of the course.",
)
@click.option(
    "--to",
    "period_end",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Last day of the period (YYYY-MM-DD). Default: today.",
)
@click.option(
    "--kind",
    type=click.Choice(["clinical", "client"]),
    default="clinical",
    show_default=True,
    help="clinical: for the care team; client: the client's own summary.",
)
@click.option(
    "--include-measures", is_flag=True, help="Client summary: add the questionnaire trends."
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    required=True,
    help="The PDF file to write.",
)
def report(
    client_id: int,
    period_start,
    period_end,
    kind: str,
    include_measures: bool,
    output: Path,
):
    """Print one client's progress report to a PDF file, signed by their primary
    therapist (recorded and audited like a report printed in the app)."""
    from flask_babel import force_locale

    from tracker.domain import reports as rules
    from tracker.models import Client, User
    from tracker.printing import reports as report_printing
    from tracker.printing.pdf import RenderError
    from tracker.services import audit as audit_service
    from tracker.services import report_batches as batch_service
    from tracker.services import reports as report_service
    from tracker.settings import user_locale

    client = db.session.get(Client, client_id)
    if client is None:
        raise click.ClickException(f"there is no client with id {client_id}")
    therapist = db.session.get(User, client.primary_therapist_id)
    end = period_end.date() if period_end else batch_service.practice_today(therapist)
    start = (
        period_start.date() if period_start else report_service.default_period(client, end).start
    )
    if start > end:
        raise click.BadParameter(
            f"{start} is after the end of the period ({end})", param_hint="--from"
        )
    request = report_service.ReportRequest(
        kind=kind, period=rules.Period(start, end), include_measures=include_measures
    )
    try:
        with force_locale(user_locale(therapist)):
            rendered = report_printing.generate(
                client, request, therapist, batch_service.practice_today(therapist)
            )
    except RenderError as exc:
        raise click.ClickException(f"the report could not be produced: {exc}") from None
    output.write_bytes(rendered.pdf)
    audit_service.record(
        "report.generate",
        actor=None,
        ip_address=None,
        practice_id=client.practice_id,
        record_type="report",
        record_id=rendered.report.id,
        client_id=client.id,
        detail=f"kind={kind},cached={int(rendered.report.from_cache)},via=cli",
    )
    db.session.commit()
    click.echo(
        f"Wrote the {kind} report of {rules.client_number(client.id)} ({start} to {end}, "
        f"{rendered.report.pages} pages) to {output}."
    )


@click.command("send-outbox")
def send_outbox():
    """Plan the client reminders whose time has come, escalate the safety alerts that
    are due, then send the messages that are due.

    Run it every minute (systemd timer or cron, see deploy/systemd/). Prints counts
    only, never addresses; overlapping runs never send a message twice.
    """
    from sqlalchemy.exc import IntegrityError

    from tracker import delivery
    from tracker.models.base import utcnow
    from tracker.services import reminders

    planned = reminders.plan_reminders(utcnow())
    try:
        db.session.commit()
    except IntegrityError:
        # An overlapping run wrote the same reminder first (its outbox key is unique):
        # this run's are dropped whole, and the next run plans whatever is still due.
        db.session.rollback()
        planned = 0
    summary = delivery.run_once().summary()
    click.echo(f"Planned {planned} reminder(s). {summary}" if planned else summary)
