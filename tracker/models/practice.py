"""The practice: letterhead, report footer and vitals thresholds."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tracker.domain import alerts, crisis, readiness
from tracker.domain.vitals import DEFAULT_THRESHOLDS, VitalsThresholds
from tracker.models.base import Base, UTCDateTime, utcnow


class Practice(Base):
    __tablename__ = "practice"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(Text, default="", server_default="")
    letterhead_text: Mapped[str] = mapped_column(Text, default="", server_default="")
    report_footer: Mapped[str] = mapped_column(Text, default="", server_default="")
    # The crisis box of every portal page: the practice's own lines ("label: number",
    # one per line), or when empty the defaults of ``crisis_country`` (domain.crisis).
    crisis_resources: Mapped[str] = mapped_column(Text, default="", server_default="")
    crisis_country: Mapped[str] = mapped_column(String(2), default="", server_default="")
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
    # Medicine sessions (issue 11): how long a medical clearance holds, the minimum time
    # between doses of two sessions, the monitoring rhythm, the minimum observation
    # before discharge, and the pre-dose checklist (JSON list of labels; NULL = defaults).
    clearance_valid_months: Mapped[int] = mapped_column(
        Integer, default=readiness.CLEARANCE_VALID_MONTHS, server_default="12"
    )
    min_dose_interval_hours: Mapped[int] = mapped_column(Integer, default=24, server_default="24")
    monitoring_interval_minutes: Mapped[int] = mapped_column(
        Integer, default=readiness.MONITORING_INTERVAL_MINUTES, server_default="15"
    )
    min_observation_minutes: Mapped[int] = mapped_column(
        Integer, default=readiness.MIN_OBSERVATION_MINUTES, server_default="120"
    )
    predose_checklist: Mapped[str | None] = mapped_column(Text)
    # Safety alerts: minutes until an unacknowledged alert goes to the backup clinicians,
    # and the response time clients are told to expect.
    alert_escalation_minutes: Mapped[int] = mapped_column(
        Integer, default=alerts.ESCALATION_MINUTES, server_default="120"
    )
    alert_response_hours: Mapped[int] = mapped_column(
        Integer, default=alerts.RESPONSE_HOURS, server_default="24"
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def checklist_items(self) -> dict[str, str]:
        """``{key: label}`` of the pre-dose checklist (the defaults unless edited)."""
        custom = json.loads(self.predose_checklist) if self.predose_checklist else None
        return readiness.checklist_items(custom)

    @property
    def crisis_box(self) -> crisis.CrisisBox:
        """The numbers clients see: the practice's own, else its country's defaults."""
        return crisis.crisis_box(self.crisis_resources, self.crisis_country)

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
