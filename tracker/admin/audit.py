"""The audit trail, read-only: filter by action, person and client."""

from __future__ import annotations

from flask import current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from tracker.admin import bp
from tracker.admin.audit_forms import AuditFilterForm
from tracker.extensions import db
from tracker.services import accounts
from tracker.services import audit as audit_service

ACTION_GROUPS = (
    "auth",
    "client",
    "screening",
    "consent",
    "care_team",
    "session",
    "addendum",
    "administration",
    "vitals",
    "checklist",
    "discharge",
    "brainspot",
    "adverse_event",
    "safety_plan",
    "goal",
    "homework",
    "homework_template",
    "journal",
    "measure",
    "safety_alert",
    "portal",
    "user",
    "practice",
)


@bp.route("/audit")
def audit_trail():
    filters = AuditFilterForm(request.args)
    filters.action.choices = [
        SelectChoice("", _("All actions")),
        *[SelectChoice(group) for group in ACTION_GROUPS],
    ]
    people = accounts.staff_of_practice(current_user.practice_id)
    filters.actor_id.choices = [
        SelectChoice("", _("Anyone")),
        *[SelectChoice(str(u.id), u.name) for u in people],
    ]
    valid = filters.validate()
    query = audit_service.events_query(
        current_user.practice_id,
        action=filters.action.data if valid else None,
        actor_id=int(filters.actor_id.data) if valid and filters.actor_id.data else None,
        client_id=filters.client_id.data if valid else None,
    )
    page = db.paginate(
        query, per_page=current_app.config["AUDIT_PAGE_SIZE"], error_out=False, count=True
    )
    return render_template(
        "admin/audit.html",
        page=page,
        filters=filters,
        query_args={k: v for k, v in request.args.items() if k != "page" and v},
    ), (200 if valid else 400)
