"""Practice administration: accounts and one-time links, deactivation, other
practices, practice settings and the audit trail filters."""

from __future__ import annotations

import hashlib
import html
import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests import factories
from tests.factories import login, post_form
from tests.web.pages import field_error, field_value
from tests.web.pages import text as page_text
from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.models import AuditEvent, OneTimeToken, Practice, User
from tracker.models.base import utcnow

NEW_PASSWORD = "lantern harbour meadow"
NO_MATCH = "That e-mail and password do not match an account."


def signed_in(app: Flask, user: User) -> FlaskClient:
    browser = app.test_client()
    assert login(browser, user).status_code == 302
    return browser


@pytest.fixture
def admin(app, world) -> FlaskClient:
    return signed_in(app, world.admin)


def link_token(response) -> str:
    """The token of the one-time link shown on an admin page."""
    match = re.search(r'value="http://localhost/reset/([^"]+)"', page_text(response))
    assert match, "no one-time link on the page"
    return match.group(1)


def user_action(browser: FlaskClient, user_id: int, action: str):
    return post_form(browser, f"/admin/users/{user_id}/{action}", {}, form_page="/admin/users")


def login_error(browser: FlaskClient, email: str, password: str) -> str:
    response = login(browser, email, password)
    assert response.status_code == 400
    return field_error(page_text(response), "password")


# --- accounts and one-time links ------------------------------------------------------


def test_new_account_sets_its_password_through_a_one_time_link(app, admin, world):
    data = {"name": "Nia Okoye", "email": "Nia@Example.ORG", "role": "therapist"}
    response = post_form(admin, "/admin/users/new", {**data, "credentials": "LMFT"})
    assert response.status_code == 200
    page = page_text(response)
    assert "Account created" in page
    assert "This page is the only time the link is shown." in page
    token = link_token(response)

    db.session.expire_all()
    nia = db.session.scalar(select(User).where(User.email == "nia@example.org"))
    assert (nia.name, nia.role, nia.credentials) == ("Nia Okoye", "therapist", "LMFT")
    assert nia.practice_id == world.practice.id
    assert nia.password_hash is None
    # Only a hash of the token is stored, and no page shows the link again.
    stored = db.session.scalar(select(OneTimeToken).where(OneTimeToken.user_id == nia.id))
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in page_text(admin.get("/admin/users"))
    assert "Nia Okoye, LMFT" in page_text(admin.get("/admin/users"))

    browser = app.test_client()
    assert login_error(browser, "nia@example.org", NEW_PASSWORD) == NO_MATCH

    form = browser.get(f"/reset/{token}")
    assert form.status_code == 200
    assert "Setting the password for nia@example.org." in page_text(form)

    short = post_form(browser, f"/reset/{token}", {"password": "too short", "confirm": "too short"})
    assert short.status_code == 400
    assert field_error(page_text(short), "password") == "Use at least 12 characters."

    differ = post_form(
        browser, f"/reset/{token}", {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD + "!"}
    )
    assert differ.status_code == 400
    assert field_error(page_text(differ), "confirm") == "The passwords differ."

    saved = post_form(
        browser, f"/reset/{token}", {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert saved.status_code == 302
    assert saved.headers["Location"] == "/login"

    signed = login(browser, "nia@example.org", NEW_PASSWORD)
    assert signed.status_code == 302
    assert signed.headers["Location"] == "/today"

    spent = app.test_client().get(f"/reset/{token}")
    assert spent.status_code == 404
    assert "This link cannot be used" in page_text(spent)
    db.session.expire_all()
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.record_id == nia.id).order_by(AuditEvent.id)
    ).all()
    assert actions[:2] == ["user.create", "auth.login_failed"]
    assert "auth.password_reset" in actions


def test_existing_email_is_refused_next_to_the_field(admin, world):
    factories.make_user(world.practice, Role.THERAPIST, email="dup@example.org")
    db.session.commit()
    before = db.session.scalar(select(func.count(User.id)))
    data = {"name": "Someone", "email": "Dup@Example.org", "role": "therapist"}
    response = post_form(admin, "/admin/users/new", data)
    assert response.status_code == 400
    page = page_text(response)
    assert field_error(page, "email") == "An account with this e-mail address already exists."
    assert field_value(page, "name") == "Someone"
    assert db.session.scalar(select(func.count(User.id))) == before


def test_client_accounts_are_not_created_here(admin):
    data = {"name": "Sneaky", "email": "sneaky@example.test", "role": "client"}
    response = post_form(admin, "/admin/users/new", data)
    assert response.status_code == 400
    assert field_error(page_text(response), "role") == "Not a valid choice."


def test_a_second_link_voids_the_first(app, admin, world):
    first = link_token(user_action(admin, world.therapist_a.id, "reset-link"))
    second = link_token(user_action(admin, world.therapist_a.id, "reset-link"))
    assert first != second
    browser = app.test_client()
    voided = browser.get(f"/reset/{first}")
    assert voided.status_code == 404
    assert "This link cannot be used" in page_text(voided)
    assert browser.get(f"/reset/{second}").status_code == 200


def test_an_expired_link_cannot_be_used(app, admin, world):
    token = link_token(user_action(admin, world.therapist_a.id, "reset-link"))
    db.session.expire_all()
    row = db.session.scalar(
        select(OneTimeToken).where(OneTimeToken.user_id == world.therapist_a.id)
    )
    row.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()

    browser = app.test_client()
    page = browser.get(f"/reset/{token}")
    assert page.status_code == 404
    assert "This link cannot be used" in page_text(page)
    assert "has expired" in page_text(page)
    attempt = post_form(
        browser,
        f"/reset/{token}",
        {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        form_page="/login",
    )
    assert attempt.status_code == 404
    assert login(browser, world.therapist_a, NEW_PASSWORD).status_code == 400
    assert login(browser, world.therapist_a).status_code == 302


def test_an_unknown_link_cannot_be_used(client):
    response = client.get("/reset/not-a-real-token")
    assert response.status_code == 404
    assert "This link cannot be used" in page_text(response)


# --- deactivation ---------------------------------------------------------------------


def test_deactivated_account_cannot_sign_in_then_reactivated_can(app, admin, world):
    theirs = signed_in(app, world.therapist_a)
    assert theirs.get("/clients").status_code == 200

    response = user_action(admin, world.therapist_a.id, "deactivate")
    assert response.status_code == 302
    assert "Tara A can no longer sign in." in page_text(admin.get("/admin/users"))
    db.session.expire_all()
    assert db.session.get(User, world.therapist_a.id).active is False

    # The open session has ended, and signing in fails exactly like a wrong password.
    bounced = theirs.get("/clients")
    assert bounced.status_code == 302
    assert bounced.headers["Location"].startswith("/login")
    browser = app.test_client()
    deactivated = login_error(browser, world.therapist_a.email, factories.PASSWORD)
    assert deactivated == NO_MATCH
    assert login_error(browser, world.therapist_b.email, "wrong password!") == deactivated

    assert "Deactivated" in page_text(admin.get("/admin/users"))
    assert user_action(admin, world.therapist_a.id, "activate").status_code == 302
    assert login(browser, world.therapist_a).status_code == 302
    db.session.expire_all()
    actions = db.session.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.record_id == world.therapist_a.id, AuditEvent.action.like("user.%"))
        .order_by(AuditEvent.id)
    ).all()
    assert actions == ["user.deactivate", "user.activate"]


def test_admin_cannot_deactivate_themselves(admin, world):
    users = page_text(admin.get("/admin/users"))
    assert f"/admin/users/{world.admin.id}/deactivate" not in users

    response = user_action(admin, world.admin.id, "deactivate")
    assert response.status_code == 302
    assert "You cannot deactivate your own account." in page_text(admin.get("/admin/users"))
    db.session.expire_all()
    assert db.session.get(User, world.admin.id).active is True
    assert admin.get("/admin/").status_code == 200


@pytest.fixture
def other_admin(app) -> tuple[FlaskClient, User]:
    elsewhere = factories.make_practice("Elsewhere Practice")
    other = factories.make_user(elsewhere, Role.ADMIN, name="Olga Other")
    db.session.commit()
    return signed_in(app, other), other


@pytest.mark.parametrize("action", ["deactivate", "activate", "reset-link"])
def test_admin_of_another_practice_gets_404_on_our_users(other_admin, world, action):
    browser, _ = other_admin
    for user in (world.therapist_a, world.admin, world.client_user_a):
        assert user_action(browser, user.id, action).status_code == 404
    db.session.expire_all()
    assert db.session.get(User, world.therapist_a.id).active is True
    assert db.session.scalar(select(func.count(OneTimeToken.id))) == 0


def test_admin_of_another_practice_sees_none_of_our_accounts_or_events(other_admin, world):
    browser, other = other_admin
    users = page_text(browser.get("/admin/users"))
    assert other.name in users
    for user in (world.admin, world.therapist_a, world.client_user_a):
        assert user.email not in users
    audit = page_text(browser.get("/admin/audit"))
    assert world.admin.name not in audit
    assert world.therapist_a.name not in audit


# --- practice settings ----------------------------------------------------------------

SETTINGS = {
    "name": "Linden Practice",
    "address": "12 Linden Street\nSpringfield",
    "letterhead_text": "Linden Practice · KAP and brainspotting",
    "report_footer": "Confidential.",
    "hold_systolic": "150",
    "hold_diastolic": "95",
    "alert_systolic_low": "95",
    "alert_systolic_high": "185",
    "alert_heart_rate_low": "45",
    "alert_heart_rate_high": "140",
    "alert_spo2_low": "90",
    "clearance_valid_months": "6",
    "min_dose_interval_hours": "48",
    "monitoring_interval_minutes": "10",
    "min_observation_minutes": "150",
    "alert_escalation_minutes": "60",
    "alert_response_hours": "8",
}


def test_practice_settings_are_saved_and_audited(admin, world):
    form = page_text(admin.get("/admin/practice"))
    assert field_value(form, "hold_systolic") == "140"
    assert field_value(form, "name") == world.practice.name

    response = post_form(admin, "/admin/practice", SETTINGS)
    assert response.status_code == 302
    assert "Practice settings saved." in page_text(admin.get("/admin/practice"))
    db.session.expire_all()
    practice = db.session.get(Practice, world.practice.id)
    for name, value in SETTINGS.items():
        assert str(getattr(practice, name)) == value, name
    (event,) = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "practice.update"))
    names = event.detail.split(",")
    assert names[-1] == f"+{len(SETTINGS) - len(names) + 1}"  # cut at a whole name
    assert names[:-1] == list(SETTINGS)[: len(names) - 1]
    assert practice.predose_checklist is None  # the standard checklist


def test_the_practice_edits_its_pre_dose_checklist(admin, world):
    items = "Fasting since midnight\n\n  Ride home confirmed by phone  \nEye mask and music ready"
    assert post_form(
        admin, "/admin/practice", {**SETTINGS, "checklist_text": items}
    ).status_code == (302)
    db.session.expire_all()
    practice = db.session.get(Practice, world.practice.id)
    assert practice.checklist_items == {
        "item1": "Fasting since midnight",
        "item2": "Ride home confirmed by phone",
        "item3": "Eye mask and music ready",
    }
    form = page_text(admin.get("/admin/practice"))
    assert "Ride home confirmed by phone\nEye mask" in form
    too_many = "\n".join(f"Item {n}" for n in range(16))
    refused = post_form(admin, "/admin/practice", {**SETTINGS, "checklist_text": too_many})
    assert refused.status_code == 400
    assert "At most 15 items." in page_text(refused)
    # back to the standard checklist
    assert (
        post_form(admin, "/admin/practice", {**SETTINGS, "checklist_text": ""}).status_code == 302
    )
    db.session.expire_all()
    assert "fasting" in db.session.get(Practice, world.practice.id).checklist_items


def test_the_practice_chooses_its_crisis_numbers(admin, world):
    form = page_text(admin.get("/admin/practice"))
    assert field_value(form, "crisis_country") == ""  # the neutral wording until chosen
    assert "116 117" in form  # the defaults are listed for the admin to see
    chosen = post_form(admin, "/admin/practice", {**SETTINGS, "crisis_country": "DE"})
    assert chosen.status_code == 302
    db.session.expire_all()
    practice = db.session.get(Practice, world.practice.id)
    assert practice.crisis_country == "DE" and practice.crisis_resources == ""
    assert practice.crisis_box.has_numbers
    own = "Krisendienst Berlin: 030 390 63 00\nPractice urgent line: +49 30 555 0100"
    assert (
        post_form(
            admin, "/admin/practice", {**SETTINGS, "crisis_country": "DE", "crisis_resources": own}
        ).status_code
        == 302
    )
    db.session.expire_all()
    box = db.session.get(Practice, world.practice.id).crisis_box
    assert not box.from_defaults
    assert [group.label for group in box.groups] == ["Krisendienst Berlin", "Practice urgent line"]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"hold_systolic": "160", "alert_systolic_high": "150"},
            "alert_systolic_high",
            "Must be above the systolic hold threshold.",
        ),
        (
            {"hold_systolic": "110", "alert_systolic_low": "115"},
            "alert_systolic_low",
            "Must be below the systolic hold threshold.",
        ),
        ({"alert_spo2_low": "100"}, "alert_spo2_low", "Must be between 80 and 99."),
        ({"hold_diastolic": "abc"}, "hold_diastolic", "Not a valid integer value."),
        ({"alert_heart_rate_low": ""}, "alert_heart_rate_low", "This field is required."),
        ({"name": ""}, "name", "This field is required."),
        (
            {"min_observation_minutes": "10"},
            "min_observation_minutes",
            "Number must be between 30 and 480.",
        ),
        (
            {"alert_escalation_minutes": "0"},
            "alert_escalation_minutes",
            "Number must be between 15 and 1440.",
        ),
        (
            {"crisis_resources": "Emergency: 112\nSamaritans: 116 123 (free)"},
            "crisis_resources",
            "Line 2 is not “label: number”. Write one number per line, for example “Crisis "
            "line, free, day and night: 0800 111 0 111”.",
        ),
        ({"crisis_country": "XX"}, "crisis_country", "Not a valid choice."),
    ],
    ids=[
        "high below hold",
        "low above hold",
        "out of range",
        "not a number",
        "empty",
        "no name",
        "observation too short",
        "escalation at once",
        "malformed crisis line",
        "unknown crisis country",
    ],
)
def test_bad_practice_settings_are_refused_next_to_the_field(admin, world, changes, field, message):
    response = post_form(admin, "/admin/practice", {**SETTINGS, **changes})
    assert response.status_code == 400
    page = page_text(response)
    assert field_error(page, field) == message
    for name, value in {**SETTINGS, **changes}.items():
        if name != "crisis_country":  # a refused choice is not shown as chosen
            assert (field_value(page, name) or "").replace("\r\n", "\n") == value, name
    db.session.expire_all()
    practice = db.session.get(Practice, world.practice.id)
    assert practice.hold_systolic == 140
    assert practice.name == "Test Practice"
    assert (
        db.session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.action == "practice.update")
        )
        == 0
    )


# --- audit trail ----------------------------------------------------------------------


def audit_rows(response) -> list[tuple[str, str, str]]:
    """(who, action, client no.) of each row of the audit page."""
    rows = re.findall(
        r"<tr>\s*<td>[^<]*</td>\s*<td>([^<]*)</td>\s*<td><code>([^<]*)</code></td>\s*"
        r"<td>[^<]*</td>\s*<td>([^<]*)</td>",
        page_text(response),
    )
    return [(html.unescape(who), action, client) for who, action, client in rows]


@pytest.fixture
def history(app, admin, world):
    """Sign-ins, record views by both therapists, an edit and an account change."""
    tara = signed_in(app, world.therapist_a)
    theo = signed_in(app, world.therapist_b)
    tara.get(f"/clients/{world.client_a.id}")
    theo.get(f"/clients/{world.client_b.id}")
    theo.get(f"/clients/{world.client_b.id}")
    user_action(admin, world.therapist_b.id, "reset-link")
    return world


def test_audit_trail_shows_everything_newest_first(admin, history):
    rows = audit_rows(admin.get("/admin/audit"))
    assert rows[0] == (history.admin.name, "user.reset_link", "")
    assert [action for _, action, _ in rows].count("auth.login") == 3
    assert len(rows) == 7


@pytest.mark.parametrize(
    ("group", "expected"),
    [
        ("client", {"client.view"}),
        ("auth", {"auth.login"}),
        ("user", {"user.reset_link"}),
        ("consent", set()),
    ],
)
def test_audit_trail_filters_by_action_group(admin, history, group, expected):
    rows = audit_rows(admin.get("/admin/audit", query_string={"action": group}))
    assert {action for _, action, _ in rows} == expected


def test_audit_trail_filters_by_person(admin, history):
    response = admin.get("/admin/audit", query_string={"actor_id": history.therapist_b.id})
    rows = audit_rows(response)
    assert {who for who, _, _ in rows} == {history.therapist_b.name}
    assert sorted(action for _, action, _ in rows) == ["auth.login", "client.view", "client.view"]
    assert re.search(rf'<option selected value="{history.therapist_b.id}">', page_text(response))


def test_audit_trail_filters_by_client_no(admin, history):
    rows = audit_rows(admin.get("/admin/audit", query_string={"client_id": history.client_b.id}))
    assert rows == [(history.therapist_b.name, "client.view", str(history.client_b.id))] * 2


def test_audit_trail_filters_combine(admin, history):
    query = {
        "action": "client",
        "actor_id": history.therapist_a.id,
        "client_id": history.client_b.id,
    }
    response = admin.get("/admin/audit", query_string=query)
    assert audit_rows(response) == []
    assert "No events match." in page_text(response)


@pytest.mark.parametrize(
    "query", [{"action": "bogus"}, {"client_id": "abc"}, {"actor_id": "999999"}]
)
def test_audit_trail_refuses_malformed_filters(admin, history, query):
    assert admin.get("/admin/audit", query_string=query).status_code == 400


# --- one-time links by e-mail (through the outbox) -------------------------------------


def test_a_reset_link_is_shown_and_e_mailed_when_mail_is_set_up(app, admin, world, smtp_server):
    from tracker import delivery

    response = user_action(admin, world.therapist_b.id, "reset-link")
    assert response.status_code == 200
    page = page_text(response)
    assert "The link is also on its way by e-mail to tb@example.test." in page
    token = link_token(response)
    assert delivery.run_once().sent == 1
    (received,) = smtp_server.received
    assert received.recipients == ["tb@example.test"]
    assert received.subject == "Choose a new password"
    assert f"http://localhost/reset/{token}" in received.body
    assert "24 hours" in received.body
    assert world.therapist_b.name not in received.everything

    # A second link voids the first: its e-mail, if still waiting, is not sent.
    user_action(admin, world.therapist_b.id, "reset-link")
    third = user_action(admin, world.therapist_b.id, "reset-link")
    assert delivery.run_once().sent == 1
    assert link_token(third) in smtp_server.received[-1].body


def test_a_new_account_gets_its_link_by_e_mail(app, admin, world, smtp_server):
    from tracker import delivery

    response = post_form(
        admin,
        "/admin/users/new",
        {"name": "Nia Okoye", "email": "nia@example.org", "role": "therapist"},
    )
    token = link_token(response)
    delivery.run_once()
    (received,) = smtp_server.received
    assert received.subject == "Your Integration Tracker account"
    assert f"/reset/{token}" in received.body
    assert "Nia" not in received.body  # the body names nobody


def test_without_mail_the_link_is_only_shown(admin, world):
    from tracker.models import OutboxMessage

    response = user_action(admin, world.therapist_b.id, "reset-link")
    assert "so the link was not e-mailed" in page_text(response)
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


@pytest.mark.parametrize("page", ["99999999999999999999999", "-3", "0", "x"])
@pytest.mark.parametrize("path", ["/admin/audit", "/admin/outbox"])
def test_any_page_number_is_a_page_not_an_error(admin, path, page):
    # A page past the end (even beyond the database's integers) is an empty page.
    assert admin.get(f"{path}?page={page}").status_code == 200
