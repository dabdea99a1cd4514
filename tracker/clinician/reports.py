"""Progress reports on the staff side: preview, generate (PDF), download."""

from __future__ import annotations

import dataclasses

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, RadioField, SelectChoice, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from tracker.clinician import bp
from tracker.domain import reports as rules
from tracker.extensions import db
from tracker.pdf import RenderError
from tracker.services import clients as client_service
from tracker.services import reports as report_service
from tracker.web import audit, practice_today, translate_service_errors


class ReportForm(FlaskForm):
    kind = RadioField(_l("Report"), validators=[DataRequired()], default=rules.CLINICAL)
    period_start = DateField(_l("From"), validators=[Optional()])
    period_end = DateField(_l("To"), validators=[Optional()])
    narrative = TextAreaField(
        _l("Narrative summary"),
        validators=[Optional(), Length(max=10000)],
        description=_l("Printed near the top of the report."),
        render_kw={"rows": 5},
    )
    include_measures = BooleanField(_l("Client summary: include questionnaire trends, explained"))
    include_family = BooleanField(_l("Clinical summary: include the family history (genogram)"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = [
            SelectChoice(rules.CLINICAL, _("Clinical progress summary (care team)")),
            SelectChoice(rules.CLIENT, _("Client summary (for the client)")),
        ]

    def validate_period_end(self, field) -> None:
        if field.data and self.period_start.data and field.data < self.period_start.data:
            raise ValidationError(_("The end of the period is before its start."))


def _request_from(form: ReportForm, client) -> report_service.ReportRequest:
    default = report_service.default_period(client, practice_today())
    return report_service.ReportRequest(
        kind=form.kind.data,
        period=rules.Period(
            form.period_start.data or default.start, form.period_end.data or default.end
        ),
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
    if request.method == "GET":
        return _page(client, form)
    if not form.validate_on_submit():
        return _page(client, form, 400)
    try:
        rendered = report_service.generate(
            client, _request_from(form, client), current_user, practice_today()
        )
    except RenderError:
        form.kind.errors.append(
            _("The report could not be produced in time. Try a shorter period, or try again.")
        )
        return _page(client, form, 503)
    audit(
        "report.generate",
        record_type="report",
        record_id=rendered.report.id,
        client_id=client.id,
        detail=f"kind={rendered.report.kind},cached={int(rendered.report.from_cache)}",
    )
    db.session.commit()
    flash(_("Report ready."), "success")
    return redirect(
        url_for("clinician.download_report", client_id=client.id, report_id=rendered.report.id)
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
    audit(
        "report.preview",
        record_type="client",
        record_id=client.id,
        client_id=client.id,
        detail=f"kind={form.kind.data}",
    )
    db.session.commit()
    return report_service.render_html(data, for_pdf=False)


def pdf_response(content: bytes, filename: str) -> Response:
    response = Response(content, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.route("/clients/<int:client_id>/reports/<int:report_id>/download")
@translate_service_errors
def download_report(client_id: int, report_id: int):
    client = client_service.get_client(current_user, client_id)
    report = report_service.get_report(client, report_id)
    content = report_service.stored_pdf(report)
    if content is None:
        abort(410)
    audit("report.download", record_type="report", record_id=report.id, client_id=client.id)
    db.session.commit()
    period = rules.Period(report.period_start, report.period_end)
    return pdf_response(content, rules.download_name(report.kind, client.id, period))
