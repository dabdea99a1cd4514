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
