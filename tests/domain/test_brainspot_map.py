"""The spot map: a -3..+3 grid, top row y = +3, cells left to right x = -3..+3."""

from __future__ import annotations

from datetime import date

from tracker.domain.brainspots import GRID, SUDS, SpotObservation, build_spot_map


def spot(record_id: int, x: int, y: int, *, day: date = date(2026, 3, 2), **values):
    fields = {
        "session_id": 1,
        "z": None,
        "eye": "both",
        "spot_type": "activation",
        "suds_start": 7,
        "suds_end": 3,
        **values,
    }
    return SpotObservation(record_id=record_id, day=day, x=x, y=y, **fields)


def cell(grid, x: int, y: int):
    return grid[3 - y][x + 3]


def test_the_grid_is_seven_by_seven_with_the_top_row_first():
    grid = build_spot_map([])
    assert len(grid) == 7
    assert all(len(row) == 7 for row in grid)
    assert [row[0].y for row in grid] == [3, 2, 1, 0, -1, -2, -3]
    for row in grid:
        assert [c.x for c in row] == [-3, -2, -1, 0, 1, 2, 3]
        assert len({c.y for c in row}) == 1
    assert all(c.observations == [] for row in grid for c in row)
    assert list(GRID) == [-3, -2, -1, 0, 1, 2, 3]
    assert list(SUDS) == list(range(11))


def test_each_spot_lands_in_its_own_cell():
    grid = build_spot_map([spot(1, 2, 1), spot(2, -3, 3), spot(3, 3, -3), spot(4, 0, 0)])
    assert grid[0][0].observations[0].record_id == 2  # top left is (-3, +3)
    assert grid[6][6].observations[0].record_id == 3  # bottom right is (+3, -3)
    assert grid[3][3].observations[0].record_id == 4  # the centre
    assert [o.record_id for o in cell(grid, 2, 1).observations] == [1]
    assert grid[2][5] is cell(grid, 2, 1)
    filled = sum(1 for row in grid for c in row if c.observations)
    assert filled == 4


def test_spots_at_one_position_across_sessions_are_in_date_order():
    later = spot(1, 1, -1, day=date(2026, 4, 1), session_id=2)
    earlier = spot(2, 1, -1, day=date(2026, 3, 2), session_id=1)
    same_day = spot(3, 1, -1, day=date(2026, 4, 1), session_id=2)
    grid = build_spot_map([later, same_day, earlier])
    assert [o.record_id for o in cell(grid, 1, -1).observations] == [2, 1, 3]


def test_suds_change_and_the_best_drop_in_a_cell():
    grid = build_spot_map(
        [
            spot(1, 0, 1, suds_start=8, suds_end=5),
            spot(2, 0, 1, suds_start=6, suds_end=1),
            spot(3, 0, 1, suds_start=2, suds_end=4),
            spot(4, 0, 1, suds_start=None, suds_end=2),
        ]
    )
    target = cell(grid, 0, 1)
    assert [o.suds_change for o in target.observations] == [-3, -5, 2, None]
    assert target.best_change == -5


def test_a_cell_without_suds_has_no_change():
    grid = build_spot_map([spot(1, -2, 2, suds_start=5, suds_end=None)])
    assert cell(grid, -2, 2).best_change is None
    assert cell(grid, 0, 0).best_change is None
