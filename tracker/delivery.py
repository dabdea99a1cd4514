"""Delivering the outbox: escalate the safety alerts that are due, then claim, send and
record the messages that are due.

``run_once`` is run by ``flask --app tracker send-outbox`` (a systemd timer or cron job
every minute: ``deploy/systemd/``) and, with ``REDIS_URL`` set, by an RQ job started
after each commit that wrote messages (``run_outbox_job`` below, on ``OUTBOX_QUEUE``,
default ``outbox``: ``rq worker --url "$REDIS_URL" reports outbox``), so alerts and
invitations leave within seconds. The job only hurries delivery along: the timer is
what escalates alerts and retries, with or without Redis. Runs may overlap freely.

Never twice, and what SMTP allows
---------------------------------
A run claims a message (``pending`` → ``sending`` with a random claim token, committed)
before it talks to the mail server, and records the outcome only while its claim still
holds. Two runs never both send a message they both found: the second finds it claimed.

SMTP leaves one gap no client can close: the server accepts the message (``250`` after
``DATA``) and the run dies before it commits ``sent`` (killed, power lost, database
gone). Nothing then says whether the server has it. After ``CLAIM_TIMEOUT`` (10 minutes;
a conversation is bounded far below that by ``MAIL_TIMEOUT``) another run takes the
message over and sends it again. That is a choice: at least once rather than at most
once, because a safety alert that silently never arrives is worse than one that
arrives twice. The repeat carries the same ``Message-ID``, so mail systems that drop
duplicates by it show the message once. Outside that crash window a message is sent
once; exactly-once over SMTP would need the receiving server's cooperation.

A message the server refuses for good (every recipient answered with a 5xx code) is
failed at once; any other failure is tried again with back-off
(``domain.outbox.retry_delay``) until ``MAX_ATTEMPTS``. Without ``MAIL_SERVER`` nothing
is claimed: messages wait, attempts untouched, until mail is set up.

Logs carry message ids, kinds and exception class names only, never addresses.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime
from email.utils import parseaddr

from flask import Flask, current_app, has_app_context
from flask_babel import force_locale, gettext
from sqlalchemy import event
from sqlalchemy.orm import Session

from tracker import job_queue, mail
from tracker.domain import outbox as rules
from tracker.extensions import db
from tracker.links import external_url
from tracker.models import OutboxMessage, Practice
from tracker.models.base import utcnow
from tracker.services import alerts as alert_service
from tracker.services import outbox as outbox_service

log = logging.getLogger(__name__)


@dataclass
class DeliveryReport:
    """What one run did, for the command's summary (counts only, no addresses)."""

    mail_configured: bool
    escalated: int = 0
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    waiting: int = 0  # still pending or being sent after the run

    def summary(self) -> str:
        parts = []
        if self.escalated:
            parts.append(f"Escalated {self.escalated} safety alert(s).")
        if not self.mail_configured:
            parts.append(
                f"Mail is not configured (MAIL_SERVER): {self.waiting} message(s) wait "
                "in the outbox."
            )
        else:
            parts.append(
                f"Sent {self.sent}, to retry {self.retrying}, failed {self.failed}; "
                f"{self.waiting} waiting."
            )
        return " ".join(parts)


def run_once(now: datetime | None = None) -> DeliveryReport:
    """Escalate due alerts, then deliver due messages; commits as it goes."""
    now = now or utcnow()
    report = DeliveryReport(mail_configured=mail.mail_configured())
    report.escalated = escalate_due(now)
    if report.mail_configured:
        deliver_due(now, report)
    report.waiting = outbox_service.waiting_count()
    db.session.commit()
    return report


def escalate_due(now: datetime) -> int:
    """Write the backup clinicians' messages of the alerts now due (committed), also
    without mail set up: they wait in the outbox, and the alert shows it escalated."""
    count = alert_service.escalate_due_alerts(now)
    db.session.commit()
    return count


def deliver_due(now: datetime, report: DeliveryReport) -> None:
    """Claim due messages a batch at a time, send each, record each (committed)."""
    batch_size = current_app.config["OUTBOX_BATCH_SIZE"]
    outbox_service.give_up_abandoned(now)
    db.session.commit()
    practice_names: dict[int, str] = {}
    while True:
        claimed = outbox_service.claim_due(now, limit=batch_size)
        db.session.commit()
        if not claimed:
            return
        for message in claimed:
            _deliver(message, now, report, practice_names)


def _deliver(
    message: OutboxMessage, now: datetime, report: DeliveryReport, practice_names: dict[int, str]
) -> None:
    try:
        if message.practice_id not in practice_names:
            practice_names[message.practice_id] = db.session.get(Practice, message.practice_id).name
        subject, body = render(message, practice_names[message.practice_id])
        mail.send(
            message.recipient,
            subject,
            body,
            message_id=message_id(message),
            headers=extra_headers(message),
        )
    except Exception as exc:  # one message must not stop the others
        permanent = _refused_for_good(exc)
        status = outbox_service.mark_failed_attempt(
            message, now, _error_name(exc), permanent=permanent
        )
        db.session.commit()
        if status == rules.FAILED:
            report.failed += 1
        else:
            report.retrying += 1
        log.warning(
            "outbox message %s (%s) attempt %s failed: %s",
            message.id,
            message.kind,
            message.attempts,
            _error_name(exc),
        )
        return
    if outbox_service.mark_sent(message, now):
        report.sent += 1
    else:
        log.warning("outbox message %s: claim lost before it was recorded as sent", message.id)
    db.session.commit()


def render(message: OutboxMessage, practice_name: str) -> tuple[str, str]:
    """The subject and body of a message, in its recipient's language."""
    kind = rules.KINDS[message.kind]
    hours = ""
    if kind.lifetime_setting:
        hours = int(current_app.config[kind.lifetime_setting].total_seconds() // 3600)
    portal = external_url("portal.home") if kind.unsubscribe else ""
    with force_locale(message.locale):
        return gettext(kind.subject), gettext(
            kind.body, link=message.link, practice=practice_name, hours=hours, portal=portal
        )


def extra_headers(message: OutboxMessage) -> dict[str, str]:
    """Headers a kind adds to the e-mail (one-click unsubscribe for reminders)."""
    if rules.KINDS[message.kind].unsubscribe:
        return rules.unsubscribe_headers(message.link)
    return {}


def message_id(message: OutboxMessage) -> str:
    """The same ``Message-ID`` on every attempt of one message."""
    domain = parseaddr(current_app.config["MAIL_SENDER"])[1].rpartition("@")[2] or "localhost"
    return f"<outbox-{message.id}-{int(message.created_at.timestamp())}@{domain}>"


def _refused_for_good(exc: Exception) -> bool:
    """Every recipient refused with a permanent (5xx) code: trying again cannot help."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        return bool(codes) and all(code >= 500 for code in codes)
    return False


def _error_name(exc: Exception) -> str:
    code = getattr(exc, "smtp_code", None)
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code = next(iter(exc.recipients.values()), (None, b""))[0]
    return f"{type(exc).__name__} {code}" if code else type(exc).__name__


# --- a delivery job after a commit (RQ only) ------------------------------------------

OUTBOX_JOB = "tracker.delivery.run_outbox_job"


def install_outbox_trigger() -> None:
    """Queue a delivery job after each commit that wrote outbox messages (RQ only)."""
    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_rollback", _after_rollback)


def _after_commit(session: Session) -> None:
    if not session.info.pop(outbox_service.WROTE_MESSAGES, False) or not has_app_context():
        return
    app = current_app._get_current_object()
    if job_queue.backend_for(app.config) == job_queue.RQ:
        start_outbox_delivery(app)


def _after_rollback(session: Session) -> None:
    session.info.pop(outbox_service.WROTE_MESSAGES, None)


def start_outbox_delivery(app: Flask) -> bool:
    """Queue one delivery run on RQ; False (logged) when Redis cannot take it, in which
    case the next timed ``send-outbox`` delivers."""
    try:
        job_queue.enqueue(
            app.config,
            app.config["OUTBOX_QUEUE"],
            OUTBOX_JOB,
            description="outbox delivery",
            job_timeout=600,
        )
    except job_queue.QueueUnavailable as exc:
        log.warning("outbox delivery not queued (%s): the timer will deliver", exc)
        return False
    return True


def run_outbox_job() -> None:
    """RQ job: one delivery run in an app of its own."""
    from tracker import create_app

    app = create_app()
    with app.app_context():
        try:
            report = run_once()
            log.info(
                "outbox run: sent %s, retry %s, failed %s",
                report.sent,
                report.retrying,
                report.failed,
            )
        finally:
            db.session.remove()
            db.engine.dispose()
