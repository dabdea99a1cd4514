"""Caseload and client record views."""

from __future__ import annotations

from flask import abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from tracker import mail
from tracker.clinician import bp
from tracker.clinician.blank_forms import blank_field, form_fields
from tracker.clinician.client_forms import (
    CASELOAD_SEARCH_LENGTH,
    CareTeamForm,
    ClientForm,
    ConsentForm,
    RevokeConsentForm,
    ScreeningForm,
    caseload_criteria,
    caseload_filters,
)
from tracker.domain.clients import (
    CARE_TEAM_ROLE_LABELS,
    CASELOAD_SORTS,
    CLIENT_STATUS_LABELS,
    CONSENT_KIND_LABELS,
    CONTRAINDICATIONS,
    SCREENING_DECISION_LABELS,
)
from tracker.domain.policy import (
    can_clear_for_ketamine,
    can_create_client,
    can_document_sessions,
    can_edit_client,
    can_manage_care_team,
    can_manage_consents,
    can_manage_goals_and_homework,
    can_record_screening,
)
from tracker.domain.readiness import CLEARANCE_LABELS
from tracker.domain.sessions import MODALITY_SHORT_LABELS, PHASE_LABELS
from tracker.models.base import utcnow
from tracker.services import Rejected, invitations, planning
from tracker.services import alerts as alert_service
from tracker.services import clients as client_service
from tracker.services import homework as homework_service
from tracker.services import measures as measure_service
from tracker.services import medicine as medicine_service
from tracker.web import (
    audit_fields,
    current_practice,
    filter_args,
    finish_write,
    practice_today,
    record_view,
    requested_page,
    show_problems,
    translate_service_errors,
)

LABELS = {
    "status": CLIENT_STATUS_LABELS,
    "care_role": CARE_TEAM_ROLE_LABELS,
    "consent": CONSENT_KIND_LABELS,
    "decision": SCREENING_DECISION_LABELS,
    "contraindication": CONTRAINDICATIONS,
}


@bp.context_processor
def labels() -> dict:
    return {"labels": LABELS}


@bp.route("/clients")
def caseload():
    filters = caseload_filters(request.args)
    criteria = caseload_criteria(filters)
    page = client_service.caseload_page(current_user, requested_page(), **criteria)
    alerts = measure_service.open_alerts_for(current_user)
    return render_template(
        "clinician/clients/caseload.html",
        page=page,
        rows=page.items,
        filters=filters,
        search_length=CASELOAD_SEARCH_LENGTH,
        status_options=_options(CLIENT_STATUS_LABELS),
        sort_options=_options(CASELOAD_SORTS),
        can_create=can_create_client(current_user),
        alerts=alerts,
        escalation=alert_service.escalation_outlook(current_user.practice_id) if alerts else None,
        mail_configured=mail.mail_configured(),
        acknowledge_form=None,  # the alerts' own fields are plain markup
        query_args=filter_args(),
    )


def _options(labels: dict) -> list[tuple[str, str]]:
    """A filter's options from a label table, translated."""
    return [(str(value), _(label)) for value, label in labels.items()]


@bp.route("/clients/new", methods=["GET", "POST"])
def new_client():
    if not can_create_client(current_user):
        abort(403)
    form = ClientForm()
    if form.validate_on_submit():
        client = client_service.create_client(current_user, form.data)
        return _saved("client.create", _("Client added to your caseload."), client, client)
    return render_template(
        "clinician/clients/form.html", form=form, client=None, blank_field=blank_field
    ), (400 if form.errors else 200)


def _render_record(client, status: int = 200, **forms):
    """The client record page; failed sub-forms come back with their errors. Forms,
    candidates and homework rows are built only as far as the page shows them."""
    may = {
        "edit": can_edit_client(current_user, client),
        "screen": can_record_screening(current_user, client),
        "clear": can_clear_for_ketamine(current_user, client),
        "consent": can_manage_consents(current_user, client),
        "team": can_manage_care_team(current_user, client),
        "integration": can_manage_goals_and_homework(current_user, client),
        "document": can_document_sessions(current_user, client),
    }
    for name in ("consent_form", "revoke_form", "care_team_form", "revoke_consent_id"):
        forms.setdefault(name, None)
    # The empty forms are drawn once and reused (``blank_forms``).
    if may["consent"]:
        forms["consent_fields"] = form_fields(
            "clinician/clients/_consent_fields.html",
            forms["consent_form"],
            blank=lambda: ConsentForm(formdata=None),
        )
    if may["team"] and (candidates := client_service.care_team_candidates(client)):
        forms["care_team_fields"] = form_fields(
            "clinician/clients/_care_team_fields.html",
            forms["care_team_form"],
            blank=lambda: CareTeamForm(formdata=None, candidates=candidates),
            key=tuple((user.id, user.name) for user in candidates),
        )
    practice = current_practice()
    today = practice_today()
    screenings = client_service.screenings(client)
    page = render_template(
        "clinician/clients/show.html",
        client=client,
        screenings=screenings,
        clearance=medicine_service.clearance_from(
            screenings[0] if screenings else None, practice, today
        ),
        clearance_labels=CLEARANCE_LABELS,
        consents=client_service.consents(client),
        may=may,
        adherence=homework_service.client_adherence(client, today),
        plans=planning.open_plans(client),
        plan_labels={"phase": PHASE_LABELS, "modality": MODALITY_SHORT_LABELS},
        tz=practice.timezone,
        now=utcnow(),
        feed=homework_service.recent_activity(client, limit=10),
        portal_state=invitations.portal_state(client),
        **forms,
    )
    return page, status


def _saved(action: str, message: str, client, record, anchor: str | None = None, detail: str = ""):
    """The end of a change on the client's record: audit it, commit, confirm, and go
    back to the record (at ``anchor``, the part that changed)."""
    to = url_for("clinician.show_client", client_id=client.id, _anchor=anchor)
    return finish_write(action, message, to, **audit_fields(record, client.id, detail))


@bp.route("/clients/<int:client_id>")
@translate_service_errors
def show_client(client_id: int):
    client = client_service.get_client(current_user, client_id, with_portal_user=True)
    page = _render_record(client)
    # Audited once drawn: the commit would otherwise expire what the page still reads.
    record_view("client.view", **audit_fields(client, client.id))
    return page


@bp.route("/clients/<int:client_id>/edit", methods=["GET", "POST"])
@translate_service_errors
def edit_client(client_id: int):
    client = client_service.get_client(current_user, client_id, can_edit_client)
    form = ClientForm(obj=client)
    if form.validate_on_submit():
        changed = ",".join(client_service.apply_client_fields(client, form.data))
        return _saved("client.update", _("Client record saved."), client, client, None, changed)
    return render_template(
        "clinician/clients/form.html", form=form, client=client, blank_field=blank_field
    ), (400 if form.errors else 200)


@bp.route("/clients/<int:client_id>/screening", methods=["GET", "POST"])
@translate_service_errors
def new_screening(client_id: int):
    client = client_service.get_client(current_user, client_id, can_record_screening)
    form = ScreeningForm()
    if request.method == "GET":
        form.fill(client_service.new_screening_values(client, current_user))
    elif form.validate_on_submit():
        try:
            screening = client_service.record_screening(client, current_user, form.values())
        except Rejected as rejected:
            show_problems(form, rejected)
        else:
            detail = f"decision={screening.decision}"
            return _saved(
                "screening.create", _("Screening recorded."), client, screening, None, detail
            )
    prescriber = can_clear_for_ketamine(current_user, client)
    return render_template(
        "clinician/clients/screening.html",
        form=form,
        client=client,
        prescriber=prescriber,
        blank_field=blank_field,
    ), (400 if form.errors else 200)


@bp.route("/clients/<int:client_id>/consents", methods=["POST"])
@translate_service_errors
def add_consent(client_id: int):
    client = client_service.get_client(current_user, client_id, can_manage_consents)
    form = ConsentForm()
    if form.validate_on_submit():
        consent = client_service.record_consent(client, current_user, **form.values())
        return _saved(
            "consent.create",
            _("Consent recorded."),
            client,
            consent,
            "consents",
            f"kind={consent.kind}",
        )
    return _render_record(client, 400, consent_form=form)


@bp.route("/clients/<int:client_id>/consents/<int:consent_id>/revoke", methods=["POST"])
@translate_service_errors
def revoke_consent(client_id: int, consent_id: int):
    client = client_service.get_client(current_user, client_id, can_manage_consents)
    form = RevokeConsentForm()
    if form.validate_on_submit():
        try:
            consent = client_service.revoke_consent(
                client, current_user, consent_id, form.revoked_on.data
            )
        except Rejected as rejected:
            show_problems(form, rejected)
        else:
            message = _("Consent marked as revoked.")
            return _saved(
                "consent.revoke", message, client, consent, "consents", f"kind={consent.kind}"
            )
    return _render_record(client, 400, revoke_form=form, revoke_consent_id=consent_id)


@bp.route("/clients/<int:client_id>/care-team", methods=["POST"])
@translate_service_errors
def add_care_team_member(client_id: int):
    client = client_service.get_client(current_user, client_id, can_manage_care_team)
    form = CareTeamForm(candidates=client_service.care_team_candidates(client))
    if form.validate_on_submit():
        member = client_service.add_care_team_member(
            client, form.user_id.data, form.role.data, current_user
        )
        detail = f"user={member.user_id},role={member.role}"
        return _saved("care_team.add", _("Care team updated."), client, member, "care-team", detail)
    return _render_record(client, 400, care_team_form=form)


@bp.route("/clients/<int:client_id>/care-team/<int:member_id>/remove", methods=["POST"])
@translate_service_errors
def remove_care_team_member(client_id: int, member_id: int):
    client = client_service.get_client(current_user, client_id, can_manage_care_team)
    member = client_service.remove_care_team_member(client, member_id)
    detail = f"user={member.user_id}"
    return _saved("care_team.remove", _("Care team updated."), client, member, "care-team", detail)
