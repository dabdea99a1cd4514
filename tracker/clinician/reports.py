"""Progress reports on the staff side: preview, generate (PDF), download."""

from __future__ import annotations

import dataclasses

from flask import abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from tracker.clinician import bp
from tracker.clinician.report_forms import ReportForm
from tracker.domain import reports as rules
from tracker.printing import reports as report_printing
from tracker.printing.pdf import RenderError
from tracker.responses import report_download
from tracker.services import clients as client_service
from tracker.services import reports as report_service
from tracker.web import (
    audit_fields,
    finish_write,
    practice_today,
    record_view,
    translate_service_errors,
)


def _request_from(form: ReportForm, client) -> report_service.ReportRequest:
    start, end = form.period_start.data, form.period_end.data
    if start is None or end is None:  # course to date fills in what was left empty
        default = report_service.default_period(client, practice_today())
        start, end = start or default.start, end or default.end
    return report_service.ReportRequest(
        kind=form.kind.data,
        period=rules.Period(start, end),
        narrative=(form.narrative.data or "").strip(),
        include_measures=bool(form.include_measures.data),
        include_family=bool(form.include_family.data) and form.kind.data == rules.CLINICAL,
    )


def _page(client, form, status=200):
    return render_template(
        "clinician/reports/index.html",
        client=client,
        form=form,
        reports=report_service.reports_for(client),
        default=report_service.default_period(client, practice_today()),
    ), status


@bp.route("/clients/<int:client_id>/reports", methods=["GET", "POST"])
@translate_service_errors
def client_reports(client_id: int):
    client = client_service.get_client(current_user, client_id)
    form = ReportForm()
    if not form.validate_on_submit():
        return _page(client, form, 400 if form.is_submitted() else 200)
    try:
        rendered = report_printing.generate(
            client, _request_from(form, client), current_user, practice_today()
        )
    except RenderError:
        form.kind.errors.append(
            _("The report could not be produced in time. Try a shorter period, or try again.")
        )
        return _page(client, form, 503)
    report = rendered.report
    return finish_write(
        "report.generate",
        _("Report ready."),
        url_for("clinician.download_report", client_id=client.id, report_id=report.id),
        **audit_fields(report, client.id, f"kind={report.kind},cached={int(report.from_cache)}"),
    )


@bp.route("/clients/<int:client_id>/reports/preview")
@translate_service_errors
def preview_report(client_id: int):
    """The report as a web page (no narrative: that is typed when generating)."""
    client = client_service.get_client(current_user, client_id)
    form = ReportForm(request.args, meta={"csrf": False})
    if not form.validate():
        abort(400)
    # The narrative is typed when generating (POST): a GET never prints clinical text
    # that came in its URL, which ends up in logs and browser history.
    wanted = dataclasses.replace(_request_from(form, client), narrative="")
    data = report_service.gather(client, wanted, current_user, practice_today())
    record_view("report.preview", **audit_fields(client, client.id, f"kind={form.kind.data}"))
    return report_printing.render_html(data, for_pdf=False)


@bp.route("/clients/<int:client_id>/reports/<int:report_id>/download")
@translate_service_errors
def download_report(client_id: int, report_id: int):
    client = client_service.get_client(current_user, client_id)
    report = report_service.get_report(client, report_id)
    return report_download(report)
