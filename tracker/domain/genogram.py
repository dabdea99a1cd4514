"""Genograms: checking a family for impossible input, and laying it out by generation.

The layout is a pure function over plain values; templates draw its result as SVG with
the standard symbols (McGoldrick, Gerson & Petry, *Genograms: Assessment and Treatment*):
square male, circle female, diamond other/unknown, an X for a deceased person, a double
outline for the client, partners side by side on one line (one slash: separated, two:
divorced), children hanging from the partnership line in birth order (twins' lines meet).

What ``layout`` guarantees (tested on generated families of up to 40 people over up
to five generations, ``tests/domain/test_genogram_layout.py``):

- Everyone is placed exactly once, inside the drawing with room for their labels; no two
  symbols of a row are closer than ``SYMBOL + GAP`` (a symbol and its labels' width).
- Every parent is drawn above each of their children.
- Partners share a row, unless that would put one of them level with their own ancestor.
- Siblings (children of the same parents) share a row (unless a partnership across
  generations rules it out) and stand in birth order, unknown years last, twins next to
  each other; nobody stands between them except people who married in, and nobody
  between twins who have at most one partner each (their lines meet on the bar).
- Sibship bars of one row that would run into each other sideways are drawn at
  different heights (six tracks between two rows), so each family's children stay
  readable as theirs; parents are moved over their children where the row leaves room.
- Partners stand side by side when the partnerships of their row around them form a
  simple chain (nobody with more than two partners in the row, no circle) in which the
  people with parents in the drawing are at most two and neighbours, and
  - at least one of the two partners married in (has no parents in the drawing), or
  - both have parents (two families marrying into each other) and one is the youngest of
    their siblings and the other the eldest of theirs (an only child is both), and
    neither sibship marries into a third family in that row.
  A widow who marries her late husband's brother stands between the two when they are
  next to each other in birth order. Otherwise (a third partner, the middle child of one
  family marrying the middle child of another) keeping birth order wins and the
  partnership line runs past the people between them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from tracker.domain.messages import N_, Problem

SEX_LABELS = {
    "female": N_("Female"),
    "male": N_("Male"),
    "other": N_("Non-binary or other"),
    "unknown": N_("Unknown"),
}

PARENT_LINK_LABELS = {
    "biological": N_("Biological"),
    "adoptive": N_("Adoptive"),
    "foster": N_("Foster"),
}

PARTNERSHIP_LABELS = {
    "married": N_("Married"),
    "cohabiting": N_("Living together"),
    "separated": N_("Separated"),
    "divorced": N_("Divorced"),
}

QUALITY_LABELS = {
    "close": N_("Close"),
    "distant": N_("Distant"),
    "conflict": N_("Conflict"),
    "cutoff": N_("Cut-off"),
    "fused": N_("Fused / enmeshed"),
    "abusive": N_("Abusive"),
}

CONDITION_LABELS = {
    "depression": N_("Depression"),
    "anxiety": N_("Anxiety"),
    "addiction": N_("Addiction"),
    "suicide": N_("Suicide"),
    "psychosis": N_("Psychosis"),
    "chronic_illness": N_("Chronic illness"),
    "trauma": N_("Trauma"),
    "dementia": N_("Dementia"),
}

TRAUMA_EVENT_LABELS = {
    "war": N_("War"),
    "persecution": N_("Persecution or genocide"),
    "displacement": N_("Forced displacement"),
    "migration": N_("Migration"),
    "loss_of_child": N_("Loss of a child"),
    "early_parent_loss": N_("Early loss of a parent"),
    "violence": N_("Violence"),
    "abuse": N_("Abuse"),
    "poverty": N_("Poverty or famine"),
    "incarceration": N_("Incarceration"),
    "addiction_in_home": N_("Addiction in the home"),
}

RESILIENCE_EVENT_LABELS = {
    "faith": N_("Faith"),
    "community": N_("Community"),
    "protective_relationship": N_("A protective relationship"),
    "creativity": N_("Creativity"),
    "survival_skills": N_("Survival skills"),
}

SPOKEN_LABELS = {
    "yes": N_("Spoken of in the family"),
    "partly": N_("Partly spoken of"),
    "no": N_("Never spoken of"),
}


@dataclass(frozen=True)
class Person:
    id: int
    sex: str = "unknown"
    birth_year: int | None = None
    death_year: int | None = None
    deceased: bool = False
    is_client: bool = False
    twin_group: int | None = None
    label: str = ""


@dataclass(frozen=True)
class ParentLink:
    parent_id: int
    child_id: int
    kind: str = "biological"


@dataclass(frozen=True)
class Partnership:
    a_id: int
    b_id: int
    kind: str = "married"
    start_year: int | None = None
    end_year: int | None = None


# --- checking ------------------------------------------------------------------------


def family_problems(
    people: list[Person], links: list[ParentLink], partnerships: list[Partnership] = ()
) -> list[Problem]:
    """Impossible input, in plain words: cycles, deaths before births, and the like."""
    problems: list[Problem] = []
    by_id = {person.id: person for person in people}
    for person in people:
        if (
            person.birth_year is not None
            and person.death_year is not None
            and person.death_year < person.birth_year
        ):
            problems.append(
                Problem(
                    N_("%(who)s: the year of death is before the year of birth."),
                    {"who": person.label or person.id},
                )
            )
    parents_of: dict[int, list[ParentLink]] = defaultdict(list)
    for link in links:
        if link.parent_id == link.child_id:
            problems.append(Problem(N_("A person cannot be their own parent.")))
            continue
        parents_of[link.child_id].append(link)
        parent, child = by_id.get(link.parent_id), by_id.get(link.child_id)
        born_later = (
            parent is not None
            and child is not None
            and parent.birth_year is not None
            and child.birth_year is not None
            and parent.birth_year >= child.birth_year
        )
        if born_later:
            problems.append(
                Problem(
                    N_("%(parent)s is recorded as a parent of %(child)s but was born later."),
                    {"parent": parent.label or parent.id, "child": child.label or child.id},
                )
            )
    for child_id, child_links in parents_of.items():
        biological = [link for link in child_links if link.kind == "biological"]
        if len(biological) > 2:
            child = by_id.get(child_id)
            problems.append(
                Problem(
                    N_("%(who)s has more than two biological parents."),
                    {"who": child.label if child else child_id},
                )
            )
    cycle = _find_cycle(people, links)
    if cycle is not None:
        who = by_id.get(cycle)
        problems.append(
            Problem(
                N_("%(who)s would be their own ancestor."), {"who": who.label if who else cycle}
            )
        )
    for partnership in partnerships:
        if partnership.a_id == partnership.b_id:
            problems.append(Problem(N_("A person cannot be their own partner.")))
    return problems


def _find_cycle(people: list[Person], links: list[ParentLink]) -> int | None:
    children: dict[int, list[int]] = defaultdict(list)
    for link in links:
        children[link.parent_id].append(link.child_id)
    state: dict[int, int] = {}  # 1 visiting, 2 done

    def visit(node: int) -> int | None:
        state[node] = 1
        for child in children.get(node, ()):
            if state.get(child) == 1:
                return child
            if state.get(child) is None:
                found = visit(child)
                if found is not None:
                    return found
        state[node] = 2
        return None

    for person in people:
        if state.get(person.id) is None:
            found = visit(person.id)
            if found is not None:
                return found
    return None


def would_create_cycle(links: list[ParentLink], parent_id: int, child_id: int) -> bool:
    """Whether adding parent → child makes someone their own ancestor."""
    if parent_id == child_id:
        return True
    children: dict[int, list[int]] = defaultdict(list)
    for link in links:
        children[link.parent_id].append(link.child_id)
    stack, seen = [child_id], set()
    while stack:
        node = stack.pop()
        if node == parent_id:
            return True
        if node in seen:
            continue
        seen.add(node)
        stack.extend(children.get(node, ()))
    return False


# --- generations ---------------------------------------------------------------------


def _known_links(ids: set[int], links: list[ParentLink]) -> list[ParentLink]:
    return [
        link
        for link in links
        if link.parent_id in ids and link.child_id in ids and link.parent_id != link.child_id
    ]


def _partner_groups(
    ids: list[int], links: list[ParentLink], partnerships: list[Partnership]
) -> dict[int, int]:
    """Partners share a row: join them into one group, unless one of them would then sit
    level with their own ancestor (a partnership across generations the rows cannot show)."""
    group = {pid: pid for pid in ids}

    def find(pid: int) -> int:
        while group[pid] != pid:
            group[pid] = group[group[pid]]
            pid = group[pid]
        return pid

    def descends(top: int, bottom: int) -> bool:
        children: dict[int, set[int]] = defaultdict(set)
        for link in links:
            children[find(link.parent_id)].add(find(link.child_id))
        stack, seen = [top], {top}
        while stack:
            for child in children.get(stack.pop(), ()):
                if child == bottom:
                    return True
                if child not in seen:
                    seen.add(child)
                    stack.append(child)
        return False

    for partnership in partnerships:
        if partnership.a_id not in group or partnership.b_id not in group:
            continue
        a, b = find(partnership.a_id), find(partnership.b_id)
        if a != b and not descends(a, b) and not descends(b, a):
            group[max(a, b)] = min(a, b)
    return {pid: find(pid) for pid in ids}


def _align_siblings(
    level: dict[int, int],
    group: dict[int, int],
    links: list[ParentLink],
    down: dict[int, set[int]],
) -> None:
    """Siblings share a row: bring each sibship down to its lowest member (one may have
    married into a deeper family tree), moving their descendants down with them."""
    parents_of: dict[int, set[int]] = defaultdict(set)
    for link in links:
        parents_of[link.child_id].add(link.parent_id)
    sibships: dict[frozenset[int], set[int]] = defaultdict(set)
    for child, parents in parents_of.items():
        sibships[frozenset(parents)].add(group[child])

    def push(start: int, target: int) -> None:
        stack = [(start, target)]
        while stack:
            node, wanted = stack.pop()
            if level[node] < wanted:
                level[node] = wanted
                stack.extend((child, wanted + 1) for child in down[node])

    for _ in range(len(level) + 1):  # levels only grow; a few rounds settle real families
        changed = False
        for members in sibships.values():
            target = max(level[g] for g in members)
            for g in sorted(members):
                if level[g] < target:
                    push(g, target)
                    changed = True
        if not changed:
            break


def generations(
    people: list[Person], links: list[ParentLink], partnerships: list[Partnership]
) -> dict[int, int]:
    """Row of every person (0 = top).

    Partners share a row (unless one would sit level with their own ancestor); children
    sit below their lowest parent; siblings share a row; ancestors sit right above their
    nearest child, so two family trees of different depth meet where they marry.
    """
    ids = [person.id for person in people]
    known = _known_links(set(ids), links)
    group = _partner_groups(ids, known, partnerships)
    down: dict[int, set[int]] = defaultdict(set)
    up: dict[int, set[int]] = defaultdict(set)
    for link in known:
        parent, child = group[link.parent_id], group[link.child_id]
        if parent != child:
            down[parent].add(child)
            up[child].add(parent)
    groups = sorted(set(group.values()))
    # longest path from the top, in topological order
    level: dict[int, int] = {}
    order: list[int] = []
    waiting = {g: len(up[g]) for g in groups}
    ready = [g for g in groups if not waiting[g]]
    while ready:
        current = ready.pop()
        order.append(current)
        level[current] = max((level[p] + 1 for p in up[current]), default=0)
        for child in down[current]:
            waiting[child] -= 1
            if not waiting[child]:
                ready.append(child)
    if len(order) < len(groups):
        # a circle of parenthood (refused by family_problems) is drawn, just not neatly
        for g in groups:
            if g not in level:
                level[g] = max((level[p] + 1 for p in up[g] if p in level), default=0)
        return {pid: level[group[pid]] for pid in ids}
    # Ancestors come down to sit right above their nearest child (a shallower family tree
    # meets a deeper one where they marry), and siblings share a row; repeat until both
    # hold. Levels only grow, and the rounds are bounded even for contrived input.
    for _ in range(len(groups) + 1):
        before = dict(level)
        for g in reversed(order):
            if down[g]:
                level[g] = min(level[child] for child in down[g]) - 1
        _align_siblings(level, group, known, down)
        if level == before:
            break
    top = min(level.values(), default=0)
    return {pid: level[group[pid]] - top for pid in ids}


# --- layout --------------------------------------------------------------------------

SYMBOL = 36  # symbol size
GAP = 76  # horizontal space between symbols (room for the labels underneath)
ROW = 120  # vertical distance between generations
MARGIN = 40


@dataclass(frozen=True)
class Node:
    person: Person
    x: float  # centre
    y: float  # centre
    generation: int


@dataclass(frozen=True)
class PartnerLine:
    a_id: int
    b_id: int
    x1: float
    x2: float
    y: float
    kind: str
    slashes: int  # 1 separated, 2 divorced


@dataclass(frozen=True)
class ChildLine:
    """From the parents' line (or a single parent) down to a sibship bar and each child.

    Each child is ``(x, top y, link kind, x on the bar)``: twins share their point on
    the bar, so their lines meet there as the standard symbol asks.
    """

    from_x: float
    from_y: float
    bar_y: float
    bar_x1: float
    bar_x2: float
    children: list[tuple[float, float, str, float]]


@dataclass(frozen=True)
class QualityLine:
    """A relationship-quality line between two people, drawn in its own style."""

    a_id: int
    b_id: int
    quality: str
    points: str  # SVG polyline points (zigzag for conflict and abuse)
    offsets: tuple[tuple[float, float], ...]  # parallel strokes (dx, dy): 2 close, 3 fused


@dataclass
class Layout:
    width: float
    height: float
    nodes: dict[int, Node]
    rows: list[list[int]]
    partner_lines: list[PartnerLine] = field(default_factory=list)
    child_lines: list[ChildLine] = field(default_factory=list)
    quality_lines: list[QualityLine] = field(default_factory=list)


def _birth_key(person: Person, year: int | None = None) -> tuple:
    """Birth order: eldest first, unknown years last, twins next to each other."""
    year = person.birth_year if year is None else year
    return (
        year is None,
        year or 0,
        person.twin_group is None,
        person.twin_group or 0,
        person.id,
    )


def _in_birth_order(kids: list[int], by_id: dict[int, Person]) -> list[int]:
    """Siblings eldest first; a twin whose year is unknown takes their twin's year."""
    twin_years: dict[int, int] = {}
    for kid in kids:
        person = by_id[kid]
        if person.twin_group is not None and person.birth_year is not None:
            twin_years.setdefault(person.twin_group, person.birth_year)
    return sorted(kids, key=lambda k: _birth_key(by_id[k], twin_years.get(by_id[k].twin_group)))


@dataclass
class _Family:
    """What the row ordering needs to know, indexed once."""

    by_id: dict[int, Person]
    parents_of: dict[int, set[int]]
    children_of: dict[int, set[int]]
    partners_of: dict[int, list[int]]  # in the order of the partnerships' start


def _index(
    people: list[Person], links: list[ParentLink], partnerships: list[Partnership]
) -> _Family:
    by_id = {p.id: p for p in people}
    parents_of: dict[int, set[int]] = defaultdict(set)
    children_of: dict[int, set[int]] = defaultdict(set)
    for link in _known_links(set(by_id), links):
        parents_of[link.child_id].add(link.parent_id)
        children_of[link.parent_id].add(link.child_id)
    partners_of: dict[int, list[int]] = defaultdict(list)
    timed = sorted(
        enumerate(partnerships),
        key=lambda item: (item[1].start_year is None, item[1].start_year or 0, item[0]),
    )
    for _, p in timed:
        if p.a_id in by_id and p.b_id in by_id and p.a_id != p.b_id:
            if p.b_id not in partners_of[p.a_id]:
                partners_of[p.a_id].append(p.b_id)
            if p.a_id not in partners_of[p.b_id]:
                partners_of[p.b_id].append(p.a_id)
    return _Family(by_id, parents_of, children_of, partners_of)


def _order_row(members: list[int], family: _Family, x_of: dict[int, int]) -> list[list[int]]:
    """One generation, left to right, as blocks that are placed side by side.

    - Siblings of the same parents stand in birth order; only people who married in
      stand between them.
    - Someone who married in stands next to their partner; a person with two such
      partners has one on each side; a chain of partners (A with B, B later with C)
      stays a chain.
    - When two families marry into each other and the partners stand at facing ends of
      their sibships (the youngest of one, the eldest of the other), the two sibships are
      joined end to end so the partners are neighbours.
    - Blocks follow the order of the parents in the rows above.
    """
    by_id, parents_of = family.by_id, family.parents_of
    row = set(members)
    partners = {pid: [q for q in family.partners_of.get(pid, ()) if q in row] for pid in members}
    anchored = {pid for pid in members if parents_of.get(pid)}
    sibships: dict[frozenset[int], list[int]] = defaultdict(list)
    for pid in sorted(anchored):
        sibships[frozenset(parents_of[pid])].append(pid)
    for key, kids in sibships.items():
        sibships[key] = _in_birth_order(kids, by_id)
    sibship_of = {kid: key for key, kids in sibships.items() for kid in kids}

    def anchor_of(key: frozenset[int]) -> float:
        xs = [x_of[p] for p in key if p in x_of]
        return sum(xs) / len(xs) if xs else float("inf")

    ordered_sibships = sorted(
        sibships, key=lambda k: (anchor_of(k), _birth_key(by_id[sibships[k][0]]))
    )

    # families marrying into each other: join sibships end to end
    right_of: dict[frozenset[int], frozenset[int]] = {}
    left_of: dict[frozenset[int], frozenset[int]] = {}
    taken: dict[int, set[str]] = defaultdict(set)
    for key in ordered_sibships:
        last = sibships[key][-1]
        for partner in partners[last]:
            other = sibship_of.get(partner)
            if other is None or other == key or sibships[other][0] != partner:
                continue
            if key in right_of or other in left_of:
                continue
            node = other
            while node in right_of and node != key:
                node = right_of[node]
            if node == key:
                continue  # joining would close a circle
            right_of[key], left_of[other] = other, key
            taken[last].add("right")
            taken[partner].add("left")

    claimed: set[int] = set(anchored)

    def chain(start: int) -> list[int]:
        """Partners who married in, from ``start`` outward (depth first)."""
        out: list[int] = []
        stack = [start]
        while stack:
            node = stack.pop()
            if node in claimed:
                continue
            claimed.add(node)
            out.append(node)
            stack.extend(reversed([q for q in partners[node] if q not in claimed]))
        return out

    def preferred_side(person: int, partner: int) -> str | None:
        """Where a single married-in partner should stand: between this person and a
        sibling who was also their partner (a widow who married her late husband's
        brother), and never between twins, whose lines meet."""
        kids = sibships[sibship_of[person]]
        index = kids.index(person)
        before = kids[index - 1] if index > 0 else None
        after = kids[index + 1] if index + 1 < len(kids) else None
        if after is not None and after in partners[partner]:
            return "right"
        if before is not None and before in partners[partner]:
            return "left"
        group = by_id[person].twin_group
        if group is not None and after is not None and by_id[after].twin_group == group:
            return "left"
        if group is not None and before is not None and by_id[before].twin_group == group:
            return "right"
        return None

    def with_partners(person: int) -> list[int]:
        free = [side for side in ("left", "right") if side not in taken[person]]
        mine = [q for q in partners[person] if q not in claimed]
        left: list[int] = []
        right: list[int] = []
        if len(free) == 2 and len(mine) == 1:
            side = preferred_side(person, mine[0])
            if side is None:  # the man on the left, as genograms are usually drawn
                male_first = by_id[person].sex == "female" and by_id[mine[0]].sex == "male"
                side = "left" if male_first else "right"
            (left if side == "left" else right).append(mine[0])
        elif len(free) == 2:
            left, right = mine[:1], mine[1:]
        elif free == ["left"]:
            left = mine
        else:
            right = mine
        outward_left = [q for first in left for q in chain(first)]
        outward_right = [q for first in right for q in chain(first)]
        return [*reversed(outward_left), person, *outward_right]

    blocks: list[tuple[tuple, list[int]]] = []
    for key in ordered_sibships:
        if key in left_of:
            continue
        sequence: list[int] = []
        anchors: list[float] = []
        node: frozenset[int] | None = key
        while node is not None:
            anchors.append(anchor_of(node))
            for kid in sibships[node]:
                sequence += with_partners(kid)
            node = right_of.get(node)
        finite = [a for a in anchors if a != float("inf")]
        anchor = sum(finite) / len(finite) if finite else float("inf")
        blocks.append(((anchor, 0.0, _birth_key(by_id[sequence[0]])), sequence))

    anchor_by_person = {pid: sort_key[0] for sort_key, block in blocks for pid in block}

    def eldest_child(block: list[int]) -> tuple:
        kids = [k for pid in block for k in family.children_of.get(pid, ())]
        return min((_birth_key(by_id[k]) for k in kids), default=(True, 0, True, 0, 0))

    def in_laws_anchor(block: list[int]) -> float:
        """Parents of someone who married into a family placed in this row: next to it."""
        found = [
            anchor_by_person[parent] + 0.5
            for pid in block
            for kid in family.children_of.get(pid, ())
            for partner in family.partners_of.get(kid, ())
            for parent in parents_of.get(partner, ())
            if parent in anchor_by_person
        ]
        return min(found, default=float("inf"))

    # people without parents in the drawing, and not married to someone who has them
    for pid in sorted(row - claimed, key=lambda q: _birth_key(by_id[q])):
        if pid in claimed:
            continue
        component, stack = {pid}, [pid]
        while stack:
            for q in partners[stack.pop()]:
                if q not in component and q not in claimed:
                    component.add(q)
                    stack.append(q)

        def start_key(q: int, component: set[int] = component) -> tuple:
            free = sum(1 for r in partners[q] if r in component)
            return (free, by_id[q].sex != "male", _birth_key(by_id[q]))

        sequence = chain(min(component, key=start_key))
        blocks.append(((in_laws_anchor(sequence), 1.0, eldest_child(sequence)), sequence))

    return [block for _, block in sorted(blocks, key=lambda item: item[0])]


def _centre_over_children(
    row_blocks: list[list[list[int]]],
    children_of: dict[int, set[int]],
    x_of: dict[int, int],
    step: int,
) -> None:
    """Bottom-up, each block moves right (never left, never closer than ``step`` to the
    block on its right) until its parents stand centred over their children: the
    top-down pass pushes children right when a row is crowded, and this brings the
    parents along so child lines stay short."""
    for blocks in reversed(row_blocks[:-1]):
        limit: int | None = None  # the rightmost x the next block to the right allows
        for block in reversed(blocks):
            parents = [pid for pid in block if children_of.get(pid)]
            kids = {kid for pid in parents for kid in children_of[pid]}
            if kids:
                wanted = sum(x_of[k] for k in kids) / len(kids) - sum(
                    x_of[p] for p in parents
                ) / len(parents)
                shift = max(0, int(wanted))
                if limit is not None:
                    shift = min(shift, limit - x_of[block[-1]])
                for pid in block:
                    x_of[pid] += shift
            limit = x_of[block[0]] - step


def _bar_heights(bars: list[tuple[float, float]]) -> list[int]:
    """Tracks for the sibship bars (x1, x2) of one row, sorted by x1: bars that would
    run into each other sideways get different heights."""
    ends: list[float] = []
    tracks = []
    for x1, x2 in bars:
        track = next((t for t, end in enumerate(ends) if end < x1 - 8), len(ends))
        if track == len(ends):
            ends.append(x2)
        else:
            ends[track] = x2
        tracks.append(track)
    return tracks


BAR_TRACKS = 6  # sibship bar heights available between two rows


@dataclass(frozen=True)
class Bond:
    a_id: int
    b_id: int
    quality: str


def _zigzag(x1: float, y1: float, x2: float, y2: float, amplitude: float = 5) -> str:
    length = ((x2 - x1) ** 2 + (y2 - y1) ** 2) ** 0.5 or 1
    steps = max(4, int(length // 10))
    nx, ny = -(y2 - y1) / length, (x2 - x1) / length  # unit normal
    points = []
    for i in range(steps + 1):
        t = i / steps
        side = 0 if i in (0, steps) else (amplitude if i % 2 else -amplitude)
        points.append(f"{x1 + (x2 - x1) * t + nx * side:.1f},{y1 + (y2 - y1) * t + ny * side:.1f}")
    return " ".join(points)


def quality_lines(result: Layout, bonds: list[Bond]) -> list[QualityLine]:
    """Lines between the edges of two symbols, styled by the quality of the bond."""
    lines = []
    for bond in bonds:
        a, b = result.nodes.get(bond.a_id), result.nodes.get(bond.b_id)
        if not a or not b or a is b:
            continue
        dx, dy = b.x - a.x, b.y - a.y
        length = (dx * dx + dy * dy) ** 0.5 or 1
        trim = SYMBOL / 2 + 6
        x1, y1 = a.x + dx / length * trim, a.y + dy / length * trim
        x2, y2 = b.x - dx / length * trim, b.y - dy / length * trim
        if bond.quality in ("conflict", "abusive"):
            points = _zigzag(x1, y1, x2, y2)
        else:
            points = f"{x1:.1f},{y1:.1f} {x2:.1f},{y2:.1f}"
        # parallel strokes sit beside the line (along its normal), whatever its direction
        nx, ny = -dy / length, dx / length
        spread = {"close": (-2.0, 2.0), "fused": (-3.0, 0.0, 3.0)}.get(bond.quality, (0.0,))
        offsets = tuple((round(nx * s, 2) + 0.0, round(ny * s, 2) + 0.0) for s in spread)
        lines.append(QualityLine(bond.a_id, bond.b_id, bond.quality, points, offsets))
    return lines


def layout(
    people: list[Person],
    links: list[ParentLink],
    partnerships: list[Partnership],
    bonds: list[Bond] = (),  # type: ignore[assignment]
) -> Layout:
    """Place everyone: one row per generation, siblings in birth order under their
    parents as far as space allows, partners side by side, never overlapping."""
    if not people:
        return Layout(width=2 * MARGIN, height=2 * MARGIN, nodes={}, rows=[])
    family = _index(people, links, partnerships)
    by_id, parents_of = family.by_id, family.parents_of
    level = generations(people, links, partnerships)
    depth = max(level.values()) + 1
    by_row: dict[int, list[int]] = defaultdict(list)
    for pid, lvl in level.items():
        by_row[lvl].append(pid)

    # Top-down: each block is centred under its parents where the row leaves room,
    # never overlapping what is already placed on its left.
    step = SYMBOL + GAP
    x_of: dict[int, int] = {}
    rows: list[list[int]] = []
    row_blocks: list[list[list[int]]] = []
    for lvl in range(depth):
        cursor = MARGIN + SYMBOL // 2
        blocks = _order_row(by_row[lvl], family, x_of)
        for block in blocks:
            width = (len(block) - 1) * step
            parent_xs = [x_of[p] for pid in block for p in parents_of.get(pid, ()) if p in x_of]
            desired = cursor
            if parent_xs:  # whole pixels: spacing stays exact
                desired = max(cursor, round(sum(parent_xs) / len(parent_xs) - width / 2))
            for offset, member in enumerate(block):
                x_of[member] = desired + offset * step
            cursor = desired + width + step
        rows.append([pid for block in blocks for pid in block])
        row_blocks.append(blocks)
    _centre_over_children(row_blocks, family.children_of, x_of, step)

    height = MARGIN * 2 + (depth - 1) * ROW + SYMBOL
    width = max(x_of.values()) + SYMBOL / 2 + MARGIN
    nodes = {
        pid: Node(by_id[pid], x_of[pid], MARGIN + SYMBOL / 2 + level[pid] * ROW, level[pid])
        for pid in x_of
    }
    result = Layout(width=width, height=height, nodes=nodes, rows=rows)

    for partnership in partnerships:
        a, b = nodes.get(partnership.a_id), nodes.get(partnership.b_id)
        if not a or not b or a is b:
            continue
        left, right = sorted((a, b), key=lambda n: n.x)
        result.partner_lines.append(
            PartnerLine(
                a_id=left.person.id,
                b_id=right.person.id,
                x1=left.x,
                x2=right.x,
                y=max(a.y, b.y) + SYMBOL / 2 + 6,
                kind=partnership.kind,
                slashes={"separated": 1, "divorced": 2}.get(partnership.kind, 0),
            )
        )
    # sibships: children grouped by their set of parents
    kind_of = {(link.parent_id, link.child_id): link.kind for link in links}
    sibships: dict[frozenset[int], list[int]] = defaultdict(list)
    for child, ps in parents_of.items():
        sibships[frozenset(ps)].append(child)
    drafts = []
    for ps, kids in sibships.items():
        parent_nodes = [nodes[p] for p in sorted(ps)]
        from_x = sum(n.x for n in parent_nodes) / len(parent_nodes)
        from_y = max(n.y for n in parent_nodes) + SYMBOL / 2 + (6 if len(ps) > 1 else 0)
        child_nodes = [nodes[k] for k in _in_birth_order(kids, by_id)]
        twins: dict[int, list[float]] = defaultdict(list)
        for n in child_nodes:
            if n.person.twin_group is not None:
                twins[n.person.twin_group].append(n.x)

        def on_bar(n: Node, twins: dict[int, list[float]] = twins) -> float:
            group = twins.get(n.person.twin_group) if n.person.twin_group is not None else None
            return sum(group) / len(group) if group and len(group) > 1 else n.x

        xs = [n.x for n in child_nodes] + [from_x]
        top = min(n.y for n in child_nodes) - SYMBOL / 2
        first_parent = min(ps)
        children = [
            (
                n.x,
                n.y - SYMBOL / 2,
                kind_of.get((first_parent, n.person.id), "biological"),
                on_bar(n),
            )
            for n in child_nodes
        ]
        drafts.append((top, min(xs), max(xs), from_x, from_y, children))
    by_top: dict[float, list[tuple]] = defaultdict(list)
    for draft in sorted(drafts, key=lambda d: (d[0], d[1], d[2])):
        by_top[draft[0]].append(draft)
    for top, row_lines in by_top.items():
        tracks = _bar_heights([(x1, x2) for _, x1, x2, *_ in row_lines])
        for (_, x1, x2, from_x, from_y, children), track in zip(row_lines, tracks, strict=True):
            result.child_lines.append(
                ChildLine(
                    from_x=from_x,
                    from_y=from_y,
                    bar_y=top - 14 - 7 * (track % BAR_TRACKS),
                    bar_x1=x1,
                    bar_x2=x2,
                    children=children,
                )
            )
    result.quality_lines = quality_lines(result, list(bonds))
    return result


# --- timeline ------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEvent:
    year: int
    end_year: int | None
    kind: str  # birth / death / a trauma or resilience key
    resilience: bool
    generation: int
    label: str


@dataclass(frozen=True)
class TimelineMark:
    x: float
    x_end: float | None
    y: float
    event: TimelineEvent


@dataclass
class TimelineLayout:
    width: float
    height: float
    first_year: int
    last_year: int
    ticks: list[tuple[float, int]]
    rows: list[tuple[float, int]]  # (y, generation)
    marks: list[TimelineMark]


def timeline_layout(events: list[TimelineEvent], *, width: float = 760) -> TimelineLayout:
    """Years on one axis, one lane per generation, so repeating patterns line up."""
    left, right, top, lane = 90, 20, 30, 46
    if not events:
        return TimelineLayout(width, top + 40, 0, 0, [], [], [])
    years = [e.year for e in events] + [e.end_year for e in events if e.end_year]
    first = (min(years) // 10) * 10
    last = ((max(years) + 9) // 10) * 10 or first + 10
    if last == first:
        last += 10
    span = last - first
    plot_w = width - left - right
    lanes = sorted({e.generation for e in events})
    lane_y = {generation: top + 20 + index * lane for index, generation in enumerate(lanes)}

    def x_of(year: int) -> float:
        return left + plot_w * (year - first) / span

    step = 10 if span <= 120 else 20
    ticks = [(x_of(year), year) for year in range(first, last + 1, step)]
    marks = [
        TimelineMark(
            x=x_of(e.year),
            x_end=x_of(e.end_year) if e.end_year and e.end_year > e.year else None,
            y=lane_y[e.generation],
            event=e,
        )
        for e in sorted(events, key=lambda e: (e.generation, e.year))
    ]
    height = top + 20 + len(lanes) * lane + 10
    return TimelineLayout(width, height, first, last, ticks, [(lane_y[g], g) for g in lanes], marks)
