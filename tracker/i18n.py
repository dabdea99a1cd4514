"""Language choice and locale-aware formatting."""

from __future__ import annotations

from flask import Flask, current_app, request
from flask_babel import format_date, format_decimal, format_time, get_locale, gettext, ngettext
from flask_login import current_user

from tracker.domain.clock import utc_to_local
from tracker.domain.instruments import Instrument


def select_locale() -> str | None:
    """The user's chosen language, else the browser's best match."""
    languages = current_app.config["LANGUAGES"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    return request.accept_languages.best_match(languages)


def current_locale() -> str:
    """The language code of this response, for ``<html lang>``."""
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


def instrument_in_language(instrument: Instrument) -> bool:
    """Whether the questionnaire has a published version in the language of this response."""
    locale = get_locale()
    return instrument.has_version_in(locale.language if locale else "en")


def instrument_text(instrument: Instrument, text: str) -> str:
    """An instrument's instruction, item or answer in this language, else its English original.

    We never show our own translation of a questionnaire: only a published version may
    be reproduced, and where there is none the English text is the validated one.
    """
    return gettext(text) if instrument_in_language(instrument) else text


def format_local_datetime(value, tz: str) -> str:
    """Date (medium) and time (short, no seconds) in the practice's zone and the locale."""
    if not value:
        return ""
    local = utc_to_local(value, tz).replace(tzinfo=None)
    return f"{format_date(local, 'medium')}, {format_time(local, 'short')}"


def format_number(value, pattern: str = "#,##0.##") -> str:
    """A number in the reader's locale (82.5 kg in English, 82,5 kg in German)."""
    if value is None:
        return ""
    return format_decimal(value, format=pattern)


def format_minutes(minutes: int) -> str:
    """A duration in whole hours and minutes ("2 hours", "1 hour 30 minutes"), never
    rounded: it states a practice's time limit."""
    hours, rest = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(ngettext("%(num)s hour", "%(num)s hours", hours))
    if rest or not hours:
        parts.append(ngettext("%(num)s minute", "%(num)s minutes", rest))
    return " ".join(parts)


def register(app: Flask) -> None:
    app.jinja_env.globals["current_locale"] = current_locale
    app.jinja_env.globals["instrument_in_language"] = instrument_in_language
    app.jinja_env.globals["instrument_text"] = instrument_text
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.filters["number"] = format_number
    app.jinja_env.filters["duration"] = format_minutes
    app.jinja_env.filters["localdatetime"] = format_local_datetime
    app.jinja_env.filters["localtime"] = lambda value, tz, fmt="short": (
        format_time(utc_to_local(value, tz).replace(tzinfo=None), fmt) if value else ""
    )
    app.jinja_env.filters["date"] = lambda value, fmt="medium": (
        format_date(value, fmt) if value else ""
    )
