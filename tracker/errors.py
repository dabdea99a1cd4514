"""Error pages that show no internals."""

from __future__ import annotations

import logging

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from tracker.extensions import db
from tracker.i18n import gettext as _

log = logging.getLogger(__name__)


def _titles() -> dict[int, tuple[str, str]]:
    return {
        400: (_("Something in the request was not right"), _("Please go back and try again.")),
        403: (_("Not allowed"), _("Your account may not do this.")),
        404: (_("Not found"), _("This page does not exist or is not yours to see.")),
        405: (_("Not allowed"), _("This page cannot be used that way.")),
        409: (
            _("This record changed meanwhile"),
            _(
                "Someone signed or changed it after you opened it. Go back and reload the "
                "page to see it as it is now."
            ),
        ),
        410: (
            _("No longer available"),
            _("This file is no longer kept. Print or ask for a new one."),
        ),
        429: (
            _("Too many attempts"),
            _("Please wait a few minutes before trying again."),
        ),
        500: (
            _("Something went wrong on our side"),
            _("Nothing you typed has been shown to anyone. Please try again in a moment."),
        ),
    }


def render_error(code: int):
    title, message = _titles().get(code, (_("Error"), ""))
    return render_template("errors/error.html", code=code, title=title, message=message), code


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        title = _("This form has expired")
        message = _(
            "For your safety the form could not be accepted. Go back, reload the page "
            "and send it again."
        )
        return render_template("errors/error.html", code=400, title=title, message=message), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return render_error(error.code or 500)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        if app.testing and not app.config.get("RENDER_500_IN_TESTS"):
            raise error  # let the test see the traceback
        # Type and endpoint only: an exception message may quote stored values.
        log.error("unhandled %s", type(error).__name__)
        db.session.rollback()
        return render_error(500)
