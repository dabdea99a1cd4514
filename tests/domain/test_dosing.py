"""Ketamine dose rules: hard limits refuse, the route's usual range asks for a reason."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from tracker.domain.dosing import USUAL_RANGES, Route, check_dose, mg_per_kg, weight_is_fresh

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
END = START + timedelta(hours=3)


def check(
    dose: str | None = "60",
    weight: str | None = "80",
    *,
    route: str = Route.IM,
    given_at: datetime | None = START + timedelta(minutes=20),
):
    return check_dose(
        route=route,
        dose_mg=Decimal(dose) if dose is not None else None,
        weight_kg=Decimal(weight) if weight is not None else None,
        given_at=given_at,
        session_start=START,
        session_end=END,
    )


@pytest.mark.parametrize(
    ("dose", "weight", "expected"),
    [
        ("60", "80", "0.75"),
        ("100", "3", "33.33"),
        ("200", "3", "66.67"),
        ("1", "8", "0.13"),  # 0.125 rounds half up, not to even
        ("0.5", "100", "0.01"),  # 0.005 rounds half up
        ("267.5", "100", "2.68"),  # 2.675: decimal arithmetic, no binary float error
        ("0.4", "100", "0.00"),
    ],
)
def test_mg_per_kg_rounds_half_up_to_two_decimals(dose, weight, expected):
    ratio = mg_per_kg(Decimal(dose), Decimal(weight))
    assert ratio == Decimal(expected)
    assert str(ratio) == expected


def test_plausible_dose_passes_with_its_ratio():
    result = check("60", "80")
    assert result.errors == {}
    assert result.needs_confirmation == []
    assert result.mg_per_kg == Decimal("0.75")


@pytest.mark.parametrize(
    ("dose", "message"),
    [
        (None, "The dose must be more than 0 mg."),
        ("0", "The dose must be more than 0 mg."),
        ("-5", "The dose must be more than 0 mg."),
        ("1000.01", "A dose above %(max)s mg cannot be right; check the number."),
        ("5000", "A dose above %(max)s mg cannot be right; check the number."),
    ],
)
def test_impossible_doses_are_refused(dose, message):
    result = check(dose, "80")
    assert set(result.errors) == {"dose_mg"}
    assert result.errors["dose_mg"].message == message
    assert result.mg_per_kg is None
    assert result.needs_confirmation == []


def test_largest_accepted_dose_is_the_hard_limit():
    result = check("1000", "300", route=Route.ORAL)
    assert result.errors == {}
    assert result.mg_per_kg == Decimal("3.33")


@pytest.mark.parametrize(
    ("weight", "message"),
    [
        (None, "The weight must be more than 0 kg."),
        ("0", "The weight must be more than 0 kg."),
        ("-70", "The weight must be more than 0 kg."),
        ("24.9", "Enter a weight between %(min)s and %(max)s kg."),
        ("350.1", "Enter a weight between %(min)s and %(max)s kg."),
    ],
)
def test_impossible_weights_are_refused(weight, message):
    result = check("20", weight)
    assert set(result.errors) == {"weight_kg"}
    assert result.errors["weight_kg"].message == message
    assert result.mg_per_kg is None


@pytest.mark.parametrize("weight", ["25", "350"])
def test_weight_limits_are_inclusive(weight):
    assert "weight_kg" not in check("20", weight, route=Route.ORAL).errors


@pytest.mark.parametrize(
    "given_at",
    [START, END, START + timedelta(minutes=90)],
    ids=["at the start", "at the end", "in the middle"],
)
def test_time_given_within_the_session_is_accepted(given_at):
    assert check(given_at=given_at).errors == {}


@pytest.mark.parametrize(
    "given_at",
    [START - timedelta(minutes=1), END + timedelta(minutes=1), START - timedelta(days=1)],
    ids=["a minute early", "a minute late", "the day before"],
)
def test_time_given_outside_the_session_is_refused(given_at):
    result = check(given_at=given_at)
    assert set(result.errors) == {"given_at"}
    problem = result.errors["given_at"]
    assert problem.message == "The time given must fall within the session (%(start)s to %(end)s)."
    assert problem.params == {"start": "09:00", "end": "12:00"}


def test_all_hard_problems_are_reported_together():
    result = check("0", "0", given_at=END + timedelta(hours=1))
    assert set(result.errors) == {"dose_mg", "weight_kg", "given_at"}


# (route, lowest usual mg/kg, highest usual mg/kg): the table prescribers review.
USUAL = [
    (Route.IV, "0.2", "1.0"),
    (Route.IM, "0.25", "1.5"),
    (Route.SUBLINGUAL, "0.5", "5.0"),
    (Route.ORAL, "0.5", "5.0"),
    (Route.INTRANASAL, "0.2", "1.5"),
    (Route.SUBCUTANEOUS, "0.1", "1.0"),
]


def test_every_route_has_a_usual_range():
    assert set(USUAL_RANGES) == set(Route)
    assert {(r, str(u.low_mg_per_kg), str(u.high_mg_per_kg)) for r, u in USUAL_RANGES.items()} == {
        (route, low, high) for route, low, high in USUAL
    }


@pytest.mark.parametrize(("route", "low", "high"), USUAL)
def test_the_usual_range_boundaries_need_no_confirmation(route, low, high):
    # 100 kg makes the dose in mg equal to 100 x the ratio.
    for ratio in (low, high):
        dose = str(Decimal(ratio) * 100)
        result = check(dose, "100", route=route)
        assert result.errors == {}
        assert result.needs_confirmation == [], (route, ratio)
        assert result.mg_per_kg == Decimal(ratio)


@pytest.mark.parametrize(("route", "low", "high"), USUAL)
def test_above_the_usual_range_needs_confirmation(route, low, high):
    dose = str(Decimal(high) * 100 + 1)  # 0.01 mg/kg above
    result = check(dose, "100", route=route)
    assert result.errors == {}
    [problem] = result.needs_confirmation
    assert problem.message == "%(ratio)s mg/kg is above the usual %(high)s mg/kg for this route."
    assert problem.params == {
        "ratio": Decimal(high) + Decimal("0.01"),
        "high": Decimal(high),
    }
    assert result.mg_per_kg == Decimal(high) + Decimal("0.01")


@pytest.mark.parametrize(("route", "low", "high"), USUAL)
def test_below_the_usual_range_needs_confirmation(route, low, high):
    dose = str(Decimal(low) * 100 - 1)  # 0.01 mg/kg below
    result = check(dose, "100", route=route)
    assert result.errors == {}
    [problem] = result.needs_confirmation
    assert problem.message == "%(ratio)s mg/kg is below the usual %(low)s mg/kg for this route."
    assert problem.params == {"ratio": Decimal(low) - Decimal("0.01"), "low": Decimal(low)}


def test_iv_dose_of_one_and_a_half_mg_per_kg_is_unusual_but_im_is_not():
    assert check("120", "80", route=Route.IV).needs_confirmation
    assert not check("120", "80", route=Route.IM).needs_confirmation


def test_the_range_is_judged_on_the_rounded_ratio_shown_to_the_clinician():
    # 100.4 mg / 100 kg = 1.004, shown as 1.00: within the IV range as displayed.
    result = check("100.4", "100", route=Route.IV)
    assert result.mg_per_kg == Decimal("1.00")
    assert result.needs_confirmation == []


def test_the_time_window_is_shown_in_the_practices_wall_clock():
    # 08:00-11:00 UTC is 09:00-12:00 in Berlin in March (before the change to summer time).
    start = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    result = check_dose(
        route=Route.IM,
        dose_mg=Decimal("60"),
        weight_kg=Decimal("80"),
        given_at=start - timedelta(minutes=30),
        session_start=start,
        session_end=start + timedelta(hours=3),
        zone_name="Europe/Berlin",
    )
    assert result.errors["given_at"].params == {"start": "09:00", "end": "12:00"}


def test_a_further_dose_past_the_routes_usual_range_needs_confirming():
    """Two 80 mg IM doses at 82 kg: 0.98 mg/kg each is usual, 1.96 together is not."""
    session_start = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)
    common = {
        "route": "im",
        "dose_mg": Decimal("80"),
        "weight_kg": Decimal("82"),
        "given_at": session_start,
        "session_start": session_start,
        "session_end": session_start + timedelta(hours=3),
    }
    assert check_dose(**common).needs_confirmation == []
    second = check_dose(**common, earlier_mg_per_kg=Decimal("0.98"))
    (problem,) = second.needs_confirmation
    assert problem.params == {"total": Decimal("1.96"), "high": Decimal("1.5")}
    assert "With the earlier doses this session" in problem.message
    # another route's earlier doses are the caller's to leave out; a total within the
    # range needs nothing
    assert check_dose(**common, earlier_mg_per_kg=Decimal("0.50")).needs_confirmation == []


@pytest.mark.parametrize(
    ("weighed_on", "fresh"), [(date(2026, 3, 17), True), (date(2026, 3, 16), False)]
)
def test_a_weight_pre_fills_a_dose_for_ninety_days(weighed_on, fresh):
    assert weight_is_fresh(weighed_on, date(2026, 6, 15)) is fresh
