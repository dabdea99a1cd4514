"""What the app has e-mailed and whether it arrived: the outbox, read-only, for admins.

Messages hold no clinical content (a fixed text and a link); the page shows their kind,
a masked address, status, attempts and times, never a link (it may be a credential).
"""

from __future__ import annotations

from flask import current_app, request
from flask_login import current_user

from tracker import mail
from tracker.admin import bp
from tracker.admin.listing import list_page
from tracker.admin.outbox_forms import OutboxFilterForm
from tracker.domain import outbox as rules
from tracker.extensions import db
from tracker.links import FALLBACK_URL
from tracker.models import Practice
from tracker.services import outbox as outbox_service


@bp.route("/outbox")
def outbox():
    filters = OutboxFilterForm(request.args)
    valid = filters.validate()
    status = filters.status.data if valid and filters.status.data else None
    return list_page(
        "admin/outbox.html",
        outbox_service.messages_query(current_user.practice_id, [status] if status else None),
        page_size="OUTBOX_PAGE_SIZE",
        filters=filters,
        valid=valid,
        counts=outbox_service.status_counts(current_user.practice_id),
        practice=db.session.get(Practice, current_user.practice_id),
        kinds=rules.KINDS,
        status_labels=rules.STATUS_LABELS,
        mask=rules.mask_address,
        mail_configured=mail.mail_configured(),
        public_url=current_app.config.get("PUBLIC_URL"),
        fallback_url=FALLBACK_URL,
    )
