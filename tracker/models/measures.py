"""Outcome measures: assignments, responses (item answers encrypted), safety alerts."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Integer, Numeric, String, false, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.domain.alerts import escalation_due_at
from tracker.domain.scoring import MeasureSchedule
from tracker.models.base import Base, EncryptedText, UTCDateTime, utcnow
from tracker.models.client import Client
from tracker.models.user import User


class MeasureAssignment(Base):
    __tablename__ = "measure_assignment"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"), index=True)
    instrument: Mapped[str] = mapped_column(String(10))
    schedule_kind: Mapped[str] = mapped_column(String(20))  # once / every_n_days / after_medicine
    every_days: Mapped[int | None] = mapped_column(Integer)
    start_date: Mapped[date] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    stopped_on: Mapped[date | None] = mapped_column(Date)
    assigned_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def schedule(self) -> MeasureSchedule:
        return MeasureSchedule(self.schedule_kind, self.start_date, self.every_days)


class MeasureResponse(Base):
    __tablename__ = "measure_response"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"), index=True)
    instrument: Mapped[str] = mapped_column(String(10), index=True)
    assignment_id: Mapped[int | None] = mapped_column(ForeignKey("measure_assignment.id"))
    # JSON: the item answers in order, or {field: score} for scores-only instruments.
    answers: Mapped[str] = mapped_column(EncryptedText)
    extra_answer: Mapped[int | None] = mapped_column(Integer)
    total: Mapped[Decimal] = mapped_column(Numeric(7, 2))
    severity: Mapped[str | None] = mapped_column(String(30))
    flags: Mapped[str] = mapped_column(String(200), default="", server_default="")
    completed_on: Mapped[date] = mapped_column(Date, index=True)
    by_client: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    entered_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    entered_by: Mapped[User] = relationship()

    @property
    def flag_set(self) -> frozenset[str]:
        return frozenset(flag for flag in self.flags.split(",") if flag)

    @property
    def answer_values(self):
        return json.loads(self.answers)


class SafetyAlert(Base):
    """Raised for the care team by a safety flag (``domain.alerts``); stays until
    acknowledged with a note."""

    __tablename__ = "safety_alert"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"), index=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("measure_response.id"))
    kind: Mapped[str] = mapped_column(String(30))
    # Escalates to the backup clinicians at once instead of after the escalation time.
    urgent: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    acknowledgement_note: Mapped[str | None] = mapped_column(EncryptedText)
    # What reached people (services/alerts.py): when the care team's e-mails were
    # written, when the backup clinicians' were, and when an escalation came due with
    # no backup clinician to reach.
    team_notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    escalation_unreachable_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    response: Mapped[MeasureResponse] = relationship()
    client: Mapped[Client] = relationship()
    acknowledged_by: Mapped[User | None] = relationship()

    def escalation_due_at(self, escalation_minutes: int) -> datetime:
        """When the backup clinicians are told if nobody acknowledges it first."""
        return escalation_due_at(self.created_at, escalation_minutes, self.urgent)
