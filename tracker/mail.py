"""The SMTP transport (standard library), used by outbox delivery only
(``tracker/delivery.py``): the app never sends mail from a request. Messages never
carry clinical content."""

from __future__ import annotations

import email.policy
import logging
import smtplib
from collections.abc import Mapping
from email.message import EmailMessage

from flask import current_app

log = logging.getLogger(__name__)

# A header holding a link (``List-Unsubscribe``) has no space to fold at; under the
# default 78-character limit Python would MIME-encode it, which mail programs do not
# read as a link. RFC 5322 allows lines of up to 998 characters.
LONG_HEADERS = email.policy.default.clone(max_line_length=998)


def mail_configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def send(
    to: str,
    subject: str,
    body: str,
    *,
    message_id: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> None:
    """Send a plain-text message; raises ``OSError``/``smtplib.SMTPException`` on failure.

    ``message_id`` stays the same when the outbox tries a message again, so a mail
    client can recognise a repeat (see ``tracker/delivery.py``). ``headers`` are added
    as given (``List-Unsubscribe`` on reminders).
    """
    cfg = current_app.config
    message = EmailMessage(policy=LONG_HEADERS)
    message["From"] = cfg["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies, please
    if message_id:
        message["Message-ID"] = message_id
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    with smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=cfg["MAIL_TIMEOUT"]) as smtp:
        if cfg.get("MAIL_USE_TLS"):
            smtp.starttls()
        if cfg.get("MAIL_USERNAME"):
            smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"])
        smtp.send_message(message)
