"""Portal: home, homework, goals and journal for the signed-in client."""

from __future__ import annotations

from flask import abort, g, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from tracker.domain import goals as goal_rules
from tracker.domain import homework as homework_rules
from tracker.domain.instruments import ITEM_INSTRUMENTS
from tracker.domain.journal import VISIBILITY_LABELS
from tracker.models import Client, JournalEntry, Practice
from tracker.portal import bp
from tracker.portal.home_forms import ClientGoalForm, ClientRatingForm, CompleteForm, JournalForm
from tracker.services import Rejected
from tracker.services import goals as goal_service
from tracker.services import homework as homework_service
from tracker.services import journal as journal_service
from tracker.services import portal as portal_service
from tracker.web import (
    audit_fields,
    finish_write,
    form_page,
    practice_today,
    show_problems,
    translate_service_errors,
)

LABELS = {
    "domain": goal_rules.DOMAIN_LABELS,
    "goal_status": goal_rules.STATUS_LABELS,
    "recurrence": homework_rules.RECURRENCE_LABELS,
    "weekday": homework_rules.WEEKDAY_LABELS,
    "visibility": VISIBILITY_LABELS,
}


def own_practice() -> Practice:
    """The signed-in client's practice, loaded once a request: every portal page shows
    its crisis numbers, and pages read its time zone."""
    practice = g.get("portal_practice")
    if practice is None or practice.id != current_user.practice_id:
        practice = g.portal_practice = portal_service.practice_of(current_user)
    return practice


def own_client_record() -> Client:
    """The client record of the signed-in portal account (404 when none is linked)."""
    client = portal_service.own_client(current_user)
    if client is None:
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
    return {"crisis": own_practice().crisis_box}


@bp.route("/")
def home():
    client = portal_service.linked_client(current_user)
    if client is None:
        return render_template("portal/home.html", client=None)
    practice = own_practice()  # held for the request: the time zone below reads it again
    today = practice_today()
    page = portal_service.home_page(client, practice, today)
    return render_template(
        "portal/home.html",
        client=client,
        today=today,
        instruments=ITEM_INSTRUMENTS,
        complete_form=CompleteForm(formdata=None),
        **vars(page),  # the plan, questionnaires due, this week's homework, open goals
    )


# --- homework ------------------------------------------------------------------------


def _homework_page(client: Client, view: homework_service.AssignmentView, today, form, status=200):
    return render_template(
        "portal/homework.html", client=client, view=view, today=today, form=form
    ), status


@bp.route("/homework/<int:assignment_id>")
@translate_service_errors
def show_homework(assignment_id: int):
    client = own_client_record()
    assignment = portal_service.own_assignment(client, assignment_id)
    today = practice_today()
    view = homework_service.assignment_view(assignment, today)
    form = CompleteForm(formdata=None, occurrence=view.next_due or today)
    return _homework_page(client, view, today, form)


@bp.route("/homework/<int:assignment_id>/done", methods=["POST"])
@translate_service_errors
def complete_homework(assignment_id: int):
    client = own_client_record()
    assignment = homework_service.get_assignment(client, assignment_id)
    today = practice_today()
    form = CompleteForm()
    if form.validate_on_submit():
        try:
            entry = homework_service.complete(assignment, **form.completion(), today=today)
        except Rejected as rejected:
            show_problems(form, rejected)
        else:
            return finish_write(
                "homework.complete",
                _("Well done. It is marked as done."),
                url_for("portal.home"),
                **audit_fields(entry, client.id),
            )
    view = homework_service.assignment_view(assignment, today)
    return _homework_page(client, view, today, form, 400)


# --- goals ---------------------------------------------------------------------------


@bp.route("/goals/<int:goal_id>", methods=["GET", "POST"])
@translate_service_errors
def show_goal(goal_id: int):
    client = own_client_record()
    goal = goal_service.get_goal(client, goal_id)
    form = ClientRatingForm()
    if form.validate_on_submit():
        rating = goal_service.add_rating(
            goal, current_user, **form.rating(), rated_on=practice_today(), by_client=True
        )
        return finish_write(
            "goal.rate",
            _("Thank you. Your rating is saved."),
            url_for("portal.show_goal", goal_id=goal.id),
            **audit_fields(rating, client.id),
        )
    chart = goal_service.chart_for(goal)
    return form_page("portal/goal.html", form, client=client, goal=goal, chart=chart)


@bp.route("/goals/new", methods=["GET", "POST"])
def new_goal():
    client = own_client_record()
    form = ClientGoalForm()
    if form.validate_on_submit():
        data = {**form.data, "status": "active"}
        goal = goal_service.create_goal(client, current_user, data, practice_today())
        return finish_write(
            "goal.create",
            _("Your goal is saved. Your therapist will see it too."),
            url_for("portal.show_goal", goal_id=goal.id),
            **audit_fields(goal, client.id),
        )
    return form_page("portal/goal_form.html", form, client=client)


# --- journal -------------------------------------------------------------------------


def _journal_saved(action: str, message: str, client: Client, entry: JournalEntry):
    fields = audit_fields(entry, client.id)
    return finish_write(action, message, url_for("portal.journal"), **fields)


@bp.route("/journal", methods=["GET", "POST"])
def journal():
    client = own_client_record()
    form = JournalForm()
    if form.validate_on_submit():
        entry = journal_service.write(client, current_user, **form.entry())
        return _journal_saved("journal.create", _("Saved to your journal."), client, entry)
    entries = journal_service.own_entries(client, current_user)
    return form_page("portal/journal.html", form, client=client, entries=entries)


@bp.route("/journal/<int:entry_id>", methods=["GET", "POST"])
@translate_service_errors
def edit_journal_entry(entry_id: int):
    client = own_client_record()
    entry = journal_service.get_own_entry(client, current_user, entry_id)
    form = JournalForm(obj=entry)
    if form.validate_on_submit():
        journal_service.edit(entry, **form.entry())
        return _journal_saved("journal.update", _("Journal entry saved."), client, entry)
    return form_page("portal/journal_entry.html", form, client=client, entry=entry)
