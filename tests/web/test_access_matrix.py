"""The access matrix: every route, method and actor against a declared policy table.

``ACCESS`` below is the authorization rule of every route, written down once. The test
walks each (endpoint, method) of ``app.url_map`` (except ``static``) for six people and
compares what really happens with what the table declares. A route that is not in the
table fails ``test_every_route_is_declared``; a route with URL parameters but no way
to build them here fails ``test_every_parameterised_route_has_url_kwargs``.

Object routes point at client A's records (therapist A is the primary), so therapist B
and the admin (on no care team) exercise "someone else's record is a 404".

To add a route: add its (endpoint, method) to ``ACCESS`` with one of the named
policies (or a new one built with ``policy()``), and, if its URL has parameters, a
builder to ``URL_KWARGS`` pointing at client A's side of the world.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from types import MappingProxyType
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from tests import factories
from tracker.domain.clients import ConsentKind
from tracker.domain.policy import CareTeamRole, Role
from tracker.domain.reports import Period, content_hash
from tracker.domain.vitals import Reading
from tracker.extensions import db
from tracker.models import CareTeamMember, Consent, HomeworkTemplate, OneTimeToken, Report, User
from tracker.printing import reports as report_printing
from tracker.services import accounts, calendar_feeds, invitations, planning
from tracker.services import clients as client_service
from tracker.services import goals as goal_service
from tracker.services import homework as homework_service
from tracker.services import journal as journal_service
from tracker.services import measures as measure_service
from tracker.services import reminders as reminder_service
from tracker.services import report_batches as batch_service
from tracker.services import safety_plan as plan_service
from tracker.services import sessions as session_service

ACTORS = ("anonymous", "client_a", "client_b", "therapist_a", "therapist_b", "admin")
METHODS = ("GET", "POST")  # HEAD and OPTIONS are answered by Flask itself
SIGN_IN_PATH = "/login"

# Outcomes of one request, as the table declares them and ``outcome()`` reads them.
OK = "allowed"  # reached the view: 2xx, 400 form errors, or a redirect not to sign-in
SIGN_IN = "sign-in redirect"  # 302 to /login, the person stays where they were
SIGNED_OUT = "signed out"  # 302 to /login and the person is no longer signed in
FORBIDDEN = "403"  # may see the record or area, but may not do this
NOT_FOUND = "404"  # someone else's record, or another audience's area


def policy(
    *, anonymous: str, client_a: str, client_b: str, therapist_a: str, therapist_b: str, admin: str
) -> Mapping[str, str]:
    """An expected outcome for each of the six actors (all must be named)."""
    return MappingProxyType(
        {
            "anonymous": anonymous,
            "client_a": client_a,
            "client_b": client_b,
            "therapist_a": therapist_a,
            "therapist_b": therapist_b,
            "admin": admin,
        }
    )


# Anyone, signed in or not (the sign-in page sends signed-in people home: allowed).
PUBLIC = policy(anonymous=OK, client_a=OK, client_b=OK, therapist_a=OK, therapist_b=OK, admin=OK)
# Any signed-in person, whatever their role.
SIGNED_IN = policy(
    anonymous=SIGN_IN, client_a=OK, client_b=OK, therapist_a=OK, therapist_b=OK, admin=OK
)
# Signing out: every signed-in person ends up signed out.
SIGN_OUT = policy(
    anonymous=SIGN_IN,
    client_a=SIGNED_OUT,
    client_b=SIGNED_OUT,
    therapist_a=SIGNED_OUT,
    therapist_b=SIGNED_OUT,
    admin=SIGNED_OUT,
)
# The clinician area (can_use_clinician_area): therapists and admins; clients see no
# staff pages at all (404, audience_guard).
STAFF = policy(
    anonymous=SIGN_IN,
    client_a=NOT_FOUND,
    client_b=NOT_FOUND,
    therapist_a=OK,
    therapist_b=OK,
    admin=OK,
)
# A clinician-area action only therapists may take (can_create_client): the admin is
# inside the area but lacks the capability, hence 403 rather than 404.
THERAPIST_ONLY_ACTION = policy(
    anonymous=SIGN_IN,
    client_a=NOT_FOUND,
    client_b=NOT_FOUND,
    therapist_a=OK,
    therapist_b=OK,
    admin=FORBIDDEN,
)
# Client A's record and its sub-records (can_view_client and the can_* of the action):
# only the primary therapist (or care team); everyone else gets a 404, never a 403.
STAFF_OWN_CLIENT = policy(
    anonymous=SIGN_IN,
    client_a=NOT_FOUND,
    client_b=NOT_FOUND,
    therapist_a=OK,
    therapist_b=NOT_FOUND,
    admin=NOT_FOUND,
)
# Practice administration (can_administer_practice): admins only; others 404.
ADMIN_ONLY = policy(
    anonymous=SIGN_IN,
    client_a=NOT_FOUND,
    client_b=NOT_FOUND,
    therapist_a=NOT_FOUND,
    therapist_b=NOT_FOUND,
    admin=OK,
)
# The client portal (can_use_portal): client accounts only; staff 404.
PORTAL = policy(
    anonymous=SIGN_IN,
    client_a=OK,
    client_b=OK,
    therapist_a=NOT_FOUND,
    therapist_b=NOT_FOUND,
    admin=NOT_FOUND,
)

# One of client A's own portal records (homework, goal, journal entry): client A only;
# client B gets a 404 like everyone else.
PORTAL_OWN_RECORD = policy(
    anonymous=SIGN_IN,
    client_a=OK,
    client_b=NOT_FOUND,
    therapist_a=NOT_FOUND,
    therapist_b=NOT_FOUND,
    admin=NOT_FOUND,
)

# Something one staff member started for themselves (a report batch): that person only;
# every colleague, the admin included, gets a 404.
OWN_STAFF_RECORD = policy(
    anonymous=SIGN_IN,
    client_a=NOT_FOUND,
    client_b=NOT_FOUND,
    therapist_a=OK,
    therapist_b=NOT_FOUND,
    admin=NOT_FOUND,
)

ACCESS: Mapping[tuple[str, str], Mapping[str, str]] = {
    # auth: no audience guard
    ("auth.home", "GET"): SIGNED_IN,
    ("auth.login", "GET"): PUBLIC,
    ("auth.login", "POST"): PUBLIC,
    ("auth.logout", "POST"): SIGN_OUT,
    ("auth.resume", "GET"): SIGNED_IN,
    ("auth.reset_password", "GET"): PUBLIC,  # a valid one-time token is the credential
    ("auth.reset_password", "POST"): PUBLIC,
    ("auth.change_password", "GET"): SIGNED_IN,
    ("auth.change_password", "POST"): SIGNED_IN,
    ("auth.choose_language", "GET"): SIGNED_IN,
    ("auth.choose_language", "POST"): SIGNED_IN,
    ("auth.healthz", "GET"): PUBLIC,
    # clinician
    ("clinician.caseload", "GET"): STAFF,
    ("clinician.new_client", "GET"): THERAPIST_ONLY_ACTION,
    ("clinician.new_client", "POST"): THERAPIST_ONLY_ACTION,
    ("clinician.show_client", "GET"): STAFF_OWN_CLIENT,
    ("clinician.edit_client", "GET"): STAFF_OWN_CLIENT,
    ("clinician.edit_client", "POST"): STAFF_OWN_CLIENT,
    ("clinician.new_screening", "GET"): STAFF_OWN_CLIENT,
    ("clinician.new_screening", "POST"): STAFF_OWN_CLIENT,
    ("clinician.add_consent", "POST"): STAFF_OWN_CLIENT,
    ("clinician.revoke_consent", "POST"): STAFF_OWN_CLIENT,
    ("clinician.add_care_team_member", "POST"): STAFF_OWN_CLIENT,
    ("clinician.remove_care_team_member", "POST"): STAFF_OWN_CLIENT,
    # session documentation (issue 3)
    ("clinician.list_sessions", "GET"): STAFF_OWN_CLIENT,
    ("clinician.new_session", "GET"): STAFF_OWN_CLIENT,
    ("clinician.new_session", "POST"): STAFF_OWN_CLIENT,
    ("clinician.show_session", "GET"): STAFF_OWN_CLIENT,
    ("clinician.edit_session", "GET"): STAFF_OWN_CLIENT,
    ("clinician.edit_session", "POST"): STAFF_OWN_CLIENT,
    ("clinician.sign_session", "POST"): STAFF_OWN_CLIENT,
    # "entered in error": the author, the primary therapist or a care-team supervisor
    # (can_void_session); the scene's session is therapist A's own draft, so A is let in
    # and told a draft cannot be voided.
    ("clinician.void_session", "POST"): STAFF_OWN_CLIENT,
    ("clinician.add_addendum", "POST"): STAFF_OWN_CLIENT,
    ("clinician.add_administration", "POST"): STAFF_OWN_CLIENT,
    ("clinician.add_vitals", "POST"): STAFF_OWN_CLIENT,
    ("clinician.add_brainspot", "POST"): STAFF_OWN_CLIENT,
    ("clinician.delete_session_part", "POST"): STAFF_OWN_CLIENT,
    ("clinician.spot_map", "GET"): STAFF_OWN_CLIENT,
    # the medicine-session page (issue 11)
    ("clinician.save_checklist", "POST"): STAFF_OWN_CLIENT,
    ("clinician.save_note", "POST"): STAFF_OWN_CLIENT,
    ("clinician.record_discharge", "POST"): STAFF_OWN_CLIENT,
    ("clinician.explain_dose", "POST"): STAFF_OWN_CLIENT,
    # adverse events: recorded by whoever may record dosing, listed for one's own clients
    ("clinician.new_adverse_event", "GET"): STAFF_OWN_CLIENT,
    ("clinician.new_adverse_event", "POST"): STAFF_OWN_CLIENT,
    ("clinician.client_adverse_events", "GET"): STAFF_OWN_CLIENT,
    ("clinician.adverse_events", "GET"): STAFF,  # the events of one's own clients only
    # goals, homework, portal access (issue 4)
    ("clinician.list_goals", "GET"): STAFF_OWN_CLIENT,
    ("clinician.new_goal", "GET"): STAFF_OWN_CLIENT,
    ("clinician.new_goal", "POST"): STAFF_OWN_CLIENT,
    ("clinician.show_goal", "GET"): STAFF_OWN_CLIENT,
    ("clinician.edit_goal", "GET"): STAFF_OWN_CLIENT,
    ("clinician.edit_goal", "POST"): STAFF_OWN_CLIENT,
    ("clinician.rate_goal", "POST"): STAFF_OWN_CLIENT,
    ("clinician.homework_library", "GET"): STAFF,  # the practice-wide library
    ("clinician.new_template", "GET"): THERAPIST_ONLY_ACTION,
    ("clinician.new_template", "POST"): THERAPIST_ONLY_ACTION,
    ("clinician.edit_template", "GET"): THERAPIST_ONLY_ACTION,
    ("clinician.edit_template", "POST"): THERAPIST_ONLY_ACTION,
    ("clinician.client_homework", "GET"): STAFF_OWN_CLIENT,
    ("clinician.assign_homework", "GET"): STAFF_OWN_CLIENT,
    ("clinician.assign_homework", "POST"): STAFF_OWN_CLIENT,
    ("clinician.stop_homework", "POST"): STAFF_OWN_CLIENT,
    ("clinician.invite_client", "GET"): STAFF_OWN_CLIENT,
    ("clinician.invite_client", "POST"): STAFF_OWN_CLIENT,
    ("auth.accept_invitation", "GET"): PUBLIC,  # a valid one-time token is the credential
    ("auth.accept_invitation", "POST"): PUBLIC,
    # outcome measures (issue 5)
    ("clinician.client_measures", "GET"): STAFF_OWN_CLIENT,
    ("clinician.assign_measure", "POST"): STAFF_OWN_CLIENT,
    ("clinician.stop_measure", "POST"): STAFF_OWN_CLIENT,
    ("clinician.enter_measure", "GET"): STAFF_OWN_CLIENT,
    ("clinician.enter_measure", "POST"): STAFF_OWN_CLIENT,
    ("clinician.acknowledge_alert", "POST"): STAFF_OWN_CLIENT,  # an alert of client A
    # the alert's page (the e-mailed link): the care team, and backup clinicians once it
    # escalated to them (none in the scene: see tests/web/test_alert_delivery.py)
    ("clinician.show_alert", "GET"): STAFF_OWN_CLIENT,
    ("portal.fill_measure", "GET"): PORTAL_OWN_RECORD,
    ("portal.fill_measure", "POST"): PORTAL_OWN_RECORD,
    # the safety plan (issue 12): the care team reads it, primary and co-therapists write it;
    # the client prints the newest version (client B has none: 404 like everyone else)
    ("clinician.safety_plan", "GET"): STAFF_OWN_CLIENT,
    ("clinician.edit_safety_plan", "GET"): STAFF_OWN_CLIENT,
    ("clinician.edit_safety_plan", "POST"): STAFF_OWN_CLIENT,
    ("clinician.show_safety_plan_version", "GET"): STAFF_OWN_CLIENT,
    ("clinician.safety_plan_card", "GET"): STAFF_OWN_CLIENT,
    ("portal.safety_plan_card", "GET"): PORTAL_OWN_RECORD,
    # family history (issue 7): the care team sees it, primary and co-therapists change it
    ("clinician.family_history", "GET"): STAFF_OWN_CLIENT,
    ("clinician.quick_family", "POST"): STAFF_OWN_CLIENT,
    ("clinician.add_family_member", "POST"): STAFF_OWN_CLIENT,
    ("clinician.edit_family_member", "GET"): STAFF_OWN_CLIENT,
    ("clinician.edit_family_member", "POST"): STAFF_OWN_CLIENT,
    ("clinician.delete_family_member", "POST"): STAFF_OWN_CLIENT,
    ("clinician.add_family_parent_link", "POST"): STAFF_OWN_CLIENT,
    ("clinician.add_family_partnership", "POST"): STAFF_OWN_CLIENT,
    ("clinician.add_family_relationship", "POST"): STAFF_OWN_CLIENT,
    ("clinician.add_family_event", "POST"): STAFF_OWN_CLIENT,
    ("clinician.delete_family_part", "POST"): STAFF_OWN_CLIENT,
    ("clinician.link_goal_to_family", "POST"): STAFF_OWN_CLIENT,
    # progress reports (issue 6)
    ("clinician.client_reports", "GET"): STAFF_OWN_CLIENT,
    ("clinician.client_reports", "POST"): STAFF_OWN_CLIENT,
    ("clinician.preview_report", "GET"): STAFF_OWN_CLIENT,
    ("clinician.download_report", "GET"): STAFF_OWN_CLIENT,
    ("clinician.report_batches", "GET"): STAFF,  # one's own active clients, whatever they are
    ("clinician.report_batches", "POST"): STAFF,
    ("clinician.show_report_batch", "GET"): OWN_STAFF_RECORD,  # therapist A's batch
    ("clinician.download_report_batch", "GET"): OWN_STAFF_RECORD,
    ("portal.reports", "GET"): PORTAL,
    ("portal.download_report", "GET"): PORTAL_OWN_RECORD,  # a client summary of client A
    # portal
    ("portal.home", "GET"): PORTAL,
    ("portal.show_homework", "GET"): PORTAL_OWN_RECORD,
    ("portal.complete_homework", "POST"): PORTAL_OWN_RECORD,
    ("portal.show_goal", "GET"): PORTAL_OWN_RECORD,
    ("portal.show_goal", "POST"): PORTAL_OWN_RECORD,
    ("portal.new_goal", "GET"): PORTAL,
    ("portal.new_goal", "POST"): PORTAL,
    ("portal.journal", "GET"): PORTAL,
    ("portal.journal", "POST"): PORTAL,
    ("portal.edit_journal_entry", "GET"): PORTAL_OWN_RECORD,
    ("portal.edit_journal_entry", "POST"): PORTAL_OWN_RECORD,
    # reminders (issue 12): the client's own choice; the e-mail's link needs no sign-in
    ("portal.reminders", "GET"): PORTAL,
    ("portal.reminders", "POST"): PORTAL,
    ("auth.unsubscribe_reminders", "GET"): PUBLIC,  # the signed token is the credential
    ("auth.unsubscribe_reminders", "POST"): PUBLIC,
    # admin
    ("admin.index", "GET"): ADMIN_ONLY,
    ("admin.list_users", "GET"): ADMIN_ONLY,
    ("admin.create_user", "GET"): ADMIN_ONLY,
    ("admin.create_user", "POST"): ADMIN_ONLY,
    ("admin.deactivate_user", "POST"): ADMIN_ONLY,
    ("admin.activate_user", "POST"): ADMIN_ONLY,
    ("admin.issue_reset_link", "POST"): ADMIN_ONLY,
    ("admin.set_backup_clinician", "POST"): ADMIN_ONLY,
    ("admin.edit_practice", "GET"): ADMIN_ONLY,
    ("admin.edit_practice", "POST"): ADMIN_ONLY,
    ("admin.audit_trail", "GET"): ADMIN_ONLY,
    ("admin.outbox", "GET"): ADMIN_ONLY,  # e-mail delivery: kinds, masked addresses, status
    # Today and planned sessions (issue 12): Today for staff (admins see counts only);
    # plans of client A by whoever may document its sessions; one's own feed address
    ("clinician.today", "GET"): STAFF,
    ("clinician.plan_session", "GET"): STAFF_OWN_CLIENT,
    ("clinician.plan_session", "POST"): STAFF_OWN_CLIENT,
    ("clinician.start_planned_session", "POST"): STAFF_OWN_CLIENT,
    ("clinician.cancel_planned_session", "POST"): STAFF_OWN_CLIENT,
    ("clinician.calendar_feed", "GET"): STAFF,
    ("clinician.calendar_feed", "POST"): STAFF,
    ("clinician.revoke_calendar_feed", "POST"): STAFF,
    ("feeds.calendar", "GET"): PUBLIC,  # the secret in the address is the credential
}


@dataclass(frozen=True)
class Scene:
    """The world plus the sub-records the object routes point at (plain ids only)."""

    emails: Mapping[str, str | None]  # actor -> e-mail to sign in with (None: anonymous)
    client_a_id: int
    consent_id: int  # a consent of client A
    member_id: int  # a care-team membership on client A (a colleague, not an actor)
    account_id: int  # a staff account of the practice: target of the admin account routes
    reset_token: str  # a valid password-reset token (of that account)
    session_id: int  # a draft KAP medicine session of client A
    vital_id: int  # a vitals reading of that session
    goal_id: int  # a goal of client A
    template_id: int  # a homework template of the practice
    assignment_id: int  # homework assigned to client A
    journal_entry_id: int  # a (private) journal entry written by client A
    invitation_token: str  # a valid portal invitation (for a third client)
    measure_assignment_id: int  # a due PHQ-9 of client A
    alert_id: int  # an open safety alert of client A
    family_member_id: int  # a relative in client A's family history (not the client)
    family_event_id: int  # an event of that relative
    report_id: int  # a clinical report of client A, its PDF stored
    client_report_id: int  # a client summary of client A, its PDF stored
    batch_id: int  # a finished report batch of therapist A, its ZIP stored
    safety_plan_version: int  # the number of the first of client A's two plan versions
    plan_id: int  # a session of client A planned by therapist A, not started
    feed_secret: str  # therapist A's calendar feed address
    unsubscribe_token: str  # stops client A's reminders (client A has opted in)


def build_scene(world: factories.World) -> Scene:
    colleague = factories.make_user(world.practice, Role.THERAPIST, name="Cal Colleague")
    account = factories.make_user(world.practice, Role.THERAPIST, name="Ari Account")
    member = client_service.add_care_team_member(
        world.client_a, colleague.id, CareTeamRole.CO_THERAPIST, world.therapist_a
    )
    consent = client_service.record_consent(
        world.client_a,
        world.therapist_a,
        kind=ConsentKind.KAP_INFORMED,
        version="2024-1",
        given_on=date(2024, 1, 15),
    )
    token = accounts.issue_one_time_token(
        account,
        purpose=accounts.PURPOSE_PASSWORD_RESET,
        lifetime=timedelta(hours=1),
        created_by=world.admin,
    )
    session = session_service.create_session(
        world.client_a,
        world.therapist_a,
        {
            "starts_at": datetime(2026, 11, 20, 9, 0, tzinfo=UTC),
            "duration_minutes": 180,
            "modality": "kap",
            "phase": "medicine",
            "setting": "in_person",
            "note_format": "soap",
            "suicide_screen": "negative",
        },
        {"subjective": "matrix"},
    )
    (vital,) = session_service.add_vitals(
        session,
        world.therapist_a,
        [(datetime(2026, 11, 20, 9, 5, tzinfo=UTC), Reading(120, 80, 70, 98), "")],
    )
    goal = goal_service.create_goal(
        world.client_a,
        world.therapist_a,
        {"title": "matrix goal", "domain": "body"},
        date(2026, 11, 1),
    )
    template = HomeworkTemplate(
        practice_id=world.practice.id,
        title="Matrix practice",
        category="body",
        instructions="Breathe.",
    )
    db.session.add(template)
    db.session.flush()
    assignment = homework_service.assign(
        world.client_a,
        world.therapist_a,
        {"title": "Breathe", "recurrence": "daily", "start_date": date(2026, 11, 1)},
    )
    entry = journal_service.write(
        world.client_a, world.client_user_a, title=None, body="matrix", visibility="private"
    )
    invited = factories.make_client(world.therapist_a, preferred_name="Ines")
    invitation = invitations.invite(
        invited, world.therapist_a, "ines@example.org", timedelta(hours=72)
    )
    measure = measure_service.assign(
        world.client_a,
        world.therapist_a,
        instrument="phq9",
        kind="once",
        every_days=None,
        start=date(2020, 1, 1),
    )
    flagged = measure_service.submit_answers(
        world.client_a,
        world.therapist_a,
        instrument="phq9",
        answers=[0, 0, 0, 0, 0, 0, 0, 0, 1],
        extra_answer=None,
        completed_on=date(2026, 11, 1),
        by_client=False,
    )
    me = factories.make_member(world.client_a, "client", is_client=True, birth_year=1985)
    mother = factories.make_member(world.client_a, "mother", sex="female", birth_year=1958)
    factories.make_parent_link(world.client_a, mother, me)
    family_event = factories.make_family_event(world.client_a, "migration", member=mother)
    clinical, summary = (
        _stored_report(world, kind, date(2026, 11, 30)) for kind in ("clinical", "client")
    )
    batch = batch_service.create_batch(
        world.therapist_a,
        Period(date(2026, 10, 1), date(2026, 10, 31)),
        whole_course=False,
        backend="thread",
    )
    batch_service.finish(batch, b"PK\x05\x06" + b"\0" * 18)  # an empty ZIP
    first_plan, _ = plan_service.save(
        world.client_a, world.therapist_a, {"warning_signs": "matrix"}, expected_version=0
    )
    plan_service.save(
        world.client_a, world.therapist_a, {"warning_signs": "matrix 2"}, expected_version=1
    )
    plan = planning.plan_session(
        world.client_a,
        world.therapist_a,
        world.practice,
        {
            "starts_at": datetime(2026, 12, 1, 9, 0, tzinfo=UTC),
            "duration_minutes": 60,
            "modality": "kap",
            "phase": "integration",
            "setting": "in_person",
        },
        datetime(2026, 11, 30, 9, 0, tzinfo=UTC),
    )
    _, feed_secret = calendar_feeds.issue_feed(world.therapist_a)
    reminder_service.save_choice(
        world.client_a,
        enabled=True,
        settings=reminder_service.current_choice(world.client_a, world.practice).settings,
    )
    db.session.commit()
    return Scene(
        emails={
            "anonymous": None,
            "client_a": world.client_user_a.email,
            "client_b": world.client_user_b.email,
            "therapist_a": world.therapist_a.email,
            "therapist_b": world.therapist_b.email,
            "admin": world.admin.email,
        },
        client_a_id=world.client_a.id,
        consent_id=consent.id,
        member_id=member.id,
        account_id=account.id,
        reset_token=token,
        session_id=session.id,
        vital_id=vital.id,
        goal_id=goal.id,
        template_id=template.id,
        assignment_id=assignment.id,
        journal_entry_id=entry.id,
        invitation_token=invitation.token,
        measure_assignment_id=measure.id,
        alert_id=flagged.alert.id,
        family_member_id=mother.id,
        family_event_id=family_event.id,
        report_id=clinical.id,
        client_report_id=summary.id,
        batch_id=batch.id,
        safety_plan_version=first_plan.version,
        plan_id=plan.id,
        feed_secret=feed_secret,
        unsubscribe_token=reminder_service.unsubscribe_token(world.client_a.id),
    )


def _stored_report(world: factories.World, kind: str, end: date) -> Report:
    """A recorded report of client A whose (stand-in) PDF is in the encrypted cache,
    without rendering one: the matrix is about who reaches it."""
    digest = content_hash(kind, f"access matrix {kind}")
    report_printing._store(digest, b"%PDF-1.7 access matrix stand-in")
    report = Report(
        client_id=world.client_a.id,
        kind=kind,
        period_start=date(2026, 9, 1),
        period_end=end,
        content_hash=digest,
        pages=1,
        created_by_id=world.therapist_a.id,
    )
    db.session.add(report)
    db.session.flush()
    return report


def _client_a(scene: Scene) -> dict:
    return {"client_id": scene.client_a_id}


def _session(scene: Scene) -> dict:
    return {"client_id": scene.client_a_id, "session_id": scene.session_id}


def _account(scene: Scene) -> dict:
    return {"user_id": scene.account_id}


URL_KWARGS: Mapping[str, Callable[[Scene], dict]] = {
    "auth.reset_password": lambda scene: {"token": scene.reset_token},
    "clinician.show_client": _client_a,
    "clinician.edit_client": _client_a,
    "clinician.new_screening": _client_a,
    "clinician.add_consent": _client_a,
    "clinician.revoke_consent": lambda scene: {
        "client_id": scene.client_a_id,
        "consent_id": scene.consent_id,
    },
    "clinician.add_care_team_member": _client_a,
    "clinician.remove_care_team_member": lambda scene: {
        "client_id": scene.client_a_id,
        "member_id": scene.member_id,
    },
    "clinician.list_sessions": _client_a,
    "clinician.new_session": _client_a,
    "clinician.show_session": _session,
    "clinician.edit_session": _session,
    "clinician.sign_session": _session,
    "clinician.void_session": _session,
    "clinician.add_addendum": _session,
    "clinician.add_administration": _session,
    "clinician.add_vitals": _session,
    "clinician.add_brainspot": _session,
    "clinician.save_checklist": _session,
    "clinician.save_note": _session,
    "clinician.record_discharge": _session,
    # no such dose: the empty reason is refused before the dose is looked up (400)
    "clinician.explain_dose": lambda scene: {**_session(scene), "dose_id": scene.vital_id},
    "clinician.delete_session_part": lambda scene: {
        **_session(scene),
        "part": "vitals",
        "part_id": scene.vital_id,
    },
    "clinician.spot_map": _client_a,
    "clinician.new_adverse_event": _client_a,
    "clinician.client_adverse_events": _client_a,
    "clinician.list_goals": _client_a,
    "clinician.new_goal": _client_a,
    "clinician.show_goal": lambda scene: {**_client_a(scene), "goal_id": scene.goal_id},
    "clinician.edit_goal": lambda scene: {**_client_a(scene), "goal_id": scene.goal_id},
    "clinician.rate_goal": lambda scene: {**_client_a(scene), "goal_id": scene.goal_id},
    "clinician.edit_template": lambda scene: {"template_id": scene.template_id},
    "clinician.client_homework": _client_a,
    "clinician.assign_homework": _client_a,
    "clinician.stop_homework": lambda scene: {
        **_client_a(scene),
        "assignment_id": scene.assignment_id,
    },
    "clinician.invite_client": _client_a,
    "auth.accept_invitation": lambda scene: {"token": scene.invitation_token},
    "clinician.client_measures": _client_a,
    "clinician.assign_measure": _client_a,
    "clinician.stop_measure": lambda scene: {
        **_client_a(scene),
        "assignment_id": scene.measure_assignment_id,
    },
    "clinician.enter_measure": lambda scene: {**_client_a(scene), "code": "phq9"},
    "clinician.acknowledge_alert": lambda scene: {"alert_id": scene.alert_id},
    "clinician.show_alert": lambda scene: {"alert_id": scene.alert_id},
    "portal.fill_measure": lambda scene: {"measure_id": scene.measure_assignment_id},
    "clinician.safety_plan": _client_a,
    "clinician.edit_safety_plan": _client_a,
    "clinician.show_safety_plan_version": lambda scene: {
        **_client_a(scene),
        "version": scene.safety_plan_version,
    },
    "clinician.safety_plan_card": _client_a,
    "clinician.family_history": _client_a,
    "clinician.quick_family": _client_a,
    "clinician.add_family_member": _client_a,
    "clinician.edit_family_member": lambda scene: {
        **_client_a(scene),
        "member_id": scene.family_member_id,
    },
    "clinician.delete_family_member": lambda scene: {
        **_client_a(scene),
        "member_id": scene.family_member_id,
    },
    "clinician.add_family_parent_link": _client_a,
    "clinician.add_family_partnership": _client_a,
    "clinician.add_family_relationship": _client_a,
    "clinician.add_family_event": _client_a,
    "clinician.delete_family_part": lambda scene: {
        **_client_a(scene),
        "part": "events",
        "part_id": scene.family_event_id,
    },
    "clinician.link_goal_to_family": lambda scene: {**_client_a(scene), "goal_id": scene.goal_id},
    "clinician.client_reports": _client_a,
    "clinician.preview_report": _client_a,
    "clinician.download_report": lambda scene: {**_client_a(scene), "report_id": scene.report_id},
    "clinician.show_report_batch": lambda scene: {"batch_id": scene.batch_id},
    "clinician.download_report_batch": lambda scene: {"batch_id": scene.batch_id},
    "portal.download_report": lambda scene: {"report_id": scene.client_report_id},
    "portal.show_homework": lambda scene: {"assignment_id": scene.assignment_id},
    "portal.complete_homework": lambda scene: {"assignment_id": scene.assignment_id},
    "portal.show_goal": lambda scene: {"goal_id": scene.goal_id},
    "portal.edit_journal_entry": lambda scene: {"entry_id": scene.journal_entry_id},
    "clinician.plan_session": _client_a,
    "clinician.start_planned_session": lambda scene: {**_client_a(scene), "plan_id": scene.plan_id},
    "clinician.cancel_planned_session": lambda scene: {
        **_client_a(scene),
        "plan_id": scene.plan_id,
    },
    "feeds.calendar": lambda scene: {"secret": scene.feed_secret},
    "auth.unsubscribe_reminders": lambda scene: {"token": scene.unsubscribe_token},
    "admin.deactivate_user": _account,
    "admin.activate_user": _account,
    "admin.issue_reset_link": _account,
    "admin.set_backup_clinician": _account,
}


def _routed_pairs(app: Flask) -> set[tuple[str, str]]:
    return {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in rule.methods or ()
        if method in METHODS
    }


def _build_url(app: Flask, endpoint: str, method: str, scene: Scene) -> str:
    try:
        rules = list(app.url_map.iter_rules(endpoint))
    except KeyError:
        pytest.fail(f"{endpoint} is declared in ACCESS but not routed")
    arguments = set().union(*(rule.arguments for rule in rules))
    if arguments and endpoint not in URL_KWARGS:
        pytest.fail(f"{endpoint} takes {sorted(arguments)}: add a builder to URL_KWARGS")
    kwargs = URL_KWARGS[endpoint](scene) if arguments else {}
    return app.url_map.bind("localhost").build(endpoint, kwargs, method=method)


def _signed_in(client: FlaskClient) -> bool:
    """Whether the client's session still opens a signed-in page."""
    response = client.get("/account/password")
    return response.status_code == 200


def outcome(client: FlaskClient, response: TestResponse, *, was_signed_in: bool) -> str:
    """Read a response as one of the outcomes the table declares (or its status code)."""
    status = response.status_code
    if 300 <= status < 400:
        if urlsplit(response.location).path != SIGN_IN_PATH:
            return OK
        if was_signed_in and not _signed_in(client):
            return SIGNED_OUT
        return SIGN_IN
    if status == 400 and b"This form has expired" in response.data:
        return "400 (CSRF token rejected: the request never reached the view)"
    if status in (401, 403, 404, 405, 429) or status >= 500:
        return str(status)
    return OK


ROUTES = [
    pytest.param(endpoint, method, id=f"{endpoint}-{method}") for (endpoint, method) in ACCESS
]


def _refusals_first(expectations: Mapping[str, str]) -> list[str]:
    """The actors, those expected to be turned away first.

    The actors of one route share one database, and an allowed POST may change it
    (remove a care-team member, deactivate an account); going last, it cannot change
    what anyone after it is answered.
    """
    return sorted(ACTORS, key=lambda actor: expectations[actor] in (OK, SIGNED_OUT))


def _visit(app: Flask, scene: Scene, actor: str, method: str, url: str) -> tuple[str, TestResponse]:
    """One request as ``actor`` from a fresh browser signed in just for it: outcome, response."""
    browser = app.test_client()
    email = scene.emails[actor]
    if email is not None:
        assert factories.login(browser, email).status_code == 302, f"{actor} cannot sign in"
    if method == "GET":
        response = browser.get(url)
    else:
        # A deliberately empty form: a 400 from validation still shows the view was reached.
        page = SIGN_IN_PATH if email is None else "/account/password"
        token = factories.csrf_token(browser, page)
        response = browser.post(url, data={"csrf_token": token})
    return outcome(browser, response, was_signed_in=email is not None), response


@pytest.mark.parametrize(("endpoint", "method"), ROUTES)
def test_access(app, world, endpoint, method):
    scene = build_scene(world)
    expectations = ACCESS[endpoint, method]
    url = _build_url(app, endpoint, method, scene)
    problems = []
    for actor in _refusals_first(expectations):
        got, response = _visit(app, scene, actor, method, url)
        if got != expectations[actor]:
            problems.append(
                f"  {actor:<12} expected {expectations[actor]:<17} got {got}"
                f" (status {response.status_code}, location {response.location!r})"
            )
        signed_in_page = actor != "anonymous" and 200 <= response.status_code < 300
        if method == "GET" and signed_in_page and response.cache_control.no_store is not True:
            problems.append(f"  {actor:<12} a signed-in page without Cache-Control: no-store")
    assert not problems, f"{endpoint} {method} {url}:\n" + "\n".join(problems)


def test_every_route_is_declared(app):
    routed = _routed_pairs(app)
    missing = sorted(routed - ACCESS.keys())
    stale = sorted(ACCESS.keys() - routed)
    assert not missing and not stale, (
        "the access table in tests/web/test_access_matrix.py is out of date:\n"
        + "".join(f"  not declared in ACCESS: {e} {m}\n" for e, m in missing)
        + "".join(f"  declared but not routed: {e} {m}\n" for e, m in stale)
    )


def test_every_parameterised_route_has_url_kwargs(app, world):
    scene = build_scene(world)
    problems = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or not rule.arguments:
            continue
        builder = URL_KWARGS.get(rule.endpoint)
        if builder is None:
            problems.append(f"{rule.endpoint} ({rule.rule}): no builder in URL_KWARGS")
        elif set(builder(scene)) != set(rule.arguments):
            problems.append(
                f"{rule.endpoint} ({rule.rule}): builder gives {sorted(builder(scene))}"
            )
    routed = {rule.endpoint for rule in app.url_map.iter_rules()}
    problems += [f"{name}: in URL_KWARGS but not routed" for name in URL_KWARGS.keys() - routed]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    "endpoint", ["admin.deactivate_user", "admin.activate_user", "admin.issue_reset_link"]
)
def test_admin_account_routes_hide_other_practices(app, world, endpoint):
    """The admin's account routes reach their own practice's accounts only."""
    other = factories.make_practice("Other Practice")
    stranger = factories.make_user(other, Role.THERAPIST)
    active_before = stranger.active
    db.session.commit()
    browser = app.test_client()
    assert factories.login(browser, world.admin).status_code == 302
    url = app.url_map.bind("localhost").build(endpoint, {"user_id": stranger.id})
    token = factories.csrf_token(browser, "/account/password")

    response = browser.post(url, data={"csrf_token": token})

    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(User, stranger.id).active is active_before
    tokens = select(func.count()).where(OneTimeToken.user_id == stranger.id)
    assert db.session.scalar(tokens) == 0


def test_sub_records_of_another_client_are_not_found(app, world):
    """Therapist B cannot reach client A's consent or care team through client B's URL."""
    scene = build_scene(world)
    browser = app.test_client()
    assert factories.login(browser, world.therapist_b).status_code == 302
    token = factories.csrf_token(browser, "/account/password")
    client_b = world.client_b.id

    revoke = browser.post(
        f"/clients/{client_b}/consents/{scene.consent_id}/revoke",
        data={"csrf_token": token, "revoked_on": "2024-02-01"},
    )
    remove = browser.post(
        f"/clients/{client_b}/care-team/{scene.member_id}/remove", data={"csrf_token": token}
    )

    assert (revoke.status_code, remove.status_code) == (404, 404)
    db.session.expire_all()
    assert db.session.get(Consent, scene.consent_id).revoked_on is None
    assert db.session.get(CareTeamMember, scene.member_id) is not None
