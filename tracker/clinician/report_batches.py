"""Report batches on the staff side: print the clinical reports of all one's active
clients as one ZIP, watch the progress, download it. A batch is its requester's alone."""

from __future__ import annotations

from datetime import date

from flask import Response, abort, current_app, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectChoice
from wtforms.validators import InputRequired, Optional

from tracker import jobs
from tracker.clinician import bp
from tracker.domain import reports as rules
from tracker.extensions import db
from tracker.services import clients as client_service
from tracker.services import report_batches as batch_service
from tracker.web import audit, practice_today, translate_service_errors

LAST_MONTH = "last_month"
COURSE = "course"
CUSTOM = "custom"


class BatchForm(FlaskForm):
    # InputRequired, not DataRequired: a post without a choice is refused rather than
    # silently printing every client's report with the default.
    period = RadioField(_l("Period"), validators=[InputRequired()], default=LAST_MONTH)
    period_start = DateField(_l("From"), validators=[Optional()])
    period_end = DateField(_l("To"), validators=[Optional()])

    def __init__(self, *args, last_month: rules.Period, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.period.choices = [
            SelectChoice(
                LAST_MONTH,
                _(
                    "Last calendar month (%(start)s – %(end)s)",
                    start=last_month.start.isoformat(),
                    end=last_month.end.isoformat(),
                ),
            ),
            SelectChoice(COURSE, _("Each client's course to date")),
            SelectChoice(CUSTOM, _("These dates:")),
        ]

    def validate(self, extra_validators=None) -> bool:
        # Form-level: Optional() on an empty date field stops its own validators.
        if not super().validate(extra_validators) or self.period.data != CUSTOM:
            return not self.errors
        start, end = self.period_start.data, self.period_end.data
        if not start or not end:
            self.period_end.errors.append(_("Give both dates of the period."))
        elif end < start:
            self.period_end.errors.append(_("The end of the period is before its start."))
        return not self.errors


def _chosen_period(form: BatchForm, today: date) -> tuple[rules.Period, bool]:
    """The batch's period and whether it is each client's course to date."""
    if form.period.data == COURSE:
        return rules.Period(today, today), True
    if form.period.data == CUSTOM:
        return rules.Period(form.period_start.data, form.period_end.data), False
    return batch_service.default_period(today), False


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
    if not client_service.active_caseload_ids(current_user):
        form.period.errors.append(_("You have no active clients to print reports for."))
        return _page(form, 400)
    period, whole_course = _chosen_period(form, today)
    batch = batch_service.create_batch(
        current_user,
        period,
        whole_course=whole_course,
        backend=jobs.backend_for(current_app.config),
    )
    audit(
        "report_batch.create",
        record_type="report_batch",
        record_id=batch.id,
        detail=f"clients={batch.total},backend={batch.backend}",
    )
    db.session.commit()
    try:
        jobs.start_report_batch(batch)
    except jobs.QueueUnavailable:
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
    content = batch_service.stored_zip(batch)
    if content is None:
        abort(410)
    audit("report_batch.download", record_type="report_batch", record_id=batch.id)
    db.session.commit()
    response = Response(content, mimetype="application/zip")
    name = rules.batch_download_name(batch.period_end)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
