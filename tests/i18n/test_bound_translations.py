"""Translations and formatters bound once per request (tracker.i18n) say exactly what
Flask-Babel would, follow force_locale, and give WTForms' own messages in German."""

from __future__ import annotations

import contextvars
from datetime import UTC, date, datetime, time, timedelta, timezone

import flask_babel
import pytest
from flask import render_template_string
from flask_babel import force_locale

from tests.factories import csrf_token, login
from tracker import i18n
from tracker.extensions import db

MOMENTS = [
    datetime(2026, 3, 29, 0, 5, 9),  # the night clocks change in Europe
    datetime(2026, 7, 4, 12, 0),
    datetime(2026, 12, 31, 23, 59, 59),
    datetime(2026, 1, 2, 13, 30, tzinfo=timezone(timedelta(hours=-5))),
]


@pytest.mark.parametrize("language", ["en", "de"])
def test_formatters_match_flask_babel(app, language):
    with app.test_request_context("/"), force_locale(language):
        for moment in MOMENTS:
            for fmt in ("short", "medium", "long", "full", "EEE d MMM y"):
                assert i18n.format_date(moment, fmt) == flask_babel.format_date(moment, fmt)
                assert i18n.format_date(moment.date(), fmt) == flask_babel.format_date(
                    moment.date(), fmt
                )
            for fmt in ("short", "medium", "HH:mm a"):
                assert i18n.format_time(moment, fmt) == flask_babel.format_time(moment, fmt)
        assert i18n.format_time(time(7, 5), "short") == flask_babel.format_time(time(7, 5), "short")
        for number in (0, 1.5, 82.5, -3, 1234567.891):
            assert i18n.format_number(number) == flask_babel.format_decimal(
                number, format="#,##0.##"
            )


@pytest.mark.parametrize("language", ["en", "de"])
def test_every_day_and_hour_of_a_year_formats_as_flask_babel_does(app, language):
    """Field texts (month and day names, AM/PM) are remembered per locale: each must
    still be the one of its own date."""
    with app.test_request_context("/"), force_locale(language):
        for day in range(366):
            moment = datetime(2026, 1, 1, day % 24, (day * 7) % 60) + timedelta(days=day)
            for fmt in ("medium", "full", "d. MMMM yy, EEEE"):
                assert i18n.format_date(moment, fmt) == flask_babel.format_date(moment, fmt)
            assert i18n.format_time(moment, "short") == flask_babel.format_time(moment, "short")


def test_local_datetime_in_both_languages(app):
    moment = datetime(2026, 5, 3, 12, 30, tzinfo=UTC)
    with app.test_request_context("/"):
        with force_locale("en"):
            assert (
                i18n.format_local_datetime(moment, "Europe/Berlin") == "May 3, 2026, 2:30\u202fPM"
            )
        with force_locale("de"):
            assert i18n.format_local_datetime(moment, "Europe/Berlin") == "03.05.2026, 14:30"


def test_templates_and_python_follow_force_locale_within_one_request(app):
    page = "{{ _('Sign out') }}|{{ ngettext('%(num)s hour', '%(num)s hours', 2) }}"
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert render_template_string(page) == "Sign out|2 hours"
        assert i18n.gettext("Sign out") == "Sign out"
        with force_locale("de"):
            assert render_template_string(page) == "Abmelden|2 Stunden"
            assert i18n.gettext("Sign out") == flask_babel.gettext("Sign out") == "Abmelden"
            assert i18n.format_minutes(90) == "1 Stunde 30 Minuten"
        assert render_template_string(page) == "Sign out|2 hours"
        assert flask_babel.gettext("Sign out") == "Sign out"


def test_template_gettext_escapes_its_variables_and_formats_percent_signs(app):
    with app.test_request_context("/"):
        html = render_template_string(
            "{{ _('Page %(page)s of %(pages)s', page='<b>', pages=2) }}|{{ _('100%%') }}"
        )
    assert html == "Page &lt;b&gt; of 2|100%"


def test_jobs_without_a_request_translate_with_force_locale(app):
    """Report batches, e-mails and the command line run in an app context only."""
    with force_locale("de"):
        assert i18n.gettext("Sign out") == "Abmelden"
        assert render_template_string("{{ _('Sign out') }}") == "Abmelden"
    with force_locale("en"):
        assert i18n.gettext("Sign out") == "Sign out"


def test_without_an_app_context_the_text_is_untranslated():
    assert contextvars.Context().run(i18n.gettext, "Sign out") == "Sign out"


def test_wtforms_own_messages_are_german_for_a_german_reader(client, world):
    world.therapist_a.locale = "de"
    db.session.commit()
    login(client, world.therapist_a)
    response = client.post(
        "/account/password",
        data={"csrf_token": csrf_token(client, "/account/password")},
    )
    assert response.status_code == 400
    assert "Dieses Feld wird benötigt." in response.get_data(as_text=True)


def test_a_date_field_in_a_german_page_uses_german_dates(app):
    with app.test_request_context("/"), force_locale("de"):
        assert render_template_string("{{ day|date('long') }}", day=date(2026, 3, 1)) == (
            "1. März 2026"
        )


def test_lazy_form_labels_follow_the_request_language(app):
    label = flask_babel.lazy_gettext("Sign out")
    with app.test_request_context("/", headers={"Accept-Language": "de"}):
        assert str(label) == "Abmelden"
        with force_locale("en"):
            assert str(label) == "Sign out"
        assert str(label) == "Abmelden"


def test_a_domain_chosen_for_the_request_is_used(app):
    with app.test_request_context("/", headers={"Accept-Language": "de"}):
        assert render_template_string("{{ _('Sign out') }}") == "Abmelden"
        flask_babel.Domain(domain="no-such-catalogue").as_default()
        assert flask_babel.gettext("Sign out") == "Sign out"
        assert i18n.gettext("Sign out") == "Sign out"
        assert render_template_string("{{ _('Sign out') }}") == "Sign out"
