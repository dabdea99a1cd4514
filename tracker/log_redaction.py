"""Secrets in request paths never reach the logs.

The calendar feed's secret is its address, and the one-time links carry their token in
the path too. The app itself logs no paths, but the servers in front of it do: the
development server (logger ``werkzeug``) and gunicorn's access log (``gunicorn.access``,
when enabled). A filter on those loggers rewrites each record with the secret replaced.
"""

from __future__ import annotations

import logging
import re

# /feeds/calendar/<secret>.ics, /reset/<token>, /invite/<token>
SECRET_PATHS = re.compile(r"(/feeds/calendar/|/reset/|/invite/)[^/\s?\"'.]+")
REDACTED = r"\1[secret]"
REQUEST_LOGGERS = ("werkzeug", "gunicorn.access")


class RedactSecretPaths(logging.Filter):
    """Replace the secret part of secret-bearing paths in a log record's message."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = SECRET_PATHS.sub(REDACTED, message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


def install() -> None:
    """Attach the filter to the request loggers, once per process."""
    for name in REQUEST_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactSecretPaths) for f in logger.filters):
            logger.addFilter(RedactSecretPaths())
