"""Sessions planned ahead (plan, start, cancel) and the person's calendar feed address."""

from __future__ import annotations

from datetime import time, timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from tracker.clinician import bp
from tracker.clinician.planning_forms import PlanForm
from tracker.clinician.sessions import session_url
from tracker.domain import sessions as rules
from tracker.domain.clock import utc_to_local
from tracker.domain.policy import can_document_sessions
from tracker.extensions import db
from tracker.i18n import format_local_datetime
from tracker.models import Practice
from tracker.models.base import utcnow
from tracker.services import Rejected, calendar_feeds, planning
from tracker.services import clients as client_service
from tracker.services import sessions as session_service
from tracker.web import (
    audit,
    audit_fields,
    current_practice,
    finish_write,
    show_problems,
    translate_service_errors,
)


def _planned_url(client) -> str:
    return url_for("clinician.show_client", client_id=client.id, _anchor="planned")


def _prefill(form: PlanForm, client, practice: Practice) -> None:
    """Tomorrow at the next full hour, as the course proposes it (phase, modality,
    setting, duration); a ``phase`` in the address (from Today) comes first."""
    now = utc_to_local(utcnow(), practice.timezone)
    form.session_date.data = now.date() + timedelta(days=1)
    form.start_time.data = time(min(now.hour + 1, 23), 0)
    form.duration_minutes.data = 60
    form.setting.data = rules.Setting.IN_PERSON.value
    for name, value in session_service.proposed_defaults(client).items():
        if name in form:
            form[name].data = value
    if request.args.get("phase") in rules.PHASE_LABELS:
        form.phase.data = request.args["phase"]


@bp.route("/clients/<int:client_id>/plans/new", methods=["GET", "POST"])
@translate_service_errors
def plan_session(client_id: int):
    client = client_service.get_client(current_user, client_id, can_document_sessions)
    practice = current_practice()
    form = PlanForm(zone_name=practice.timezone)
    if request.method == "GET":
        _prefill(form, client, practice)
    elif form.validate_on_submit():
        data = form.values(planning.PLAN_FIELDS)
        try:
            plan = planning.plan_session(client, current_user, practice, data, utcnow())
        except Rejected as rejected:
            show_problems(form, rejected)
        else:
            when = format_local_datetime(plan.starts_at, practice.timezone)
            return finish_write(
                "planned_session.create",
                _("Session planned for %(when)s.", when=when),
                _planned_url(client),
                **audit_fields(plan, client.id),
            )
    return render_template(
        "clinician/plans/form.html", client=client, form=form, fold_choice=form.offers_fold()
    ), (400 if form.errors else 200)


@bp.route("/clients/<int:client_id>/plans/<int:plan_id>/start", methods=["POST"])
@translate_service_errors
def start_planned_session(client_id: int, plan_id: int):
    """The planned session begins: it becomes a draft, and the note is written next."""
    client = client_service.get_client(current_user, client_id, can_document_sessions)
    plan = planning.get_plan(client, plan_id)
    try:
        session = planning.start_plan(client, plan, current_user)
    except planning.AlreadyStarted as started:
        db.session.rollback()
        flash(_("This planned session has already been started."), "info")
        if started.session_id is None:
            return redirect(_planned_url(client))
        return redirect(
            url_for("clinician.show_session", client_id=client.id, session_id=started.session_id)
        )
    return finish_write(
        "session.create",
        _("Session started as a draft: write the note."),
        _where_the_note_is_written(session),
        **audit_fields(session, client.id, f"plan={plan.id}"),
    )


def _where_the_note_is_written(session) -> str:
    """A medicine session's page has its note in place; any other note has its form."""
    if rules.is_dosing_session(session.modality, session.phase):
        return session_url(session)
    return url_for("clinician.edit_session", client_id=session.client_id, session_id=session.id)


@bp.route("/clients/<int:client_id>/plans/<int:plan_id>/cancel", methods=["POST"])
@translate_service_errors
def cancel_planned_session(client_id: int, plan_id: int):
    client = client_service.get_client(current_user, client_id, can_document_sessions)
    plan = planning.get_plan(client, plan_id)
    try:
        planning.cancel_plan(plan)
    except planning.AlreadyStarted:
        db.session.rollback()
        flash(_("This planned session has been started: it is a session now."), "info")
        return redirect(_planned_url(client))
    return finish_write(
        "planned_session.cancel",
        _("The planned session is cancelled."),
        _planned_url(client),
        record_type="planned_session",
        record_id=plan_id,
        client_id=client.id,
    )


# --- the calendar feed address ----------------------------------------------------


@bp.route("/calendar-feed", methods=["GET", "POST"])
def calendar_feed():
    """Make or replace the secret address of one's calendar feed (shown once), or see
    whether there is one."""
    address = None
    if request.method == "POST":  # CSRFProtect has checked the token
        feed, secret = calendar_feeds.issue_feed(current_user)
        audit("calendar_feed.issue", record_type="calendar_feed", record_id=feed.id)
        db.session.commit()
        address = url_for("feeds.calendar", secret=secret, _external=True)
    return render_template(
        "clinician/plans/calendar_feed.html",
        feed=calendar_feeds.feed_of(current_user),
        address=address,
        tz=current_practice().timezone,
    )


@bp.route("/calendar-feed/revoke", methods=["POST"])
def revoke_calendar_feed():
    feed_id = calendar_feeds.revoke_feed(current_user)
    to = url_for("clinician.calendar_feed")
    if feed_id is None:
        return redirect(to)
    return finish_write(
        "calendar_feed.revoke",
        _("The feed address no longer works. Remove the calendar from your app."),
        to,
        record_type="calendar_feed",
        record_id=feed_id,
    )
