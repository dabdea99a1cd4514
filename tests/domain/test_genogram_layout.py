"""The genogram: impossible families are named, and the layout keeps its promises.

The layout invariants are checked on families generated from seeds
(``tests/domain/genogram_families.py``): 5 to 40 people over 3 to 5 generations with
couples, married-in partners (some with their own parents and siblings), single
parents, adoption and foster links, twins, separations, divorces and remarriages, and
founding families whose children marry each other. Hand-made families then pin down
the cases a clinician meets most.
"""

from __future__ import annotations

import itertools
from collections import Counter

import pytest

from tests.domain.genogram_families import check_layout, generate
from tracker.domain.genogram import (
    GAP,
    MARGIN,
    ROW,
    SYMBOL,
    Bond,
    ParentLink,
    Partnership,
    Person,
    TimelineEvent,
    family_problems,
    generations,
    layout,
    timeline_layout,
    would_create_cycle,
)

SEEDS = range(30)
FULL_SIZE_SEEDS = range(100, 106)  # exactly 40 people each
STEP = SYMBOL + GAP


def person(pid: int, born: int | None = None, sex: str = "unknown", **fields) -> Person:
    return Person(id=pid, sex=sex, birth_year=born, **{"label": f"p{pid}", **fields})


def parents(child: int, *parent_ids: int, kind: str = "biological") -> list[ParentLink]:
    return [ParentLink(p, child, kind) for p in parent_ids]


def row_of(result, pid: int) -> int:
    return next(index for index, row in enumerate(result.rows) if pid in row)


def neighbours(result, a: int, b: int) -> bool:
    row = result.rows[row_of(result, a)]
    return b in row and abs(row.index(a) - row.index(b)) == 1


def family_of_client() -> tuple[list[Person], list[ParentLink], list[Partnership]]:
    """The shape quick entry builds: client, parents, four grandparents."""
    people = [
        person(1, 1987, "male", is_client=True),
        person(2, 1958, "female", label="mother"),
        person(3, 1955, "male", label="father"),
        person(4, 1932, "female"),
        person(5, 1928, "male"),
        person(6, 1930, "female"),
        person(7, 1925, "male"),
    ]
    links = [*parents(1, 2, 3), *parents(2, 4, 5), *parents(3, 6, 7)]
    partnerships = [Partnership(3, 2, "divorced", 1982, 2001), Partnership(5, 4), Partnership(7, 6)]
    return people, links, partnerships


# --- generated families ----------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_layout_invariants_on_generated_families(seed):
    family = generate(seed)
    assert 5 <= len(family.people) <= 40

    result = layout(family.people, family.links, family.partnerships)

    check_layout(family.people, family.links, family.partnerships, result)
    for p in family.partnerships:  # nobody here partners across generations
        assert row_of(result, p.a_id) == row_of(result, p.b_id)
    # one row per generation the family was built in, however deep each branch goes
    assert {pid: row_of(result, pid) for pid in result.nodes} == family.generation


@pytest.mark.parametrize("seed", FULL_SIZE_SEEDS)
def test_layout_invariants_on_families_of_forty(seed):
    family = generate(seed, size=40)
    assert len(family.people) == 40

    result = layout(family.people, family.links, family.partnerships)

    required = check_layout(family.people, family.links, family.partnerships, result)
    assert len(result.rows) >= 3
    # most partnerships of a real family fall under the side-by-side promise
    assert len(required) >= len(family.partnerships) * 0.6


def test_many_more_generated_families_keep_the_invariants():
    required = total = 0
    for seed in range(1000, 1400):
        family = generate(seed)
        result = layout(family.people, family.links, family.partnerships)
        required += len(check_layout(family.people, family.links, family.partnerships, result))
        total += len(family.partnerships)
    assert required >= total * 0.75


def test_the_generator_covers_what_families_hold():
    """A generator that never made a twin would test nothing about twins."""
    features = Counter()
    sizes = []
    for seed in (*SEEDS, *FULL_SIZE_SEEDS):
        family = generate(seed, size=40 if seed in FULL_SIZE_SEEDS else None)
        features.update(family.features)
        sizes.append(len(family.people))
        assert sum(p.is_client for p in family.people) == 1
        by_id = {p.id: p for p in family.people}
        for link in family.links:  # children are born after their parents
            parent, child = by_id[link.parent_id], by_id[link.child_id]
            if parent.birth_year and child.birth_year:
                assert parent.birth_year < child.birth_year
        assert family_problems(family.people, family.links, family.partnerships) == []
    expected = {
        "3 generations",
        "4 generations",
        "5 generations",
        "two founding families",
        "intermarriage",
        "in-law parents",
        "in-law siblings",
        "in-law grandparent",
        "single parent",
        "remarriage",
        "partner's earlier partner",
        "separated",
        "divorced",
        "twins",
        "adoptive",
        "foster",
        "unknown birth year",
    }
    assert expected <= set(features), expected - set(features)
    assert min(sizes) <= 10 and max(sizes) == 40


def test_the_generator_is_deterministic():
    first, again = generate(7), generate(7)
    assert (first.people, first.links, first.partnerships) == (
        again.people,
        again.links,
        again.partnerships,
    )


# --- layouts of families a clinician draws ----------------------------------------------


def test_client_parents_and_grandparents():
    people, links, partnerships = family_of_client()

    result = layout(people, links, partnerships)

    check_layout(people, links, partnerships, result)
    assert [sorted(row) for row in result.rows] == [[4, 5, 6, 7], [2, 3], [1]]
    for a, b in ((2, 3), (4, 5), (6, 7)):
        assert neighbours(result, a, b)
    # the man of each couple on the left
    assert result.rows[1].index(3) < result.rows[1].index(2)
    nodes = result.nodes
    assert nodes[7].y == nodes[4].y < nodes[3].y == nodes[2].y < nodes[1].y
    assert nodes[2].y - nodes[4].y == ROW
    assert min(n.x for n in nodes.values()) == MARGIN + SYMBOL / 2
    assert result.width == max(n.x for n in nodes.values()) + SYMBOL / 2 + MARGIN
    assert result.height == 2 * MARGIN + 2 * ROW + SYMBOL


def test_a_deeper_tree_on_one_side_meets_the_other_where_they_marry():
    """Great-grandparents recorded on the mother's side only; the father has a sister."""
    people, links, partnerships = family_of_client()
    people += [person(8, 1905, "female"), person(9, 1952, "female", label="aunt")]
    links += [*parents(4, 8), *parents(9, 6, 7)]

    result = layout(people, links, partnerships)

    check_layout(people, links, partnerships, result)
    assert [sorted(row) for row in result.rows] == [[8], [4, 5, 6, 7], [2, 3, 9], [1]]
    assert neighbours(result, 2, 3)
    assert result.rows[2].index(9) < result.rows[2].index(3)  # the aunt is the elder


def test_a_married_in_partner_with_a_deeper_family_keeps_siblings_in_one_row():
    """The father's wife brings her parents and grandmother; his brother stays level."""
    people = [
        person(1, 1930, "male"),
        person(2, 1932, "female"),
        person(3, 1955, "male"),
        person(4, 1957, "male"),
        person(5, 1956, "female"),
        person(6, 1925, "female"),
        person(7, 1923, "male"),
        person(8, 1900, "female"),
        person(9, 1985, "female", is_client=True),
    ]
    links = [
        *parents(3, 1, 2),
        *parents(4, 1, 2),
        *parents(5, 6, 7),
        *parents(6, 8),
        *parents(9, 3, 5),
    ]
    partnerships = [Partnership(1, 2), Partnership(3, 5), Partnership(7, 6)]

    level = generations(people, links, partnerships)
    result = layout(people, links, partnerships)

    assert level[3] == level[4] == level[5] == 2
    assert level[1] == level[2] == level[6] == level[7] == 1
    assert level[8] == 0 and level[9] == 3
    check_layout(people, links, partnerships, result)


def test_two_partners_who_married_in_stand_one_on_each_side():
    people = [
        person(1, 1920, "male"),
        person(2, 1922, "female"),
        person(3, 1948, "male"),
        person(4, 1950, "female"),
        person(5, 1960, "female"),
        person(6, 1945, "female"),
        person(7, 1972, "male"),
        person(8, 1985, "female"),
    ]
    links = [*parents(3, 1, 2), *parents(6, 1, 2), *parents(7, 3, 4), *parents(8, 3, 5)]
    partnerships = [
        Partnership(1, 2),
        Partnership(3, 5, "married", 1983),
        Partnership(3, 4, "divorced", 1970, 1979),
    ]

    result = layout(people, links, partnerships)

    check_layout(people, links, partnerships, result)
    assert result.rows[1] == [6, 4, 3, 5]  # sister, first wife, him, second wife
    assert result.rows[2] == [7, 8]  # each child under their own parents' line
    lines = {(line.a_id, line.b_id): line for line in result.partner_lines}
    assert lines[4, 3].slashes == 2 and lines[3, 5].slashes == 0


@pytest.mark.parametrize("elder_is_first_husband", [True, False])
def test_a_widow_who_married_her_husbands_brother_stands_between_them(elder_is_first_husband):
    people = [
        person(1, 1900, "male"),
        person(2, 1902, "female"),
        person(3, 1925, "male"),
        person(4, 1928, "male"),
        person(5, 1927, "female"),
        person(6, 1920, "female"),  # their elder sister
    ]
    links = [link for kid in (3, 4, 6) for link in parents(kid, 1, 2)]
    first, second = (3, 4) if elder_is_first_husband else (4, 3)
    partnerships = [
        Partnership(1, 2),
        Partnership(first, 5, "married", 1945, 1950),  # he fell in the war
        Partnership(second, 5, "married", 1952),
    ]

    result = layout(people, links, partnerships)

    check_layout(people, links, partnerships, result)
    assert result.rows[1] == [6, 3, 5, 4]


def test_someone_with_a_partner_from_another_family_and_one_who_married_in():
    """He is the middle child, she the middle child of another family: they cannot
    stand together without breaking birth order; his first wife stands beside him."""
    people = [
        person(1, 1900, "male"),
        person(2, 1902, "female"),
        person(3, 1901, "male"),
        person(4, 1903, "female"),
        *[person(kid, 1920 + kid) for kid in (10, 11, 12, 20, 21, 22)],
        person(30, 1931, "female"),
    ]
    links = [link for kid in (10, 11, 12) for link in parents(kid, 1, 2)]
    links += [link for kid in (20, 21, 22) for link in parents(kid, 3, 4)]
    partnerships = [
        Partnership(1, 2),
        Partnership(3, 4),
        Partnership(11, 30, "divorced", 1950, 1955),
        Partnership(11, 21, "married", 1957),
    ]

    result = layout(people, links, partnerships)

    check_layout(people, links, partnerships, result)
    assert neighbours(result, 11, 30)
    assert not neighbours(result, 11, 21)


def test_a_chain_of_partners_stays_a_chain():
    """He married her; she had been with someone before, with a child from that time."""
    people = [
        person(1, 1920, "male"),
        person(2, 1922, "female"),
        person(3, 1950, "male"),
        person(4, 1952, "female"),
        person(5, 1949, "male"),
        person(6, 1972, "female"),
        person(7, 1980, "male", is_client=True),
    ]
    links = [*parents(3, 1, 2), *parents(6, 4, 5), *parents(7, 3, 4)]
    partnerships = [Partnership(1, 2), Partnership(3, 4, "married", 1978), Partnership(4, 5)]

    result = layout(people, links, partnerships)

    required = check_layout(people, links, partnerships, result)
    assert result.rows[1] == [3, 4, 5]
    assert len(required) == 3


@pytest.mark.parametrize(
    ("his_birth", "her_birth", "side_by_side"),
    [
        (1960, 1940, True),  # he is his family's youngest, she her family's eldest
        (1940, 1960, True),  # he is the eldest, she the youngest: her family on the left
        (1950, 1950, False),  # both in the middle of their sibships
        (1960, 1960, False),  # both the youngest: birth order wins
    ],
)
def test_two_families_marrying_into_each_other(his_birth, her_birth, side_by_side):
    people = [
        person(1, 1910, "male"),
        person(2, 1912, "female"),
        person(3, 1914, "male"),
        person(4, 1916, "female"),
        person(10, his_birth, "male"),
        person(11, 1945, "female"),
        person(12, 1955, "female"),
        person(20, her_birth, "female"),
        person(21, 1945, "male"),
        person(22, 1955, "male"),
        person(30, 1985, "other", is_client=True),
    ]
    links = [
        *[link for kid in (10, 11, 12) for link in parents(kid, 1, 2)],
        *[link for kid in (20, 21, 22) for link in parents(kid, 3, 4)],
        *parents(30, 10, 20),
    ]
    partnerships = [Partnership(1, 2), Partnership(3, 4), Partnership(10, 20)]

    result = layout(people, links, partnerships)

    check_layout(people, links, partnerships, result)
    assert neighbours(result, 10, 20) is side_by_side
    (line,) = [p for p in result.partner_lines if {p.a_id, p.b_id} == {10, 20}]
    assert line.x1 < line.x2


def test_a_partnership_across_generations_keeps_parents_above_children():
    """He partners her, and later her daughter: the daughter cannot share his row."""
    people = [person(1, 1940, "male"), person(2, 1942, "female"), person(3, 1962, "female")]
    links = parents(3, 2)
    partnerships = [Partnership(1, 2, "divorced", 1960, 1975), Partnership(1, 3, "married", 1980)]

    level = generations(people, links, partnerships)
    result = layout(people, links, partnerships)

    assert level == {1: 0, 2: 0, 3: 1}
    assert result.nodes[2].y < result.nodes[3].y
    assert len(result.partner_lines) == 2


def test_twins_stand_together_and_their_lines_meet():
    people = [
        person(1, 1950, "male"),
        person(2, 1952, "female"),
        person(3, 1975, "female"),
        person(4, 1980, "male", twin_group=1),
        person(5, None, "male", twin_group=1),  # year forgotten: counts with his twin
        person(6, 1980, "female"),  # born the same year, not a twin
        person(7, 1984, "male"),
    ]
    links = [link for kid in range(3, 8) for link in parents(kid, 1, 2)]
    partnerships = [Partnership(1, 2)]

    result = layout(people, links, partnerships)

    check_layout(people, links, partnerships, result)
    assert result.rows[1] == [3, 4, 5, 6, 7]
    (line,) = result.child_lines
    on_bar = {round(x): bar_x for x, _, _, bar_x in line.children}
    twins_x = [result.nodes[4].x, result.nodes[5].x]
    assert on_bar[round(twins_x[0])] == on_bar[round(twins_x[1])] == sum(twins_x) / 2
    assert on_bar[round(result.nodes[6].x)] == result.nodes[6].x


def test_child_lines_hang_from_the_parents_in_birth_order():
    people = [
        person(1, 1950, "male"),
        person(2, 1952, "female"),
        person(3, 1982, "female"),
        person(4, 1976, "male"),
        person(5, 1990, "other"),
    ]
    links = [
        *parents(3, 1, 2),
        *parents(4, 1, 2),
        *parents(5, 1, 2, kind="adoptive"),
    ]
    partnerships = [Partnership(1, 2)]

    result = layout(people, links, partnerships)

    (line,) = result.child_lines
    nodes = result.nodes
    assert line.from_x == (nodes[1].x + nodes[2].x) / 2
    assert line.from_y == nodes[1].y + SYMBOL / 2 + 6  # from the partnership line
    assert [x for x, *_ in line.children] == [nodes[4].x, nodes[3].x, nodes[5].x]
    assert [kind for _, _, kind, _ in line.children] == ["biological", "biological", "adoptive"]
    assert line.bar_y < nodes[4].y - SYMBOL / 2
    assert line.bar_x1 <= min(nodes[k].x for k in (3, 4, 5))
    assert line.bar_x2 >= max(nodes[k].x for k in (3, 4, 5))


def test_a_crowded_row_keeps_each_family_readable():
    """Two couples with five children each: the children need more room than their
    parents; the parents come to stand over them and the sibship bars never merge."""
    people = [person(pid, 1920, "male" if pid % 2 else "female") for pid in (1, 2, 3, 4)]
    links = []
    for first, parents_ in ((10, (1, 2)), (20, (3, 4))):
        for kid in range(first, first + 5):
            people.append(person(kid, 1950 + kid % 10))
            links += parents(kid, *parents_)
    partnerships = [Partnership(1, 2), Partnership(3, 4)]

    result = layout(people, links, partnerships)

    check_layout(people, links, partnerships, result)
    nodes = result.nodes
    for line in result.child_lines:
        kids = [x for x, *_ in line.children]
        assert line.from_x == sum(kids) / len(kids)  # the parents stand over their children
    assert nodes[3].x - nodes[2].x > STEP  # … so the two couples moved apart
    first, second = sorted(result.child_lines, key=lambda line: line.bar_x1)
    assert first.bar_x2 < second.bar_x1  # and the bars stay apart


def test_overlapping_sibship_bars_take_different_heights():
    """A child of a second marriage sits far from the first family's children."""
    people = [
        person(1, 1940, "male"),
        person(2, 1942, "female"),
        person(3, 1950, "female"),
        *[person(kid, 1965 + kid) for kid in range(10, 14)],
        person(20, 1985, "male"),
    ]
    links = [link for kid in range(10, 14) for link in parents(kid, 1, 2)]
    links += parents(20, 1, 3)
    partnerships = [Partnership(1, 2, "divorced", 1962, 1980), Partnership(1, 3, "married", 1982)]

    result = layout(people, links, partnerships)

    check_layout(people, links, partnerships, result)
    heights = {round(line.bar_y) for line in result.child_lines}
    assert len(heights) == 2


@pytest.mark.parametrize(
    ("kind", "slashes"), [("married", 0), ("cohabiting", 0), ("separated", 1), ("divorced", 2)]
)
def test_partner_lines_carry_their_slashes(kind, slashes):
    people = [person(1, 1950, "male"), person(2, 1950, "female")]

    (line,) = layout(people, [], [Partnership(2, 1, kind)]).partner_lines

    assert (line.kind, line.slashes) == (kind, slashes)
    assert line.x2 - line.x1 == STEP
    assert line.y > layout(people, [], []).nodes[1].y + SYMBOL / 2


@pytest.mark.parametrize(
    ("quality", "strokes", "zigzag"),
    [
        ("close", 2, False),
        ("distant", 1, False),
        ("conflict", 1, True),
        ("cutoff", 1, False),
        ("fused", 3, False),
        ("abusive", 1, True),
    ],
)
def test_relationship_lines_have_their_own_style(quality, strokes, zigzag):
    people = [person(1, 1950, "male"), person(2, 1975, "female")]
    links = parents(2, 1)  # a single parent: the child hangs straight below

    result = layout(people, links, [], [Bond(1, 2, quality), Bond(1, 99, "close")])

    (line,) = result.quality_lines
    assert (line.a_id, line.b_id, line.quality) == (1, 2, quality)
    points = [tuple(map(float, pair.split(","))) for pair in line.points.split()]
    assert (len(points) > 2) is zigzag
    top, bottom = result.nodes[1], result.nodes[2]
    assert points[0][1] == pytest.approx(top.y + SYMBOL / 2 + 6)  # starts outside the symbol
    assert points[-1][1] == pytest.approx(bottom.y - SYMBOL / 2 - 6)
    assert len(line.offsets) == strokes
    # a vertical line's parallel strokes stand beside each other, not on top of each other
    assert len({dx for dx, _ in line.offsets}) == strokes
    assert {dy for _, dy in line.offsets} == {0.0}


def test_an_empty_family_and_a_single_person():
    empty = layout([], [], [])
    assert (empty.nodes, empty.rows, empty.width, empty.height) == ({}, [], 2 * MARGIN, 2 * MARGIN)

    alone = layout([person(1, 1980, is_client=True)], [], [])
    assert alone.rows == [[1]]
    assert alone.width == alone.height == 2 * MARGIN + SYMBOL


def test_the_layout_copes_with_input_the_checks_refuse():
    """A circle of parenthood, a self-partnership, a link to nobody: drawn, never a hang."""
    people = [person(1, 1950), person(2, 1970), person(3, 1990)]
    links = [*parents(2, 1), *parents(3, 2), *parents(1, 3), ParentLink(1, 99), ParentLink(2, 2)]
    partnerships = [Partnership(1, 1), Partnership(2, 77)]

    result = layout(people, links, partnerships)

    assert sorted(pid for row in result.rows for pid in row) == [1, 2, 3]
    assert result.partner_lines == []


# --- generations ------------------------------------------------------------------------


def test_generations_children_below_their_lowest_parent():
    people = [person(1, 1900), person(2, 1930), person(3, 1935), person(4, 1960)]
    links = [*parents(2, 1), *parents(4, 2, 3)]

    level = generations(people, links, [])

    # 3 has no parents: they come down to sit right above their child
    assert level == {1: 0, 2: 1, 3: 1, 4: 2}


def test_generations_put_someone_who_married_in_level_with_their_partner():
    people = [person(1, 1900), person(2, 1930), person(3, 1932), person(4, 1990)]
    links = parents(2, 1)

    level = generations(people, links, [Partnership(3, 2)])

    assert level[3] == level[2] == 1
    assert level[4] == 0  # unconnected: top row


def test_generations_start_at_zero():
    people = [person(1, 1950), person(2, 1975)]
    assert generations(people, parents(2, 1), []) == {1: 0, 2: 1}
    assert generations([], [], []) == {}


# --- impossible families ----------------------------------------------------------------


def messages(problems) -> list[str]:
    return [problem.message % problem.params for problem in problems]


def test_a_possible_family_has_no_problems():
    people, links, partnerships = family_of_client()
    assert family_problems(people, links, partnerships) == []


def test_death_before_birth():
    people = [Person(1, birth_year=1950, death_year=1949, label="grandfather")]
    assert messages(family_problems(people, [])) == [
        "grandfather: the year of death is before the year of birth."
    ]
    same_year = [Person(1, birth_year=1950, death_year=1950, label="baby")]
    assert family_problems(same_year, []) == []


@pytest.mark.parametrize("parent_born", [1990, 1991, 2000])
def test_a_parent_born_after_or_with_the_child(parent_born):
    people = [
        Person(1, birth_year=parent_born, label="mother"),
        Person(2, birth_year=1990, label="client"),
    ]
    assert messages(family_problems(people, parents(2, 1))) == [
        "mother is recorded as a parent of client but was born later."
    ]


def test_unknown_years_are_never_a_problem():
    people = [Person(1, label="mother"), Person(2, birth_year=1990, death_year=None)]
    assert family_problems(people, parents(2, 1)) == []


def test_more_than_two_biological_parents():
    people = [Person(pid, label=f"p{pid}") for pid in range(1, 5)]
    three = parents(4, 1, 2, 3)
    assert messages(family_problems(people, three)) == ["p4 has more than two biological parents."]
    adopted_too = [*parents(4, 1, 2), ParentLink(3, 4, "adoptive")]
    assert family_problems(people, adopted_too) == []


def test_own_parent():
    people = [Person(1, label="p1")]
    assert "A person cannot be their own parent." in messages(
        family_problems(people, [ParentLink(1, 1)])
    )


@pytest.mark.parametrize("length", [2, 3, 5])
def test_own_ancestor_through_a_circle(length):
    people = [Person(pid, label=f"p{pid}") for pid in range(1, length + 1)]
    links = [ParentLink(pid, pid % length + 1) for pid in range(1, length + 1)]

    found = messages(family_problems(people, links))

    assert len(found) == 1
    assert found[0].endswith("would be their own ancestor.")


def test_own_partner():
    people = [Person(1, label="p1")]
    assert messages(family_problems(people, [], [Partnership(1, 1)])) == [
        "A person cannot be their own partner."
    ]


def test_every_problem_is_reported():
    people = [
        Person(1, birth_year=1990, label="father"),
        Person(2, birth_year=1980, death_year=1970, label="son"),
    ]
    found = messages(family_problems(people, [*parents(2, 1), *parents(1, 2)], [Partnership(2, 2)]))
    assert len(found) == 4  # a death before birth, one born later, a circle, own partner
    assert "son: the year of death is before the year of birth." in found
    assert "father is recorded as a parent of son but was born later." in found
    assert "A person cannot be their own partner." in found


@pytest.mark.parametrize(
    ("parent", "child", "cycle"),
    [
        (1, 1, True),  # own parent
        (3, 1, True),  # a grandchild as grandparent
        (2, 1, True),  # a child as parent
        (1, 3, False),  # a grandparent raising a grandchild
        (4, 3, False),  # a new partner's child joins
        (2, 5, False),  # someone new
    ],
)
def test_would_create_cycle(parent, child, cycle):
    links = [ParentLink(1, 2), ParentLink(2, 3)]
    assert would_create_cycle(links, parent, child) is cycle


# --- timeline ---------------------------------------------------------------------------


def event(year: int, generation: int = 0, end: int | None = None, kind: str = "war"):
    return TimelineEvent(year, end, kind, kind == "faith", generation, "someone")


def test_timeline_years_to_x():
    timeline = timeline_layout([event(1943), event(1988, 1)], width=760)

    assert (timeline.first_year, timeline.last_year) == (1940, 1990)
    left, right = 90, 760 - 20
    x_of = {mark.event.year: mark.x for mark in timeline.marks}
    assert x_of[1943] == pytest.approx(left + (right - left) * 3 / 50)
    assert x_of[1988] == pytest.approx(left + (right - left) * 48 / 50)
    assert [year for _, year in timeline.ticks] == [1940, 1950, 1960, 1970, 1980, 1990]
    assert timeline.ticks[0][0] == left and timeline.ticks[-1][0] == right


def test_timeline_one_lane_per_generation():
    timeline = timeline_layout([event(1950, 2), event(1940, 0), event(1960, 2), event(1930, 3)])

    assert [generation for _, generation in timeline.rows] == [0, 2, 3]
    ys = [y for y, _ in timeline.rows]
    assert ys == sorted(ys) and ys[1] - ys[0] == ys[2] - ys[1] == 46
    lane = {g: y for y, g in timeline.rows}
    assert all(mark.y == lane[mark.event.generation] for mark in timeline.marks)
    # by generation, then year
    assert [(m.event.generation, m.event.year) for m in timeline.marks] == [
        (0, 1940),
        (2, 1950),
        (2, 1960),
        (3, 1930),
    ]
    assert timeline.height == 30 + 20 + 3 * 46 + 10


def test_timeline_spans():
    timeline = timeline_layout([event(1939, end=1945), event(1950, end=1950), event(1960)])

    spans = {m.event.year: m.x_end for m in timeline.marks}
    assert spans[1939] is not None and spans[1939] > timeline.marks[0].x
    assert spans[1950] is None and spans[1960] is None
    # an end year stretches the axis too
    assert timeline_layout([event(1990, end=2012)]).last_year == 2020


def test_timeline_of_a_single_year_and_of_a_long_century():
    single = timeline_layout([event(1950)])
    assert (single.first_year, single.last_year) == (1950, 1960)
    assert single.marks[0].x == 90

    long = timeline_layout([event(1850), event(2020)])
    steps = {b - a for (_, a), (_, b) in itertools.pairwise(long.ticks)}
    assert steps == {20}


def test_an_empty_timeline():
    timeline = timeline_layout([])
    assert timeline.marks == [] and timeline.rows == [] and timeline.ticks == []
