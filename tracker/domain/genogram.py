"""Genograms: checking a family for impossible input, and laying it out by generation.

The layout is a pure function over plain values; templates draw its result as SVG with
the standard symbols (McGoldrick, Gerson & Petry, *Genograms: Assessment and Treatment*):
square male, circle female, diamond other/unknown, an X for a deceased person, a double
outline for the client, partners side by side on one line (one slash: separated, two:
divorced), children hanging from the partnership line in birth order.

Invariants (tested on generated families of up to 40 people): no two symbols overlap,
every parent is drawn above their children, partners are neighbours in their row, and
siblings stand in birth order.
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


def generations(
    people: list[Person], links: list[ParentLink], partnerships: list[Partnership]
) -> dict[int, int]:
    """Row of every person (0 = top). Children sit one row below their lowest parent;
    someone who married in sits in their partner's row."""
    parents: dict[int, list[int]] = defaultdict(list)
    for link in links:
        parents[link.child_id].append(link.parent_id)
    partners: dict[int, list[int]] = defaultdict(list)
    for p in partnerships:
        partners[p.a_id].append(p.b_id)
        partners[p.b_id].append(p.a_id)
    level: dict[int, int] = {person.id: 0 for person in people}
    # Relax until stable: children below parents, in-laws level with partners.
    for _ in range(len(people) * 2 + 2):
        changed = False
        for person in people:
            wanted = level[person.id]
            if parents.get(person.id):
                wanted = max(wanted, max(level[p] + 1 for p in parents[person.id] if p in level))
            elif partners.get(person.id):
                wanted = max(wanted, max(level[p] for p in partners[person.id] if p in level))
            if wanted != level[person.id]:
                level[person.id] = wanted
                changed = True
        if not changed:
            break
    # Parents must also sit above children placed lower through a partner: push parents
    # down only when they have no parents of their own (roots float toward children).
    for _ in range(len(people) + 1):
        changed = False
        for link in links:
            child_level = level[link.child_id]
            if level[link.parent_id] < child_level - 1 and not parents.get(link.parent_id):
                level[link.parent_id] = child_level - 1
                changed = True
        if not changed:
            break
    top = min(level.values(), default=0)
    return {pid: lvl - top for pid, lvl in level.items()}


# --- layout --------------------------------------------------------------------------

SYMBOL = 36  # symbol size
GAP = 64  # horizontal space between symbols (room for the labels underneath)
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
    """From the parents' line (or a single parent) down to a sibship bar and each child."""

    from_x: float
    from_y: float
    bar_y: float
    bar_x1: float
    bar_x2: float
    children: list[tuple[float, float, str]]  # (x, top y, link kind)


@dataclass(frozen=True)
class QualityLine:
    """A relationship-quality line between two people, drawn in its own style."""

    a_id: int
    b_id: int
    quality: str
    points: str  # SVG polyline points (zigzag for conflict and abuse)
    offsets: tuple[float, ...]  # parallel strokes: 2 close, 3 fused, else 1


@dataclass
class Layout:
    width: float
    height: float
    nodes: dict[int, Node]
    rows: list[list[int]]
    partner_lines: list[PartnerLine] = field(default_factory=list)
    child_lines: list[ChildLine] = field(default_factory=list)
    quality_lines: list[QualityLine] = field(default_factory=list)


def _birth_key(person: Person) -> tuple:
    return (person.birth_year is None, person.birth_year or 0, person.id)


def _order_row(
    members: set[int],
    previous: list[int] | None,
    parents_of: dict[int, set[int]],
    partners_of: dict[int, list[int]],
    by_id: dict[int, Person],
) -> list[int]:
    """The left-to-right order of one generation: partners adjacent, each sibship in
    birth order, sibships in the order of their parents in the row above."""
    order: list[int] = []
    placed: set[int] = set()

    def place(pid: int) -> None:
        if pid in placed or pid not in members:
            return
        order.append(pid)
        placed.add(pid)
        for partner in sorted(partners_of.get(pid, ()), key=lambda q: _birth_key(by_id[q])):
            if partner in members and partner not in placed:
                order.append(partner)
                placed.add(partner)

    if previous is None:
        # Top row: couples together, ordered by their eldest child's birth.
        def eldest(pid: int) -> tuple:
            kids = [c for c, ps in parents_of.items() if pid in ps]
            return min((_birth_key(by_id[k]) for k in kids), default=(True, 0, pid))

        for pid in sorted(members, key=lambda q: (eldest(q), _birth_key(by_id[q]))):
            place(pid)
        return order

    position = {pid: index for index, pid in enumerate(previous)}

    def anchor(pid: int) -> float:
        ps = [position[p] for p in parents_of.get(pid, ()) if p in position]
        if ps:
            return sum(ps) / len(ps)
        for partner in partners_of.get(pid, ()):  # married in: follow the partner
            pps = [position[p] for p in parents_of.get(partner, ()) if p in position]
            if pps:
                return sum(pps) / len(pps) + 0.01
        return float(len(previous)) + 1

    for pid in sorted(members, key=lambda q: (anchor(q), _birth_key(by_id[q]))):
        married_in = not parents_of.get(pid) and any(
            partner in members and parents_of.get(partner) for partner in partners_of.get(pid, ())
        )
        if not married_in:  # those are placed next to their partner
            place(pid)
    for pid in sorted(members - placed, key=lambda q: _birth_key(by_id[q])):
        place(pid)
    return order


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
        if not a or not b:
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
        offsets = {"close": (-2.0, 2.0), "fused": (-3.0, 0.0, 3.0)}.get(bond.quality, (0.0,))
        lines.append(QualityLine(bond.a_id, bond.b_id, bond.quality, points, offsets))
    return lines


def layout(
    people: list[Person],
    links: list[ParentLink],
    partnerships: list[Partnership],
    bonds: list[Bond] = (),  # type: ignore[assignment]
) -> Layout:
    """Place everyone: rows by generation, partners adjacent, children in birth order
    under their parents as far as space allows, never overlapping."""
    if not people:
        return Layout(width=2 * MARGIN, height=2 * MARGIN, nodes={}, rows=[])
    by_id = {p.id: p for p in people}
    level = generations(people, links, partnerships)
    parents_of: dict[int, set[int]] = defaultdict(set)
    for link in links:
        parents_of[link.child_id].add(link.parent_id)
    partners_of: dict[int, list[int]] = defaultdict(list)
    for partnership in partnerships:
        partners_of[partnership.a_id].append(partnership.b_id)
        partners_of[partnership.b_id].append(partnership.a_id)

    depth = max(level.values()) + 1
    by_row: dict[int, list[int]] = defaultdict(list)
    for pid, lvl in level.items():
        by_row[lvl].append(pid)

    rows: list[list[int]] = []
    for lvl in range(depth):
        rows.append(
            _order_row(set(by_row[lvl]), rows[-1] if rows else None, parents_of, partners_of, by_id)
        )

    # x positions: top-down sweep; each sibship is centred under its parents where the
    # row leaves room, never overlapping what is already placed on the left.
    step = SYMBOL + GAP
    x_of: dict[int, float] = {}
    for order in rows:
        cursor = MARGIN + SYMBOL / 2
        index = 0
        while index < len(order):
            pid = order[index]
            # a block: this person's sibship run (same parents) with partners attached
            parents = frozenset(parents_of.get(pid, ()))
            block = [pid]
            j = index + 1
            while j < len(order):
                nxt = order[j]
                same_family = parents and frozenset(parents_of.get(nxt, ())) == parents
                married_in = not parents_of.get(nxt) and any(
                    q in block for q in partners_of.get(nxt, ())
                )
                if same_family or married_in:
                    block.append(nxt)
                    j += 1
                else:
                    break
            width = (len(block) - 1) * step
            desired = cursor
            placed_parents = [x_of[p] for p in parents if p in x_of]
            if placed_parents:
                centre = sum(placed_parents) / len(placed_parents)
                desired = max(cursor, centre - width / 2)
            for offset, member in enumerate(block):
                x_of[member] = desired + offset * step
            cursor = desired + width + step
            index = j

    height = MARGIN * 2 + (depth - 1) * ROW + SYMBOL
    width = max(x_of.values()) + SYMBOL / 2 + MARGIN
    nodes = {
        pid: Node(by_id[pid], x_of[pid], MARGIN + SYMBOL / 2 + level[pid] * ROW, level[pid])
        for pid in x_of
    }
    result = Layout(width=width, height=height, nodes=nodes, rows=rows)

    for partnership in partnerships:
        a, b = nodes.get(partnership.a_id), nodes.get(partnership.b_id)
        if not a or not b:
            continue
        left, right = sorted((a, b), key=lambda n: n.x)
        result.partner_lines.append(
            PartnerLine(
                a_id=left.person.id,
                b_id=right.person.id,
                x1=left.x,
                x2=right.x,
                y=left.y + SYMBOL / 2 + 6,
                kind=partnership.kind,
                slashes={"separated": 1, "divorced": 2}.get(partnership.kind, 0),
            )
        )
    # sibships: children grouped by their set of parents
    kind_of = {(link.parent_id, link.child_id): link.kind for link in links}
    sibships: dict[frozenset[int], list[int]] = defaultdict(list)
    for child, ps in parents_of.items():
        if child in nodes:
            sibships[frozenset(p for p in ps if p in nodes)].append(child)
    for ps, kids in sibships.items():
        if not ps:
            continue
        parent_nodes = [nodes[p] for p in ps]
        from_x = sum(n.x for n in parent_nodes) / len(parent_nodes)
        from_y = max(n.y for n in parent_nodes) + SYMBOL / 2 + (6 if len(ps) > 1 else 0)
        kids_sorted = sorted(kids, key=lambda k: _birth_key(by_id[k]))
        child_nodes = [nodes[k] for k in kids_sorted]
        bar_y = min(n.y for n in child_nodes) - SYMBOL / 2 - 22
        xs = [n.x for n in child_nodes] + [from_x]
        result.child_lines.append(
            ChildLine(
                from_x=from_x,
                from_y=from_y,
                bar_y=bar_y,
                bar_x1=min(xs),
                bar_x2=max(xs),
                children=[
                    (
                        n.x,
                        n.y - SYMBOL / 2,
                        kind_of.get((next(iter(ps)), n.person.id), "biological"),
                    )
                    for n in child_nodes
                ],
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
