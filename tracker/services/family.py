"""Family history: loading, checking and changing a client's genogram."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Row, bindparam, delete, or_, select

from tracker.domain import genogram as rules
from tracker.domain.messages import N_, Problem
from tracker.extensions import db
from tracker.models import (
    Client,
    FamilyEvent,
    FamilyMember,
    FamilyParentLink,
    FamilyPartnership,
    FamilyRelationship,
    GoalFamilyLink,
    IntegrationGoal,
    MeasureResponse,
)
from tracker.services import FORM, NotFound, Rejected


class FamilyRejected(Rejected):
    """A change the family rules refuse, beside the one field it concerns (``FORM``: the
    change as a whole).

    ``problems`` holds the first problem found; the whole-family check may find more
    than one at once, so ``found`` keeps them all, shown together beside ``field``.
    """

    def __init__(self, found: Problem | Sequence[Problem], field: str = FORM) -> None:
        self.found = (found,) if isinstance(found, Problem) else tuple(found)
        self.field = field
        super().__init__(self.found[0], field)


@dataclass
class Family:
    members: list[FamilyMember]
    links: list[FamilyParentLink]
    partnerships: list[FamilyPartnership]
    relationships: list[FamilyRelationship]
    events: list[FamilyEvent]

    def person(self, member: FamilyMember) -> rules.Person:
        return rules.Person(
            id=member.id,
            sex=member.sex,
            birth_year=member.birth_year,
            death_year=member.death_year,
            deceased=member.deceased or member.death_year is not None,
            is_client=member.is_client,
            twin_group=member.twin_group,
            label=member.relationship_label,
        )

    @property
    def people(self) -> list[rules.Person]:
        return [self.person(m) for m in self.members]

    @property
    def parent_links(self) -> list[rules.ParentLink]:
        return [rules.ParentLink(link.parent_id, link.child_id, link.kind) for link in self.links]

    @property
    def partner_links(self) -> list[rules.Partnership]:
        return [
            rules.Partnership(p.a_id, p.b_id, p.kind, p.start_year, p.end_year)
            for p in self.partnerships
        ]


# One statement per part of the family history, built once (SQLAlchemy reuses their
# cache keys instead of working them out on every page).
_PARTS = tuple(
    select(model).where(model.client_id == bindparam("client_id")).order_by(model.id)
    for model in (
        FamilyMember,
        FamilyParentLink,
        FamilyPartnership,
        FamilyRelationship,
        FamilyEvent,
    )
)


def load(client: Client) -> Family:
    """Everything of the client's family history (five queries)."""
    params = {"client_id": client.id}
    return Family(*(list(db.session.scalars(part, params)) for part in _PARTS))


def layout(family: Family) -> rules.Layout:
    bonds = [rules.Bond(r.a_id, r.b_id, r.quality) for r in family.relationships]
    return rules.layout(family.people, family.parent_links, family.partner_links, bonds)


def timeline(family: Family, genogram: rules.Layout | None = None) -> rules.TimelineLayout:
    """Births, deaths and events by generation; the generations are the genogram's rows
    when its ``layout`` is at hand (it has just worked them out)."""
    if genogram is not None:
        level = {pid: node.generation for pid, node in genogram.nodes.items()}
    else:
        level = rules.generations(family.people, family.parent_links, family.partner_links)
    events: list[rules.TimelineEvent] = []
    for member in family.members:
        generation = level.get(member.id, 0)
        if member.birth_year:
            events.append(
                rules.TimelineEvent(
                    member.birth_year, None, "birth", False, generation, member.relationship_label
                )
            )
        if member.death_year:
            events.append(
                rules.TimelineEvent(
                    member.death_year, None, "death", False, generation, member.relationship_label
                )
            )
    names = {m.id: m.relationship_label for m in family.members}
    for event in family.events:
        if event.start_year is None:
            continue
        generation = level.get(event.member_id, 0) if event.member_id else 0
        who = names.get(event.member_id, event.branch or "")
        events.append(
            rules.TimelineEvent(
                event.start_year, event.end_year, event.kind, event.resilience, generation, who
            )
        )
    return rules.timeline_layout(events)


def get_member(client: Client, member_id: int) -> FamilyMember:
    member = db.session.get(FamilyMember, member_id)
    if member is None or member.client_id != client.id:
        raise NotFound(member_id)
    return member


MEMBER_FIELDS = (
    "name",
    "relationship_label",
    "sex",
    "birth_year",
    "birth_approximate",
    "death_year",
    "death_approximate",
    "deceased",
    "twin_group",
    "notes",
)


def _apply(member: FamilyMember, data: dict[str, Any]) -> None:
    for name in MEMBER_FIELDS:
        if name in data:
            value = data[name]
            if isinstance(value, str):
                value = value.strip() or None
            setattr(member, name, value)
    if "conditions" in data:
        member.conditions = ",".join(sorted(set(data["conditions"] or ())))
    if member.relationship_label is None:
        member.relationship_label = ""
    if member.death_year is not None:
        member.deceased = True


def _check(family: Family, field: str) -> None:
    """Refuse a family the genogram rules find impossible (every problem beside ``field``)."""
    problems = rules.family_problems(family.people, family.parent_links, family.partner_links)
    if problems:
        raise FamilyRejected(problems, field)


def ensure_client_node(client: Client, family: Family) -> FamilyMember:
    node = next((m for m in family.members if m.is_client), None)
    if node is None:
        node = FamilyMember(
            client_id=client.id,
            relationship_label="client",
            name=client.preferred_name,
            is_client=True,
            birth_year=client.date_of_birth.year if client.date_of_birth else None,
        )
        db.session.add(node)
        db.session.flush()
        family.members.append(node)
    return node


def add_member(
    client: Client, data: dict[str, Any], *, relation: str, anchor_id: int | None, link_kind: str
) -> FamilyMember:
    """Add a person as the parent, child or partner of someone already in the family."""
    family = load(client)
    ensure_client_node(client, family)
    member = FamilyMember(client_id=client.id)
    _apply(member, data)
    # Check the would-be family before writing anything.
    candidate = replace(family.person(member), id=-1)  # not yet stored
    people = [*family.people, candidate]
    links = list(family.parent_links)
    if relation != "none":
        if anchor_id is None or anchor_id not in {m.id for m in family.members}:
            raise FamilyRejected(Problem(N_("Choose who this person is related to.")), "anchor_id")
        if relation == "parent_of":
            links.append(rules.ParentLink(-1, anchor_id, link_kind))
        elif relation == "child_of":
            links.append(rules.ParentLink(anchor_id, -1, link_kind))
    problems = rules.family_problems(people, links, family.partner_links)
    if problems:
        raise FamilyRejected(problems, "birth_year")
    db.session.add(member)
    db.session.flush()
    if relation == "parent_of":
        db.session.add(
            FamilyParentLink(
                client_id=client.id, parent_id=member.id, child_id=anchor_id, kind=link_kind
            )
        )
    elif relation == "child_of":
        db.session.add(
            FamilyParentLink(
                client_id=client.id, parent_id=anchor_id, child_id=member.id, kind=link_kind
            )
        )
    elif relation == "partner_of":
        db.session.add(FamilyPartnership(client_id=client.id, a_id=anchor_id, b_id=member.id))
    db.session.flush()
    return member


def update_member(client: Client, member: FamilyMember, data: dict[str, Any]) -> None:
    _apply(member, data)
    _check(load(client), "birth_year")


def delete_member(client: Client, member: FamilyMember) -> None:
    if member.is_client:
        raise FamilyRejected(Problem(N_("The client cannot be removed from their own genogram.")))
    for model, columns in (
        (FamilyParentLink, ("parent_id", "child_id")),
        (FamilyPartnership, ("a_id", "b_id")),
        (FamilyRelationship, ("a_id", "b_id")),
    ):
        db.session.execute(
            delete(model).where(or_(*[getattr(model, c) == member.id for c in columns]))
        )
    db.session.execute(delete(GoalFamilyLink).where(GoalFamilyLink.member_id == member.id))
    for event in db.session.scalars(select(FamilyEvent).where(FamilyEvent.member_id == member.id)):
        db.session.execute(delete(GoalFamilyLink).where(GoalFamilyLink.event_id == event.id))
        db.session.delete(event)
    db.session.delete(member)
    db.session.flush()


QUICK_ROLES = (
    # key, label, sex
    ("mother", "mother", "female"),
    ("father", "father", "male"),
    ("maternal_grandmother", "maternal grandmother", "female"),
    ("maternal_grandfather", "maternal grandfather", "male"),
    ("paternal_grandmother", "paternal grandmother", "female"),
    ("paternal_grandfather", "paternal grandfather", "male"),
)
QUICK_PARENTS = (
    # parent role, child role
    ("mother", "client"),
    ("father", "client"),
    ("maternal_grandmother", "mother"),
    ("maternal_grandfather", "mother"),
    ("paternal_grandmother", "father"),
    ("paternal_grandfather", "father"),
)
QUICK_COUPLES = (
    ("father", "mother"),
    ("maternal_grandfather", "maternal_grandmother"),
    ("paternal_grandfather", "paternal_grandmother"),
)


def _typed(data: dict[str, Any]) -> bool:
    return any(data.get(k) for k in ("name", "birth_year", "death_year", "deceased"))


def quick_entry(client: Client, entries: dict[str, dict[str, Any]]) -> list[FamilyMember]:
    """Parents and grandparents in one go: only rows with something typed are added.

    Someone already in the family history under the same label (an earlier quick entry)
    is linked to, never added twice; the whole entry is checked before anything is
    written, and a refusal names the role it concerns (``FamilyRejected.field``).
    """
    typed = [key for key, _, _ in QUICK_ROLES if _typed(entries.get(key) or {})]
    if not typed:
        raise FamilyRejected(Problem(N_("Fill in at least one person.")), "mother")
    family = load(client)
    role_of_label = {label: key for key, label, _ in QUICK_ROLES}
    present = {
        role_of_label[m.relationship_label.strip().casefold()]: m
        for m in family.members
        if m.relationship_label.strip().casefold() in role_of_label
    }
    for key in typed:
        if key in present:
            who = {"who": present[key].relationship_label}
            problem = Problem(N_("%(who)s is already in the family history: edit them there."), who)
            raise FamilyRejected(problem, key)

    # The would-be family, checked first: new people get ids below zero (-1: a client
    # node that does not exist yet).
    me = next((m for m in family.members if m.is_client), None)
    new = {}
    for key, label, sex in QUICK_ROLES:
        if key in typed:
            new[key] = FamilyMember(client_id=client.id, relationship_label=label, sex=sex)
            _apply(new[key], {**entries[key], "relationship_label": label})
    temp_id = {key: -(index + 2) for index, key in enumerate(new)}
    id_of = {**{key: m.id for key, m in present.items()}, **temp_id}
    id_of["client"] = me.id if me is not None else -1
    people = [replace(family.person(m), id=temp_id[key]) for key, m in new.items()]
    if me is None:
        born = client.date_of_birth.year if client.date_of_birth else None
        people.append(rules.Person(id=-1, birth_year=born, is_client=True, label="client"))
    fresh = {*new, *(["client"] if me is None else [])}
    linked = {(link.parent_id, link.child_id) for link in family.links}
    links = [
        (parent, child)
        for parent, child in QUICK_PARENTS
        if parent in id_of
        and child in id_of
        and (parent in fresh or child in fresh)
        and (id_of[parent], id_of[child]) not in linked
    ]
    problems = rules.family_problems(
        [*family.people, *people],
        [*family.parent_links, *(rules.ParentLink(id_of[p], id_of[c]) for p, c in links)],
        family.partner_links,
    )
    if problems:
        mentioned = [
            key
            for problem in problems
            for key, label, _ in QUICK_ROLES
            if key in new and label in problem.params.values()
        ]
        raise FamilyRejected(problems, (mentioned or typed)[0])

    member = {**present, **new, "client": ensure_client_node(client, family)}
    db.session.add_all(new.values())
    db.session.flush()
    for parent, child in links:
        db.session.add(
            FamilyParentLink(
                client_id=client.id, parent_id=member[parent].id, child_id=member[child].id
            )
        )
    couples = {frozenset((p.a_id, p.b_id)) for p in family.partnerships}
    for a, b in QUICK_COUPLES:
        wanted = a in member and b in member and (a in new or b in new)
        if wanted and frozenset((member[a].id, member[b].id)) not in couples:
            db.session.add(
                FamilyPartnership(client_id=client.id, a_id=member[a].id, b_id=member[b].id)
            )
    db.session.flush()
    return list(new.values())


def _two_people(client: Client, data: dict[str, Any], same: Problem) -> None:
    """Both people (``a_id``, ``b_id``) are of this client's family, and not one person."""
    for key in ("a_id", "b_id"):
        get_member(client, data[key])
    if data["a_id"] == data["b_id"]:
        raise FamilyRejected(same, "b_id")


def _years_in_order(data: dict[str, Any]) -> None:
    """A span of years does not end before it starts."""
    if data.get("end_year") and data.get("start_year") and data["end_year"] < data["start_year"]:
        raise FamilyRejected(Problem(N_("The end year is before the start year.")), "end_year")


def add_partnership(client: Client, data: dict[str, Any]) -> FamilyPartnership:
    """Record that two people of the family are (or were) partners."""
    _two_people(client, data, Problem(N_("A person cannot be their own partner.")))
    _years_in_order(data)
    partnership = FamilyPartnership(client_id=client.id, **data)
    db.session.add(partnership)
    db.session.flush()
    return partnership


def add_parent_link(client: Client, data: dict[str, Any]) -> FamilyParentLink:
    """Record that one person already in the family is a parent of another."""
    family = load(client)
    ids = {m.id for m in family.members}
    for key in ("parent_id", "child_id"):
        if data[key] not in ids:
            raise NotFound(data[key])
    if any(
        link.parent_id == data["parent_id"] and link.child_id == data["child_id"]
        for link in family.links
    ):
        raise FamilyRejected(Problem(N_("This parent is already recorded.")), "child_id")
    link = rules.ParentLink(data["parent_id"], data["child_id"], data["kind"])
    if rules.would_create_cycle(family.parent_links, link.parent_id, link.child_id):
        names = {m.id: m.relationship_label for m in family.members}
        who = {"who": names[link.parent_id]}
        raise FamilyRejected(Problem(N_("%(who)s would be their own ancestor."), who), "parent_id")
    problems = rules.family_problems(
        family.people, [*family.parent_links, link], family.partner_links
    )
    if problems:
        raise FamilyRejected(problems, "child_id")
    row = FamilyParentLink(client_id=client.id, **data)
    db.session.add(row)
    db.session.flush()
    return row


def add_relationship(client: Client, data: dict[str, Any]) -> FamilyRelationship:
    """Record the quality of the relationship between two people of the family."""
    _two_people(client, data, Problem(N_("Choose two different people.")))
    relationship = FamilyRelationship(client_id=client.id, **data)
    db.session.add(relationship)
    db.session.flush()
    return relationship


def add_event(client: Client, data: dict[str, Any]) -> FamilyEvent:
    if data.get("member_id") is not None:
        get_member(client, data["member_id"])
    elif not data.get("branch"):
        raise FamilyRejected(Problem(N_("Choose a person or a branch of the family.")), "member_id")
    _years_in_order(data)
    event = FamilyEvent(client_id=client.id, **data)
    event.resilience = event.kind in rules.RESILIENCE_EVENT_LABELS
    db.session.add(event)
    db.session.flush()
    return event


PARTS = {
    "parent-links": FamilyParentLink,
    "partnerships": FamilyPartnership,
    "relationships": FamilyRelationship,
    "events": FamilyEvent,
}


def delete_part(client: Client, part: str, part_id: int) -> None:
    model = PARTS[part]
    row = db.session.get(model, part_id)
    if row is None or row.client_id != client.id:
        raise NotFound(part_id)
    if model is FamilyEvent:
        db.session.execute(delete(GoalFamilyLink).where(GoalFamilyLink.event_id == row.id))
    db.session.delete(row)
    db.session.flush()


def ace_score(client: Client) -> int | None:
    """The client's latest ACE total, shown beside the family history."""
    total = db.session.scalar(
        select(MeasureResponse.total)
        .where(MeasureResponse.client_id == client.id, MeasureResponse.instrument == "ace")
        .order_by(MeasureResponse.completed_on.desc(), MeasureResponse.id.desc())
        .limit(1)
    )
    return int(total) if total is not None else None


@dataclass(frozen=True)
class LinkTargets:
    """What a goal can be linked to in the family history: each person by id, label and
    name, each event by id, kind and year (nothing else of either is read)."""

    members: list[Row]
    events: list[Row]


_LINK_MEMBERS = (
    select(FamilyMember.id, FamilyMember.relationship_label, FamilyMember.name)
    .where(FamilyMember.client_id == bindparam("client_id"))
    .order_by(FamilyMember.id)
)
_LINK_EVENTS = (
    select(FamilyEvent.id, FamilyEvent.kind, FamilyEvent.start_year)
    .where(FamilyEvent.client_id == bindparam("client_id"))
    .order_by(FamilyEvent.id)
)


def link_targets(client: Client) -> LinkTargets:
    """The people and events of the client's family a goal can be linked to (two queries)."""
    params = {"client_id": client.id}
    return LinkTargets(
        db.session.execute(_LINK_MEMBERS, params).all(),
        db.session.execute(_LINK_EVENTS, params).all(),
    )


def goal_links(goal: IntegrationGoal) -> list[GoalFamilyLink]:
    return list(db.session.scalars(select(GoalFamilyLink).where(GoalFamilyLink.goal_id == goal.id)))


def link_goal(
    client: Client, goal: IntegrationGoal, *, member_id: int | None, event_id: int | None
) -> GoalFamilyLink:
    if member_id is not None:
        get_member(client, member_id)
    if event_id is not None:
        event = db.session.get(FamilyEvent, event_id)
        if event is None or event.client_id != client.id:
            raise NotFound(event_id)
    if member_id is None and event_id is None:
        raise FamilyRejected(Problem(N_("Choose a person or an event.")), "member_id")
    if goal.domain != "family_patterns":
        raise FamilyRejected(
            Problem(N_("Only goals about family patterns link to the family history."))
        )
    for existing in goal_links(goal):
        if (existing.member_id, existing.event_id) == (member_id, event_id):
            return existing
    link = GoalFamilyLink(goal_id=goal.id, member_id=member_id, event_id=event_id)
    db.session.add(link)
    db.session.flush()
    return link
