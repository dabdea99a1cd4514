"""Safety alerts that reach people, in a real browser and a real SMTP server (aiosmtpd):
the client answers PHQ-9 item 9 in the portal; after one outbox run the care team's
inbox has the message; unacknowledged past the practice's escalation time it goes to
the backup clinician the admin designated; and in a second case an acknowledgement in
the browser, reached through the e-mailed link, stops the escalation.

Time is moved by setting the alert's ``created_at`` back past the escalation time (the
live server runs on real time); ``flask --app tracker send-outbox`` is run as cron or a
systemd timer would run it. Everything this test changes on the shared demo server
(mail settings, the backup clinician, its alerts) is put back afterwards.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select, update

from tests.e2e.helpers import DEMO_PASSWORD, check_accessibility, sign_in, type_into
from tests.mailbox import Inbox, running_inbox
from tracker.extensions import db
from tracker.models import Client, MeasureAssignment, Practice, SafetyAlert, User
from tracker.models.base import utcnow

ADMIN = "admin@demo.test"
THERAPIST = "therapist@demo.test"  # Sam's primary therapist
PRESCRIBER = "prescriber@demo.test"  # on Sam's care team
BACKUP = "therapist2@demo.test"  # Jonah Weiss: not on Sam's care team
BACKUP_NAME = "Jonah Weiss"
CLIENT = "client@demo.test"  # Sam
SAM = "Samuel Okafor"
ATTENTION = "Something needs your attention in Integration Tracker"
NOTE = "Called Sam at once; safe at home with his partner; seen tomorrow 9:00."


@pytest.fixture
def mail(live_server, with_app) -> Iterator[Inbox]:
    """The served app sends to an aiosmtpd inbox; its links point at the live server."""
    config = live_server.app.config
    saved = {
        key: config.get(key) for key in ("MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS", "PUBLIC_URL")
    }
    with running_inbox() as (inbox, port):
        config.update(
            MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_USE_TLS=False, PUBLIC_URL=live_server.url
        )
        try:
            yield inbox
        finally:
            config.update(saved)
            with_app(_tidy_up)


def _tidy_up() -> None:
    """Leave the demo as other browser tests expect it: no open alert of Sam's, no
    backup clinician."""
    sam = db.session.scalar(select(Client).where(Client.legal_name == SAM))
    therapist = db.session.scalar(select(User).where(User.email == THERAPIST))
    db.session.execute(
        update(SafetyAlert)
        .where(SafetyAlert.client_id == sam.id, SafetyAlert.acknowledged_at.is_(None))
        .values(
            acknowledged_at=utcnow(),
            acknowledged_by_id=therapist.id,
            acknowledgement_note="Closed by the browser test.",
        )
    )
    db.session.execute(update(User).values(backup_clinician=False))
    db.session.commit()


def send_outbox(live_server, with_app) -> str:
    """One run of the command the timer runs (the ``flask`` command gives it an app
    context; the test runner needs one given)."""
    result = with_app(lambda: live_server.app.test_cli_runner().invoke(args=["send-outbox"]))
    assert result.exit_code == 0, result.output
    return result.output


def assign_phq9(with_app) -> int:
    def assign() -> int:
        sam = db.session.scalar(select(Client).where(Client.legal_name == SAM))
        assignment = MeasureAssignment(
            client_id=sam.id,
            instrument="phq9",
            schedule_kind="once",
            start_date=utcnow().date() - timedelta(days=1),
            assigned_by_id=sam.primary_therapist_id,
        )
        db.session.add(assignment)
        db.session.commit()
        return assignment.id

    return with_app(assign)


def answer_with_item_9(phone: Page, assignment_id: int) -> None:
    phone.goto(f"/portal/measures/{assignment_id}")
    items = phone.locator(".questionnaire fieldset")
    for index in range(9):
        answer = "More than half the days" if index in (0, 8) else "Not at all"
        items.nth(index).get_by_label(answer, exact=True).check()
    phone.get_by_role("button", name="Send my answers").tap()
    expect(phone.get_by_role("heading", name="Thank you")).to_be_visible()


def newest_alert_of_sam(with_app) -> int:
    def find() -> int:
        sam = db.session.scalar(select(Client).where(Client.legal_name == SAM))
        return db.session.scalar(
            select(SafetyAlert.id)
            .where(SafetyAlert.client_id == sam.id)
            .order_by(SafetyAlert.id.desc())
            .limit(1)
        )

    return with_app(find)


def let_escalation_time_pass(with_app, alert_id: int) -> None:
    """Move the alert back past the practice's escalation time (one minute more)."""

    def move() -> None:
        alert = db.session.get(SafetyAlert, alert_id)
        practice = db.session.scalar(select(Practice))
        alert.created_at = alert.created_at - timedelta(
            minutes=practice.alert_escalation_minutes + 1
        )
        db.session.commit()

    with_app(move)


def mails_about(inbox: Inbox, alert_id: int, to: str) -> list:
    return [r for r in inbox.to(to) if re.search(rf"/alerts/{alert_id}\b", r.body)]


def link_in(received) -> str:
    return re.search(r"http://127\.0\.0\.1:\d+/alerts/\d+", received.body).group(0)


def designate_backup(journey) -> None:
    admin = journey.new_page()
    sign_in(admin, ADMIN)
    admin.get_by_role("link", name="Practice admin").click()
    admin.get_by_role("link", name="Accounts").click()
    # The demo practice seeds Jonah as its backup (another journey on this server may
    # have changed that): without one, the page warns.
    remove = admin.get_by_role("button", name=f"Remove as backup ({BACKUP_NAME})")
    if remove.count():
        expect(admin.locator("#no-backup")).to_have_count(0)
        remove.click()
    expect(admin.locator("#no-backup")).to_be_visible()
    admin.get_by_role("button", name=f"Make backup clinician ({BACKUP_NAME})").click()
    expect(admin.get_by_text(f"{BACKUP_NAME} is now a backup clinician.")).to_be_visible()
    expect(admin.locator("#no-backup")).to_have_count(0)
    check_accessibility(admin, "accounts with a backup clinician")


def follow_link_and_sign_in(page: Page, link: str, email: str) -> None:
    page.goto(link)
    type_into(page.get_by_label("E-mail"), email)
    type_into(page.get_by_label("Password"), DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Safety alert", level=1)).to_be_visible()


def test_an_unanswered_alert_reaches_the_backup_clinician(journey, live_server, with_app, mail):
    designate_backup(journey)
    assignment = assign_phq9(with_app)
    phone = journey.phone_page()
    sign_in(phone, CLIENT)
    answer_with_item_9(phone, assignment)
    alert = newest_alert_of_sam(with_app)

    send_outbox(live_server, with_app)
    (to_therapist,) = mails_about(mail, alert, THERAPIST)
    assert len(mails_about(mail, alert, PRESCRIBER)) == 1
    assert to_therapist.subject == ATTENTION
    assert mails_about(mail, alert, BACKUP) == []  # not yet: the time has not passed
    for received in mail.received:
        assert "Sam" not in received.everything and "PHQ" not in received.everything

    let_escalation_time_pass(with_app, alert)
    output = send_outbox(live_server, with_app)
    assert "Escalated 1 safety alert(s)." in output
    (escalation,) = mails_about(mail, alert, BACKUP)
    assert escalation.subject == ATTENTION
    send_outbox(live_server, with_app)
    assert len(mails_about(mail, alert, BACKUP)) == 1  # once

    # The backup clinician follows the link, sees who to reach, and acknowledges.
    backup = journey.new_page()
    follow_link_and_sign_in(backup, link_in(escalation), BACKUP)
    expect(backup.get_by_text("You see this page as a backup clinician")).to_be_visible()
    expect(backup.get_by_text("E-mails to the backup clinicians were queued at")).to_be_visible()
    check_accessibility(backup, "alert page for a backup clinician")
    type_into(backup.get_by_label("What was done"), NOTE)
    backup.get_by_role("button", name="Acknowledge").click()
    expect(backup.get_by_text(f"Acknowledged by {BACKUP_NAME}")).to_be_visible()
    journey.problems.assert_clean()


def test_an_acknowledgement_in_the_browser_stops_the_escalation(
    journey, live_server, with_app, mail
):
    designate_backup(journey)
    assignment = assign_phq9(with_app)
    phone = journey.phone_page()
    sign_in(phone, CLIENT)
    answer_with_item_9(phone, assignment)
    alert = newest_alert_of_sam(with_app)
    send_outbox(live_server, with_app)
    (to_therapist,) = mails_about(mail, alert, THERAPIST)

    # The therapist opens the e-mailed link, signs in, lands on the alert, acknowledges.
    page = journey.new_page()
    follow_link_and_sign_in(page, link_in(to_therapist), THERAPIST)
    expect(page.get_by_text("E-mails to the care team were queued at")).to_be_visible()
    expect(page.get_by_text("the practice's backup clinicians are e-mailed at")).to_be_visible()
    check_accessibility(page, "alert page for the care team")
    type_into(page.get_by_label("What was done"), NOTE)
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_text("Alert acknowledged. Your note is kept with it.")).to_be_visible()
    expect(page.get_by_text(NOTE)).to_be_visible()

    let_escalation_time_pass(with_app, alert)
    output = send_outbox(live_server, with_app)
    assert "Escalated" not in output
    assert mails_about(mail, alert, BACKUP) == []
    journey.problems.assert_clean()
