"""Brainspotting vocabularies and the client's spot map."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from tracker.domain.messages import N_

SPOT_TYPE_LABELS = {
    "activation": N_("Activation spot"),
    "resource": N_("Resource spot"),
    "expansion": N_("Expansion spot"),
    "gazespot": N_("Gazespot"),
}

METHOD_LABELS = {
    "inside_window": N_("Inside window"),
    "outside_window": N_("Outside window"),
    "gazespotting": N_("Gazespotting"),
    "rolling": N_("Rolling brainspotting"),
}

EYE_LABELS = {
    "left": N_("Left eye"),
    "right": N_("Right eye"),
    "both": N_("Both eyes"),
}

DEPTH_LABELS = {
    "near": N_("Near"),
    "mid": N_("Middle"),
    "far": N_("Far"),
}

GRID = range(-3, 4)  # positions on each axis, -3..+3
SUDS = range(0, 11)


@dataclass(frozen=True)
class SpotObservation:
    """One recorded spot, as the spot map needs it."""

    record_id: int
    session_id: int
    day: date
    x: int
    y: int
    z: str | None
    eye: str
    spot_type: str
    suds_start: int | None
    suds_end: int | None

    @property
    def suds_change(self) -> int | None:
        if self.suds_start is None or self.suds_end is None:
            return None
        return self.suds_end - self.suds_start


@dataclass(frozen=True)
class SpotCell:
    x: int
    y: int
    observations: list[SpotObservation]

    @property
    def best_change(self) -> int | None:
        """The largest SUDS drop recorded at this position (most negative change)."""
        changes = [o.suds_change for o in self.observations if o.suds_change is not None]
        return min(changes) if changes else None


def build_spot_map(observations: list[SpotObservation]) -> list[list[SpotCell]]:
    """The -3..+3 grid, top row (y = +3) first, each cell with its observations by date."""
    by_position: dict[tuple[int, int], list[SpotObservation]] = defaultdict(list)
    for observation in observations:
        by_position[(observation.x, observation.y)].append(observation)
    rows = []
    for y in reversed(GRID):
        row = []
        for x in GRID:
            found = sorted(by_position.get((x, y), []), key=lambda o: (o.day, o.record_id))
            row.append(SpotCell(x, y, found))
        rows.append(row)
    return rows
