"""The audit trail, read-only: filter by action, person and client."""

from __future__ import annotations

from flask import request
from flask_login import current_user

from tracker.admin import bp
from tracker.admin.audit_forms import AuditFilterForm
from tracker.admin.listing import list_page
from tracker.services import accounts
from tracker.services import audit as audit_service


@bp.route("/audit")
def audit_trail():
    people = accounts.staff_of_practice(current_user.practice_id)
    filters = AuditFilterForm(request.args, people=people)
    valid = filters.validate()
    query = audit_service.events_query(
        current_user.practice_id,
        action=filters.action.data if valid else None,
        actor_id=int(filters.actor_id.data) if valid and filters.actor_id.data else None,
        client_id=filters.client_id.data if valid else None,
    )
    return list_page(
        "admin/audit.html", query, page_size="AUDIT_PAGE_SIZE", filters=filters, valid=valid
    )
