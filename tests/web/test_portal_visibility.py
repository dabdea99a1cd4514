"""Canary tests: what is written for one side never reaches the other.

Every therapist-only field of both clients' records holds a distinct canary string,
and so does every private journal entry and every reflection the client did not share.
Then every GET page each person can reach is fetched (the routes are read from the URL
map, so a new page is covered, or fails here until it is) and searched:

- therapist-only text never appears in the portal;
- private journal entries and unshared reflections never appear on any staff page;
- nothing of one client reaches the other client, or staff outside that client's care.

Each canary is also required to appear where it belongs, so the search cannot pass by
rendering nothing.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask

from tests.factories import (
    complete,
    login,
    make_assignment,
    make_family_event,
    make_goal,
    make_member,
    make_user,
    rate,
    today_utc,
    write_journal,
)
from tests.report_helpers import page_texts
from tests.session_factories import (
    add_to_care_team,
    days_ago,
    make_addendum,
    make_administration,
    make_brainspot,
    make_session,
    make_vital,
    sign,
)
from tracker.domain.instruments import ALL_CODES
from tracker.domain.policy import Role
from tracker.domain.reports import Period, content_hash
from tracker.domain.safety_plan import STEP_KEYS
from tracker.domain.sessions import NOTE_FORMATS
from tracker.extensions import db
from tracker.models import (
    AdverseEvent,
    Client,
    GoalRating,
    HomeworkEntry,
    HomeworkTemplate,
    IntegrationGoal,
    JournalEntry,
    MedicalScreening,
    Report,
)
from tracker.printing import reports as report_printing
from tracker.services import alerts as alert_service
from tracker.services import homework as homework_service
from tracker.services import journal as journal_service
from tracker.services import measures as measure_service
from tracker.services import report_batches as batch_service
from tracker.services import safety_plan as plan_service


@dataclass
class Record:
    """One client's planted record: canaries by audience and the ids to visit."""

    client: Client
    tag: str
    therapist_only: list[str] = field(default_factory=list)
    client_only: list[str] = field(default_factory=list)  # private / unshared
    shared: list[str] = field(default_factory=list)  # meant for both sides
    ids: dict[str, list[int]] = field(default_factory=dict)

    def t(self, name: str) -> str:
        text = f"CANARY-T-{self.tag}-{name}"
        self.therapist_only.append(text)
        return text

    def c(self, name: str) -> str:
        text = f"CANARY-C-{self.tag}-{name}"
        self.client_only.append(text)
        return text

    def s(self, name: str) -> str:
        text = f"SHARED-{self.tag}-{name}"
        self.shared.append(text)
        return text

    @property
    def everything(self) -> list[str]:
        return [*self.therapist_only, *self.client_only, *self.shared]


def plant(client: Client, tag: str) -> Record:
    record = Record(client, tag)
    today = today_utc()
    therapist_id = client.primary_therapist_id
    client.presenting_concerns = record.t("presenting-concerns")
    db.session.add(
        MedicalScreening(
            client_id=client.id,
            screened_on=today - timedelta(days=40),
            weight_kg=70,
            medications=record.t("screening-medications"),
            allergies=record.t("screening-allergies"),
            notes=record.t("screening-notes"),
            decision="cleared",
            recorded_by_id=therapist_id,
        )
    )
    sessions = []
    for number, note_format in enumerate(NOTE_FORMATS):
        session = make_session(
            client,
            starts_at=days_ago(30 - 5 * number),
            note_format=note_format,
            note={
                section.key: record.t(f"{note_format}-{section.key}")
                for section in NOTE_FORMATS[note_format]
            },
            intention=record.t(f"{note_format}-intention"),
            risk_follow_up=record.t(f"{note_format}-risk-follow-up"),
            summary=record.t(f"{note_format}-summary"),
            suicide_screen="positive",
        )
        sessions.append(session)
    # dosing, vitals and brainspots on a session that gets signed and on a draft
    for session in (sessions[0], sessions[2]):
        label = session.note_format
        dose = make_administration(session)
        dose.adjuncts = record.t(f"{label}-adjuncts")
        dose.unusual_confirmed = True
        dose.unusual_reason = record.t(f"{label}-unusual-reason")
        dose.hold_override_reason = record.t(f"{label}-hold-override-reason")
        make_vital(session, note=record.t(f"{label}-vital-note"))
        make_brainspot(
            session,
            issue=record.t(f"{label}-brainspot-issue"),
            reflexes=record.t(f"{label}-brainspot-reflexes"),
            body_location=record.t(f"{label}-brainspot-body"),
        )
    db.session.flush()
    for session in sessions[:2]:
        sign(session, client.primary_therapist)
    make_addendum(sessions[0], client.primary_therapist, record.t("addendum"))
    # adverse events, on a signed session and on none: the care team's, never the portal's
    for session_id, label in ((sessions[0].id, "signed"), (None, "unlinked")):
        db.session.add(
            AdverseEvent(
                client_id=client.id,
                session_id=session_id,
                event_type="nausea_vomiting",
                severity="moderate",
                onset_at=sessions[0].starts_at + timedelta(minutes=30),
                action_taken=record.t(f"adverse-{label}-action"),
                outcome="resolved_with_sequelae",
                outcome_note=record.t(f"adverse-{label}-outcome-note"),
                prescriber_informed=True,
                description=record.t(f"adverse-{label}-description"),
                recorded_by_id=therapist_id,
            )
        )

    # goals and ratings are shared with the client by design
    goal = make_goal(client, title=record.s("goal-title"), why_it_matters=record.s("goal-why"))
    rate(goal, client.primary_therapist, 4, on=today - timedelta(days=8), session_id=sessions[0].id)
    rate(goal, client.portal_user, 6, on=today - timedelta(days=1), comment=record.s("own-rating"))
    paused = make_goal(client, title=record.s("paused-goal"), status="paused")

    homework = make_assignment(
        client,
        title=record.s("homework-title"),
        instructions=record.s("homework-instructions"),
        start_date=today - timedelta(days=6),
        goal_id=goal.id,
    )
    complete(homework, today - timedelta(days=1), record.s("reflection"), shared=True)
    complete(homework, today - timedelta(days=2), record.c("unshared-reflection"), shared=False)
    complete(homework, today - timedelta(days=3))
    once = make_assignment(
        client,
        title=record.s("once-title"),
        recurrence="once",
        start_date=today,
        due_date=today + timedelta(days=3),
    )
    complete(once, today + timedelta(days=3), record.c("early-unshared"), shared=False)

    private = write_journal(
        client, record.c("journal-body"), title=record.c("journal-title"), shared=False
    )
    untitled = write_journal(client, record.c("untitled-journal-body"))
    shared = write_journal(
        client, record.s("journal-body"), title=record.s("journal-title"), shared=True
    )
    withdrawn = write_journal(
        client, record.c("withdrawn-body"), title=record.c("withdrawn-title"), shared=True
    )
    journal_service.set_visibility(withdrawn, "private")  # shared once, then taken back
    # a questionnaire that is due, and a safety alert with the therapist's note
    measure = measure_service.assign(
        client,
        client.primary_therapist,
        instrument="phq9",
        kind="once",
        every_days=None,
        start=today - timedelta(days=1),
    )
    flagged = measure_service.submit_answers(
        client,
        client.primary_therapist,
        instrument="phq9",
        answers=[1, 1, 1, 1, 1, 1, 1, 1, 1],
        extra_answer=None,
        completed_on=today - timedelta(days=5),
        by_client=False,
    )
    alert_service.acknowledge(flagged.alert, client.primary_therapist, record.t("alert-note"))
    # the family history: names, notes and stories of third parties, for the team only
    relative = make_member(
        client, "grandmother", name=record.t("family-name"), notes=record.t("family-notes")
    )
    make_family_event(client, "war", member=relative, description=record.t("family-event"))
    # the safety plan, written with the client: its newest version is theirs; the
    # version it replaced stays on the staff side only
    plan_service.save(
        client,
        client.primary_therapist,
        {"warning_signs": record.t("superseded-plan")},
        expected_version=0,
    )
    plan_service.save(
        client,
        client.primary_therapist,
        {key: record.s(f"plan-{key}") for key in STEP_KEYS},
        expected_version=1,
    )
    # a printed client summary (a stand-in PDF: what real PDFs say is tested in
    # tests/web/test_reports.py)
    digest = content_hash("client", f"visibility {tag}")
    report_printing._store(digest, b"%PDF-1.7 stand-in")
    report = Report(
        client_id=client.id,
        kind="client",
        period_start=today - timedelta(days=30),
        period_end=today,
        content_hash=digest,
        pages=1,
        created_by_id=therapist_id,
    )
    db.session.add(report)
    db.session.flush()
    record.ids = {
        "member_id": [relative.id],
        "measure_id": [measure.id],
        "session_id": [s.id for s in sessions],
        "goal_id": [goal.id, paused.id],
        "assignment_id": [homework.id, once.id],
        "entry_id": [private.id, untitled.id, shared.id, withdrawn.id],
        "report_id": [report.id],
        "version": [1, 2],
        "alert_id": [flagged.alert.id],
    }
    return record


@dataclass
class Scene:
    a: Record
    b: Record
    people: dict[str, object]
    template_ids: list[int]
    batch_ids: list[int]  # a finished report batch of therapist A (its owner only)


@pytest.fixture
def scene(world) -> Scene:
    co_therapist = make_user(world.practice, Role.THERAPIST, name="Cato Co")
    team_admin = world.admin
    plain_admin = make_user(world.practice, Role.ADMIN, name="Pia Plain")
    add_to_care_team(world.client_a, co_therapist, "co_therapist")
    add_to_care_team(world.client_a, team_admin, "supervisor")
    homework_service.seed_library(world.practice)
    db.session.flush()
    custom = HomeworkTemplate(
        practice_id=world.practice.id,
        title="House practice",
        category="body",
        instructions="Stand by a tree.",
        created_by_id=world.therapist_a.id,
    )
    db.session.add(custom)
    a = plant(world.client_a, "A")
    b = plant(world.client_b, "B")
    batch = batch_service.create_batch(
        world.therapist_a,
        Period(today_utc() - timedelta(days=30), today_utc()),
        whole_course=False,
        backend="thread",
    )
    batch_service.finish(batch, b"PK\x05\x06" + b"\0" * 18)  # an empty ZIP
    db.session.commit()
    templates = homework_service.templates(world.practice.id)
    return Scene(
        a=a,
        b=b,
        people={
            "therapist_a": world.therapist_a,
            "co_therapist_a": co_therapist,
            "admin_on_team_a": team_admin,
            "admin_off_team": plain_admin,
            "therapist_b": world.therapist_b,
            "client_a": world.client_user_a,
            "client_b": world.client_user_b,
        },
        template_ids=[templates[0].id, templates[-1].id, custom.id],
        batch_ids=[batch.id],
    )


# --- visiting every page -------------------------------------------------------------


def get_rules(app: Flask, blueprints: Iterable[str]):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint.split(".")[0] in blueprints and "GET" in rule.methods:
            yield rule


def expand(rule, values: dict[str, list[int]]) -> list[str]:
    """Every URL of ``rule`` for the given argument values (fails on an unknown argument)."""
    unknown = set(rule.arguments) - set(values)
    assert not unknown, f"{rule.rule}: add values for {unknown} to this test"
    names = sorted(rule.arguments)
    urls = []
    for combination in itertools.product(*(values[name] for name in names)):
        urls.append(rule.build(dict(zip(names, combination, strict=True)))[1])
    return urls


def _text_of(response) -> str:
    """A page's HTML, or what a real PDF says (a stored stand-in is read as it is)."""
    if response.mimetype == "application/pdf" and b"stand-in" not in response.data:
        return "\n".join(page_texts(response.data))
    return response.get_data(as_text=True)


def visit(browser, urls: Iterable[str]) -> dict[str, tuple[int, str]]:
    pages = {}
    for url in urls:
        response = browser.get(url)
        location = response.headers.get("Location", "")
        pages[url] = (response.status_code, _text_of(response) + location)
        assert response.status_code < 500, url
    return pages


def staff_urls(app: Flask, scene: Scene) -> list[str]:
    urls: list[str] = []
    general = {
        "template_id": scene.template_ids,
        "code": list(ALL_CODES),
        "batch_id": scene.batch_ids,
        "alert_id": [*scene.a.ids["alert_id"], *scene.b.ids["alert_id"]],
    }
    for rule in get_rules(app, ("clinician", "admin")):
        if "client_id" not in rule.arguments:
            urls += expand(rule, general)
            continue
        for record in (scene.a, scene.b):
            values = {"client_id": [record.client.id], **general, **record.ids}
            urls += expand(rule, values)
    for record in (scene.a, scene.b):
        cid = record.client.id
        goal = record.ids["goal_id"][0]
        urls += [
            f"/clients?q={record.client.preferred_name}",
            f"/clients/{cid}/homework/new?template={scene.template_ids[0]}&goal={goal}",
            f"/clients/{cid}/sessions?modality=kap",
            f"/admin/audit?client_id={cid}",
        ]
    return [*urls, "/clients?status=active&sort=recent", "/admin/audit?action=client"]


def portal_urls(app: Flask, record: Record) -> list[str]:
    urls: list[str] = []
    for rule in get_rules(app, ("portal",)):
        urls += expand(rule, record.ids)
    return [*urls, "/", "/account/password", "/resume"]


def portal_error_pages(browser, record: Record) -> dict[str, tuple[int, str]]:
    """Pages the portal renders again with a message after a refused form."""
    page = browser.get("/portal/journal").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    far = (today_utc() + timedelta(days=400)).isoformat()
    posts = {
        f"/portal/homework/{record.ids['assignment_id'][0]}/done": {"occurrence": far},
        f"/portal/goals/{record.ids['goal_id'][0]}": {"value": "99"},
        "/portal/journal": {"body": "", "visibility": "private"},
        f"/portal/journal/{record.ids['entry_id'][0]}": {"body": "", "visibility": "nope"},
        "/portal/goals/new": {"title": ""},
    }
    pages = {}
    for url, data in posts.items():
        response = browser.post(url, data={**data, "csrf_token": token})
        assert response.status_code == 400, url
        pages[f"POST {url}"] = (400, response.get_data(as_text=True))
    return pages


def leaks(pages: dict[str, tuple[int, str]], secrets: Iterable[str]) -> list[str]:
    return [
        f"{secret} on {url}"
        for url, (_, text) in pages.items()
        for secret in secrets
        if secret in text
    ]


def missing(pages: dict[str, tuple[int, str]], expected: Iterable[str]) -> list[str]:
    everything = "\n".join(text for _, text in pages.values())
    return [text for text in expected if text not in everything]


# --- staff side ----------------------------------------------------------------------

STAFF_TEAMS = {
    "therapist_a": {"A"},
    "co_therapist_a": {"A"},
    "admin_on_team_a": {"A"},
    "admin_off_team": set(),
    "therapist_b": {"B"},
}


@pytest.mark.parametrize("who", sorted(STAFF_TEAMS))
def test_staff_pages_never_show_private_client_text(app, scene, who):
    browser = app.test_client()
    assert login(browser, scene.people[who]).status_code == 302
    pages = visit(browser, staff_urls(app, scene))
    assert len(pages) > 60

    records = {"A": scene.a, "B": scene.b}
    forbidden = [*scene.a.client_only, *scene.b.client_only]
    for tag, record in records.items():
        if tag not in STAFF_TEAMS[who]:
            forbidden += [*record.therapist_only, *record.shared]
    assert leaks(pages, forbidden) == []

    for tag in STAFF_TEAMS[who]:
        record = records[tag]
        # the care team sees all of the record, and what the client shared (staff pages
        # do not repeat the instructions of an assignment: they are written to the client)
        assert missing(pages, record.therapist_only) == []
        assert missing(pages, [s for s in record.shared if "instructions" not in s]) == []
        cid = record.client.id
        for path in (f"/clients/{cid}", f"/clients/{cid}/homework"):
            status, text = pages[path]
            assert status == 200
            assert f"SHARED-{tag}-reflection" in text
            assert f"SHARED-{tag}-journal-body" in text
    if who.startswith("admin"):
        assert pages["/admin/audit"][0] == 200


def test_staff_outside_the_care_team_get_404_on_every_client_page(app, scene):
    browser = app.test_client()
    login(browser, scene.people["therapist_b"])
    client_pages = [
        url
        for url in staff_urls(app, scene)
        if url.startswith(f"/clients/{scene.a.client.id}") and "?" not in url
    ]
    assert len(client_pages) > 20
    for url, (status, _) in visit(browser, client_pages).items():
        assert status == 404, url


# --- portal side ---------------------------------------------------------------------


@pytest.mark.parametrize("who", ["client_a", "client_b"])
def test_portal_pages_never_show_therapist_text_or_another_client(app, scene, who):
    own, other = (scene.a, scene.b) if who == "client_a" else (scene.b, scene.a)
    browser = app.test_client()
    assert login(browser, scene.people[who]).headers["Location"] == "/portal/"
    pages = visit(browser, portal_urls(app, own))
    pages.update(portal_error_pages(browser, own))
    assert {
        url: status for url, (status, _) in pages.items() if status not in (200, 302, 400)
    } == {}

    forbidden = [*own.therapist_only, *other.everything]
    assert leaks(pages, forbidden) == []
    assert leaks(pages, ["CANARY-T-"]) == []

    # the client's own words and what is shared with them are there
    tag = own.tag
    assert (
        missing(
            pages,
            [
                f"CANARY-C-{tag}-journal-title",
                f"CANARY-C-{tag}-journal-body",
                f"CANARY-C-{tag}-untitled-journal-body",
                f"CANARY-C-{tag}-withdrawn-body",
                f"SHARED-{tag}-goal-title",
                f"SHARED-{tag}-goal-why",
                f"SHARED-{tag}-paused-goal",
                f"SHARED-{tag}-homework-title",
                f"SHARED-{tag}-homework-instructions",
                f"SHARED-{tag}-journal-body",
                *(f"SHARED-{tag}-plan-{key}" for key in STEP_KEYS),
            ],
        )
        == []
    )


# (url, methods) of every portal page that takes an id
PORTAL_ID_URLS = {
    "assignment_id": [("/portal/homework/{id}", "G"), ("/portal/homework/{id}/done", "P")],
    "goal_id": [("/portal/goals/{id}", "GP")],
    "entry_id": [("/portal/journal/{id}", "GP")],
    "measure_id": [("/portal/measures/{id}", "GP")],
    "report_id": [("/portal/reports/{id}/download", "G")],
}


def test_a_client_cannot_open_another_clients_ids(app, scene):
    routes = {
        re.sub(r"<int:\w+>", "{id}", rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("portal.") and rule.arguments
    }
    assert routes == {url for urls in PORTAL_ID_URLS.values() for url, _ in urls}

    browser = app.test_client()
    login(browser, scene.people["client_b"])
    page = browser.get("/portal/journal").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    before = counts()
    hijack = {
        "csrf_token": token,
        "occurrence": today_utc().isoformat(),
        "reflection": "hijack",
        "value": "1",
        "title": "hijack",
        "body": "hijack",
        "visibility": "shared",
    }
    for name, templates in PORTAL_ID_URLS.items():
        for object_id in scene.a.ids[name]:
            for template, methods in templates:
                url = template.format(id=object_id)
                if "G" in methods:
                    response = browser.get(url)
                    assert response.status_code == 404, url
                    assert (
                        leaks({url: (404, response.get_data(as_text=True))}, scene.a.everything)
                        == []
                    )
                if "P" in methods:
                    assert browser.post(url, data=hijack).status_code == 404, url
    db.session.expire_all()
    assert counts() == before
    entry = db.session.get(JournalEntry, scene.a.ids["entry_id"][0])
    assert entry.visibility == "private" and entry.body == "CANARY-C-A-journal-body"


def counts() -> tuple[int, ...]:
    return tuple(
        db.session.scalar(sa.select(sa.func.count()).select_from(model))
        for model in (HomeworkEntry, GoalRating, IntegrationGoal, JournalEntry)
    )


def test_a_client_reaches_no_staff_page(app, scene):
    browser = app.test_client()
    login(browser, scene.people["client_a"])
    pages = visit(browser, staff_urls(app, scene))
    for url, (status, _) in pages.items():
        assert status == 404, url
    assert leaks(pages, [*scene.a.therapist_only, *scene.b.everything]) == []
