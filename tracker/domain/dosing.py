"""Ketamine administration rules: plausibility, mg/kg, and usual ranges per route.

Hard limits refuse what cannot be right (typing errors); the usual ranges only ask for
an explicit, stored confirmation, because clinicians may have reasons to go outside them.
The usual ranges are the commonly cited dose ranges for racemic ketamine in
psychiatric use, per route (e.g. IV 0.5-1.0 mg/kg over 40 minutes as in the
depression trials; IM 0.5-1.5 mg/kg as reported from KAP practices; sublingual and
oral lozenges of roughly 1-5 mg/kg given their low bioavailability; subcutaneous
0.1-1.0 mg/kg; intranasal doses comparable to esketamine's 56-84 mg). Keep them here
in one table so a practice's prescriber can review them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from tracker.domain.clock import utc_to_local
from tracker.domain.messages import N_, Problem


class Route(StrEnum):
    IV = "iv"
    IM = "im"
    SUBLINGUAL = "sublingual"
    ORAL = "oral"
    INTRANASAL = "intranasal"
    SUBCUTANEOUS = "subcutaneous"


ROUTE_LABELS = {
    Route.IV: N_("Intravenous (IV)"),
    Route.IM: N_("Intramuscular (IM)"),
    Route.SUBLINGUAL: N_("Sublingual / troche"),
    Route.ORAL: N_("Oral"),
    Route.INTRANASAL: N_("Intranasal"),
    Route.SUBCUTANEOUS: N_("Subcutaneous"),
}


@dataclass(frozen=True)
class UsualRange:
    low_mg_per_kg: Decimal
    high_mg_per_kg: Decimal


USUAL_RANGES: dict[str, UsualRange] = {
    Route.IV: UsualRange(Decimal("0.2"), Decimal("1.0")),
    Route.IM: UsualRange(Decimal("0.25"), Decimal("1.5")),
    Route.SUBLINGUAL: UsualRange(Decimal("0.5"), Decimal("5.0")),
    Route.ORAL: UsualRange(Decimal("0.5"), Decimal("5.0")),
    Route.INTRANASAL: UsualRange(Decimal("0.2"), Decimal("1.5")),
    Route.SUBCUTANEOUS: UsualRange(Decimal("0.1"), Decimal("1.0")),
}

MAX_DOSE_MG = Decimal("1000")
MIN_WEIGHT_KG = Decimal("25")
MAX_WEIGHT_KG = Decimal("350")


# Dosing is by weight (mg/kg): a screening weight older than this is not offered for a
# dose, and the form asks for today's weight instead. Ninety days is this record's
# choice, not a published limit.
WEIGHT_FRESH_DAYS = 90


def weight_is_fresh(weighed_on: date, dose_day: date) -> bool:
    """Whether a weight taken on ``weighed_on`` may pre-fill a dose on ``dose_day``."""
    return (dose_day - weighed_on).days <= WEIGHT_FRESH_DAYS


def mg_per_kg(dose_mg: Decimal, weight_kg: Decimal) -> Decimal:
    """Dose per kilogram, rounded to two decimals."""
    return (dose_mg / weight_kg).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class DoseCheck:
    """Field problems that refuse the entry, and the reasons that need confirming."""

    errors: dict[str, Problem]
    needs_confirmation: list[Problem]
    mg_per_kg: Decimal | None


def check_dose(
    *,
    route: str,
    dose_mg: Decimal | None,
    weight_kg: Decimal | None,
    given_at: datetime | None,
    session_start: datetime,
    session_end: datetime,
    zone_name: str = "UTC",
    earlier_mg_per_kg: Decimal = Decimal(0),
) -> DoseCheck:
    """Apply the hard limits, then the route's usual range.

    ``earlier_mg_per_kg`` is what the session already gave by the same route: a further
    dose that takes the session's total past the usual range needs the same
    confirmation as a single high dose.

    Times are compared as instants; messages show them in ``zone_name``, the practice's
    wall-clock time in which staff typed them.
    """
    errors: dict[str, Problem] = {}
    if dose_mg is None or dose_mg <= 0:
        errors["dose_mg"] = Problem(N_("The dose must be more than 0 mg."))
    elif dose_mg > MAX_DOSE_MG:
        errors["dose_mg"] = Problem(
            N_("A dose above %(max)s mg cannot be right; check the number."),
            {"max": MAX_DOSE_MG},
        )
    if weight_kg is None or weight_kg <= 0:
        errors["weight_kg"] = Problem(N_("The weight must be more than 0 kg."))
    elif not MIN_WEIGHT_KG <= weight_kg <= MAX_WEIGHT_KG:
        errors["weight_kg"] = Problem(
            N_("Enter a weight between %(min)s and %(max)s kg."),
            {"min": MIN_WEIGHT_KG, "max": MAX_WEIGHT_KG},
        )
    if given_at is not None and not session_start <= given_at <= session_end:
        errors["given_at"] = Problem(
            N_("The time given must fall within the session (%(start)s to %(end)s)."),
            {
                "start": utc_to_local(session_start, zone_name).strftime("%H:%M"),
                "end": utc_to_local(session_end, zone_name).strftime("%H:%M"),
            },
        )
    if errors or dose_mg is None or weight_kg is None:
        return DoseCheck(errors, [], None)
    ratio = mg_per_kg(dose_mg, weight_kg)
    confirm: list[Problem] = []
    usual = USUAL_RANGES.get(route)
    cumulative = ratio + earlier_mg_per_kg
    if usual is not None and earlier_mg_per_kg and cumulative > usual.high_mg_per_kg:
        confirm.append(
            Problem(
                N_(
                    "With the earlier doses this session, %(total)s mg/kg is above the "
                    "usual %(high)s mg/kg for this route."
                ),
                {"total": cumulative, "high": usual.high_mg_per_kg},
            )
        )
    elif usual is not None and ratio > usual.high_mg_per_kg:
        confirm.append(
            Problem(
                N_("%(ratio)s mg/kg is above the usual %(high)s mg/kg for this route."),
                {"ratio": ratio, "high": usual.high_mg_per_kg},
            )
        )
    elif usual is not None and ratio < usual.low_mg_per_kg:
        confirm.append(
            Problem(
                N_("%(ratio)s mg/kg is below the usual %(low)s mg/kg for this route."),
                {"ratio": ratio, "low": usual.low_mg_per_kg},
            )
        )
    return DoseCheck({}, confirm, ratio)
