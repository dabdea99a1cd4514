"""Homework: the practice's template library, assignments and completions."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, String, Text, UniqueConstraint, false, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.domain.homework import Schedule, parse_weekdays
from tracker.models.base import Base, EncryptedText, UTCDateTime, utcnow
from tracker.models.goals import IntegrationGoal
from tracker.models.user import User


class HomeworkTemplate(Base):
    """Library text written for any client: not clinical, so stored in the clear."""

    __tablename__ = "homework_template"

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practice.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(30))
    summary: Mapped[str] = mapped_column(String(300), default="", server_default="")
    instructions: Mapped[str] = mapped_column(Text)
    suggested_recurrence: Mapped[str] = mapped_column(
        String(10), default="once", server_default="once"
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class HomeworkAssignment(Base):
    """Homework given to one client: its title and instructions may be personal, so
    they are encrypted."""

    __tablename__ = "homework_assignment"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"), index=True)
    template_id: Mapped[int | None] = mapped_column(ForeignKey("homework_template.id"))
    goal_id: Mapped[int | None] = mapped_column(ForeignKey("integration_goal.id"), index=True)
    title: Mapped[str] = mapped_column(EncryptedText)
    instructions: Mapped[str | None] = mapped_column(EncryptedText)
    recurrence: Mapped[str] = mapped_column(String(10))
    weekdays: Mapped[str] = mapped_column(String(20), default="", server_default="")
    start_date: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="active", server_default="active")
    stopped_on: Mapped[date | None] = mapped_column(Date)
    assigned_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    goal: Mapped[IntegrationGoal | None] = relationship()
    entries: Mapped[list[HomeworkEntry]] = relationship(
        back_populates="assignment", order_by="HomeworkEntry.occurrence_date"
    )
    assigned_by: Mapped[User] = relationship()

    @property
    def schedule(self) -> Schedule:
        return Schedule(
            recurrence=self.recurrence,
            start=self.start_date,
            due=self.due_date,
            weekdays=parse_weekdays(self.weekdays),
            stopped_on=self.stopped_on,
        )


class HomeworkEntry(Base):
    """The client marked one occurrence done, with an optional reflection."""

    __tablename__ = "homework_entry"
    __table_args__ = (UniqueConstraint("assignment_id", "occurrence_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("homework_assignment.id"), index=True)
    occurrence_date: Mapped[date] = mapped_column(Date)
    completed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reflection: Mapped[str | None] = mapped_column(EncryptedText)
    # The client decides whether the care team reads the reflection.
    reflection_shared: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    assignment: Mapped[HomeworkAssignment] = relationship(back_populates="entries")
