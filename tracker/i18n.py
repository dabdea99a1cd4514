"""Language choice and locale-aware formatting."""

from __future__ import annotations

from flask import Flask, current_app, request
from flask_babel import format_date, get_locale
from flask_login import current_user


def select_locale() -> str | None:
    """The user's chosen language, else the browser's best match."""
    languages = current_app.config["LANGUAGES"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    return request.accept_languages.best_match(languages)


def current_locale() -> str:
    """The language code of this response, for ``<html lang>``."""
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


def register(app: Flask) -> None:
    app.jinja_env.globals["current_locale"] = current_locale
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.filters["date"] = lambda value, fmt="medium": (
        format_date(value, fmt) if value else ""
    )
