"""The demo client's family: three generations and more, shaped by war and displacement,
drawn by a layout that keeps its promises."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from sqlalchemy import select

from tests.domain.genogram_families import check_layout
from tests.factories import login
from tracker.demo import DEMO_PASSWORD
from tracker.domain import genogram
from tracker.extensions import db
from tracker.models import Client, GoalFamilyLink, IntegrationGoal
from tracker.services import family as family_service


@pytest.fixture
def sam(app) -> Client:
    result = app.test_cli_runner().invoke(args=["seed-demo", "--quiet"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    return db.session.scalar(select(Client).where(Client.preferred_name == "Sam"))


def test_sam_is_the_first_client(sam):
    assert sam.id == 1


def test_sams_family_spans_generations_and_carries_war_and_displacement(sam):
    family = family_service.load(sam)
    level = genogram.generations(family.people, family.parent_links, family.partner_links)

    assert max(level.values()) + 1 >= 3
    (me,) = [m for m in family.members if m.is_client]
    assert me.name == "Sam"
    kinds = {event.kind for event in family.events}
    assert {"war", "displacement"} <= kinds
    assert any(event.resilience for event in family.events)
    # the events sit with the grandparents' generation, two rows above Sam
    war = next(e for e in family.events if e.kind == "war")
    assert level[war.member_id] == level[me.id] - 2
    assert genogram.family_problems(family.people, family.parent_links, family.partner_links) == []
    assert family.relationships  # relationship qualities to draw


def test_the_layout_of_sams_family_keeps_its_promises(sam):
    family = family_service.load(sam)

    result = family_service.layout(family)

    required = check_layout(family.people, family.parent_links, family.partner_links, result)
    assert len(required) == len(family.partnerships)  # every couple side by side


def test_the_demo_family_page_and_goal(app, sam):
    browser = app.test_client()
    assert login(browser, "therapist@demo.test", DEMO_PASSWORD).status_code == 302

    page = browser.get(f"/clients/{sam.id}/family").get_data(as_text=True)

    for chunk in re.findall(r"<svg\b.*?</svg>", page, re.S):
        ET.fromstring(chunk)  # noqa: S314 - our own markup
    assert "Forced displacement" in page and "War" in page
    goal = db.session.scalar(
        select(IntegrationGoal).where(
            IntegrationGoal.client_id == sam.id, IntegrationGoal.domain == "family_patterns"
        )
    )
    links = select(GoalFamilyLink).where(GoalFamilyLink.goal_id == goal.id)
    assert len(db.session.scalars(links).all()) == 2
    goal_page = browser.get(f"/clients/{sam.id}/goals/{goal.id}").get_data(as_text=True)
    section = goal_page.split('id="goal-family-heading"')[1]
    assert "War 1967" in section and "father" in section
