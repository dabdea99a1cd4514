"""Readiness before a ketamine dose, the monitoring rhythm after it, and discharge.

A dose is the end of a checklist, not a free field. The rules follow published practice:

- Common KAP protocols hold dosing above 140/90 mmHg at rest (the practice's hold
  thresholds, ``tracker.domain.vitals``) and alert on low systolic pressure, a heart rate
  out of range and SpO2 below 92 %.
- The esketamine (Spravato) REMS asks for blood pressure before the dose and about
  40 minutes after it, pulse oximetry, observation for at least 2 hours, and transport
  home arranged (Janssen, SPRAVATO REMS; FDA label section 2.1 and 5.3).
- Discharge criteria are in the style of the modified Aldrete and the Post-Anaesthetic
  Discharge Scoring System (PADSS, Chung 1995): stable vital signs, orientation, steady
  gait, and a responsible adult to accompany the client.

Everything here is pure: plain values in, findings out. The services enforce the rules
so that no view or client can go around them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from tracker.domain.messages import N_, Problem
from tracker.domain.vitals import DEFAULT_THRESHOLDS, Reading, VitalsThresholds, assess_reading

# A pre-dose reading counts when taken at most this long before the dose.
PREDOSE_WINDOW = timedelta(minutes=30)


@dataclass(frozen=True)
class Finding:
    """One reason a dose (or a discharge) is not ready; ``blocking`` stops it."""

    code: str
    blocking: bool = True
    params: Mapping[str, object] = field(default_factory=dict)


BLOCKING_CODES = (
    "not_cleared",
    "no_consent",
    "no_predose_vitals",
    "bp_hold",
    "bp_low",
    "heart_rate_out_of_range",
    "spo2_low",
    "interval_short",
    "checklist_incomplete",
)

FINDING_LABELS = {
    "not_cleared": N_("No current medical clearance for ketamine."),
    "no_consent": N_("No active KAP informed consent."),
    "no_predose_vitals": N_(
        "No complete pre-dose reading (blood pressure, heart rate and SpO₂) in the "
        "30 minutes before the dose."
    ),
    "bp_hold": N_("Blood pressure %(bp)s is above the dosing hold threshold %(hold)s."),
    "bp_low": N_("Systolic blood pressure %(systolic)s is below %(low)s."),
    "heart_rate_out_of_range": N_("Heart rate %(heart_rate)s is outside %(low)s–%(high)s."),
    "spo2_low": N_("SpO₂ %(spo2)s %% is below %(low)s %%."),
    "interval_short": N_(
        "The previous dose was %(hours)s hours before; the practice's minimum is %(min)s hours."
    ),
    "checklist_incomplete": N_("Pre-dose checklist not complete: %(items)s."),
    # discharge
    "no_dose": N_("No dose was recorded in this session."),
    "no_postdose_reading": N_("No complete reading has been taken since the dose."),
    "last_reading_out_of_range": N_("The last reading is outside the thresholds."),
    "observation_short": N_(
        "Observed %(minutes)s minutes since the last dose; the practice's minimum is "
        "%(min)s minutes."
    ),
    "not_oriented": N_("Not yet confirmed oriented and walking steadily."),
    "no_escort": N_("No escort present or transport arranged."),
}

# Short names for stored codes (an override or a discharge names what it went against).
SHORT_LABELS = {
    "not_cleared": N_("no medical clearance"),
    "no_consent": N_("no ketamine consent"),
    "no_predose_vitals": N_("no pre-dose vitals"),
    "bp_hold": N_("blood pressure above the hold threshold"),
    "bp_low": N_("low blood pressure"),
    "heart_rate_out_of_range": N_("heart rate out of range"),
    "spo2_low": N_("low SpO₂"),
    "interval_short": N_("too soon after the previous dose"),
    "checklist_incomplete": N_("checklist incomplete"),
    "no_dose": N_("no dose"),
    "no_postdose_reading": N_("no reading after the dose"),
    "last_reading_out_of_range": N_("last reading out of range"),
    "observation_short": N_("observation time too short"),
    "not_oriented": N_("not oriented or unsteady"),
    "no_escort": N_("no escort or transport"),
}


def _complete(reading: Reading) -> bool:
    return None not in (reading.systolic, reading.diastolic, reading.heart_rate, reading.spo2)


def latest_predose_reading(
    readings: Iterable[tuple[datetime, Reading]], dose_at: datetime
) -> tuple[datetime, Reading] | None:
    """The newest complete reading taken in the 30 minutes up to the dose (both ends)."""
    window = [
        (taken_at, reading)
        for taken_at, reading in readings
        if dose_at - PREDOSE_WINDOW <= taken_at <= dose_at and _complete(reading)
    ]
    return max(window, key=lambda pair: pair[0]) if window else None


def vitals_findings(reading: Reading, thresholds: VitalsThresholds) -> list[Finding]:
    """What a complete reading blocks: the hold line and the alert limits."""
    findings: list[Finding] = []
    if reading.systolic > thresholds.hold_systolic or reading.diastolic > thresholds.hold_diastolic:
        findings.append(
            Finding(
                "bp_hold",
                params={
                    "bp": f"{reading.systolic}/{reading.diastolic}",
                    "hold": f"{thresholds.hold_systolic}/{thresholds.hold_diastolic}",
                },
            )
        )
    if reading.systolic < thresholds.alert_systolic_low:
        findings.append(
            Finding(
                "bp_low",
                params={"systolic": reading.systolic, "low": thresholds.alert_systolic_low},
            )
        )
    if not (
        thresholds.alert_heart_rate_low <= reading.heart_rate <= thresholds.alert_heart_rate_high
    ):
        findings.append(
            Finding(
                "heart_rate_out_of_range",
                params={
                    "heart_rate": reading.heart_rate,
                    "low": thresholds.alert_heart_rate_low,
                    "high": thresholds.alert_heart_rate_high,
                },
            )
        )
    if reading.spo2 < thresholds.alert_spo2_low:
        findings.append(
            Finding("spo2_low", params={"spo2": reading.spo2, "low": thresholds.alert_spo2_low})
        )
    return findings


def predose_findings(
    *,
    dose_at: datetime,
    screening_cleared: bool,
    consent_active: bool,
    readings: Sequence[tuple[datetime, Reading]],
    last_dose_before_session: datetime | None,
    checklist: Mapping[str, bool],
    thresholds: VitalsThresholds | None = None,
    min_interval_hours: int | float = 24,
) -> list[Finding]:
    """Everything that stands between the client and a dose at ``dose_at``.

    An empty list means ready. Readings after ``dose_at`` never count as pre-dose; the
    vitals are judged on the latest complete reading in the 30 minutes before it.
    """
    limits = thresholds or DEFAULT_THRESHOLDS
    findings: list[Finding] = []
    if not screening_cleared:
        findings.append(Finding("not_cleared"))
    if not consent_active:
        findings.append(Finding("no_consent"))
    latest = latest_predose_reading(readings, dose_at)
    if latest is None:
        findings.append(Finding("no_predose_vitals"))
    else:
        findings.extend(vitals_findings(latest[1], limits))
    if last_dose_before_session is not None:
        since = dose_at - last_dose_before_session
        if since < timedelta(hours=min_interval_hours):
            findings.append(
                Finding(
                    "interval_short",
                    params={
                        "hours": round(since.total_seconds() / 3600, 1),
                        "min": min_interval_hours,
                    },
                )
            )
    missing = [key for key, done in checklist.items() if not done]
    if missing:
        findings.append(
            Finding("checklist_incomplete", params={"items": tuple(missing)}),
        )
    return findings


def blocking(findings: Iterable[Finding]) -> list[Finding]:
    return [finding for finding in findings if finding.blocking]


def finding_codes(findings: Iterable[Finding]) -> str:
    """The blocking codes as one sorted, comma-separated string (stored with a dose)."""
    return ",".join(sorted({finding.code for finding in findings if finding.blocking}))


# --- medical clearance ----------------------------------------------------------------

CLEARANCE_VALID_MONTHS = 12


def add_months(day: date, months: int) -> date:
    """``day`` plus whole calendar months, clamped to the month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class Clearance:
    """The client's medical clearance as of a day."""

    state: str  # none / pending / not_cleared / cleared / lapsed
    valid_until: date | None = None

    @property
    def cleared(self) -> bool:
        return self.state == "cleared"


CLEARANCE_LABELS = {
    "none": N_("No medical screening recorded"),
    "pending": N_("Awaiting medical clearance"),
    "not_cleared": N_("Not cleared for ketamine"),
    "cleared": N_("Cleared for ketamine"),
    "lapsed": N_("Medical clearance lapsed"),
}


def clearance_on(
    *,
    decision: str | None,
    decided_on: date | None,
    on: date,
    valid_months: int = CLEARANCE_VALID_MONTHS,
) -> Clearance:
    """The state of the newest screening's decision on day ``on``.

    A clearance lapses ``valid_months`` after it was given; a newer screening replaces
    the old one, so a changed screening starts again at "pending".
    """
    if decision is None:
        return Clearance("none")
    if decision != "cleared":
        return Clearance(decision if decision in CLEARANCE_LABELS else "pending")
    if decided_on is None:
        return Clearance("pending")
    until = add_months(decided_on, valid_months)
    if on >= until or on < decided_on:
        return Clearance("lapsed", until)
    return Clearance("cleared", until)


# --- the pre-dose checklist -----------------------------------------------------------

DEFAULT_CHECKLIST: dict[str, str] = {
    "fasting": N_("Fasting as instructed (no food for 4 hours)"),
    "escort": N_("Escort or ride home arranged"),
    "no_sedatives": N_("No alcohol or sedatives in the last 24 hours"),
    "medications": N_("Medication changes reviewed"),
    "pregnancy": N_("Possibility of pregnancy asked"),
}


def checklist_items(custom: Sequence[str] | None) -> dict[str, str]:
    """``{key: label}`` of the practice's checklist: its own items, else the defaults."""
    if not custom:
        return dict(DEFAULT_CHECKLIST)
    return {f"item{index}": label for index, label in enumerate(custom, start=1)}


MAX_CHECKLIST_ITEMS = 15
MAX_CHECKLIST_ITEM_LENGTH = 200


def parse_checklist(text: str | None) -> tuple[list[str] | None, Problem | None]:
    """A practice's checklist typed one item per line; empty means the defaults."""
    items = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if not items:
        return None, None
    if len(items) > MAX_CHECKLIST_ITEMS:
        return None, Problem(N_("At most %(max)s items."), {"max": MAX_CHECKLIST_ITEMS})
    if any(len(item) > MAX_CHECKLIST_ITEM_LENGTH for item in items):
        return None, Problem(
            N_("Keep each item under %(max)s characters."), {"max": MAX_CHECKLIST_ITEM_LENGTH}
        )
    return items, None


def checklist_state(items: Mapping[str, str], ticked: Iterable[str]) -> dict[str, bool]:
    """Every item of the practice's checklist with whether it was ticked."""
    done = set(ticked)
    return {key: key in done for key in items}


# --- doses: totals ------------------------------------------------------------------


@dataclass(frozen=True)
class RouteTotal:
    route: str
    mg: Decimal
    mg_per_kg: Decimal


def dose_totals(
    doses: Iterable[tuple[str, Decimal, Decimal]],
) -> tuple[list[RouteTotal], Decimal]:
    """Per-route totals of ``(route, mg, mg/kg)`` rows, in first-given order, and total mg."""
    by_route: dict[str, tuple[Decimal, Decimal]] = {}
    for route, mg, ratio in doses:
        total_mg, total_ratio = by_route.get(route, (Decimal(0), Decimal(0)))
        by_route[route] = (total_mg + mg, total_ratio + ratio)
    totals = [RouteTotal(route, mg, ratio) for route, (mg, ratio) in by_route.items()]
    return totals, sum((total.mg for total in totals), Decimal(0))


# --- monitoring after the dose ---------------------------------------------------------

MONITORING_INTERVAL_MINUTES = 15
BP_RECHECK_MINUTES = 40
# The re-check counts when taken this close to its time.
BP_RECHECK_TOLERANCE = timedelta(minutes=10)


@dataclass(frozen=True)
class Monitoring:
    first_dose_at: datetime | None
    next_due: datetime | None  # the next reading of the rhythm
    overdue: bool  # that reading is late
    bp_recheck_at: datetime | None
    bp_recheck_done: bool
    bp_recheck_overdue: bool


def monitoring_status(
    *,
    dose_times: Sequence[datetime],
    readings: Sequence[tuple[datetime, Reading]],
    now: datetime,
    interval_minutes: int = MONITORING_INTERVAL_MINUTES,
    bp_recheck_minutes: int = BP_RECHECK_MINUTES,
) -> Monitoring:
    """When the next reading is due after the first dose, and the blood-pressure re-check.

    Readings follow every ``interval_minutes`` from the first dose: the next one is due an
    interval after the latest reading taken since the first dose (or after the dose).
    """
    if not dose_times:
        return Monitoring(None, None, False, None, False, False)
    first = min(dose_times)
    interval = timedelta(minutes=interval_minutes)
    since_dose = [taken_at for taken_at, _ in readings if taken_at >= first]
    next_due = max([first, *since_dose]) + interval
    recheck_at = first + timedelta(minutes=bp_recheck_minutes)
    recheck_done = any(
        abs(taken_at - recheck_at) <= BP_RECHECK_TOLERANCE and reading.systolic is not None
        for taken_at, reading in readings
    )
    return Monitoring(
        first_dose_at=first,
        next_due=next_due,
        overdue=now > next_due,
        bp_recheck_at=recheck_at,
        bp_recheck_done=recheck_done,
        bp_recheck_overdue=not recheck_done and now > recheck_at + BP_RECHECK_TOLERANCE,
    )


# --- discharge ----------------------------------------------------------------------

MIN_OBSERVATION_MINUTES = 120


def discharge_findings(
    *,
    discharge_at: datetime,
    dose_times: Sequence[datetime],
    readings: Sequence[tuple[datetime, Reading]],
    oriented_and_steady: bool,
    escort_or_transport: bool,
    thresholds: VitalsThresholds | None = None,
    min_observation_minutes: int = MIN_OBSERVATION_MINUTES,
) -> list[Finding]:
    """What stands between the client and going home at ``discharge_at``.

    The last complete reading after the last dose must be within the thresholds (the
    hold line is for dosing, not for going home), the practice's minimum observation
    time must have passed since the last dose, the client must be oriented and walking
    steadily, and an escort must be present or transport arranged.
    """
    limits = thresholds or DEFAULT_THRESHOLDS
    findings: list[Finding] = []
    if not dose_times:
        return [Finding("no_dose")]
    last_dose = max(dose_times)
    after = [
        (taken_at, reading)
        for taken_at, reading in readings
        if last_dose <= taken_at <= discharge_at and _complete(reading)
    ]
    if not after:
        findings.append(Finding("no_postdose_reading"))
    else:
        _, latest = max(after, key=lambda pair: pair[0])
        if assess_reading(latest, limits).alerts:
            findings.append(Finding("last_reading_out_of_range"))
    observed = int((discharge_at - last_dose).total_seconds() // 60)
    if observed < min_observation_minutes:
        findings.append(
            Finding(
                "observation_short", params={"minutes": observed, "min": min_observation_minutes}
            )
        )
    if not oriented_and_steady:
        findings.append(Finding("not_oriented"))
    if not escort_or_transport:
        findings.append(Finding("no_escort"))
    return findings


# --- what the next session probably is ----------------------------------------------


def propose_phase(earlier_phases: Sequence[str]) -> str:
    """The phase a new session most likely has, from the course so far (oldest first).

    Intake, then preparation; after preparation comes a medicine session; after a
    medicine session its integration; after integration the next medicine session.
    """
    if not earlier_phases:
        return "intake"
    last = earlier_phases[-1]
    return {
        "intake": "preparation",
        "preparation": "medicine",
        "medicine": "integration",
        "booster": "integration",
        "integration": "medicine",
        "follow_up": "follow_up",
    }.get(last, "preparation")
