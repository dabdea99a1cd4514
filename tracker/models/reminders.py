"""A client's choice of e-mail reminders: on or off, when, in which zone, quiet hours."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import Boolean, Date, ForeignKey, String, Time, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.domain.reminders import (
    DEFAULT_QUIET_END,
    DEFAULT_QUIET_START,
    DEFAULT_TIME,
    QuietHours,
    ReminderSettings,
)
from tracker.models.base import Base, UTCDateTime, utcnow
from tracker.models.client import Client


class ReminderPreference(Base):
    """One per client, written when they first save the portal's reminder page.

    The times are local wall-clock times in ``timezone``; the language is the portal
    account's at send time. ``last_sent_on`` is the client's local day of the last
    reminder written to the outbox (the outbox key says the same; this lets the planner
    skip the client without asking the outbox).
    """

    __tablename__ = "reminder_preference"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"), unique=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    send_at: Mapped[time] = mapped_column(Time, default=DEFAULT_TIME, server_default="18:00:00")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC", server_default="UTC")
    quiet_start: Mapped[time] = mapped_column(
        Time, default=DEFAULT_QUIET_START, server_default="21:00:00"
    )
    quiet_end: Mapped[time] = mapped_column(
        Time, default=DEFAULT_QUIET_END, server_default="08:00:00"
    )
    last_sent_on: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    client: Mapped[Client] = relationship()

    @property
    def settings(self) -> ReminderSettings:
        return ReminderSettings(
            at=self.send_at,
            zone_name=self.timezone,
            quiet=QuietHours(self.quiet_start, self.quiet_end),
        )

    def __repr__(self) -> str:
        return f"<ReminderPreference {self.id} client={self.client_id}>"
