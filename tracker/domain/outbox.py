"""The outbox's rules: the messages the app may send, when to try again after a failed
delivery, and how an address is shown to admins.

Every message is one of a fixed set of kinds with a translatable subject and body:
no free text goes in, so no clinical content or client name can come out. A body may
use ``%(link)s`` (the link the message exists for), ``%(practice)s`` (the practice's
name) and ``%(hours)s`` (how long a one-time link stays valid); it is rendered at
delivery, in the recipient's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from tracker.domain.messages import N_

PENDING = "pending"  # waiting for its time (``next_attempt_at``) or for mail to be set up
SENDING = "sending"  # claimed by one delivery run
SENT = "sent"
FAILED = "failed"  # gave up: a permanent refusal or too many attempts
CANCELLED = "cancelled"  # no longer needed (an escalation after an acknowledgement)
STATUSES = (PENDING, SENDING, SENT, FAILED, CANCELLED)
FINAL_STATUSES = frozenset({SENT, FAILED, CANCELLED})

STATUS_LABELS = {
    PENDING: N_("waiting"),
    SENDING: N_("being sent"),
    SENT: N_("sent"),
    FAILED: N_("failed"),
    CANCELLED: N_("cancelled"),
}

# Retries: one minute after the first failure, doubling, at most an hour apart; after
# the tenth attempt (about four hours after the first) the message is failed.
RETRY_BASE = timedelta(minutes=1)
RETRY_CAP = timedelta(hours=1)
MAX_ATTEMPTS = 10
# A claim older than this belongs to a run that died (a send takes seconds): another
# run may take the message over (see ``tracker/delivery.py`` on what that allows).
CLAIM_TIMEOUT = timedelta(minutes=10)

ATTENTION = N_("Something needs your attention in Integration Tracker")


@dataclass(frozen=True)
class MessageKind:
    label: str  # what it is, as the admin's delivery page names it
    audience: str  # who receives it
    subject: str
    body: str
    # The config setting whose lifetime ``%(hours)s`` states (one-time links), if any.
    lifetime_setting: str | None = None
    # ``link`` is the recipient's one-click unsubscribe link (client reminders): the
    # body names the portal as ``%(portal)s`` and the e-mail carries the
    # ``List-Unsubscribe`` headers (``unsubscribe_headers``).
    unsubscribe: bool = False


SAFETY_ALERT = "safety_alert"
ALERT_ESCALATION = "alert_escalation"
PORTAL_INVITATION = "portal_invitation"
ACCOUNT_CREATED = "account_created"
PASSWORD_RESET = "password_reset"  # noqa: S105 - a message kind
CLIENT_REMINDER = "client_reminder"

KINDS: dict[str, MessageKind] = {
    SAFETY_ALERT: MessageKind(
        label=N_("Safety alert"),
        audience=N_("care team"),
        subject=ATTENTION,
        body=N_(
            "Hello,\n\nSomething needs your attention in Integration Tracker. "
            "Please sign in to see it:\n%(link)s\n\n"
            "This e-mail says no more on purpose: the details stay in the app."
        ),
    ),
    ALERT_ESCALATION: MessageKind(
        label=N_("Alert escalation"),
        audience=N_("backup clinician"),
        subject=ATTENTION,
        body=N_(
            "Hello,\n\nYou are a backup clinician of %(practice)s. Something in "
            "Integration Tracker has waited longer than it should and needs your "
            "attention. Please sign in to see it:\n%(link)s\n\n"
            "This e-mail says no more on purpose: the details stay in the app."
        ),
    ),
    PORTAL_INVITATION: MessageKind(
        label=N_("Portal invitation"),
        audience=N_("client"),
        subject=N_("Your portal invitation"),
        body=N_(
            "Hello,\n\n%(practice)s has invited you to your personal portal.\n\n"
            "Choose your password here (the link works once and expires in %(hours)s "
            "hours):\n%(link)s\n\nIf you did not expect this e-mail, you can ignore it."
        ),
        lifetime_setting="INVITATION_LIFETIME",
    ),
    ACCOUNT_CREATED: MessageKind(
        label=N_("New account link"),
        audience=N_("account holder"),
        subject=N_("Your Integration Tracker account"),
        body=N_(
            "Hello,\n\n%(practice)s has created an account for you in Integration "
            "Tracker.\n\nChoose your password here (the link works once and expires in "
            "%(hours)s hours):\n%(link)s\n\n"
            "If you did not expect this e-mail, please tell the practice."
        ),
        lifetime_setting="PASSWORD_RESET_LIFETIME",
    ),
    PASSWORD_RESET: MessageKind(
        label=N_("Password reset link"),
        audience=N_("account holder"),
        subject=N_("Choose a new password"),
        body=N_(
            "Hello,\n\nAn administrator of %(practice)s has issued a link for you to "
            "choose a new password for Integration Tracker.\n\nIt works once and expires "
            "in %(hours)s hours:\n%(link)s\n\n"
            "If you did not ask for this, please tell the practice."
        ),
        lifetime_setting="PASSWORD_RESET_LIFETIME",
    ),
    # Says only that something is waiting: never what (no questionnaire or homework
    # title), never whose, not even the practice's name (someone else may read the
    # inbox of a client of a psychotherapy practice).
    CLIENT_REMINDER: MessageKind(
        label=N_("Client reminder"),
        audience=N_("client"),
        subject=N_("A reminder from your portal"),
        body=N_(
            "Hello,\n\nA reminder from your practice's portal: something is waiting "
            "for you.\n\nOpen your portal:\n%(portal)s\n\n"
            "You get this e-mail because you turned on reminders in your portal. "
            "To stop them, open this link (no sign-in needed):\n%(link)s"
        ),
        unsubscribe=True,
    ),
}


def unsubscribe_headers(link: str) -> dict[str, str]:
    """The headers that let a mail program offer "unsubscribe" itself: RFC 2369's
    ``List-Unsubscribe`` and RFC 8058's one-click POST to the same link."""
    return {
        "List-Unsubscribe": f"<{link}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def retry_delay(
    attempts: int, *, base: timedelta = RETRY_BASE, cap: timedelta = RETRY_CAP
) -> timedelta:
    """How long to wait after the ``attempts``-th failed attempt: ``base``, doubled after
    each further failure, never more than ``cap``."""
    if attempts < 1:
        raise ValueError(attempts)
    # Doubling stops at the cap long before the exponent could grow large.
    return min(cap, base * 2 ** min(attempts - 1, 32))


@dataclass(frozen=True)
class AfterFailure:
    status: str  # PENDING (try again) or FAILED
    next_attempt_at: datetime | None


def after_failure(
    attempts: int,
    now: datetime,
    *,
    permanent: bool = False,
    max_attempts: int = MAX_ATTEMPTS,
    base: timedelta = RETRY_BASE,
    cap: timedelta = RETRY_CAP,
) -> AfterFailure:
    """What becomes of a message whose ``attempts``-th attempt failed: failed for good
    after a permanent refusal or the last allowed attempt, else another try later."""
    if permanent or attempts >= max_attempts:
        return AfterFailure(FAILED, None)
    return AfterFailure(PENDING, now + retry_delay(attempts, base=base, cap=cap))


def mask_address(address: str) -> str:
    """An address as the delivery page shows it: the first character of the mailbox and
    the domain (``t…@example.org``), enough to tell messages apart, not to harvest."""
    local, at, domain = address.rpartition("@")
    if not at or not local:
        return "…"
    return f"{local[0]}…@{domain}"
