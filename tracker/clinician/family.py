"""Family history: the genogram, the timeline across generations, and their editing."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from tracker.clinician import bp
from tracker.clinician.family_forms import (
    EventForm,
    GoalLinkForm,
    MemberForm,
    ParentLinkForm,
    PartnershipForm,
    QuickFamilyForm,
    RelationshipForm,
    member_choices,
)
from tracker.domain import genogram as rules
from tracker.domain.policy import can_edit_client, can_manage_goals_and_homework
from tracker.extensions import db
from tracker.forms.fields import problem_text
from tracker.services import clients as client_service
from tracker.services import family as family_service
from tracker.services import goals as goal_service
from tracker.services.family import FamilyRejected
from tracker.web import audit_fields, finish_write, form_page, record_view, translate_service_errors

LABELS = {
    "sex": rules.SEX_LABELS,
    "partnership": rules.PARTNERSHIP_LABELS,
    "quality": rules.QUALITY_LABELS,
    "condition": rules.CONDITION_LABELS,
    "trauma": rules.TRAUMA_EVENT_LABELS,
    "resilience": rules.RESILIENCE_EVENT_LABELS,
    "spoken": rules.SPOKEN_LABELS,
    "link": rules.PARENT_LINK_LABELS,
}
CONDITION_CODES = {key: str(index + 1) for index, key in enumerate(rules.CONDITION_LABELS)}


def _family_url(client) -> str:
    return url_for("clinician.family_history", client_id=client.id)


EDIT_FORMS = {
    "quick_form": QuickFamilyForm,
    "member_form": MemberForm,
    "parent_link_form": ParentLinkForm,
    "partnership_form": PartnershipForm,
    "relationship_form": RelationshipForm,
    "event_form": EventForm,
}


def _edit_forms(members, given: dict) -> dict:
    """The empty forms of the "Add to the family history" section, but those given (a
    refused one, with its errors); one list of people for every form's pickers."""
    options = member_choices(members)
    forms = {}
    for key, form_class in EDIT_FORMS.items():
        if key in given:
            forms[key] = given[key]
        elif form_class is QuickFamilyForm:
            forms[key] = QuickFamilyForm(formdata=None)
        else:
            forms[key] = form_class(formdata=None, members=options)
    return forms


def _page(client, status=200, **forms):
    family = family_service.load(client)
    members = family.members
    may_edit = can_edit_client(current_user, client)
    # the forms are drawn only for those who may edit
    forms = _edit_forms(members, forms) if may_edit else {}
    genogram = family_service.layout(family)
    return (
        render_template(
            "clinician/family/page.html",
            client=client,
            family=family,
            genogram=genogram,
            timeline=family_service.timeline(family, genogram),
            ace=family_service.ace_score(client),
            labels=LABELS,
            condition_codes=CONDITION_CODES,
            names={m.id: m.relationship_label for m in members},
            members_by_id={m.id: m for m in members},
            # the last event recorded of a person marks them in the genogram
            event_people={
                e.member_id: "resilience" if e.resilience else "trauma"
                for e in family.events
                if e.member_id
            },
            events_by_year=sorted(
                family.events, key=lambda e: (e.start_year is None, e.start_year or 0, e.id)
            ),
            may_edit=may_edit,
            **forms,
        ),
        status,
    )


@bp.route("/clients/<int:client_id>/family")
@translate_service_errors
def family_history(client_id: int):
    client = client_service.get_client(current_user, client_id)
    record_view("family.view", **audit_fields(client, client.id))
    return _page(client)


def _saved(client, action: str, message: str, record_id: int | None = None):
    """The end of a change to the family history: back to its page."""
    fields = {"record_type": "family", "record_id": record_id, "client_id": client.id}
    return finish_write(action, message, _family_url(client), **fields)


def _refuse(field, rejected: FamilyRejected) -> None:
    """Undo what the refused change touched, and show every problem the family rules
    found beside the one field they concern."""
    db.session.rollback()
    field.errors.extend(problem_text(problem) for problem in rejected.found)


def _refused(client, form, rejected: FamilyRejected, key: str):
    _refuse(form[rejected.field], rejected)
    return _page(client, 400, **{key: form})


@bp.route("/clients/<int:client_id>/family/quick", methods=["POST"])
@translate_service_errors
def quick_family(client_id: int):
    client = client_service.get_client(current_user, client_id, can_edit_client)
    form = QuickFamilyForm()
    if not form.validate_on_submit():
        return _page(client, 400, quick_form=form)
    entries = {role: form[role].data for role in QuickFamilyForm.ROLES}
    try:
        created = family_service.quick_entry(client, entries)
    except FamilyRejected as rejected:
        # the message goes next to the year (or, if no year is typed, the name) of the
        # person it concerns
        person = form[rejected.field].form
        _refuse(person.birth_year if person.birth_year.data else person.name, rejected)
        return _page(client, 400, quick_form=form)
    return _saved(
        client,
        "family.quick_entry",
        _("%(n)s people added to the family history.", n=len(created)),
    )


@bp.route("/clients/<int:client_id>/family/members", methods=["POST"])
@translate_service_errors
def add_family_member(client_id: int):
    client = client_service.get_client(current_user, client_id, can_edit_client)
    family = family_service.load(client)
    form = MemberForm(members=family.members)
    if not form.validate_on_submit():
        return _page(client, 400, member_form=form)
    try:
        member = family_service.add_member(
            client,
            form.data,
            relation=form.relation.data or "none",
            anchor_id=form.anchor_id.data,
            link_kind=form.link_kind.data or "biological",
        )
    except FamilyRejected as rejected:
        return _refused(client, form, rejected, "member_form")
    return _saved(client, "family.member_add", _("Person added."), member.id)


@bp.route("/clients/<int:client_id>/family/members/<int:member_id>", methods=["GET", "POST"])
@translate_service_errors
def edit_family_member(client_id: int, member_id: int):
    client = client_service.get_client(current_user, client_id, can_edit_client)
    member = family_service.get_member(client, member_id)
    form = MemberForm(obj=member, editing=True)
    if form.validate_on_submit():
        try:
            family_service.update_member(client, member, form.data)
        except FamilyRejected as rejected:
            _refuse(form[rejected.field], rejected)
        else:
            return _saved(client, "family.member_update", _("Person saved."), member.id)
    elif not form.is_submitted():
        form.conditions.data = member.condition_keys
    return form_page("clinician/family/member.html", form, client=client, member=member)


@bp.route("/clients/<int:client_id>/family/members/<int:member_id>/delete", methods=["POST"])
@translate_service_errors
def delete_family_member(client_id: int, member_id: int):
    client = client_service.get_client(current_user, client_id, can_edit_client)
    member = family_service.get_member(client, member_id)
    try:
        family_service.delete_member(client, member)
    except FamilyRejected:
        flash(_("The client cannot be removed from their own genogram."), "error")
        return redirect(_family_url(client))
    return _saved(client, "family.member_delete", _("Person removed."), member_id)


def _add_part(
    client_id: int,
    form_class,
    form_key: str,
    fields: tuple[str, ...],
    add,
    action: str,
    message: str,
):
    """The shared shape of adding a parent link, partnership or relationship."""
    client = client_service.get_client(current_user, client_id, can_edit_client)
    form = form_class(members=family_service.load(client).members)
    if not form.validate_on_submit():
        return _page(client, 400, **{form_key: form})
    try:
        row = add(client, {name: form[name].data for name in fields})
    except FamilyRejected as rejected:
        return _refused(client, form, rejected, form_key)
    return _saved(client, action, message, row.id)


@bp.route("/clients/<int:client_id>/family/parent-links", methods=["POST"])
@translate_service_errors
def add_family_parent_link(client_id: int):
    return _add_part(
        client_id,
        ParentLinkForm,
        "parent_link_form",
        ("parent_id", "child_id", "kind"),
        family_service.add_parent_link,
        "family.parent_link_add",
        _("Parent recorded."),
    )


@bp.route("/clients/<int:client_id>/family/partnerships", methods=["POST"])
@translate_service_errors
def add_family_partnership(client_id: int):
    return _add_part(
        client_id,
        PartnershipForm,
        "partnership_form",
        ("a_id", "b_id", "kind", "start_year", "end_year"),
        family_service.add_partnership,
        "family.partnership_add",
        _("Partnership added."),
    )


@bp.route("/clients/<int:client_id>/family/relationships", methods=["POST"])
@translate_service_errors
def add_family_relationship(client_id: int):
    return _add_part(
        client_id,
        RelationshipForm,
        "relationship_form",
        ("a_id", "b_id", "quality"),
        family_service.add_relationship,
        "family.relationship_add",
        _("Relationship added."),
    )


@bp.route("/clients/<int:client_id>/family/events", methods=["POST"])
@translate_service_errors
def add_family_event(client_id: int):
    client = client_service.get_client(current_user, client_id, can_edit_client)
    form = EventForm(members=family_service.load(client).members)
    if not form.validate_on_submit():
        return _page(client, 400, event_form=form)
    data = {
        k: form[k].data
        for k in ("kind", "member_id", "start_year", "end_year", "description", "spoken_of")
    }
    data["branch"] = form.branch.data or None
    try:
        row = family_service.add_event(client, data)
    except FamilyRejected as rejected:
        return _refused(client, form, rejected, "event_form")
    return _saved(client, "family.event_add", _("Event added."), row.id)


@bp.route(
    "/clients/<int:client_id>/family"
    "/<any('parent-links', partnerships, relationships, events):part>"
    "/<int:part_id>/delete",
    methods=["POST"],
)
@translate_service_errors
def delete_family_part(client_id: int, part: str, part_id: int):
    client = client_service.get_client(current_user, client_id, can_edit_client)
    family_service.delete_part(client, part, part_id)
    return _saved(client, f"family.{part.replace('-', '_')}_delete", _("Removed."), part_id)


@bp.route("/clients/<int:client_id>/goals/<int:goal_id>/family-links", methods=["POST"])
@translate_service_errors
def link_goal_to_family(client_id: int, goal_id: int):
    client = client_service.get_client(current_user, client_id, can_manage_goals_and_homework)
    goal = goal_service.get_goal(client, goal_id)
    targets = family_service.link_targets(client)
    form = GoalLinkForm(members=targets.members, events=targets.events)
    goal_url = url_for("clinician.show_goal", client_id=client.id, goal_id=goal.id)
    if not form.validate_on_submit():
        flash(_("Choose a person or an event of the family history."), "error")
        return redirect(goal_url)
    try:
        link = family_service.link_goal(client, goal, **form.link())
    except FamilyRejected as rejected:
        for problem in rejected.found:
            flash(problem_text(problem), "error")
        return redirect(goal_url)
    fields = audit_fields(goal, client.id, f"link={link.id}")
    return finish_write("goal.family_link", _("Linked to the family history."), goal_url, **fields)
