"""Sessions planned ahead, and the secret calendar feed that publishes them.

A plan is not a note. It lives in its own table, so no query over ``therapy_session``
(drafts, signing, readiness, dosing, the course, reports, questionnaire schedules) can
mistake it for a session. Starting it creates the draft ``TherapySession`` (with the
note form) and links it here; the plan stays, so the calendar keeps the appointment.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.models.base import Base, UTCDateTime, utcnow
from tracker.models.client import Client
from tracker.models.user import User


class PlannedSession(Base):
    __tablename__ = "planned_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"), index=True)
    # Who holds the session (who planned it): its calendar feed shows it.
    therapist_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    duration_minutes: Mapped[int] = mapped_column(Integer)
    modality: Mapped[str] = mapped_column(String(20))
    phase: Mapped[str] = mapped_column(String(20))
    setting: Mapped[str] = mapped_column(String(30))
    # The draft it became when started; a started plan can no longer be cancelled.
    session_id: Mapped[int | None] = mapped_column(ForeignKey("therapy_session.id"), unique=True)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    client: Mapped[Client] = relationship()
    therapist: Mapped[User] = relationship()

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def is_started(self) -> bool:
        return self.session_id is not None

    def __repr__(self) -> str:
        return f"<PlannedSession {self.id}>"


class CalendarFeed(Base):
    """One person's secret feed URL. Only a SHA-256 hash of the secret is stored: the
    address is shown once, when made; regenerating replaces it, revoking deletes it."""

    __tablename__ = "calendar_feed"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_fetched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
