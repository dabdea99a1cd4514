"""Portal: the client's own summaries (client-kind reports their therapist printed)."""

from __future__ import annotations

from flask import render_template

from tracker.domain import reports as rules
from tracker.portal import bp
from tracker.portal.home import own_client_record
from tracker.responses import report_download
from tracker.services import reports as report_service
from tracker.web import translate_service_errors


@bp.route("/reports")
def reports():
    client = own_client_record()
    return render_template(
        "portal/reports.html",
        client=client,
        reports=report_service.reports_for(client, kind=rules.CLIENT),
    )


@bp.route("/reports/<int:report_id>/download")
@translate_service_errors
def download_report(report_id: int):
    """Only a client-kind report of the client's own record: a clinical report, or
    anyone else's, is not found."""
    client = own_client_record()
    report = report_service.get_report(client, report_id, kind=rules.CLIENT)
    return report_download(report)
