"""Vitals thresholds a practice doses and alerts by.

Defaults follow commonly published ketamine-clinic protocols: do not dose above
140/90 mmHg at rest; alert on systolic < 90 or > 180 mmHg, heart rate < 50 or
> 150 /min, SpO2 < 92 %. A practice may change them in its settings.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from tracker.domain.messages import N_, Problem


@dataclass(frozen=True)
class VitalsThresholds:
    hold_systolic: int = 140
    hold_diastolic: int = 90
    alert_systolic_low: int = 90
    alert_systolic_high: int = 180
    alert_heart_rate_low: int = 50
    alert_heart_rate_high: int = 150
    alert_spo2_low: int = 92


DEFAULT_THRESHOLDS = VitalsThresholds()

# Plausible bounds for each setting: outside these a value is a typing error.
THRESHOLD_BOUNDS: dict[str, tuple[int, int]] = {
    "hold_systolic": (100, 200),
    "hold_diastolic": (60, 130),
    "alert_systolic_low": (60, 120),
    "alert_systolic_high": (140, 250),
    "alert_heart_rate_low": (30, 80),
    "alert_heart_rate_high": (100, 220),
    "alert_spo2_low": (80, 99),
}


def threshold_problems(values: VitalsThresholds) -> dict[str, Problem]:
    """Return ``{field: message}`` for implausible or contradictory thresholds."""
    problems: dict[str, Problem] = {}
    for field in fields(values):
        low, high = THRESHOLD_BOUNDS[field.name]
        value = getattr(values, field.name)
        if not low <= value <= high:
            problems[field.name] = Problem(
                N_("Must be between %(low)s and %(high)s."), {"low": low, "high": high}
            )
    if "alert_systolic_high" not in problems and values.alert_systolic_high <= values.hold_systolic:
        problems["alert_systolic_high"] = Problem(N_("Must be above the systolic hold threshold."))
    if "alert_systolic_low" not in problems and values.alert_systolic_low >= values.hold_systolic:
        problems["alert_systolic_low"] = Problem(N_("Must be below the systolic hold threshold."))
    if (
        "alert_heart_rate_high" not in problems
        and values.alert_heart_rate_high <= values.alert_heart_rate_low
    ):
        problems["alert_heart_rate_high"] = Problem(N_("Must be above the low heart-rate alert."))
    return problems


@dataclass(frozen=True)
class Reading:
    """One vitals reading; any measurement may be missing."""

    systolic: int | None = None
    diastolic: int | None = None
    heart_rate: int | None = None
    spo2: int | None = None


@dataclass(frozen=True)
class ReadingFlags:
    hold: bool  # above the resting hold threshold: do not dose without a reason
    alerts: tuple[str, ...]  # keys of ALERT_LABELS

    @property
    def out_of_range(self) -> bool:
        return self.hold or bool(self.alerts)


ALERT_LABELS = {
    "hold": N_("Above the dosing hold threshold"),
    "systolic_low": N_("Systolic low"),
    "systolic_high": N_("Systolic high"),
    "heart_rate_low": N_("Heart rate low"),
    "heart_rate_high": N_("Heart rate high"),
    "spo2_low": N_("SpO₂ low"),
}

# Physiologically possible bounds: outside these, a reading is a typing error.
READING_BOUNDS = {
    "systolic": (40, 300),
    "diastolic": (20, 200),
    "heart_rate": (20, 250),
    "spo2": (50, 100),
}


def assess_reading(reading: Reading, thresholds: VitalsThresholds) -> ReadingFlags:
    """Which thresholds a reading crosses (hold: strictly above 140/90 by default)."""
    hold = (reading.systolic is not None and reading.systolic > thresholds.hold_systolic) or (
        reading.diastolic is not None and reading.diastolic > thresholds.hold_diastolic
    )
    alerts = []
    if reading.systolic is not None and reading.systolic < thresholds.alert_systolic_low:
        alerts.append("systolic_low")
    if reading.systolic is not None and reading.systolic > thresholds.alert_systolic_high:
        alerts.append("systolic_high")
    if reading.heart_rate is not None and reading.heart_rate < thresholds.alert_heart_rate_low:
        alerts.append("heart_rate_low")
    if reading.heart_rate is not None and reading.heart_rate > thresholds.alert_heart_rate_high:
        alerts.append("heart_rate_high")
    if reading.spo2 is not None and reading.spo2 < thresholds.alert_spo2_low:
        alerts.append("spo2_low")
    return ReadingFlags(hold=hold, alerts=tuple(alerts))


def reading_problems(reading: Reading) -> dict[str, Problem]:
    """Impossible values (typing errors), per field; an empty reading is a problem too."""
    problems: dict[str, Problem] = {}
    for name, (low, high) in READING_BOUNDS.items():
        value = getattr(reading, name)
        if value is not None and not low <= value <= high:
            problems[name] = Problem(
                N_("Must be between %(low)s and %(high)s."), {"low": low, "high": high}
            )
    if (reading.systolic is None) != (reading.diastolic is None):
        problems["diastolic" if reading.diastolic is None else "systolic"] = Problem(
            N_("Enter both blood-pressure values.")
        )
    if (
        "systolic" not in problems
        and reading.systolic is not None
        and reading.diastolic is not None
        and reading.diastolic >= reading.systolic
    ):
        problems["diastolic"] = Problem(N_("Diastolic must be below systolic."))
    if all(getattr(reading, name) is None for name in READING_BOUNDS):
        problems["systolic"] = Problem(N_("Enter at least one measurement."))
    return problems


def hold_before_dose(
    readings: list[tuple[object, Reading]], dose_time: object, thresholds: VitalsThresholds
) -> bool:
    """Whether the latest reading taken at or before ``dose_time`` is above the hold line.

    ``readings`` are ``(time, reading)`` pairs; times only need to be comparable.
    Readings without blood pressure are skipped: the hold is about blood pressure.
    """
    before = [
        (time, reading)
        for time, reading in readings
        if time <= dose_time and reading.systolic is not None
    ]
    if not before:
        return False
    _, latest = max(before, key=lambda pair: pair[0])
    return assess_reading(latest, thresholds).hold
