"""Family history: loading, checking and changing a client's genogram."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import delete, or_, select

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
from tracker.services import NotFound


class FamilyRejected(ValueError):
    def __init__(self, problems: list[Problem], field: str = "relation") -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems
        self.field = field


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


def load(client: Client) -> Family:
    """Everything of the client's family history (five queries)."""

    def rows(model):
        return list(
            db.session.scalars(select(model).where(model.client_id == client.id).order_by(model.id))
        )

    return Family(
        rows(FamilyMember),
        rows(FamilyParentLink),
        rows(FamilyPartnership),
        rows(FamilyRelationship),
        rows(FamilyEvent),
    )


def layout(family: Family) -> rules.Layout:
    bonds = [rules.Bond(r.a_id, r.b_id, r.quality) for r in family.relationships]
    return rules.layout(family.people, family.parent_links, family.partner_links, bonds)


def timeline(family: Family) -> rules.TimelineLayout:
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


def _check(family: Family, extra_links: list[rules.ParentLink] = ()) -> None:
    problems = rules.family_problems(
        family.people, family.parent_links + list(extra_links), family.partner_links
    )
    if problems:
        raise FamilyRejected(problems)


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
            raise FamilyRejected(
                [Problem(N_("Choose who this person is related to."))], "anchor_id"
            )
        if relation == "parent_of":
            links.append(rules.ParentLink(-1, anchor_id, link_kind))
        elif relation == "child_of":
            links.append(rules.ParentLink(anchor_id, -1, link_kind))
    problems = rules.family_problems(people, links, family.partner_links)
    if problems:
        raise FamilyRejected(problems)
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
    _check(load(client))


def delete_member(client: Client, member: FamilyMember) -> None:
    if member.is_client:
        raise FamilyRejected([Problem(N_("The client cannot be removed from their own genogram."))])
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
    # key, label, sex, generation offset from the client
    ("mother", "mother", "female"),
    ("father", "father", "male"),
    ("maternal_grandmother", "maternal grandmother", "female"),
    ("maternal_grandfather", "maternal grandfather", "male"),
    ("paternal_grandmother", "paternal grandmother", "female"),
    ("paternal_grandfather", "paternal grandfather", "male"),
)


def quick_entry(client: Client, entries: dict[str, dict[str, Any]]) -> list[FamilyMember]:
    """Parents and grandparents in one go: only rows with something typed are added."""
    family = load(client)
    me = ensure_client_node(client, family)
    created: dict[str, FamilyMember] = {}
    for key, label, sex in QUICK_ROLES:
        data = entries.get(key) or {}
        if not any(data.get(k) for k in ("name", "birth_year", "death_year", "deceased")):
            continue
        member = FamilyMember(client_id=client.id, relationship_label=label, sex=sex)
        _apply(member, {**data, "relationship_label": label, "sex": sex})
        db.session.add(member)
        created[key] = member
    db.session.flush()

    def link(parent: str, child: FamilyMember | None) -> None:
        if parent in created and child is not None:
            db.session.add(
                FamilyParentLink(
                    client_id=client.id, parent_id=created[parent].id, child_id=child.id
                )
            )

    link("mother", me)
    link("father", me)
    link("maternal_grandmother", created.get("mother"))
    link("maternal_grandfather", created.get("mother"))
    link("paternal_grandmother", created.get("father"))
    link("paternal_grandfather", created.get("father"))
    for a, b in (
        ("mother", "father"),
        ("maternal_grandmother", "maternal_grandfather"),
        ("paternal_grandmother", "paternal_grandfather"),
    ):
        if a in created and b in created:
            db.session.add(
                FamilyPartnership(client_id=client.id, a_id=created[b].id, b_id=created[a].id)
            )
    db.session.flush()
    _check(load(client))
    return list(created.values())


def add_partnership(client: Client, data: dict[str, Any]) -> FamilyPartnership:
    for key in ("a_id", "b_id"):
        get_member(client, data[key])
    if data["a_id"] == data["b_id"]:
        raise FamilyRejected([Problem(N_("A person cannot be their own partner."))], "b_id")
    partnership = FamilyPartnership(client_id=client.id, **data)
    db.session.add(partnership)
    db.session.flush()
    return partnership


def add_relationship(client: Client, data: dict[str, Any]) -> FamilyRelationship:
    for key in ("a_id", "b_id"):
        get_member(client, data[key])
    if data["a_id"] == data["b_id"]:
        raise FamilyRejected([Problem(N_("Choose two different people."))], "b_id")
    relationship = FamilyRelationship(client_id=client.id, **data)
    db.session.add(relationship)
    db.session.flush()
    return relationship


def add_event(client: Client, data: dict[str, Any]) -> FamilyEvent:
    if data.get("member_id") is not None:
        get_member(client, data["member_id"])
    if data.get("end_year") and data.get("start_year") and data["end_year"] < data["start_year"]:
        raise FamilyRejected([Problem(N_("The end year is before the start year."))], "end_year")
    event = FamilyEvent(client_id=client.id, **data)
    event.resilience = event.kind in rules.RESILIENCE_EVENT_LABELS
    db.session.add(event)
    db.session.flush()
    return event


PARTS = {
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
        raise FamilyRejected([Problem(N_("Choose a person or an event."))], "member_id")
    link = GoalFamilyLink(goal_id=goal.id, member_id=member_id, event_id=event_id)
    db.session.add(link)
    db.session.flush()
    return link
