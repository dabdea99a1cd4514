"""Homework on the staff side: the practice library, assignments, adherence."""

from __future__ import annotations

from flask import abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from tracker.clinician import bp
from tracker.clinician.homework_forms import AssignmentForm, TemplateForm
from tracker.domain import homework as rules
from tracker.domain.policy import can_manage_goals_and_homework, can_manage_homework_library
from tracker.models import Client, HomeworkAssignment, HomeworkTemplate
from tracker.services import Rejected
from tracker.services import clients as client_service
from tracker.services import goals as goal_service
from tracker.services import homework as homework_service
from tracker.web import (
    audit_fields,
    finish_write,
    form_page,
    practice_today,
    record_view,
    show_problems,
    translate_service_errors,
)

LABELS = {
    "category": rules.CATEGORY_LABELS,
    "recurrence": rules.RECURRENCE_LABELS,
    "weekday": rules.WEEKDAY_LABELS,
    "status": rules.ASSIGNMENT_STATUS_LABELS,
}


# --- the library ---------------------------------------------------------------------


@bp.route("/homework")
def homework_library():
    return render_template(
        "clinician/homework/library.html",
        templates=homework_service.templates(current_user.practice_id, include_inactive=True),
        labels=LABELS,
        may_edit=can_manage_homework_library(current_user),
    )


def _template_form(template: HomeworkTemplate | None, action: str):
    """The library practice's form; saving it returns to the library."""
    form = TemplateForm(obj=template)
    if not form.validate_on_submit():
        return form_page("clinician/homework/template_form.html", form, template=template)
    template = template or HomeworkTemplate(
        practice_id=current_user.practice_id, created_by_id=current_user.id
    )
    changed = homework_service.save_template(template, form.data)
    return finish_write(
        action,
        _("Practice saved to the library."),
        url_for("clinician.homework_library"),
        record_type="homework_template",
        record_id=template.id,
        detail=",".join(changed),
    )


@bp.route("/homework/new", methods=["GET", "POST"])
def new_template():
    if not can_manage_homework_library(current_user):
        abort(403)
    return _template_form(None, "homework_template.create")


@bp.route("/homework/<int:template_id>/edit", methods=["GET", "POST"])
@translate_service_errors
def edit_template(template_id: int):
    if not can_manage_homework_library(current_user):
        abort(403)
    template = homework_service.get_template(current_user.practice_id, template_id)
    return _template_form(template, "homework_template.update")


# --- a client's homework -------------------------------------------------------------


def _homework_url(client: Client) -> str:
    return url_for("clinician.client_homework", client_id=client.id)


def _assignment_saved(action: str, message: str, client: Client, assignment: HomeworkAssignment):
    """The end of a change to an assignment: back to the client's homework."""
    fields = audit_fields(assignment, client.id)
    return finish_write(action, message, _homework_url(client), **fields)


@bp.route("/clients/<int:client_id>/homework")
@translate_service_errors
def client_homework(client_id: int):
    client = client_service.get_client(current_user, client_id)
    today = practice_today()
    items = homework_service.assignments(client)
    views = homework_service.assignment_views(items, today)
    record_view("homework.list", **audit_fields(client, client.id))
    return render_template(
        "clinician/homework/client.html",
        client=client,
        views=views,
        overall=rules.combined_adherence(view.adherence for view in views),
        feed=homework_service.activity_feed(client, items),
        labels=LABELS,
        may_manage=can_manage_goals_and_homework(current_user, client),
    )


@bp.route("/clients/<int:client_id>/homework/new", methods=["GET", "POST"])
@translate_service_errors
def assign_homework(client_id: int):
    client = client_service.get_client(current_user, client_id, can_manage_goals_and_homework)
    form = AssignmentForm(goals=goal_service.goal_titles(client))
    if request.method == "GET":
        template_id = request.args.get("template", type=int)
        template = (
            homework_service.get_template(client.practice_id, template_id) if template_id else None
        )
        form.start_from(practice_today(), template, request.args.get("goal", type=int))
    elif form.validate_on_submit():
        try:
            assignment = homework_service.assign(client, current_user, form.assignment())
        except Rejected as rejected:
            show_problems(form, rejected)
        else:
            message = _("Homework assigned. The client sees it in the portal.")
            return _assignment_saved("homework.assign", message, client, assignment)
    templates = homework_service.templates(client.practice_id)
    return form_page(
        "clinician/homework/assign.html", form, client=client, templates=templates, labels=LABELS
    )


@bp.route("/clients/<int:client_id>/homework/<int:assignment_id>/stop", methods=["POST"])
@translate_service_errors
def stop_homework(client_id: int, assignment_id: int):
    client = client_service.get_client(current_user, client_id, can_manage_goals_and_homework)
    assignment = homework_service.get_assignment(client, assignment_id)
    homework_service.stop(assignment, practice_today())
    message = _("Homework stopped. Its history stays.")
    return _assignment_saved("homework.stop", message, client, assignment)
