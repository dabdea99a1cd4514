"""Readiness before a dose, monitoring after it, discharge, clearance: the pure rules."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from tracker.domain.readiness import (
    checklist_items,
    checklist_state,
    clearance_on,
    discharge_findings,
    dose_totals,
    finding_codes,
    monitoring_status,
    predose_findings,
    propose_phase,
)
from tracker.domain.vitals import Reading, VitalsThresholds

DOSE_AT = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
GOOD = Reading(systolic=122, diastolic=78, heart_rate=70, spo2=98)


def minutes(n: float) -> timedelta:
    return timedelta(minutes=n)


def codes(**overrides) -> set[str]:
    arguments = {
        "dose_at": DOSE_AT,
        "screening_cleared": True,
        "consent_active": True,
        "readings": [(DOSE_AT - minutes(10), GOOD)],
        "last_dose_before_session": None,
        "checklist": {"fasting": True, "escort": True},
    }
    arguments.update(overrides)
    findings = predose_findings(**arguments)
    assert all(f.blocking for f in findings)
    return {f.code for f in findings}


def test_ready_when_nothing_stands_in_the_way():
    assert codes() == set()


def test_not_cleared_and_no_consent_each_block():
    assert codes(screening_cleared=False) == {"not_cleared"}
    assert codes(consent_active=False) == {"no_consent"}
    assert codes(screening_cleared=False, consent_active=False) == {"not_cleared", "no_consent"}


@pytest.mark.parametrize(
    ("offset", "counts"),
    [
        (minutes(0), True),  # at the dose: inclusive
        (minutes(30), True),  # exactly 30 minutes before: inclusive
        (minutes(30) + timedelta(seconds=1), False),
        (minutes(45), False),
        (-minutes(1), False),  # after the dose never counts as pre-dose
    ],
)
def test_the_predose_window_is_thirty_minutes_up_to_the_dose(offset, counts):
    found = codes(readings=[(DOSE_AT - offset, GOOD)])
    assert ("no_predose_vitals" in found) is not counts


def test_no_readings_at_all_is_missing_vitals():
    assert codes(readings=[]) == {"no_predose_vitals"}


@pytest.mark.parametrize("missing", ["systolic", "diastolic", "heart_rate", "spo2"])
def test_an_incomplete_reading_does_not_count(missing):
    partial = Reading(**{**GOOD.__dict__, missing: None})
    assert codes(readings=[(DOSE_AT - minutes(5), partial)]) == {"no_predose_vitals"}


def test_judged_on_the_latest_complete_reading_before_the_dose():
    high = Reading(150, 95, 70, 98)
    # an old high reading followed by a good one: ready
    assert codes(readings=[(DOSE_AT - minutes(25), high), (DOSE_AT - minutes(5), GOOD)]) == set()
    # a good reading followed by a high one: hold
    assert codes(readings=[(DOSE_AT - minutes(25), GOOD), (DOSE_AT - minutes(5), high)]) == {
        "bp_hold"
    }
    # a later incomplete reading does not hide the complete one
    partial = Reading(150, 95, None, None)
    assert codes(readings=[(DOSE_AT - minutes(20), GOOD), (DOSE_AT - minutes(2), partial)]) == (
        set()
    )
    # readings after the dose are ignored, even good ones
    assert codes(readings=[(DOSE_AT - minutes(5), high), (DOSE_AT + minutes(5), GOOD)]) == {
        "bp_hold"
    }


@pytest.mark.parametrize(
    ("reading", "expected"),
    [
        (Reading(140, 90, 70, 98), set()),  # exactly 140/90 does not hold
        (Reading(141, 80, 70, 98), {"bp_hold"}),
        (Reading(130, 91, 70, 98), {"bp_hold"}),
        (Reading(90, 60, 70, 98), set()),
        (Reading(89, 60, 70, 98), {"bp_low"}),
        (Reading(120, 80, 50, 98), set()),
        (Reading(120, 80, 49, 98), {"heart_rate_out_of_range"}),
        (Reading(120, 80, 150, 98), set()),
        (Reading(120, 80, 151, 98), {"heart_rate_out_of_range"}),
        (Reading(120, 80, 70, 92), set()),
        (Reading(120, 80, 70, 91), {"spo2_low"}),
        (Reading(120, 80, 160, 85), {"heart_rate_out_of_range", "spo2_low"}),
        (Reading(148, 95, 160, 85), {"bp_hold", "heart_rate_out_of_range", "spo2_low"}),
    ],
)
def test_vitals_against_the_default_thresholds(reading, expected):
    assert codes(readings=[(DOSE_AT - minutes(5), reading)]) == expected


def test_the_practice_thresholds_are_used():
    strict = VitalsThresholds(hold_systolic=130, hold_diastolic=85, alert_spo2_low=95)
    reading = Reading(135, 80, 70, 94)
    assert codes(readings=[(DOSE_AT, reading)]) == set()
    assert codes(readings=[(DOSE_AT, reading)], thresholds=strict) == {"bp_hold", "spo2_low"}


@pytest.mark.parametrize(
    ("hours_before", "minimum", "short"),
    [
        (24, 24, False),  # exactly the minimum is enough
        (23.99, 24, True),
        (6 * 24, 24, False),
        (47, 48, True),
        (48, 48, False),
    ],
)
def test_the_interval_since_the_last_dose(hours_before, minimum, short):
    found = codes(
        last_dose_before_session=DOSE_AT - timedelta(hours=hours_before),
        min_interval_hours=minimum,
    )
    assert ("interval_short" in found) is short


def test_the_checklist():
    assert codes(checklist={}) == set()  # an empty checklist is complete
    assert codes(checklist={"fasting": True, "escort": False}) == {"checklist_incomplete"}
    (finding,) = predose_findings(
        dose_at=DOSE_AT,
        screening_cleared=True,
        consent_active=True,
        readings=[(DOSE_AT, GOOD)],
        last_dose_before_session=None,
        checklist={"fasting": False, "escort": False, "medications": True},
    )
    assert finding.params["items"] == ("fasting", "escort")


def test_everything_at_once_and_the_stored_codes():
    findings = predose_findings(
        dose_at=DOSE_AT,
        screening_cleared=False,
        consent_active=False,
        readings=[],
        last_dose_before_session=DOSE_AT - timedelta(hours=2),
        checklist={"escort": False},
        thresholds=None,
        min_interval_hours=24,
    )
    assert finding_codes(findings) == (
        "checklist_incomplete,interval_short,no_consent,no_predose_vitals,not_cleared"
    )


# --- clearance -------------------------------------------------------------------------


def test_clearance_lapses_after_the_practice_months():
    cleared = date(2026, 1, 31)
    assert clearance_on(decision="cleared", decided_on=cleared, on=cleared).cleared
    assert clearance_on(decision="cleared", decided_on=cleared, on=date(2027, 1, 30)).cleared
    lapsed = clearance_on(decision="cleared", decided_on=cleared, on=date(2027, 1, 31))
    assert lapsed.state == "lapsed" and lapsed.valid_until == date(2027, 1, 31)
    six = clearance_on(decision="cleared", decided_on=cleared, on=date(2026, 7, 31), valid_months=6)
    assert six.state == "lapsed"
    # month ends clamp: 31 January + 1 month is the end of February
    one = clearance_on(decision="cleared", decided_on=cleared, on=date(2026, 2, 27), valid_months=1)
    assert one.cleared and one.valid_until == date(2026, 2, 28)


@pytest.mark.parametrize(
    ("decision", "state"),
    [(None, "none"), ("pending", "pending"), ("not_cleared", "not_cleared")],
)
def test_clearance_states_other_than_cleared(decision, state):
    assert clearance_on(decision=decision, decided_on=None, on=date(2026, 1, 1)).state == state


# --- checklist, totals, phase -----------------------------------------------------------


def test_the_practice_checklist_replaces_the_defaults():
    assert "fasting" in checklist_items(None)
    items = checklist_items(["Ride home confirmed", "Eye mask ready"])
    assert items == {"item1": "Ride home confirmed", "item2": "Eye mask ready"}
    assert checklist_state(items, ["item2", "unknown"]) == {"item1": False, "item2": True}


def test_dose_totals_per_route():
    totals, total_mg = dose_totals(
        [
            ("im", Decimal("50"), Decimal("0.71")),
            ("sublingual", Decimal("100"), Decimal("1.43")),
            ("im", Decimal("30"), Decimal("0.43")),
        ]
    )
    assert [(t.route, t.mg, t.mg_per_kg) for t in totals] == [
        ("im", Decimal("80"), Decimal("1.14")),
        ("sublingual", Decimal("100"), Decimal("1.43")),
    ]
    assert total_mg == Decimal("180")


@pytest.mark.parametrize(
    ("earlier", "proposed"),
    [
        ([], "intake"),
        (["intake"], "preparation"),
        (["intake", "preparation"], "medicine"),
        (["intake", "preparation", "preparation"], "medicine"),
        (["intake", "preparation", "medicine"], "integration"),
        (["intake", "preparation", "medicine", "integration"], "medicine"),
    ],
)
def test_the_phase_follows_the_course(earlier, proposed):
    assert propose_phase(earlier) == proposed


# --- monitoring and discharge ----------------------------------------------------------


def test_monitoring_rhythm_and_the_blood_pressure_recheck():
    none = monitoring_status(dose_times=[], readings=[], now=DOSE_AT)
    assert none.next_due is None and not none.overdue
    status = monitoring_status(dose_times=[DOSE_AT], readings=[], now=DOSE_AT + minutes(10))
    assert status.next_due == DOSE_AT + minutes(15) and not status.overdue
    assert status.bp_recheck_at == DOSE_AT + minutes(40) and not status.bp_recheck_overdue
    late = monitoring_status(
        dose_times=[DOSE_AT, DOSE_AT + minutes(20)],
        readings=[(DOSE_AT + minutes(15), GOOD)],
        now=DOSE_AT + minutes(55),
    )
    assert late.next_due == DOSE_AT + minutes(30) and late.overdue
    assert late.bp_recheck_overdue and not late.bp_recheck_done
    done = monitoring_status(
        dose_times=[DOSE_AT], readings=[(DOSE_AT + minutes(42), GOOD)], now=DOSE_AT + minutes(50)
    )
    assert done.bp_recheck_done and not done.bp_recheck_overdue
    assert done.next_due == DOSE_AT + minutes(57)


def discharge(**overrides) -> set[str]:
    arguments = {
        "discharge_at": DOSE_AT + minutes(130),
        "dose_times": [DOSE_AT],
        "readings": [(DOSE_AT + minutes(120), GOOD)],
        "oriented_and_steady": True,
        "escort_or_transport": True,
    }
    arguments.update(overrides)
    return {f.code for f in discharge_findings(**arguments)}


def test_discharge_ready_and_each_criterion():
    assert discharge() == set()
    assert discharge(dose_times=[]) == {"no_dose"}
    assert discharge(discharge_at=DOSE_AT + minutes(119), readings=[(DOSE_AT, GOOD)]) == {
        "observation_short"
    }
    assert discharge(discharge_at=DOSE_AT + minutes(120), readings=[(DOSE_AT, GOOD)]) == set()
    assert discharge(oriented_and_steady=False) == {"not_oriented"}
    assert discharge(escort_or_transport=False) == {"no_escort"}
    assert discharge(readings=[(DOSE_AT - minutes(5), GOOD)]) == {"no_postdose_reading"}
    low = Reading(120, 80, 70, 90)
    assert discharge(readings=[(DOSE_AT + minutes(120), low)]) == {"last_reading_out_of_range"}
    # the observation clock runs from the last dose
    assert "observation_short" in discharge(dose_times=[DOSE_AT, DOSE_AT + minutes(30)])
