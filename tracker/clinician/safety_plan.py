"""The client's safety plan on the staff side: read it, write the next version, read
earlier versions, print the client's card."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from tracker.clinician import bp
from tracker.clinician.safety_plan_forms import SafetyPlanForm
from tracker.domain.policy import can_edit_safety_plan
from tracker.extensions import db
from tracker.models import Practice
from tracker.printing.pdf import RenderError
from tracker.printing.safety_plan_card import render_card
from tracker.responses import recorded_download
from tracker.services import audit as audit_service
from tracker.services import clients as client_service
from tracker.services import safety_plan as plan_service
from tracker.settings import user_locale
from tracker.web import finish_write, record_view, translate_service_errors


def _plan_url(client) -> str:
    return url_for("clinician.safety_plan", client_id=client.id)


def _page(template: str, client, status: int = 200, **context):
    """A page of the plan; its times are shown in the practice's zone."""
    tz = db.session.get(Practice, client.practice_id).timezone
    return render_template(template, client=client, tz=tz, **context), status


@bp.route("/clients/<int:client_id>/safety-plan")
@translate_service_errors
def safety_plan(client_id: int):
    client = client_service.get_client(current_user, client_id)
    current = plan_service.latest_version(client)
    if current is not None:
        record_view("safety_plan.view", **plan_service.audit_fields(current))
    return _page(
        "clinician/safety_plan/show.html",
        client,
        plan=plan_service.view_of(current) if current else None,
        history=plan_service.version_history(client),
        may_edit=can_edit_safety_plan(current_user, client),
    )


def _form_page(client, form, status=200, conflict=None):
    conflict = plan_service.view_of(conflict) if conflict else None
    return _page("clinician/safety_plan/form.html", client, status, form=form, conflict=conflict)


def _open_form(client):
    """The form on the newest version's text (opening it is a read of the plan)."""
    current = plan_service.latest_version(client)
    if current is None:
        return _form_page(client, SafetyPlanForm(data={"version": "0"}))
    record_view("safety_plan.view", **plan_service.audit_fields(current, "form=edit"))
    return _form_page(
        client, SafetyPlanForm(data={**current.texts, "version": str(current.version)})
    )


def _conflict(client, form, current):
    """Someone saved after the form was opened: keep the typed text, show theirs (409)."""
    form.version.data = str(current.version if current else 0)
    flash(
        _(
            "Someone saved the plan after you opened it. Your text is kept below; compare "
            "it with the saved version and save again to make yours the newest version."
        ),
        "warning",
    )
    if current is not None:
        record_view("safety_plan.view", **plan_service.audit_fields(current, "form=conflict"))
    return _form_page(client, form, 409, conflict=current)


@bp.route("/clients/<int:client_id>/safety-plan/edit", methods=["GET", "POST"])
@translate_service_errors
def edit_safety_plan(client_id: int):
    client = client_service.get_client(current_user, client_id, can_edit_safety_plan)
    if request.method == "GET":
        return _open_form(client)
    form = SafetyPlanForm()
    if not form.validate_on_submit():
        return _form_page(client, form, 400)
    try:
        row, changed = plan_service.save(
            client, current_user, form.texts(), expected_version=int(form.version.data)
        )
    except plan_service.StalePlanError as stale:
        return _conflict(client, form, stale.current)
    if row is None:
        flash(_("Nothing changed, so no new version was saved."), "info")
        return redirect(_plan_url(client))
    detail = audit_service.name_list([f"version={row.version}", *changed])
    return finish_write(
        "safety_plan.update",
        _("Safety plan saved as version %(number)s.", number=row.version),
        _plan_url(client),
        **plan_service.audit_fields(row, detail),
    )


@bp.route("/clients/<int:client_id>/safety-plan/versions/<int:version>")
@translate_service_errors
def show_safety_plan_version(client_id: int, version: int):
    client = client_service.get_client(current_user, client_id)
    row = plan_service.get_version(client, version)
    record_view("safety_plan.view", **plan_service.audit_fields(row))
    return _page(
        "clinician/safety_plan/version.html",
        client,
        plan=plan_service.view_of(row),
        is_latest=plan_service.newest_version_number(client) == row.version,
    )


@bp.route("/clients/<int:client_id>/safety-plan/card.pdf")
@translate_service_errors
def safety_plan_card(client_id: int):
    """The client's card of the newest version, in the client's language (their portal
    language; without one, the language of this page)."""
    client = client_service.get_client(current_user, client_id)
    row = plan_service.latest_version(client)
    if row is None:
        abort(404)
    portal_user = client.portal_user
    locale = user_locale(portal_user) if portal_user and portal_user.locale else None
    try:
        card = render_card(client, row, db.session.get(Practice, client.practice_id), locale)
    except RenderError:
        flash(_("The card could not be made just now. Please try again."), "warning")
        return redirect(_plan_url(client))
    return recorded_download(
        card.content, card.filename, "safety_plan.download", **plan_service.audit_fields(row)
    )
