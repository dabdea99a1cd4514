"""The portal's reminder page: opting in and out, the time, the zone, quiet hours; bad
input is marked next to its field and nothing typed is lost."""

from __future__ import annotations

from datetime import time

import pytest
from sqlalchemy import select

from tests.factories import post_form
from tests.web.pages import field_error, field_value, has_field_error, is_checked, text
from tracker.extensions import db
from tracker.models import AuditEvent, ReminderPreference

PAGE = "/portal/reminders"


@pytest.fixture
def signed_in(client, world, login):
    world.practice.timezone = "Europe/Berlin"
    db.session.commit()
    login(client, world.client_user_a)
    return client


def stored(world) -> ReminderPreference | None:
    db.session.expire_all()
    return db.session.scalar(
        select(ReminderPreference).where(ReminderPreference.client_id == world.client_a.id)
    )


GOOD = {
    "enabled": "y",
    "send_at": "07:30",
    "timezone": "America/New_York",
    "quiet_start": "22:00",
    "quiet_end": "06:30",
}


def test_the_portal_links_to_reminders(signed_in):
    assert f'href="{PAGE}"' in text(signed_in.get("/portal/"))


def test_defaults_are_off_at_six_in_the_practices_zone_quiet_at_night(signed_in, world):
    page = text(signed_in.get(PAGE))
    assert not is_checked(page, "enabled")
    assert field_value(page, "send_at") == "18:00"
    assert field_value(page, "timezone") == "Europe/Berlin"
    assert (field_value(page, "quiet_start"), field_value(page, "quiet_end")) == ("21:00", "08:00")
    assert stored(world) is None  # looking changes nothing


def test_opting_in_stores_the_choice_and_shows_it_again(signed_in, world):
    response = post_form(signed_in, PAGE, GOOD)
    assert response.status_code == 302
    row = stored(world)
    assert (row.enabled, row.send_at, row.timezone) == (True, time(7, 30), "America/New_York")
    assert (row.quiet_start, row.quiet_end) == (time(22, 0), time(6, 30))
    page = text(signed_in.get(PAGE))
    assert "Your reminder settings are saved." in page
    assert is_checked(page, "enabled")
    assert field_value(page, "send_at") == "07:30"
    assert field_value(page, "timezone") == "America/New_York"
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.client_id == world.client_a.id)
    )
    assert "reminders.on" in list(actions)


def test_opting_out_keeps_the_times(signed_in, world):
    post_form(signed_in, PAGE, GOOD)
    response = post_form(signed_in, PAGE, {k: v for k, v in GOOD.items() if k != "enabled"})
    assert response.status_code == 302
    row = stored(world)
    assert row.enabled is False and row.send_at == time(7, 30)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "timezone",
            "Mars/Olympus_Mons",
            "Enter a time zone by its name, for example Europe/Berlin.",
        ),
        ("timezone", "", "Enter your time zone."),
        ("send_at", "25:99", "Enter a time as hours and minutes, e.g. 09:30."),
        ("send_at", "", "Enter a time, for example 18:00."),
        ("quiet_end", "22:00", "Quiet hours need different start and end times."),
    ],
)
def test_bad_input_is_marked_next_to_its_field_and_nothing_is_lost(
    signed_in, world, field, value, message
):
    response = post_form(signed_in, PAGE, {**GOOD, field: value})
    assert response.status_code == 400
    page = text(response)
    assert message in field_error(page, field)
    for other, typed in GOOD.items():
        if other not in (field, "enabled"):
            assert field_value(page, other) == typed, other
    assert is_checked(page, "enabled")
    assert stored(world) is None


def test_a_zone_typed_in_lower_case_is_stored_as_its_iana_name(signed_in, world):
    assert post_form(signed_in, PAGE, {**GOOD, "timezone": "europe/berlin"}).status_code == 302
    assert stored(world).timezone == "Europe/Berlin"


def test_a_bad_time_is_refused_in_the_clients_language(signed_in, world):
    world.client_user_a.locale = "de"
    db.session.commit()
    response = post_form(signed_in, PAGE, {**GOOD, "send_at": "25:99"})
    assert response.status_code == 400
    assert "Geben Sie eine Uhrzeit" in field_error(text(response), "send_at")


def test_a_zone_typed_with_spaces_is_stored_without_them(signed_in, world):
    response = post_form(signed_in, PAGE, {**GOOD, "timezone": "  Europe/Vienna "})
    assert response.status_code == 302
    assert stored(world).timezone == "Europe/Vienna"


def test_the_page_suggests_common_zones_without_javascript(signed_in):
    page = text(signed_in.get(PAGE))
    assert 'list="zone-options"' in page
    assert '<option value="Australia/Sydney">' in page
    assert not has_field_error(page, "timezone")


def test_each_client_sees_only_their_own_choice(client, world, login):
    db.session.add(
        ReminderPreference(client_id=world.client_a.id, enabled=True, timezone="Asia/Tokyo")
    )
    db.session.commit()
    login(client, world.client_user_b)
    page = text(client.get(PAGE))
    assert field_value(page, "timezone") == "UTC"
    assert not is_checked(page, "enabled")
