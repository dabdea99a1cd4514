"""Homework on the staff side: the practice library, assignments, adherence."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from tracker.clinician import bp
from tracker.clinician.homework_forms import AssignmentForm, TemplateForm
from tracker.domain import homework as rules
from tracker.domain.policy import can_manage_goals_and_homework, can_manage_homework_library
from tracker.extensions import db
from tracker.forms.fields import problem_text
from tracker.models import HomeworkTemplate
from tracker.services import clients as client_service
from tracker.services import goals as goal_service
from tracker.services import homework as homework_service
from tracker.web import audit, practice_today, translate_service_errors

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


def _save_template(template: HomeworkTemplate, form: TemplateForm, action: str):
    changed = homework_service.save_template(template, form.data)
    audit(action, record_type="homework_template", record_id=template.id, detail=",".join(changed))
    db.session.commit()
    flash(_("Practice saved to the library."), "success")
    return redirect(url_for("clinician.homework_library"))


@bp.route("/homework/new", methods=["GET", "POST"])
def new_template():
    if not can_manage_homework_library(current_user):
        abort(403)
    form = TemplateForm()
    if form.validate_on_submit():
        template = HomeworkTemplate(
            practice_id=current_user.practice_id, created_by_id=current_user.id
        )
        return _save_template(template, form, "homework_template.create")
    return render_template("clinician/homework/template_form.html", form=form, template=None), (
        400 if form.errors else 200
    )


@bp.route("/homework/<int:template_id>/edit", methods=["GET", "POST"])
@translate_service_errors
def edit_template(template_id: int):
    if not can_manage_homework_library(current_user):
        abort(403)
    template = homework_service.get_template(current_user.practice_id, template_id)
    form = TemplateForm(obj=template)
    if form.validate_on_submit():
        return _save_template(template, form, "homework_template.update")
    return render_template("clinician/homework/template_form.html", form=form, template=template), (
        400 if form.errors else 200
    )


# --- a client's homework -------------------------------------------------------------


@bp.route("/clients/<int:client_id>/homework")
@translate_service_errors
def client_homework(client_id: int):
    client = client_service.get_client(current_user, client_id)
    today = practice_today()
    items = homework_service.assignments(client)
    views = homework_service.assignment_views(items, today)
    audit("homework.list", record_type="client", record_id=client.id, client_id=client.id)
    db.session.commit()
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
        form.start_date.data = practice_today()
        template_id = request.args.get("template", type=int)
        if template_id:
            template = homework_service.get_template(client.practice_id, template_id)
            form.template_id.data = str(template.id)
            form.title.data = template.title
            form.instructions.data = template.instructions
            form.recurrence.data = template.suggested_recurrence
        goal_id = request.args.get("goal", type=int)
        if goal_id:
            form.goal_id.data = goal_id
    elif form.validate_on_submit():
        data = dict(form.data)
        data["template_id"] = int(form.template_id.data) if form.template_id.data else None
        try:
            assignment = homework_service.assign(client, current_user, data)
        except homework_service.HomeworkRejected as rejected:
            for name, problem in rejected.problems.items():
                form[name].errors.append(problem_text(problem))
        else:
            audit(
                "homework.assign",
                record_type="homework_assignment",
                record_id=assignment.id,
                client_id=client.id,
            )
            db.session.commit()
            flash(_("Homework assigned. The client sees it in the portal."), "success")
            return redirect(url_for("clinician.client_homework", client_id=client.id))
    return render_template(
        "clinician/homework/assign.html",
        client=client,
        form=form,
        templates=homework_service.templates(client.practice_id),
        labels=LABELS,
    ), (400 if form.errors else 200)


@bp.route("/clients/<int:client_id>/homework/<int:assignment_id>/stop", methods=["POST"])
@translate_service_errors
def stop_homework(client_id: int, assignment_id: int):
    client = client_service.get_client(current_user, client_id, can_manage_goals_and_homework)
    assignment = homework_service.get_assignment(client, assignment_id)
    homework_service.stop(assignment, practice_today())
    audit(
        "homework.stop",
        record_type="homework_assignment",
        record_id=assignment.id,
        client_id=client.id,
    )
    db.session.commit()
    flash(_("Homework stopped. Its history stays."), "success")
    return redirect(url_for("clinician.client_homework", client_id=client.id))
