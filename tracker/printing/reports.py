"""Progress reports printed: the gathered data as HTML (translated, numbers in the
reader's locale) and as PDF, with the encrypted cache of PDFs already printed.

``tracker.services.reports`` gathers the data and records the report; this module turns
it into pages. The cache (``report_cache``) finds a reprint of unchanged data by its key
without gathering, and a PDF of the same HTML by the HTML's hash without rendering.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import render_template
from flask_babel import gettext
from markupsafe import Markup

from tracker.domain import genogram as genogram_rules
from tracker.domain import reports as rules
from tracker.domain import scoring
from tracker.domain.goals import COMPARISON_LABELS
from tracker.domain.instruments import ITEM_INSTRUMENTS, SCORES_ONLY, short_name
from tracker.domain.sessions import MODALITY_LABELS, PHASE_LABELS
from tracker.models import Client, Report, User
from tracker.printing import pdf, report_cache
from tracker.services import reports as report_service
from tracker.settings import config

# The print stylesheet, applied by the rendering process (not linked from the HTML).
STYLESHEET = "css/report.css"
# Stands in for the report id while the content is hashed: the id is derived from the hash.
DRAFT_ID = "R-XXXXXXXXXX"


def _labels() -> dict:
    """The vocabularies the templates print, translated once per report (a year's
    session log would otherwise call gettext for every line)."""
    from tracker.domain import adverse_events as adverse_rules
    from tracker.domain.clients import CARE_TEAM_ROLE_LABELS
    from tracker.domain.dosing import ROUTE_LABELS
    from tracker.domain.goals import DOMAIN_LABELS, STATUS_LABELS
    from tracker.domain.readiness import SHORT_LABELS
    from tracker.domain.sessions import MODALITY_SHORT_LABELS
    from tracker.domain.vitals import ALERT_LABELS
    from tracker.services.medicine import DISCHARGE_OUTCOMES

    def translated(labels: dict) -> dict[str, str]:
        return {key: gettext(label) for key, label in labels.items()}

    return {
        "care_roles": translated(CARE_TEAM_ROLE_LABELS),
        "phase_labels": translated(PHASE_LABELS),
        "modality_labels": translated(MODALITY_LABELS),
        "modality_short": translated(MODALITY_SHORT_LABELS),
        "route_labels": translated(ROUTE_LABELS),
        "finding_labels": translated(SHORT_LABELS),
        "discharge_labels": translated(DISCHARGE_OUTCOMES),
        "alert_labels": translated(ALERT_LABELS),
        "adverse_type_labels": translated(adverse_rules.TYPE_LABELS),
        "adverse_severity_labels": translated(adverse_rules.SEVERITY_LABELS),
        "adverse_outcome_labels": translated(adverse_rules.OUTCOME_LABELS),
        "change_words": translated(scoring.CHANGE_WORDS),
        "goal_status": translated(STATUS_LABELS),
        "goal_domains": translated(DOMAIN_LABELS),
        "comparison_labels": {key: gettext(label) for key, label in COMPARISON_LABELS.items()},
        "instrument_names": translated(
            {code: short_name(code) for code in (*ITEM_INSTRUMENTS, *SCORES_ONLY)}
        ),
        "family_events": translated(
            {**genogram_rules.TRAUMA_EVENT_LABELS, **genogram_rules.RESILIENCE_EVENT_LABELS}
        ),
        "spoken_labels": translated(genogram_rules.SPOKEN_LABELS),
        "condition_codes": {
            key: str(index + 1) for index, key in enumerate(genogram_rules.CONDITION_LABELS)
        },
        "condition_labels": translated(genogram_rules.CONDITION_LABELS),
    }


def render_html(
    data: rules.ClinicalReport | rules.ClientReport,
    *,
    for_pdf: bool,
    report_id: str = "R-PREVIEW",
) -> str:
    """The report as HTML: a page to preview (``for_pdf=False``) or the PDF's source."""
    template = (
        "reports/clinical.html" if isinstance(data, rules.ClinicalReport) else "reports/client.html"
    )
    return render_template(
        template,
        report=data,
        for_pdf=for_pdf,
        report_id=report_id,
        # From the translation only (never typed text), quoted for CSS with "<" escaped:
        # it cannot leave the <style> element.
        page_counter=Markup(rules.page_counter_content(gettext(rules.PAGE_LABEL))),  # noqa: S704
        **_labels(),
    )


@dataclass(frozen=True)
class Rendered:
    report: Report
    pdf: bytes
    filename: str


def generate(
    client: Client, request: report_service.ReportRequest, actor: User, today: date
) -> Rendered:
    """Reuse (or render) the PDF for this request and record the report.

    A reprint of unchanged data is found by its key (``report_cache``) without
    gathering or templating; otherwise the data are gathered and the HTML filled, and a
    PDF already printed from the same HTML is reused. Raises ``pdf.RenderError`` when
    the rendering worker fails.
    """
    key = report_cache.cache_key(client, request, actor, today)
    hit = report_cache.find(key)
    if hit is not None:
        report = report_service.record_report(
            client,
            request,
            actor,
            content_hash=hit.digest,
            pages=hit.pages,
            size_bytes=len(hit.pdf),
            from_cache=True,
        )
        return Rendered(report, hit.pdf, _filename(client, request))
    data = report_service.gather(client, request, actor, today)
    draft = render_html(data, for_pdf=True, report_id=DRAFT_ID)
    digest = rules.content_hash(request.kind, draft)
    content = report_cache.stored_pdf(digest)
    pages = None  # the same HTML printed before: the earlier printing knows its pages
    if content is None:
        html = draft.replace(DRAFT_ID, rules.report_id(digest))
        content, pages = pdf.pool_for(config()).render(html, STYLESHEET)
        report_cache.store_pdf(digest, content)
    report = report_service.record_report(
        client, request, actor, content_hash=digest, pages=pages, size_bytes=len(content)
    )
    # Remember the key only if nothing changed while gathering: a write committed
    # meanwhile (possible on PostgreSQL) must not leave newer data under the older key.
    if report_cache.cache_key(client, request, actor, today) == key:
        report_cache.remember(key, digest, report.pages)
    return Rendered(report, content, _filename(client, request))


def _filename(client: Client, request: report_service.ReportRequest) -> str:
    return rules.download_name(request.kind, client.id, request.period)


def stored_pdf(report: Report) -> bytes | None:
    """The PDF of a report printed earlier; ``None`` when its cached file is gone."""
    return report_cache.stored_pdf(report.content_hash)


# The tests store stand-in PDFs through this name.
_store = report_cache.store_pdf
