"""Adverse events after ketamine: append-only records of the client's care.

Neither the ORM (``APPEND_ONLY`` in ``tracker.models``) nor the database (triggers of
migration 0009) lets a row change or go; a correction is a new record. An event may be
linked to one of the client's sessions, signed or not: it is not part of the note.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.models.base import Base, EncryptedText, UTCDateTime, utcnow
from tracker.models.client import Client
from tracker.models.session import TherapySession
from tracker.models.user import User


class AdverseEvent(Base):
    __tablename__ = "adverse_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"), index=True)
    session_id: Mapped[int | None] = mapped_column(ForeignKey("therapy_session.id"), index=True)
    event_type: Mapped[str] = mapped_column(String(30))
    severity: Mapped[str] = mapped_column(String(20))
    onset_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    action_taken: Mapped[str] = mapped_column(EncryptedText)
    outcome: Mapped[str] = mapped_column(String(30))
    outcome_note: Mapped[str | None] = mapped_column(EncryptedText)
    prescriber_informed: Mapped[bool] = mapped_column(Boolean)
    description: Mapped[str | None] = mapped_column(EncryptedText)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    client: Mapped[Client] = relationship()
    session: Mapped[TherapySession | None] = relationship()
    recorded_by: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<AdverseEvent {self.id} {self.event_type} {self.severity}>"
