"""Portal: home, homework, goals and journal for the signed-in client."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from tracker.domain import goals as goal_rules
from tracker.domain import homework as homework_rules
from tracker.domain.clock import utc_to_local
from tracker.domain.instruments import ITEM_INSTRUMENTS
from tracker.domain.journal import VISIBILITY_LABELS
from tracker.domain.policy import is_portal_owner
from tracker.extensions import db
from tracker.forms.fields import problem_text
from tracker.models import Client, Practice
from tracker.portal import bp
from tracker.portal.home_forms import ClientGoalForm, ClientRatingForm, CompleteForm, JournalForm
from tracker.services import goals as goal_service
from tracker.services import homework as homework_service
from tracker.services import journal as journal_service
from tracker.services import measures as measure_service
from tracker.services import safety_plan as safety_plan_service
from tracker.web import audit, practice_today, translate_service_errors

LABELS = {
    "domain": goal_rules.DOMAIN_LABELS,
    "goal_status": goal_rules.STATUS_LABELS,
    "recurrence": homework_rules.RECURRENCE_LABELS,
    "weekday": homework_rules.WEEKDAY_LABELS,
    "visibility": VISIBILITY_LABELS,
}


def _linked_client() -> Client | None:
    """The client record linked to the signed-in portal account, if any."""
    return db.session.scalar(
        select(Client)
        .where(Client.portal_user_id == current_user.id)
        .options(joinedload(Client.primary_therapist))
    )


def own_client_record() -> Client:
    """The client record of the signed-in portal account (404 when none is linked)."""
    client = _linked_client()
    if client is None or not is_portal_owner(current_user, client):
        abort(404)
    return client


@bp.context_processor
def portal_labels() -> dict:
    return {"labels": LABELS}


@bp.context_processor
def crisis_numbers() -> dict:
    """The crisis box that opens every portal page (portal/base.html)."""
    if not current_user.is_authenticated:
        return {}
    return {"crisis": db.session.get(Practice, current_user.practice_id).crisis_box}


@bp.route("/")
def home():
    client = _linked_client()
    if client is None:
        return render_template("portal/home.html", client=None)
    today = practice_today()
    items = homework_service.assignments(client)
    goals = [g for g in goal_service.goals_for_client(client) if g.status in ("active", "paused")]
    practice = db.session.get(Practice, client.practice_id)
    plan = safety_plan_service.latest_version(client)
    return render_template(
        "portal/home.html",
        client=client,
        plan=safety_plan_service.view_of(plan) if plan else None,
        plan_saved_on=utc_to_local(plan.created_at, practice.timezone).date() if plan else None,
        today=today,
        due_measures=measure_service.due_assignments(client, practice, today),
        instruments=ITEM_INSTRUMENTS,
        week=homework_service.week_plan(items, today),
        goals=goals,
        complete_form=CompleteForm(formdata=None),
    )


# --- homework ------------------------------------------------------------------------


@bp.route("/homework/<int:assignment_id>")
@translate_service_errors
def show_homework(assignment_id: int):
    client = own_client_record()
    assignment = homework_service.get_assignment(client, assignment_id)
    today = practice_today()
    (view,) = homework_service.assignment_views([assignment], today)
    return render_template(
        "portal/homework.html",
        client=client,
        view=view,
        today=today,
        form=CompleteForm(formdata=None, occurrence=view.next_due or today),
    )


@bp.route("/homework/<int:assignment_id>/done", methods=["POST"])
@translate_service_errors
def complete_homework(assignment_id: int):
    client = own_client_record()
    assignment = homework_service.get_assignment(client, assignment_id)
    today = practice_today()
    form = CompleteForm()
    if form.validate_on_submit():
        try:
            entry = homework_service.complete(
                assignment,
                form.occurrence.data,
                reflection=form.reflection.data,
                shared=form.shared.data,
                today=today,
            )
        except homework_service.HomeworkRejected as rejected:
            form.occurrence.errors.append(problem_text(rejected.problems["occurrence"]))
        else:
            audit(
                "homework.complete",
                record_type="homework_entry",
                record_id=entry.id,
                client_id=client.id,
            )
            db.session.commit()
            flash(_("Well done. It is marked as done."), "success")
            return redirect(url_for("portal.home"))
    (view,) = homework_service.assignment_views([assignment], today)
    return render_template(
        "portal/homework.html", client=client, view=view, today=today, form=form
    ), 400


# --- goals ---------------------------------------------------------------------------


@bp.route("/goals/<int:goal_id>", methods=["GET", "POST"])
@translate_service_errors
def show_goal(goal_id: int):
    client = own_client_record()
    goal = goal_service.get_goal(client, goal_id)
    form = ClientRatingForm()
    if form.validate_on_submit():
        rating = goal_service.add_rating(
            goal,
            current_user,
            value=form.value.data,
            comment=form.comment.data,
            rated_on=practice_today(),
            by_client=True,
        )
        audit("goal.rate", record_type="goal_rating", record_id=rating.id, client_id=client.id)
        db.session.commit()
        flash(_("Thank you. Your rating is saved."), "success")
        return redirect(url_for("portal.show_goal", goal_id=goal.id))
    return render_template(
        "portal/goal.html",
        client=client,
        goal=goal,
        chart=goal_service.chart_for(goal),
        form=form,
    ), (400 if form.errors else 200)


@bp.route("/goals/new", methods=["GET", "POST"])
def new_goal():
    client = own_client_record()
    form = ClientGoalForm()
    if form.validate_on_submit():
        data = {**form.data, "status": "active"}
        goal = goal_service.create_goal(client, current_user, data, practice_today())
        audit("goal.create", record_type="integration_goal", record_id=goal.id, client_id=client.id)
        db.session.commit()
        flash(_("Your goal is saved. Your therapist will see it too."), "success")
        return redirect(url_for("portal.show_goal", goal_id=goal.id))
    return render_template("portal/goal_form.html", client=client, form=form), (
        400 if form.errors else 200
    )


# --- journal -------------------------------------------------------------------------


@bp.route("/journal", methods=["GET", "POST"])
def journal():
    client = own_client_record()
    form = JournalForm()
    if form.validate_on_submit():
        entry = journal_service.write(
            client,
            current_user,
            title=form.title.data,
            body=form.body.data,
            visibility=form.visibility.data,
        )
        audit(
            "journal.create",
            record_type="journal_entry",
            record_id=entry.id,
            client_id=client.id,
        )
        db.session.commit()
        flash(_("Saved to your journal."), "success")
        return redirect(url_for("portal.journal"))
    return render_template(
        "portal/journal.html",
        client=client,
        form=form,
        entries=journal_service.own_entries(client, current_user),
    ), (400 if form.errors else 200)


@bp.route("/journal/<int:entry_id>", methods=["GET", "POST"])
@translate_service_errors
def edit_journal_entry(entry_id: int):
    client = own_client_record()
    entry = journal_service.get_own_entry(client, current_user, entry_id)
    form = JournalForm(obj=entry)
    if form.validate_on_submit():
        entry.title = (form.title.data or "").strip() or None
        entry.body = form.body.data.strip()
        journal_service.set_visibility(entry, form.visibility.data)
        audit(
            "journal.update",
            record_type="journal_entry",
            record_id=entry.id,
            client_id=client.id,
        )
        db.session.commit()
        flash(_("Journal entry saved."), "success")
        return redirect(url_for("portal.journal"))
    return render_template("portal/journal_entry.html", client=client, form=form, entry=entry), (
        400 if form.errors else 200
    )
