"""Integration goals on the staff side: list, create, edit, rate, trajectory."""

from __future__ import annotations

from flask import render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from tracker.clinician import bp
from tracker.clinician.family_forms import GoalLinkForm
from tracker.clinician.goal_forms import GoalForm, RatingForm
from tracker.domain import goals as goal_rules
from tracker.domain.genogram import RESILIENCE_EVENT_LABELS, TRAUMA_EVENT_LABELS
from tracker.domain.goals import COMPARISON_LABELS
from tracker.domain.instruments import ITEM_INSTRUMENTS
from tracker.domain.policy import can_manage_goals_and_homework
from tracker.models import Client, IntegrationGoal
from tracker.services import clients as client_service
from tracker.services import family as family_service
from tracker.services import goals as goal_service
from tracker.services import homework as homework_service
from tracker.web import (
    audit_fields,
    finish_write,
    form_page,
    practice_today,
    record_view,
    translate_service_errors,
)

LABELS = {"domain": goal_rules.DOMAIN_LABELS, "status": goal_rules.STATUS_LABELS}
EVENT_LABELS = {**TRAUMA_EVENT_LABELS, **RESILIENCE_EVENT_LABELS}


def _goal_url(goal: IntegrationGoal) -> str:
    return url_for("clinician.show_goal", client_id=goal.client_id, goal_id=goal.id)


def _goal_saved(action: str, message: str, client: Client, goal: IntegrationGoal, detail: str = ""):
    """The end of a change to a goal: back to the goal's page."""
    return finish_write(action, message, _goal_url(goal), **audit_fields(goal, client.id, detail))


@bp.route("/clients/<int:client_id>/goals")
@translate_service_errors
def list_goals(client_id: int):
    client = client_service.get_client(current_user, client_id)
    goals = goal_service.goals_for_client(client)
    record_view("goal.list", **audit_fields(client, client.id))
    return render_template(
        "clinician/goals/list.html",
        client=client,
        goals=goals,
        charts={goal.id: goal_service.chart_for(goal) for goal in goals},
        labels=LABELS,
        may_manage=can_manage_goals_and_homework(current_user, client),
    )


@bp.route("/clients/<int:client_id>/goals/new", methods=["GET", "POST"])
@translate_service_errors
def new_goal(client_id: int):
    client = client_service.get_client(current_user, client_id, can_manage_goals_and_homework)
    form = GoalForm()
    if form.validate_on_submit():
        goal = goal_service.create_goal(client, current_user, form.data, practice_today())
        return _goal_saved("goal.create", _("Goal added."), client, goal)
    return form_page("clinician/goals/form.html", form, client=client, goal=None)


@bp.route("/clients/<int:client_id>/goals/<int:goal_id>/edit", methods=["GET", "POST"])
@translate_service_errors
def edit_goal(client_id: int, goal_id: int):
    client = client_service.get_client(current_user, client_id, can_manage_goals_and_homework)
    goal = goal_service.get_goal(client, goal_id)
    form = GoalForm(obj=goal)
    if form.validate_on_submit():
        changed = goal_service.apply_goal_fields(goal, form.data, practice_today())
        return _goal_saved("goal.update", _("Goal saved."), client, goal, detail=",".join(changed))
    return form_page("clinician/goals/form.html", form, client=client, goal=goal)


def _goal_page(
    client: Client, goal: IntegrationGoal, rating_form: RatingForm | None = None, status=200
):
    """The goal's page; its forms (rating, family link) only for those who may use them."""
    may_manage = can_manage_goals_and_homework(current_user, client)
    if may_manage and rating_form is None:
        rating_form = RatingForm(formdata=None, sessions=goal_service.rating_sessions(client))
    return (
        render_template(
            "clinician/goals/show.html",
            client=client,
            goal=goal,
            chart=goal_service.chart_for(goal),
            homework=homework_service.assignment_views(
                goal_service.linked_homework(goal), practice_today()
            ),
            sessions=goal_service.linked_sessions(goal),
            **_family_context(client, goal, may_manage),
            outcome=goal_service.outcome_progress(goal),
            comparison_labels=COMPARISON_LABELS,
            instruments=ITEM_INSTRUMENTS,
            rating_form=rating_form,
            labels=LABELS,
            may_manage=may_manage,
        ),
        status,
    )


def _family_context(client: Client, goal: IntegrationGoal, may_manage: bool) -> dict:
    """Links of a family-patterns goal to people or events of the genogram (``None`` for
    another goal), and the form to add one for those who may."""
    if goal.domain != "family_patterns":
        return {"family_links": None, "family_link_form": None}
    targets = family_service.link_targets(client)
    members = {m.id: m for m in targets.members}
    events = {e.id: e for e in targets.events}
    described = []
    for link in family_service.goal_links(goal):
        if link.member_id in members:
            described.append(members[link.member_id].relationship_label)
        if link.event_id in events:
            event = events[link.event_id]
            label = EVENT_LABELS[event.kind]
            described.append(f"{_(label)} {event.start_year or ''}".strip())
    form = None
    if may_manage:
        form = GoalLinkForm(formdata=None, members=targets.members, events=targets.events)
    return {"family_links": described, "family_link_form": form}


@bp.route("/clients/<int:client_id>/goals/<int:goal_id>")
@translate_service_errors
def show_goal(client_id: int, goal_id: int):
    client = client_service.get_client(current_user, client_id)
    goal = goal_service.get_goal(client, goal_id)
    record_view("goal.view", **audit_fields(goal, client.id))
    return _goal_page(client, goal)


@bp.route("/clients/<int:client_id>/goals/<int:goal_id>/ratings", methods=["POST"])
@translate_service_errors
def rate_goal(client_id: int, goal_id: int):
    client = client_service.get_client(current_user, client_id, can_manage_goals_and_homework)
    goal = goal_service.get_goal(client, goal_id)
    form = RatingForm(sessions=goal_service.rating_sessions(client))
    if not form.validate_on_submit():
        return _goal_page(client, goal, form, 400)
    rating = goal_service.add_rating(
        goal, current_user, **form.rating(), rated_on=practice_today(), by_client=False
    )
    return finish_write(
        "goal.rate", _("Rating added."), _goal_url(goal), **audit_fields(rating, client.id)
    )
