"""The practice: letterhead, report footer and vitals thresholds."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tracker.domain.vitals import DEFAULT_THRESHOLDS, VitalsThresholds
from tracker.models.base import Base, UTCDateTime, utcnow


class Practice(Base):
    __tablename__ = "practice"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(Text, default="", server_default="")
    letterhead_text: Mapped[str] = mapped_column(Text, default="", server_default="")
    report_footer: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Shown to a client whose questionnaire raises a safety flag (e.g. the national line).
    crisis_resources: Mapped[str] = mapped_column(Text, default="", server_default="")
    # IANA zone in which staff type and read session times (stored in UTC).
    timezone: Mapped[str] = mapped_column(String(64), default="UTC", server_default="UTC")
    hold_systolic: Mapped[int] = mapped_column(
        Integer, default=DEFAULT_THRESHOLDS.hold_systolic, server_default="140"
    )
    hold_diastolic: Mapped[int] = mapped_column(
        Integer, default=DEFAULT_THRESHOLDS.hold_diastolic, server_default="90"
    )
    alert_systolic_low: Mapped[int] = mapped_column(
        Integer, default=DEFAULT_THRESHOLDS.alert_systolic_low, server_default="90"
    )
    alert_systolic_high: Mapped[int] = mapped_column(
        Integer, default=DEFAULT_THRESHOLDS.alert_systolic_high, server_default="180"
    )
    alert_heart_rate_low: Mapped[int] = mapped_column(
        Integer, default=DEFAULT_THRESHOLDS.alert_heart_rate_low, server_default="50"
    )
    alert_heart_rate_high: Mapped[int] = mapped_column(
        Integer, default=DEFAULT_THRESHOLDS.alert_heart_rate_high, server_default="150"
    )
    alert_spo2_low: Mapped[int] = mapped_column(
        Integer, default=DEFAULT_THRESHOLDS.alert_spo2_low, server_default="92"
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def vitals_thresholds(self) -> VitalsThresholds:
        """The practice's thresholds as a plain value for the domain rules."""
        return VitalsThresholds(
            hold_systolic=self.hold_systolic,
            hold_diastolic=self.hold_diastolic,
            alert_systolic_low=self.alert_systolic_low,
            alert_systolic_high=self.alert_systolic_high,
            alert_heart_rate_low=self.alert_heart_rate_low,
            alert_heart_rate_high=self.alert_heart_rate_high,
            alert_spo2_low=self.alert_spo2_low,
        )
