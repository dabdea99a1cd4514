"""Safety alerts: raising one, and making sure it reaches people.

``raise_alert`` stores the alert and, in the same transaction, writes an outbox message
to every active member of the client's care team (the primary therapist and the
care-team members). The practice's backup clinicians hear of it

- at once when the alert is urgent (a high-risk C-SSRS screen), or when nobody on the
  care team can be e-mailed;
- otherwise when the practice's escalation time passes without an acknowledgement:
  ``escalate_due_alerts``, run by ``flask --app tracker send-outbox`` every minute,
  writes their messages only then (``domain.alerts.needs_escalation``).

An acknowledgement stops the escalation (``stop_escalation``): before it is due nothing
has been written and nothing will be; a message already written and still waiting is
cancelled; one being handed to the mail server at that moment cannot be called back.
With no backup clinician designated, an escalation reaches nobody: the alert records
that (``escalation_unreachable_at``), the care team and the admin are shown it, and the
alert escalates as soon as a backup clinician is designated.

Each step is audited with ids only: ``safety_alert.notify``, ``safety_alert.escalate``,
``safety_alert.escalation_unreachable``, and ``safety_alert.acknowledge`` with
``safety_alert.escalation_cancel`` as the acknowledging person's. The e-mails say
only that something needs attention, with a link to the alert's page (sign-in
required): not which client, not what kind.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, func, or_, select, update
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from tracker.domain import outbox as message_kinds
from tracker.domain.alerts import AlertNeed, needs_escalation
from tracker.domain.policy import STAFF_ROLES, Role, can_view_alert
from tracker.extensions import db
from tracker.links import external_url
from tracker.models import CareTeamMember, Client, MeasureResponse, Practice, SafetyAlert, User
from tracker.models.base import utcnow
from tracker.services import Forbidden, NotFound, outbox
from tracker.services import audit as audit_service
from tracker.settings import user_locale

TEAM = "team"
ESCALATION = "escalation"


def _key(alert_id: int, step: str, user_id: int) -> str:
    return f"alert:{alert_id}:{step}:user:{user_id}"


def _escalation_prefix(alert_id: int) -> str:
    return f"alert:{alert_id}:{ESCALATION}:"


# --- who is told -----------------------------------------------------------------------


def care_team_recipients(client: Client) -> list[User]:
    """The primary therapist and the care-team members whose accounts are active."""
    members = select(CareTeamMember.user_id).where(CareTeamMember.client_id == client.id)
    return list(
        db.session.scalars(
            select(User)
            .where(
                or_(User.id == client.primary_therapist_id, User.id.in_(members)),
                User.active.is_(True),
                User.role.in_(STAFF_ROLES),
            )
            .order_by(User.id)
        )
    )


def _backup_of(practice_id: int) -> tuple:
    """Who is a backup clinician of the practice: an active therapist so designated."""
    return (
        User.practice_id == practice_id,
        User.backup_clinician.is_(True),
        User.active.is_(True),
        User.role == Role.THERAPIST,
    )


def backup_clinicians(practice_id: int) -> list[User]:
    """The practice's designated backup clinicians (active therapists)."""
    return list(
        db.session.scalars(select(User).where(*_backup_of(practice_id)).order_by(User.name))
    )


_BACKUP_COUNT = select(func.count(User.id)).where(
    User.practice_id == bindparam("practice_id"),
    User.backup_clinician.is_(True),
    User.active.is_(True),
    User.role == Role.THERAPIST,
)


def backup_count(practice_id: int) -> int:
    """How many backup clinicians the practice has (``_backup_of``; a statement built
    once)."""
    return db.session.scalar(_BACKUP_COUNT, {"practice_id": practice_id})


# --- raising, escalating, stopping -----------------------------------------------------


def raise_alert(
    client: Client, response: MeasureResponse, need: AlertNeed, now: datetime | None = None
) -> SafetyAlert:
    """Store an alert and e-mail the care team, in the caller's transaction (flushes,
    never commits); urgent, or with nobody on the team to e-mail, the backup clinicians
    too."""
    now = now or utcnow()
    alert = SafetyAlert(
        client_id=client.id,
        response_id=response.id,
        kind=need.kind,
        urgent=need.urgent,
        created_at=now,
    )
    db.session.add(alert)
    db.session.flush()
    team = care_team_recipients(client)
    _write_messages(alert, client.practice_id, team, TEAM, message_kinds.SAFETY_ALERT, now)
    if team:
        alert.team_notified_at = now
    _audit("safety_alert.notify", alert, client.practice_id, f"users={_ids(team)}")
    if need.urgent or not team:
        _escalate(
            alert,
            client.practice_id,
            now,
            backup_clinicians(client.practice_id),
            reason="urgent" if need.urgent else "no_team",
        )
    return alert


def escalate_due_alerts(now: datetime) -> int:
    """Write the backup clinicians' messages for every alert whose escalation is due
    (flushes, never commits). Returns how many alerts escalated."""
    rows = db.session.execute(
        select(SafetyAlert, Client.practice_id, Practice.alert_escalation_minutes)
        .join(Client, SafetyAlert.client_id == Client.id)
        .join(Practice, Client.practice_id == Practice.id)
        .where(SafetyAlert.acknowledged_at.is_(None), SafetyAlert.escalated_at.is_(None))
        .order_by(SafetyAlert.created_at, SafetyAlert.id)
    ).all()
    backups: dict[int, list[User]] = {}
    escalated = 0
    for alert, practice_id, minutes in rows:
        if not needs_escalation(
            created_at=alert.created_at,
            escalation_minutes=minutes,
            urgent=alert.urgent,
            acknowledged_at=alert.acknowledged_at,
            escalated_at=alert.escalated_at,
            now=now,
        ):
            continue
        if practice_id not in backups:
            backups[practice_id] = backup_clinicians(practice_id)
        if _escalate(alert, practice_id, now, backups[practice_id], reason="overdue"):
            escalated += 1
    return escalated


def _escalate(
    alert: SafetyAlert, practice_id: int, now: datetime, backups: list[User], *, reason: str
) -> bool:
    """E-mail the backup clinicians about one alert, once; False when nobody was."""
    if not backups:
        if alert.escalation_unreachable_at is None:
            alert.escalation_unreachable_at = now
            _audit("safety_alert.escalation_unreachable", alert, practice_id, f"reason={reason}")
        return False
    # Claimed like an outbox message: of two runs (or a run and an acknowledgement)
    # only the first to write the row goes on.
    claimed = db.session.execute(
        update(SafetyAlert)
        .where(
            SafetyAlert.id == alert.id,
            SafetyAlert.escalated_at.is_(None),
            SafetyAlert.acknowledged_at.is_(None),
        )
        .values(escalated_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        return False
    set_committed_value(alert, "escalated_at", now)
    _write_messages(alert, practice_id, backups, ESCALATION, message_kinds.ALERT_ESCALATION, now)
    _audit("safety_alert.escalate", alert, practice_id, f"reason={reason},users={_ids(backups)}")
    return True


def acknowledge(
    alert: SafetyAlert, actor: User, note: str, *, ip_address: str | None = None
) -> str | None:
    """Acknowledge with a note of what was done, which stops the escalation; both are
    audited as the actor's (flushes; ``Forbidden`` when already acknowledged). Returns
    ``stop_escalation``'s audit detail."""
    if alert.acknowledged_at is not None:
        raise Forbidden(alert.id)
    alert.acknowledged_at = utcnow()
    alert.acknowledged_by_id = actor.id
    alert.acknowledgement_note = note.strip()
    stopped = stop_escalation(alert)
    _audit("safety_alert.acknowledge", alert, actor=actor, ip_address=ip_address)
    if stopped:
        _audit(
            "safety_alert.escalation_cancel",
            alert,
            detail=stopped,
            actor=actor,
            ip_address=ip_address,
        )
    return stopped


def stop_escalation(alert: SafetyAlert) -> str | None:
    """After an acknowledgement: cancel the escalation's messages still waiting (flushes).
    Returns the audit detail of what was stopped, or None when it had already gone."""
    cancelled = outbox.cancel(_escalation_prefix(alert.id))
    if cancelled:
        return f"cancelled={cancelled}"
    if alert.escalated_at is None:
        return "before_due"
    return None


def _write_messages(
    alert: SafetyAlert, practice_id: int, users: list[User], step: str, kind: str, due: datetime
) -> None:
    """One message per person, due at the moment of the step (a run that escalates
    sends in the same run)."""
    link = external_url("clinician.show_alert", alert_id=alert.id)
    for user in users:
        outbox.enqueue(
            practice_id=practice_id,
            to=user.email,
            kind=kind,
            locale=user_locale(user),
            link=link,
            key=_key(alert.id, step, user.id),
            not_before=due,
        )


def _ids(users: list[User]) -> str:
    return audit_service.name_list([str(user.id) for user in users]).replace(",", " ")


def _audit(
    action: str,
    alert: SafetyAlert,
    practice_id: int | None = None,
    detail: str = "",
    *,
    actor: User | None = None,
    ip_address: str | None = None,
) -> None:
    """An alert's audit event: the delivery's own (no actor, the practice given) or a
    person's (their practice)."""
    audit_service.record(
        action,
        actor=actor,
        ip_address=ip_address,
        practice_id=practice_id,
        record_type="safety_alert",
        record_id=alert.id,
        client_id=alert.client_id,
        detail=detail,
    )


# --- reading ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AlertAccess:
    alert: SafetyAlert
    client: Client
    escalated_to_actor: bool  # a backup clinician the alert reached, maybe not on the team


# The alert, its response, who acknowledged it, and its client with what the policy
# and the page read: one statement, built once.
_ALERT_WITH_CLIENT = (
    select(SafetyAlert)
    .where(SafetyAlert.id == bindparam("alert_id"))
    .options(
        joinedload(SafetyAlert.response),
        joinedload(SafetyAlert.acknowledged_by),
        joinedload(SafetyAlert.client).joinedload(Client.care_team).joinedload(CareTeamMember.user),
        joinedload(SafetyAlert.client).joinedload(Client.primary_therapist),
    )
)


def get_alert_for(actor: User, alert_id: int) -> AlertAccess:
    """An alert the actor may see (the care team; a backup clinician once escalated to
    them), else NotFound."""
    alert = (
        db.session.execute(_ALERT_WITH_CLIENT, {"alert_id": alert_id}).unique().scalar_one_or_none()
    )
    if alert is None:
        raise NotFound(alert_id)
    client = alert.client
    escalated_to_actor = alert.escalated_at is not None and bool(actor.backup_clinician)
    if not can_view_alert(actor, client, escalated_to_actor=escalated_to_actor):
        raise NotFound(alert_id)
    return AlertAccess(alert, client, escalated_to_actor)


@dataclass(frozen=True)
class EscalationOutlook:
    """What the alert boxes need to say where an alert is headed."""

    escalation_minutes: int
    timezone: str
    backups: int
    now: datetime  # to tell an escalation still ahead from one overdue (timer not run)


def escalation_outlook(practice_id: int) -> EscalationOutlook:
    practice = db.session.get(Practice, practice_id)
    return EscalationOutlook(
        escalation_minutes=practice.alert_escalation_minutes,
        timezone=practice.timezone,
        backups=backup_count(practice_id),
        now=utcnow(),
    )
