"""Plausible families for the genogram tests, generated from a seed (no app needed).

``generate(seed)`` builds a family of 5..40 people over 3..5 generations: founding
couples, children born after both parents, partners who married in (some with their own
parents, siblings and a grandparent recorded, so two family trees of different depth
meet), children of two branches marrying each other (two founding families, or
cousins), single parents, adoption and foster links, twins (one now and then with a
forgotten birth year), divorce and remarriage, and a married-in partner's earlier partner.

``check_layout`` asserts the invariants the layout promises (see the docstring of
``tracker.domain.genogram``) and returns which partnerships it required side by side.
"""

from __future__ import annotations

import itertools
import random
from collections import defaultdict
from dataclasses import dataclass, field, replace

from tracker.domain.genogram import GAP, ROW, SYMBOL, Layout, ParentLink, Partnership, Person

NOW = 2025
LABEL_DEPTH = 31  # the two label lines under a symbol reach this far below its edge


@dataclass
class Family:
    people: list[Person]
    links: list[ParentLink]
    partnerships: list[Partnership]
    generation: dict[int, int]  # the generation each person was created in
    features: set[str] = field(default_factory=set)


@dataclass
class _Unit:
    """Parents who have children together (one or two people)."""

    parents: tuple[int, ...]
    kind: str = "biological"


class _Builder:
    def __init__(self, rng: random.Random, budget: int, depth: int) -> None:
        self.rng = rng
        self.budget = budget
        self.depth = depth
        self.people: dict[int, Person] = {}
        self.links: list[ParentLink] = []
        self.partnerships: list[Partnership] = []
        self.generation: dict[int, int] = {}
        self.features: set[str] = set()
        self.twins = 0

    @property
    def full(self) -> bool:
        return len(self.people) >= self.budget

    def person(self, generation: int, born: int | None, sex: str | None = None) -> int:
        rng = self.rng
        pid = len(self.people) + 1
        sex = sex or rng.choices(("female", "male", "other", "unknown"), (46, 46, 4, 4))[0]
        death = None
        deceased = False
        if born is not None and born < 1960 and rng.random() < 0.6:
            death = min(NOW, born + rng.randint(20, 95))
            deceased = True
        elif rng.random() < 0.03:
            deceased = True  # year of death unknown
        if born is not None and rng.random() < 0.04:
            born, death = None, None  # nobody knows when they were born
            self.features.add("unknown birth year")
        self.people[pid] = Person(
            id=pid,
            sex=sex,
            birth_year=born,
            death_year=death,
            deceased=deceased,
            label=f"person {pid}",
        )
        self.generation[pid] = generation
        return pid

    def born(self, pid: int) -> int:
        year = self.people[pid].birth_year
        return year if year is not None else 1880 + 28 * self.generation[pid]

    def partner(self, a: int, b: int, *, ended: bool | None = None) -> None:
        rng = self.rng
        start = max(self.born(a), self.born(b)) + rng.randint(18, 32)
        if ended is None:
            ended = rng.random() < 0.25
        if ended:
            kind = rng.choice(("separated", "divorced"))
            self.features.add(kind)
            end = start + rng.randint(1, 15)
        else:
            kind = rng.choices(("married", "cohabiting"), (4, 1))[0]
            end = None
        self.partnerships.append(Partnership(a, b, kind, start, end))

    def married_in(self, pid: int, generation: int) -> int:
        """A new partner for ``pid``, sometimes with their own parents recorded."""
        sex = {"male": "female", "female": "male"}.get(self.people[pid].sex)
        other = self.person(generation, min(NOW, self.born(pid) + self.rng.randint(-6, 6)), sex)
        if generation > 0 and not self.full and self.rng.random() < 0.25:
            year = self.born(other)
            mother = self.person(generation - 1, year - self.rng.randint(20, 38), "female")
            father = self.person(generation - 1, year - self.rng.randint(20, 42), "male")
            self.partner(father, mother, ended=False)
            for parent in (mother, father):
                self.links.append(ParentLink(parent, other))
            self.features.add("in-law parents")
            for _ in range(self.rng.choice((0, 0, 1, 2))):  # the partner's siblings
                if not self.full:
                    sibling = self.person(generation, min(NOW, year + self.rng.randint(-8, 8)))
                    for parent in (mother, father):
                        self.links.append(ParentLink(parent, sibling))
                    self.features.add("in-law siblings")
            if generation > 1 and not self.full and self.rng.random() < 0.3:
                grandmother = self.person(generation - 2, self.born(mother) - 25, "female")
                self.links.append(ParentLink(grandmother, mother))
                self.features.add("in-law grandparent")
        return other

    def children(self, unit: _Unit, generation: int, count: int) -> list[int]:
        rng = self.rng
        kind = unit.kind
        year = max(self.born(p) for p in unit.parents) + rng.randint(18, 30)
        kids: list[int] = []
        while len(kids) < count and not self.full and year <= NOW:
            twins = rng.random() < 0.12 and self.budget - len(self.people) >= 2
            group = None
            if twins:
                self.twins += 1
                group = self.twins
                self.features.add("twins")
            for _ in range(2 if twins else 1):
                kid = self.person(generation, year)
                if group is not None:
                    self.people[kid] = replace(self.people[kid], twin_group=group)
                for parent in unit.parents:
                    self.links.append(ParentLink(parent, kid, kind))
                kids.append(kid)
            year += rng.randint(1, 6)
        if kind != "biological" and kids:
            self.features.add(kind)
        return kids


def _build(rng: random.Random, size: int | None) -> Family | None:
    depth = rng.randint(3, 5)
    budget = size or rng.randint(5, 40)
    builder = _Builder(rng, budget, depth)
    founders = [_Unit((builder.person(0, rng.randint(1880, 1910), "male"),))]
    founders[0] = _Unit((*founders[0].parents, builder.person(0, rng.randint(1880, 1910))))
    builder.partner(*founders[0].parents, ended=False)
    if rng.random() < 0.4:  # a second founding family: their children may marry
        a = builder.person(0, rng.randint(1880, 1910), "male")
        b = builder.person(0, rng.randint(1880, 1910), "female")
        builder.partner(a, b, ended=False)
        founders.append(_Unit((a, b)))
        builder.features.add("two founding families")
    units = founders
    for generation in range(1, depth):
        kids_by_unit: list[list[int]] = []
        for index, unit in enumerate(units):
            count = rng.choice((1, 1, 2, 2, 3, 4)) if index == 0 else rng.choice((0, 1, 2, 3))
            if rng.random() < 0.12:
                unit.kind = rng.choice(("adoptive", "foster"))
            kids_by_unit.append(builder.children(unit, generation, count))
        if generation == depth - 1:
            break
        next_units: list[_Unit] = []
        waiting: list[tuple[int, int]] = []  # (kid, family index) not yet partnered
        for family, kids in enumerate(kids_by_unit):
            for kid in kids:
                waiting.append((kid, family))
        rng.shuffle(waiting)
        taken: set[int] = set()
        for kid, family in waiting:
            if kid in taken or builder.full:
                continue
            taken.add(kid)
            roll = rng.random()
            others = [k for k, f in waiting if f != family and k not in taken]
            if roll < 0.25 and others:
                other = rng.choice(others)
                taken.add(other)
                builder.partner(kid, other)
                next_units.append(_Unit((kid, other)))
                builder.features.add("intermarriage")
            elif roll < 0.75:
                first = builder.married_in(kid, generation)
                if rng.random() < 0.2 and not builder.full:
                    builder.partner(kid, first, ended=True)
                    next_units.append(_Unit((kid, first)))
                    if not builder.full:
                        second = builder.married_in(kid, generation)
                        builder.partner(kid, second, ended=False)
                        next_units.append(_Unit((kid, second)))
                        builder.features.add("remarriage")
                else:
                    builder.partner(kid, first)
                    next_units.append(_Unit((kid, first)))
                    if rng.random() < 0.15 and not builder.full:
                        earlier = builder.married_in(first, generation)
                        builder.partner(first, earlier, ended=True)
                        next_units.append(_Unit((first, earlier)))
                        builder.features.add("partner's earlier partner")
            elif roll < 0.88:
                next_units.append(_Unit((kid,)))
                builder.features.add("single parent")
        if not next_units:
            return None
        units = next_units
    people = list(builder.people.values())
    if not 5 <= len(people) <= 40 or (size is not None and len(people) != size):
        return None
    deepest = max(builder.generation.values())
    if deepest + 1 < 3:
        return None
    # the client: someone in the youngest generation but one who has parents, else youngest
    with_parents = {link.child_id for link in builder.links}
    candidates = [
        p.id for p in people if p.id in with_parents and builder.generation[p.id] >= deepest - 1
    ]
    client = rng.choice(candidates)
    people = [replace(p, is_client=p.id == client) for p in people]
    builder.features.add(f"{deepest + 1} generations")
    return Family(people, builder.links, builder.partnerships, builder.generation, builder.features)


def generate(seed: int, size: int | None = None) -> Family:
    """A plausible family for ``seed`` (the same family every time), of ``size`` people
    if given, else of 5..40."""
    rng = random.Random(seed)
    for _ in range(2000):
        family = _build(rng, size)
        if family is not None:
            return family
    raise AssertionError(f"seed {seed} gave no usable family")


# --- checking a layout -----------------------------------------------------------------


def birth_keys(siblings: list[Person]) -> list[tuple]:
    """Birth order as the genogram promises it: unknown years last; a twin whose year is
    unknown counts with their twin's."""
    twin_year = {
        p.twin_group: p.birth_year
        for p in reversed(siblings)
        if p.twin_group is not None and p.birth_year is not None
    }
    years = [twin_year.get(p.twin_group, p.birth_year) for p in siblings]
    return [(year is None, year or 0) for year in years]


def check_layout(
    people: list[Person],
    links: list[ParentLink],
    partnerships: list[Partnership],
    result: Layout,
) -> list[Partnership]:
    """Assert the layout invariants; return the partnerships that had to be side by side."""
    by_id = {p.id: p for p in people}
    nodes = result.nodes

    # (e) everyone placed exactly once, and the drawing holds every symbol and its labels
    placed = [pid for row in result.rows for pid in row]
    assert sorted(placed) == sorted(by_id), "someone is missing or placed twice"
    assert set(nodes) == set(by_id)
    for pid, node in nodes.items():
        assert node.person == by_id[pid]
        assert node.x - (SYMBOL + GAP) / 2 >= 0, f"{pid} sticks out on the left"
        assert node.x + (SYMBOL + GAP) / 2 <= result.width, f"{pid} sticks out on the right"
        assert node.y - SYMBOL / 2 >= 0, f"{pid} sticks out at the top"
        assert node.y + SYMBOL / 2 + LABEL_DEPTH <= result.height, f"{pid}'s labels are cut"

    # (a) one row per generation, in x order, never closer than a symbol plus label room
    row_of: dict[int, int] = {}
    position: dict[int, int] = {}
    for index, row in enumerate(result.rows):
        ys = {nodes[pid].y for pid in row}
        assert len(ys) == 1, f"row {index} is not level"
        xs = [nodes[pid].x for pid in row]
        for left, right in itertools.pairwise(xs):
            assert right - left >= SYMBOL + GAP, f"row {index}: symbols overlap"
        for place, pid in enumerate(row):
            row_of[pid] = index
            position[pid] = place
    row_ys = sorted({nodes[row[0]].y for row in result.rows if row})
    for upper, lower in itertools.pairwise(row_ys):
        assert lower - upper >= ROW

    # (b) parents above their children
    parents_of: dict[int, set[int]] = defaultdict(set)
    for link in links:
        assert nodes[link.parent_id].y < nodes[link.child_id].y, (
            f"parent {link.parent_id} is not above child {link.child_id}"
        )
        parents_of[link.child_id].add(link.parent_id)

    # (d) siblings of the same parents: one row, birth order, twins next to each other,
    # and nobody between them but people who married in
    sibships: dict[frozenset[int], list[int]] = defaultdict(list)
    for child, parents in parents_of.items():
        sibships[frozenset(parents)].append(child)
    sibling_order: dict[int, list[int]] = {}
    for kids in sibships.values():
        assert len({row_of[k] for k in kids}) == 1, f"siblings {kids} are in different rows"
        ordered = sorted(kids, key=lambda k: position[k])
        keys = birth_keys([by_id[k] for k in ordered])
        assert keys == sorted(keys), f"siblings {ordered} are not in birth order"
        groups = [by_id[k].twin_group for k in ordered]
        for group in {g for g in groups if g is not None}:
            spots = [i for i, g in enumerate(groups) if g == group]
            assert spots == list(range(spots[0], spots[0] + len(spots))), "twins apart"
        row = result.rows[row_of[ordered[0]]]
        for group in {g for g in groups if g is not None}:
            twins = [k for k in ordered if by_id[k].twin_group == group]
            partnered = [sum(1 for p in partnerships if k in (p.a_id, p.b_id)) for k in twins]
            if len(twins) == 2 and max(partnered) <= 1:  # then their lines meet unhindered
                assert position[twins[1]] - position[twins[0]] == 1, "someone between twins"
        between = row[position[ordered[0]] : position[ordered[-1]] + 1]
        intruders = [p for p in between if p not in kids and parents_of.get(p)]
        assert not intruders, f"{intruders} stand among the siblings {ordered}"
        for kid in ordered:
            sibling_order[kid] = ordered

    # readability: sibship bars of one row that overlap sideways sit at different heights,
    # between the labels of the parents' row and the children's symbols
    lines = sorted(result.child_lines, key=lambda line: line.bar_x1)
    for line in lines:
        top = min(t for _, t, _, _ in line.children)
        assert top - SYMBOL / 2 - ROW + SYMBOL + LABEL_DEPTH < line.bar_y < top
    for first, second in itertools.combinations(lines, 2):
        same_row = min(t for _, t, _, _ in first.children) == min(
            t for _, t, _, _ in second.children
        )
        if same_row and second.bar_x1 <= first.bar_x2 + 8:
            assert first.bar_y != second.bar_y, "two sibship bars run into each other"

    # (c) partners
    return _check_partners(partnerships, parents_of, sibling_order, row_of, position)


def _check_partners(partnerships, parents_of, sibling_order, row_of, position):
    """Partners side by side wherever the layout promises it (see the genogram docstring)."""
    required: list[Partnership] = []
    same_row = [p for p in partnerships if row_of[p.a_id] == row_of[p.b_id]]
    neighbours: dict[int, set[int]] = defaultdict(set)
    for p in same_row:
        neighbours[p.a_id].add(p.b_id)
        neighbours[p.b_id].add(p.a_id)

    def component(start: int) -> set[int]:
        seen, stack = set(), [start]
        while stack:
            node = stack.pop()
            if node not in seen:
                seen.add(node)
                stack.extend(neighbours[node])
        return seen

    def adjacent(a: int, b: int) -> bool:
        return abs(position[a] - position[b]) == 1

    def is_path(members: set[int]) -> bool:
        edges = sum(len(neighbours[m]) for m in members) // 2
        return all(len(neighbours[m]) <= 2 for m in members) and edges == len(members) - 1

    # intermarriages: both partners have parents in the drawing (and not the same parents)
    inter = [
        p
        for p in same_row
        if parents_of.get(p.a_id)
        and parents_of.get(p.b_id)
        and parents_of[p.a_id] != parents_of[p.b_id]
    ]
    sibship_of = {kid: frozenset(parents_of[kid]) for kid in sibling_order}

    for p in same_row:
        members = component(p.a_id)
        anchored = [m for m in members if parents_of.get(m)]
        if not is_path(members):
            continue
        if len(anchored) > 2:
            continue
        if len(anchored) == 2 and anchored[1] not in neighbours[anchored[0]]:
            continue
        if parents_of.get(p.a_id) and parents_of.get(p.b_id):
            if p not in inter:
                continue
            a, b = sibling_order[p.a_id], sibling_order[p.b_id]
            facing = (p.a_id == a[-1] and p.b_id == b[0]) or (p.a_id == a[0] and p.b_id == b[-1])
            families = {sibship_of[p.a_id], sibship_of[p.b_id]}
            alone = not any(
                q is not p and {sibship_of[q.a_id], sibship_of[q.b_id]} & families for q in inter
            )
            if not (facing and alone):
                continue
        assert adjacent(p.a_id, p.b_id), f"partners {p.a_id} and {p.b_id} are not side by side"
        required.append(p)
    return required
