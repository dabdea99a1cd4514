"""Report batches on the staff side: print the clinical reports of all one's active
clients as one ZIP, watch the progress, download it. A batch is its requester's alone."""

from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from tracker.clinician import bp
from tracker.clinician.report_forms import BatchForm
from tracker.domain import reports as rules
from tracker.extensions import db
from tracker.printing.batches import QueueUnavailable, start_report_batch
from tracker.responses import ZIP, recorded_download
from tracker.services import Rejected
from tracker.services import clients as client_service
from tracker.services import report_batches as batch_service
from tracker.web import practice_today, record_view, show_problems, translate_service_errors


def _page(form: BatchForm, status: int = 200):
    return render_template(
        "clinician/report_batches/index.html",
        form=form,
        active_clients=len(client_service.active_caseload_ids(current_user)),
        batches=batch_service.recent_batches(current_user),
        status_labels=rules.BATCH_STATUS_LABELS,
    ), status


@bp.route("/reports/batches", methods=["GET", "POST"])
def report_batches():
    today = practice_today()
    form = BatchForm(last_month=batch_service.default_period(today))
    if not form.validate_on_submit():
        return _page(form, 400 if form.is_submitted() else 200)
    period, whole_course = form.chosen_period(today)
    try:
        batch = batch_service.create_batch(current_user, period, whole_course=whole_course)
    except Rejected as rejected:  # no active clients
        show_problems(form, rejected)
        return _page(form, 400)
    record_view(
        "report_batch.create",
        record_type="report_batch",
        record_id=batch.id,
        detail=f"clients={batch.total},backend={batch.backend}",
    )
    try:
        start_report_batch(batch)
    except QueueUnavailable:
        batch_service.mark_failed(batch)
        db.session.commit()
        form.period.errors.append(_("The report queue is not reachable. Try again later."))
        return _page(form, 503)
    return redirect(url_for("clinician.show_report_batch", batch_id=batch.id))


@bp.route("/reports/batches/<int:batch_id>")
@translate_service_errors
def show_report_batch(batch_id: int):
    batch = batch_service.get_batch(current_user, batch_id)
    return render_template(
        "clinician/report_batches/show.html",
        batch=batch,
        running=batch.status in (rules.BATCH_QUEUED, rules.BATCH_RUNNING),
        status_labels=rules.BATCH_STATUS_LABELS,
        download_name=rules.batch_download_name(batch.period_end),
    )


@bp.route("/reports/batches/<int:batch_id>/download")
@translate_service_errors
def download_report_batch(batch_id: int):
    batch = batch_service.get_batch(current_user, batch_id)
    if batch.status in (rules.BATCH_QUEUED, rules.BATCH_RUNNING):
        return redirect(url_for("clinician.show_report_batch", batch_id=batch.id))
    return recorded_download(
        batch_service.stored_zip(batch),
        rules.batch_download_name(batch.period_end),
        "report_batch.download",
        mimetype=ZIP,
        record_type="report_batch",
        record_id=batch.id,
    )
