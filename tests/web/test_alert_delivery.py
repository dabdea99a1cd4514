"""Safety alerts that reach people (issue 12, section 3), against a real SMTP server:
the care team e-mailed at once, the backup clinicians when the escalation time passes
unacknowledged (or at once when urgent), an acknowledgement that stops it, the honest
"nobody to escalate to", the alert's page for staff, backup clinicians designated by
the admin, every step audited; and canaries in every clinical field that no message
may carry."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.factories import (
    answers_totalling,
    assign_measure,
    complete,
    login,
    make_assignment,
    make_client,
    make_goal,
    make_member,
    make_user,
    post_form,
    write_journal,
)
from tests.session_factories import add_to_care_team, make_addendum, make_session, post
from tests.web.pages import text as page_text
from tracker import delivery
from tracker.domain.alerts import AlertNeed
from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.models import (
    AuditEvent,
    Client,
    MedicalScreening,
    OutboxMessage,
    Practice,
    SafetyAlert,
    User,
)
from tracker.models.base import utcnow
from tracker.services import accounts, alerts
from tracker.services import measures as measure_service

ATTENTION = "Something needs your attention in Integration Tracker"
ACK_NOTE = "Phoned at 14:10, safe, sister staying over."


@pytest.fixture
def team(world):
    """Cora's care team: Tara (primary), Cleo (co-therapist) and Dora (deactivated);
    Theo (therapist B) is the practice's backup clinician."""
    cleo = make_user(world.practice, Role.THERAPIST, email="cleo@example.test", name="Cleo Co")
    dora = make_user(world.practice, Role.THERAPIST, email="dora@example.test", name="Dora Gone")
    add_to_care_team(world.client_a, cleo, "co_therapist")
    add_to_care_team(world.client_a, dora, "supervisor")
    accounts.set_active(dora, False)
    accounts.set_backup_clinician(world.therapist_b, True)
    db.session.commit()
    return world


def signed_in(app, user):
    browser = app.test_client()
    assert login(browser, user).status_code == 302
    return browser


def flag_from_portal(app, world, answers=(1, 1, 1, 1, 0, 0, 0, 0, 1)) -> SafetyAlert:
    """Client A answers a PHQ-9 in the portal with item 9 positive."""
    assignment = assign_measure(world.client_a, "phq9")
    db.session.commit()
    cora = signed_in(app, world.client_user_a)
    data = {f"item_{n}": str(value) for n, value in enumerate(answers, 1)}
    response = post_form(cora, f"/portal/measures/{assignment.id}", data, form_page="/portal/")
    assert response.status_code == 200
    db.session.expire_all()
    return db.session.scalars(sa.select(SafetyAlert).order_by(SafetyAlert.id.desc())).first()


def raised(world, *, urgent: bool = False) -> SafetyAlert:
    """An alert raised through the service (as a therapist's entry would)."""
    response = measure_service.submit_answers(
        world.client_a,
        world.therapist_a,
        instrument="phq9",
        answers=answers_totalling("phq9", 4, item9=1),
        extra_answer=None,
        completed_on=utcnow().date(),
        by_client=False,
    ).response
    if urgent:  # as a high-risk C-SSRS screen would be
        alert = alerts.raise_alert(
            world.client_a, response, AlertNeed("suicidal_behavior", urgent=True)
        )
    else:
        alert = db.session.scalar(
            sa.select(SafetyAlert).where(SafetyAlert.response_id == response.id)
        )
    db.session.commit()
    return alert


def events(action: str) -> list[AuditEvent]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
    )


def fresh(alert: SafetyAlert) -> SafetyAlert:
    db.session.expire_all()
    return db.session.get(SafetyAlert, alert.id)


def acknowledge(app, user, alert, next_page: str = "caseload"):
    browser = signed_in(app, user)
    return post(
        browser, f"/alerts/{alert.id}/acknowledge", {"note": ACK_NOTE, "next_page": next_page}
    )


# --- the care team, at once ------------------------------------------------------------


def test_the_care_team_is_e_mailed_after_one_outbox_run(app, team, smtp_server):
    alert = flag_from_portal(app, team)
    assert smtp_server.received == []  # written with the alert, sent by the run
    queued = db.session.scalars(sa.select(OutboxMessage.recipient).order_by(OutboxMessage.id))
    assert list(queued) == ["ta@example.test", "cleo@example.test"]

    report = delivery.run_once()
    assert (report.sent, report.escalated) == (2, 0)
    assert sorted(r.recipients[0] for r in smtp_server.received) == [
        "cleo@example.test",
        "ta@example.test",
    ]  # not the deactivated supervisor, not (yet) the backup clinician
    for received in smtp_server.received:
        assert received.subject == ATTENTION
        assert f"http://localhost/alerts/{alert.id}" in received.body
    assert fresh(alert).team_notified_at is not None
    (notified,) = events("safety_alert.notify")
    assert (notified.record_id, notified.client_id) == (alert.id, team.client_a.id)
    assert notified.detail == f"users={team.therapist_a.id} {_id('cleo@example.test')}"

    assert delivery.run_once().sent == 0  # never twice
    assert len(smtp_server.received) == 2


def _id(email: str) -> int:
    return db.session.scalar(sa.select(User.id).where(User.email == email))


def test_answers_entered_by_the_therapist_notify_the_team_too(app, team, smtp_server):
    browser = signed_in(app, team.therapist_a)
    answers = answers_totalling("phq9", 5, item9=2)
    data = {f"item_{n}": str(v) for n, v in enumerate(answers, 1)}
    data["completed_on"] = utcnow().date().isoformat()
    response = post(browser, f"/clients/{team.client_a.id}/measures/enter/phq9", data)
    assert response.status_code == 302
    delivery.run_once()
    assert len(smtp_server.received) == 2


def test_the_message_says_nothing_of_the_client_or_the_kind(app, team, smtp_server):
    flag_from_portal(app, team)
    delivery.run_once()
    for received in smtp_server.received:
        everything = received.everything.lower()
        for secret in ("cora", "client", "phq", "suicid", "item 9", "ideation", "legal"):
            assert secret not in everything, secret


# --- escalation ------------------------------------------------------------------------


def test_unacknowledged_after_the_escalation_time_the_backup_clinician_is_e_mailed(
    app, team, smtp_server
):
    alert = flag_from_portal(app, team)
    delivery.run_once()
    raised_at = fresh(alert).created_at
    assert delivery.run_once(raised_at + timedelta(minutes=119)).escalated == 0
    assert smtp_server.to("tb@example.test") == []

    report = delivery.run_once(raised_at + timedelta(minutes=120))
    assert (report.escalated, report.sent) == (1, 1)
    (escalation,) = smtp_server.to("tb@example.test")
    assert escalation.subject == ATTENTION
    assert f"/alerts/{alert.id}" in escalation.body
    assert "backup clinician" in escalation.body
    assert fresh(alert).escalated_at == raised_at + timedelta(minutes=120)
    (escalated,) = events("safety_alert.escalate")
    assert escalated.detail == f"reason=overdue,users={team.therapist_b.id}"

    later = delivery.run_once(raised_at + timedelta(hours=5))  # once per alert
    assert (later.escalated, later.sent) == (0, 0)
    assert len(smtp_server.to("tb@example.test")) == 1


def test_the_run_that_escalates_also_sends_the_escalation(app, team, smtp_server):
    """On the real clock: the escalation written by a run is due in that same run."""
    alert = flag_from_portal(app, team)
    stored = fresh(alert)
    stored.created_at = stored.created_at - timedelta(minutes=121)
    db.session.commit()
    report = delivery.run_once()
    assert (report.escalated, report.waiting) == (1, 0)
    assert len(smtp_server.to("tb@example.test")) == 1


def test_the_practices_escalation_time_is_used(app, team, smtp_server):
    practice = db.session.get(Practice, team.practice.id)
    practice.alert_escalation_minutes = 30
    db.session.commit()
    alert = flag_from_portal(app, team)
    raised_at = fresh(alert).created_at
    assert delivery.run_once(raised_at + timedelta(minutes=29)).escalated == 0
    assert delivery.run_once(raised_at + timedelta(minutes=30)).escalated == 1


def test_an_acknowledgement_before_the_time_stops_the_escalation(app, team, smtp_server):
    alert = flag_from_portal(app, team)
    response = acknowledge(
        app, team.client_a and db.session.get(User, _id("cleo@example.test")), alert
    )
    assert response.status_code == 302
    report = delivery.run_once(fresh(alert).created_at + timedelta(hours=3))
    assert report.escalated == 0
    assert smtp_server.to("tb@example.test") == []
    (cancel,) = events("safety_alert.escalation_cancel")
    assert cancel.detail == "before_due"
    assert fresh(alert).escalated_at is None


def test_an_acknowledgement_cancels_an_escalation_not_yet_sent(app, team, smtp_server):
    alert = flag_from_portal(app, team)
    raised_at = fresh(alert).created_at
    # The escalation is written (mail is down for this run) but not yet sent …
    port = app.config["MAIL_SERVER"]
    app.config["MAIL_SERVER"] = None
    assert delivery.run_once(raised_at + timedelta(minutes=121)).escalated == 1
    app.config["MAIL_SERVER"] = port
    waiting = db.session.scalar(
        sa.select(OutboxMessage).where(OutboxMessage.recipient == "tb@example.test")
    )
    assert waiting.status == "pending"
    # … when someone on the care team acknowledges: it never goes out.
    assert acknowledge(app, team.therapist_a, alert).status_code == 302
    delivery.run_once(raised_at + timedelta(minutes=122))
    assert smtp_server.to("tb@example.test") == []
    db.session.expire_all()
    assert db.session.get(OutboxMessage, waiting.id).status == "cancelled"
    (cancel,) = events("safety_alert.escalation_cancel")
    assert cancel.detail == "cancelled=1"


def test_an_urgent_alert_goes_to_the_backup_clinicians_at_once(app, team, smtp_server):
    alert = raised(team, urgent=True)
    assert alert.escalated_at == alert.created_at
    report = delivery.run_once()
    assert report.escalated == 0  # already escalated when raised
    assert len(smtp_server.to("tb@example.test")) == 1
    assert len(smtp_server.to("ta@example.test")) >= 1
    (escalated,) = [e for e in events("safety_alert.escalate") if e.record_id == alert.id]
    assert escalated.detail.startswith("reason=urgent,")


def test_with_nobody_on_the_team_to_e_mail_the_backup_is_told_at_once(app, team, smtp_server):
    accounts.set_active(db.session.get(User, team.therapist_a.id), False)
    accounts.set_active(db.session.get(User, _id("cleo@example.test")), False)
    db.session.commit()
    alert = raised(team)
    assert alert.team_notified_at is None
    assert alert.escalated_at is not None
    delivery.run_once()
    assert [r.recipients for r in smtp_server.received] == [["tb@example.test"]]
    assert events("safety_alert.escalate")[0].detail.startswith("reason=no_team,")


def test_without_a_backup_clinician_the_escalation_reaches_nobody_and_says_so(
    app, team, smtp_server
):
    accounts.set_backup_clinician(db.session.get(User, team.therapist_b.id), False)
    db.session.commit()
    alert = flag_from_portal(app, team)
    raised_at = fresh(alert).created_at
    for minutes in (121, 122, 180):
        assert delivery.run_once(raised_at + timedelta(minutes=minutes)).escalated == 0
    assert fresh(alert).escalation_unreachable_at == raised_at + timedelta(minutes=121)
    assert fresh(alert).escalated_at is None
    assert len(events("safety_alert.escalation_unreachable")) == 1  # audited once

    no_backup = "The practice has no backup clinician"
    tara = signed_in(app, team.therapist_a)
    assert no_backup in page_text(tara.get("/clients"))
    assert no_backup in page_text(tara.get(f"/alerts/{alert.id}"))
    admin = signed_in(app, team.admin)
    assert 'id="no-backup"' in page_text(admin.get("/admin/practice"))
    assert 'id="no-backup"' in page_text(admin.get("/admin/users"))

    # The admin designates one: the next run escalates the alert still unanswered.
    response = post_form(
        admin,
        f"/admin/users/{team.therapist_b.id}/backup-clinician",
        {"backup": "yes"},
        form_page="/admin/users",
    )
    assert response.status_code == 302
    assert 'id="no-backup"' not in page_text(admin.get("/admin/practice"))
    assert delivery.run_once(raised_at + timedelta(minutes=190)).escalated == 1
    assert len(smtp_server.to("tb@example.test")) == 1


def test_an_escalation_is_written_even_while_mail_is_down_and_sent_later(app, team):
    app.config["MAIL_SERVER"] = None
    alert = flag_from_portal(app, team)
    report = delivery.run_once(fresh(alert).created_at + timedelta(minutes=121))
    assert (report.escalated, report.sent, report.waiting) == (1, 0, 3)
    page = page_text(signed_in(app, team.therapist_a).get(f"/alerts/{alert.id}"))
    assert "E-mail is not set up for this installation" in page


# --- the alert's page --------------------------------------------------------------------


def test_the_alert_page_query_count_does_not_grow_with_the_care_team(app, team, count_queries):
    alert = flag_from_portal(app, team)
    tara = signed_in(app, team.therapist_a)
    tara.get(f"/alerts/{alert.id}")  # warm-up: first-request work is not the page's
    with count_queries() as few:
        assert tara.get(f"/alerts/{alert.id}").status_code == 200
    for n in range(6):
        colleague = make_user(team.practice, Role.THERAPIST, name=f"Colleague {n}")
        add_to_care_team(team.client_a, colleague, "co_therapist")
    db.session.commit()
    with count_queries() as many:
        page = page_text(tara.get(f"/alerts/{alert.id}"))
    assert "Acknowledge" in page
    assert len(many) == len(few), "\n\n".join(many)
    # the sign-in session, the alert with its client and care team, the practice, the
    # backup clinicians, the audit
    assert len(many) <= 5, "\n\n".join(many)


def test_the_e_mailed_link_leads_to_the_alert_after_signing_in(app, team, smtp_server):
    alert = flag_from_portal(app, team)
    delivery.run_once()
    link = re.search(r"http://localhost(/alerts/\d+)", smtp_server.received[0].body).group(1)
    browser = app.test_client()
    first = browser.get(link)
    assert first.status_code == 302 and "/login" in first.headers["Location"]
    signed = post_form(
        browser,
        first.headers["Location"],
        {"email": "ta@example.test", "password": "correct horse battery"},
    )
    assert signed.headers["Location"] == link
    page = page_text(browser.get(link))
    assert "Safety alert" in page
    assert team.client_a.preferred_name in page
    assert "E-mails to the care team were queued at" in page
    assert "the practice's backup clinicians are e-mailed at" in page
    assert events("safety_alert.view")[-1].record_id == alert.id


def test_a_backup_clinician_sees_the_alert_only_once_it_reached_them(app, team, smtp_server):
    alert = flag_from_portal(app, team)
    theo = signed_in(app, team.therapist_b)
    assert theo.get(f"/alerts/{alert.id}").status_code == 404
    delivery.run_once(fresh(alert).created_at + timedelta(minutes=120))
    page = page_text(theo.get(f"/alerts/{alert.id}"))
    assert "You see this page as a backup clinician" in page
    assert team.client_a.preferred_name in page
    assert f"/clients/{team.client_a.id}/measures" not in page  # not the record
    assert theo.get(f"/clients/{team.client_a.id}/measures").status_code == 404
    # A colleague who is not a backup clinician: still nothing.
    other = make_user(team.practice, Role.THERAPIST, email="ola@example.test")
    db.session.commit()
    assert signed_in(app, other).get(f"/alerts/{alert.id}").status_code == 404

    # The backup clinician acts and records it, staying on the alert's page.
    response = post(theo, f"/alerts/{alert.id}/acknowledge", {"note": ACK_NOTE})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/alerts/{alert.id}"
    page = page_text(theo.get(f"/alerts/{alert.id}"))
    assert f"Acknowledged by {team.therapist_b.name}" in page
    assert fresh(alert).acknowledged_by_id == team.therapist_b.id
    assert ACK_NOTE in page_text(signed_in(app, team.therapist_a).get(f"/alerts/{alert.id}"))


def test_an_empty_acknowledgement_on_the_alert_page_is_refused_there(app, team):
    alert = flag_from_portal(app, team)
    tara = signed_in(app, team.therapist_a)
    response = post(tara, f"/alerts/{alert.id}/acknowledge", {"note": "", "next_page": "alert"})
    assert response.status_code == 400
    page = page_text(response)
    assert "Acknowledging tells the care team" in page
    assert "This field is required." in page
    assert fresh(alert).acknowledged_at is None


def test_an_unknown_alert_is_404(app, team):
    assert signed_in(app, team.therapist_a).get("/alerts/999").status_code == 404


# --- backup clinicians, designated by the admin ---------------------------------------


@pytest.mark.parametrize(
    ("target", "data", "message"),
    [
        ("admin", {"backup": "yes"}, "Only active therapists can be backup clinicians."),
        ("client", {"backup": "yes"}, "Only active therapists can be backup clinicians."),
        ("inactive", {"backup": "yes"}, "Only active therapists can be backup clinicians."),
        ("therapist", {}, "Choose whether this account is a backup clinician."),
        ("therapist", {"backup": "maybe"}, "Choose whether this account is a backup clinician."),
    ],
)
def test_only_active_therapists_can_be_backup_clinicians(app, world, target, data, message):
    inactive = make_user(world.practice, Role.THERAPIST, email="gone@example.test")
    accounts.set_active(inactive, False)
    db.session.commit()
    user_id = {
        "admin": world.admin.id,
        "client": world.client_user_a.id,
        "inactive": inactive.id,
        "therapist": world.therapist_a.id,
    }[target]
    admin = signed_in(app, world.admin)
    response = post_form(
        admin, f"/admin/users/{user_id}/backup-clinician", data, form_page="/admin/users"
    )
    assert response.status_code == 400
    assert message in page_text(response)
    db.session.expire_all()
    assert not db.session.get(User, user_id).backup_clinician


def test_the_admin_designates_and_removes_a_backup_clinician(app, world):
    admin = signed_in(app, world.admin)
    path = f"/admin/users/{world.therapist_a.id}/backup-clinician"
    response = post_form(admin, path, {"backup": "yes"}, form_page="/admin/users")
    assert response.status_code == 302
    page = page_text(admin.get("/admin/users"))
    assert "Tara A is now a backup clinician." in page
    assert "Remove as backup" in page
    assert "1 backup clinician is designated." in page_text(admin.get("/admin/practice"))
    post_form(admin, path, {"backup": "no"}, form_page="/admin/users")
    db.session.expire_all()
    assert not db.session.get(User, world.therapist_a.id).backup_clinician
    assert [e.detail for e in events("user.backup_clinician")] == ["on=1", "on=0"]


def test_an_admin_of_another_practice_cannot_designate_ours(app, world):
    from tests.factories import make_practice

    other_admin = make_user(make_practice("Elsewhere"), Role.ADMIN)
    db.session.commit()
    browser = signed_in(app, other_admin)
    response = post_form(
        browser,
        f"/admin/users/{world.therapist_a.id}/backup-clinician",
        {"backup": "yes"},
        form_page="/admin/users",
    )
    assert response.status_code == 404


# --- canaries: no message carries clinical text or a client's name ----------------------


CANARY = "CANARY-7f3a"


def plant_canaries(world) -> list[str]:
    """Canary text in every clinical field of client A, and the names that must never
    leave: returns everything a message must not contain."""
    client = db.session.get(Client, world.client_a.id)
    client.preferred_name = f"{CANARY}-preferred"
    client.legal_name = f"{CANARY}-legal Quennevilleova"
    client.presenting_concerns = f"{CANARY}-concerns"
    client.emergency_contact_name = f"{CANARY}-emergency"
    client.phone = "+49 30 55501234"
    session = make_session(
        client,
        note={"subjective": f"{CANARY}-note-s", "plan": f"{CANARY}-note-p"},
        intention=f"{CANARY}-intention",
        summary=f"{CANARY}-summary",
        suicide_screen="positive",
        risk_follow_up=f"{CANARY}-risk",
    )
    make_addendum(session, world.therapist_a, f"{CANARY}-addendum")
    make_goal(client, title=f"{CANARY}-goal", why_it_matters=f"{CANARY}-why")
    homework = make_assignment(client, title=f"{CANARY}-homework", instructions=f"{CANARY}-steps")
    complete(homework, utcnow().date(), f"{CANARY}-reflection")
    write_journal(client, f"{CANARY}-journal-private")
    write_journal(client, f"{CANARY}-journal-shared", shared=True, title=f"{CANARY}-title")
    make_member(client, "mother", name=f"{CANARY}-mother", notes=f"{CANARY}-family")
    db.session.add(
        MedicalScreening(
            client_id=client.id,
            screened_on=utcnow().date(),
            medications=f"{CANARY}-medications",
            notes=f"{CANARY}-screening",
            decision="pending",
            recorded_by_id=world.therapist_a.id,
        )
    )
    db.session.commit()
    return [CANARY, "Quennevilleova", "55501234", "suicid", "ideation", "phq"]


def test_no_message_carries_clinical_text_or_a_clients_name(app, team, smtp_server):
    forbidden = plant_canaries(team)
    # A first alert, acknowledged with a canary note; a second one left to escalate.
    first = flag_from_portal(app, team, answers=(3, 3, 3, 3, 3, 3, 3, 3, 3))
    browser = signed_in(app, team.therapist_a)
    post(browser, f"/alerts/{first.id}/acknowledge", {"note": f"{CANARY}-acknowledged"})
    second = flag_from_portal(app, team)
    urgent = raised(team, urgent=True)
    # Every other kind of message: an invitation, a new account, a password reset.
    invited = make_client(team.therapist_a, preferred_name=f"{CANARY}-invitee")
    db.session.commit()
    post(browser, f"/clients/{invited.id}/portal", {"email": "invitee@example.org"})
    admin = signed_in(app, team.admin)
    post_form(
        admin,
        "/admin/users/new",
        {"name": f"{CANARY}-new staff", "email": "new@example.org", "role": "therapist"},
    )
    post_form(admin, f"/admin/users/{team.therapist_a.id}/reset-link", {}, form_page="/admin/users")

    delivery.run_once()
    delivery.run_once(fresh(second).created_at + timedelta(hours=3))

    kinds = set(db.session.scalars(sa.select(OutboxMessage.kind)))
    assert kinds == {
        "safety_alert",
        "alert_escalation",
        "portal_invitation",
        "account_created",
        "password_reset",
    }
    assert len(smtp_server.received) == len(list(db.session.scalars(sa.select(OutboxMessage.id))))
    assert urgent.escalated_at is not None
    for received in smtp_server.received:
        everything = received.everything.lower()
        for secret in forbidden:
            assert secret.lower() not in everything, (secret, received.subject)
    # Nor does the outbox table itself hold any of it (only addresses and a link).
    rows = db.session.execute(sa.text("SELECT * FROM outbox_message")).all()
    assert CANARY not in json.dumps([list(map(str, row)) for row in rows])


def test_an_escalation_past_due_that_no_run_sent_is_said_plainly(app, team, smtp_server):
    alert = flag_from_portal(app, team)
    delivery.run_once()  # the team's e-mails go; then the timer stops running
    stored = fresh(alert)
    stored.created_at = stored.created_at - timedelta(minutes=121)
    db.session.commit()
    page = page_text(signed_in(app, team.therapist_a).get(f"/alerts/{alert.id}"))
    assert "The backup clinicians should have been e-mailed at" in page
    assert "the delivery run (send-outbox) has not yet run since" in page
    assert "the practice's backup clinicians are e-mailed at" not in page
    delivery.run_once()
    page = page_text(signed_in(app, team.therapist_a).get(f"/alerts/{alert.id}"))
    assert "E-mails to the backup clinicians were queued at" in page
    assert "should have been e-mailed" not in page
