"""What the app has e-mailed and whether it arrived: the outbox, read-only, for admins.

Messages hold no clinical content (a fixed text and a link); the page shows their kind,
a masked address, status, attempts and times, never a link (it may be a credential).
"""

from __future__ import annotations

from flask import current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from tracker import mail
from tracker.admin import bp
from tracker.admin.outbox_forms import OutboxFilterForm
from tracker.domain import outbox as rules
from tracker.extensions import db
from tracker.links import FALLBACK_URL
from tracker.models import Practice
from tracker.services import outbox as outbox_service


@bp.route("/outbox")
def outbox():
    filters = OutboxFilterForm(request.args)
    filters.status.choices = [
        SelectChoice("", _("Any status")),
        *[SelectChoice(status, _(rules.STATUS_LABELS[status])) for status in rules.STATUSES],
    ]
    valid = filters.validate()
    status = filters.status.data if valid and filters.status.data else None
    query = outbox_service.messages_query(current_user.practice_id, [status] if status else None)
    page = db.paginate(
        query, per_page=current_app.config["OUTBOX_PAGE_SIZE"], error_out=False, count=True
    )
    return render_template(
        "admin/outbox.html",
        page=page,
        filters=filters,
        counts=outbox_service.status_counts(current_user.practice_id),
        practice=db.session.get(Practice, current_user.practice_id),
        kinds=rules.KINDS,
        status_labels=rules.STATUS_LABELS,
        mask=rules.mask_address,
        mail_configured=mail.mail_configured(),
        public_url=current_app.config.get("PUBLIC_URL"),
        fallback_url=FALLBACK_URL,
        query_args={k: v for k, v in request.args.items() if k != "page" and v},
    ), (200 if valid else 400)
