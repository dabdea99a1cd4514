"""The safety plan (issue 12, section 4): written by the therapists in versions that
never change, read by the whole care team, shown to the client at the top of the
portal and printed as a one-page card in the client's language."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from babel.dates import format_date
from flask import render_template
from flask_babel import force_locale, gettext
from flask_login import login_user

from tests.factories import login, make_user, post_form
from tests.report_helpers import PRINT_UA_ELEMENTS, html_elements, page_texts, squash
from tests.session_factories import add_to_care_team
from tests.web.pages import field_error, field_value
from tracker.domain import safety_plan as rules
from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.models import AuditEvent, ImmutableRecordError, Practice, SafetyPlanVersion, User
from tracker.printing.safety_plan_card import render_card
from tracker.services import safety_plan as plan_service

# A full plan of long-ish entries, as written in a real session (about 230 characters
# a step, several lines each).
FULL_PLAN = {
    "warning_signs": (
        "Not sleeping for two nights in a row; cancelling plans with friends.\n"
        "Thinking 'everyone would be better off without me'.\n"
        "Sitting in the car after work and not wanting to go in."
    ),
    "internal_coping": (
        "Cold water on my face, then the 4-7-8 breathing for five minutes.\n"
        "Walk the dog around the lake, the long way.\n"
        "Play the piano piece I know by heart; write three lines in my journal."
    ),
    "distractions": (
        "The climbing gym on Thursday evenings (Mara is usually there).\n"
        "Café Lindner on the corner; the library reading room.\n"
        "Cooking with my neighbour Anil on Sundays."
    ),
    "help_contacts": (
        "My sister Jo: 0151 2345 6789 (any time, she said so).\n"
        "Anil (neighbour): 0176 9876 5432.\n"
        "My friend Mara: 0160 1122 3344, evenings."
    ),
    "professionals": (
        "Dr Tara A, my therapist: 030 555 0100 (Mon-Fri 9-17).\n"
        "My GP, Dr Weiss: 030 555 0200.\n"
        "Psychiatric emergency department, St. Hedwig, Große Hamburger Str. 5."
    ),
    "safe_environment": (
        "The sleeping tablets stay with Jo; I get one week at a time.\n"
        "No alcohol in the flat for now.\n"
        "The spare car key is at Anil's when I am in a bad place."
    ),
    "reasons_for_living": (
        "My niece Lotte and her first day at school in August.\n"
        "Finishing the boat with Dad's old tools.\n"
        "The dog, who needs me."
    ),
}


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def plan_url(world, rest: str = "") -> str:
    return f"/clients/{world.client_a.id}/safety-plan{rest}"


def plan_form(version: int, **texts: str) -> dict[str, str]:
    return {"version": str(version), **{key: texts.get(key, "") for key in rules.STEP_KEYS}}


def save_plan(world, texts: dict[str, str], author: User | None = None) -> SafetyPlanVersion:
    """A new version of Cora's plan through the service, committed."""
    current = plan_service.latest_version(world.client_a)
    row, _ = plan_service.save(
        world.client_a,
        author or world.therapist_a,
        texts,
        expected_version=current.version if current else 0,
    )
    db.session.commit()
    return row


def versions(world) -> list[SafetyPlanVersion]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            sa.select(SafetyPlanVersion)
            .where(SafetyPlanVersion.client_id == world.client_a.id)
            .order_by(SafetyPlanVersion.version)
        )
    )


def events(action: str) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
    )


def signed_in(app, user: User):
    browser = app.test_client()
    assert login(browser, user).status_code == 302
    return browser


@pytest.fixture
def therapist(app, world):
    """Signed in as Cora's primary therapist (Tara A)."""
    return signed_in(app, world.therapist_a)


@pytest.fixture
def cora(app, world):
    """Signed in as Cora (client A) in the portal."""
    return signed_in(app, world.client_user_a)


@pytest.fixture
def cole(app, world):
    """Signed in as Cole (client B) in the portal."""
    return signed_in(app, world.client_user_b)


def set_practice(world, **values) -> None:
    practice = db.session.get(Practice, world.practice.id)
    for name, value in values.items():
        setattr(practice, name, value)
    db.session.commit()


def set_locale(user: User, locale: str | None) -> None:
    db.session.get(User, user.id).locale = locale
    db.session.commit()


# --- writing the plan ---------------------------------------------------------------


def test_without_a_plan_the_page_invites_writing_one(therapist, cora, world):
    page = text(therapist.get(plan_url(world)))
    assert "No safety plan yet." in page
    assert "Write the plan" in page
    assert "Print the client's card" not in page
    assert therapist.get(plan_url(world, "/card.pdf")).status_code == 404
    assert "Your safety plan" not in text(cora.get("/portal/"))
    assert cora.get("/portal/safety-plan/card.pdf").status_code == 404


def test_the_client_record_links_to_the_plan(therapist, world):
    page = therapist.get(f"/clients/{world.client_a.id}").get_data(as_text=True)
    assert f'href="{plan_url(world)}"' in page


def test_writing_the_plan_stores_version_1_encrypted_and_audited(therapist, world):
    response = post_form(
        therapist,
        plan_url(world, "/edit"),
        plan_form(0, **{**FULL_PLAN, "distractions": "  Café  "}),
    )
    assert response.status_code == 302
    assert response.headers["Location"] == plan_url(world)
    (stored,) = versions(world)
    assert stored.version == 1 and stored.created_by_id == world.therapist_a.id
    assert stored.distractions == "Café"
    assert stored.warning_signs == FULL_PLAN["warning_signs"].strip()
    raw = db.session.execute(
        sa.text("SELECT warning_signs FROM safety_plan_version WHERE id = :id"), {"id": stored.id}
    ).scalar_one()
    assert "sleeping" not in raw  # encrypted at rest
    (event,) = events("safety_plan.update")
    assert (event.record_type, event.record_id, event.client_id) == (
        "safety_plan_version",
        stored.id,
        world.client_a.id,
    )
    assert event.detail == "version=1," + ",".join(rules.STEP_KEYS)

    page = text(therapist.get(plan_url(world)))
    assert "Safety plan saved as version 1." in page
    assert "Version 1, saved by Tara A" in page
    assert "Anil (neighbour): 0176 9876 5432." in page


def test_editing_prefills_the_latest_and_saves_a_new_version_keeping_the_old(therapist, world):
    save_plan(world, {"warning_signs": "Old signs", "reasons_for_living": "My dog"})
    save_plan(world, {"warning_signs": "Newer signs", "reasons_for_living": "My dog"})
    form = text(therapist.get(plan_url(world, "/edit")))
    assert field_value(form, "warning_signs") == "Newer signs"
    assert field_value(form, "reasons_for_living") == "My dog"
    assert field_value(form, "version") == "2"

    response = post_form(
        therapist,
        plan_url(world, "/edit"),
        plan_form(2, warning_signs="Newest signs", reasons_for_living="My dog"),
    )
    assert response.status_code == 302
    stored = versions(world)
    assert [(v.version, v.warning_signs) for v in stored] == [
        (1, "Old signs"),
        (2, "Newer signs"),
        (3, "Newest signs"),
    ]
    (event,) = events("safety_plan.update")
    assert event.detail == "version=3,warning_signs"  # the names of what changed only

    page = text(therapist.get(plan_url(world)))
    assert "Newest signs" in page and "Old signs" not in page
    assert "All versions" in page
    for number in (1, 2, 3):
        assert f'href="{plan_url(world, f"/versions/{number}")}"' in page
    old = text(therapist.get(plan_url(world, "/versions/1")))
    assert "Old signs" in old
    assert "A later version replaced it" in old
    assert "This is the current version." in text(therapist.get(plan_url(world, "/versions/3")))
    assert therapist.get(plan_url(world, "/versions/4")).status_code == 404


def test_saving_without_a_change_adds_no_version(therapist, world):
    save_plan(world, {"warning_signs": "Same"})
    response = post_form(therapist, plan_url(world, "/edit"), plan_form(1, warning_signs="Same "))
    assert response.status_code == 302
    assert "Nothing changed, so no new version was saved." in text(therapist.get(plan_url(world)))
    assert len(versions(world)) == 1
    assert events("safety_plan.update") == []


def test_a_stale_save_is_a_409_that_keeps_the_typed_text(app, therapist, world):
    save_plan(world, {"warning_signs": "Version one"})
    colleague = make_user(world.practice, Role.THERAPIST, name="Cleo Co")
    add_to_care_team(world.client_a, colleague, "co_therapist")
    db.session.commit()
    assert field_value(text(therapist.get(plan_url(world, "/edit"))), "version") == "1"
    # Meanwhile, in another tab, the co-therapist saves version 2.
    save_plan(world, {"warning_signs": "Saved meanwhile by Cleo"}, author=colleague)

    response = post_form(
        therapist,
        plan_url(world, "/edit"),
        plan_form(1, warning_signs="My careful new wording", help_contacts="Jo: 0151 234"),
    )
    assert response.status_code == 409
    page = text(response)
    assert "Someone saved the plan after you opened it." in page
    assert "The version saved meanwhile" in page
    assert "Version 2, saved by Cleo Co" in page
    assert "Saved meanwhile by Cleo" in page
    assert field_value(page, "warning_signs") == "My careful new wording"
    assert field_value(page, "help_contacts") == "Jo: 0151 234"
    assert field_value(page, "version") == "2"
    assert [v.warning_signs for v in versions(world)] == ["Version one", "Saved meanwhile by Cleo"]

    # Saving again from the conflict page makes the typed text the newest version.
    again = post_form(
        therapist,
        plan_url(world, "/edit"),
        plan_form(2, warning_signs="My careful new wording", help_contacts="Jo: 0151 234"),
    )
    assert again.status_code == 302
    assert versions(world)[-1].warning_signs == "My careful new wording"


def test_two_saves_racing_for_the_same_version_cannot_both_win(world, monkeypatch):
    first = save_plan(world, {"warning_signs": "One"})
    save_plan(world, {"warning_signs": "Raced"})  # another request saved version 2
    real = plan_service.latest_version
    reads = []

    def read_before_the_other_save(client):
        reads.append(client.id)
        return first if len(reads) == 1 else real(client)

    monkeypatch.setattr(plan_service, "latest_version", read_before_the_other_save)
    with pytest.raises(plan_service.StalePlanError) as stale:
        plan_service.save(world.client_a, world.therapist_a, {"warning_signs": "Mine"}, 1)
    assert stale.value.current.version == 2
    assert [v.warning_signs for v in versions(world)] == ["One", "Raced"]


def test_too_long_a_step_is_a_400_next_to_the_field_with_the_text_kept(therapist, world):
    long = "x" * (rules.MAX_SECTION_LENGTH + 1)
    response = post_form(
        therapist,
        plan_url(world, "/edit"),
        plan_form(0, warning_signs="Kept", safe_environment=long),
    )
    assert response.status_code == 400
    page = text(response)
    assert "2000" in field_error(page, "safe_environment")
    assert field_value(page, "warning_signs") == "Kept"
    assert versions(world) == []


@pytest.mark.parametrize("version", ["", "abc", "-1", "1" * 12])
def test_a_tampered_version_is_a_400(therapist, world, version):
    data = {**plan_form(0, warning_signs="x"), "version": version}
    assert post_form(therapist, plan_url(world, "/edit"), data).status_code == 400
    assert versions(world) == []


@pytest.mark.parametrize(
    ("role", "reads", "writes"),
    [
        ("co_therapist", 200, 200),
        ("prescriber", 200, 403),
        ("supervisor", 200, 403),
        (None, 404, 404),  # a colleague not on the care team
    ],
)
def test_the_care_team_reads_and_the_therapists_write(app, world, role, reads, writes):
    save_plan(world, {"reasons_for_living": "Lotte"})
    colleague = make_user(world.practice, Role.THERAPIST)
    if role:
        add_to_care_team(world.client_a, colleague, role)
    db.session.commit()
    browser = signed_in(app, colleague)
    assert browser.get(plan_url(world)).status_code == reads
    assert browser.get(plan_url(world, "/versions/1")).status_code == reads
    assert browser.get(plan_url(world, "/edit")).status_code == writes
    page = text(browser.get(plan_url(world))) if reads == 200 else ""
    assert ("Edit the plan" in page) is (writes == 200)


def test_the_admin_sees_no_plan(app, world):
    save_plan(world, {"reasons_for_living": "Lotte"})
    admin = signed_in(app, world.admin)
    for rest in ("", "/edit", "/versions/1", "/card.pdf"):
        assert admin.get(plan_url(world, rest)).status_code == 404


def test_viewing_the_plan_is_audited_by_id(therapist, world):
    row = save_plan(world, {"reasons_for_living": "Lotte"})
    therapist.get(plan_url(world))
    therapist.get(plan_url(world, "/edit"))
    therapist.get(plan_url(world, "/versions/1"))
    seen = events("safety_plan.view")
    assert [(e.record_id, e.client_id, e.detail) for e in seen] == [
        (row.id, world.client_a.id, "version=1"),
        (row.id, world.client_a.id, "form=edit"),
        (row.id, world.client_a.id, "version=1"),
    ]


def test_versions_never_change_or_go(world):
    row = save_plan(world, {"reasons_for_living": "Lotte"})
    row.reasons_for_living = "Changed"
    with pytest.raises(ImmutableRecordError):
        db.session.flush()
    db.session.rollback()
    for statement in (
        "UPDATE safety_plan_version SET version = 9",
        "DELETE FROM safety_plan_version",
    ):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            db.session.execute(sa.text(statement))
        db.session.rollback()
    assert [v.reasons_for_living for v in versions(world)] == ["Lotte"]


# --- the portal -----------------------------------------------------------------------


def test_the_portal_home_shows_only_the_newest_version_at_the_top(cora, world):
    save_plan(world, {"warning_signs": "Superseded wording", "reasons_for_living": "Lotte"})
    save_plan(world, {**FULL_PLAN})
    page = text(cora.get("/portal/"))
    assert "Superseded wording" not in page
    assert "The dog, who needs me." in page
    main = page[page.index("<main") :]
    # The crisis box, then the plan, then everything else (the welcome heading first).
    assert main.index('id="crisis"') < main.index("Your safety plan") < main.index("<h1")
    titles = re.findall(r"<h3>([^<]+)</h3>", main[: main.index("<h1")])
    assert titles == [
        "My warning signs",
        "Things I can do on my own",
        "People and places that distract me",
        "People I can ask for help",
        "Professionals and crisis lines",
        "Making my surroundings safe",
        "My reasons for living",
    ]
    assert 'href="/portal/safety-plan/card.pdf"' in page


def test_a_client_never_sees_another_clients_plan(cole, world):
    save_plan(world, {**FULL_PLAN})
    assert "Your safety plan" not in text(cole.get("/portal/"))
    assert "The dog, who needs me." not in text(cole.get("/portal/"))
    assert cole.get("/portal/safety-plan/card.pdf").status_code == 404


# --- the card -------------------------------------------------------------------------


def card_text(response) -> str:
    (only,) = page_texts(response.data)
    return only


def long_date(row: SafetyPlanVersion, locale: str) -> str:
    return format_date(row.created_at.date(), "long", locale=locale)


def test_the_card_is_one_page_with_the_whole_plan_and_a_clean_file_name(cora, world):
    set_practice(world, crisis_country="DE")
    row = save_plan(world, {**FULL_PLAN})
    response = cora.get("/portal/safety-plan/card.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    filename = re.search(r'filename="([^"]+)"', disposition).group(1)
    assert re.fullmatch(r"safety-plan-C\d{4}-v1-\d{4}-\d{2}-\d{2}\.pdf", filename)
    assert "Cora" not in disposition and "Lotte" not in disposition
    page = squash(card_text(response))  # exactly one page, or card_text fails
    for expected in (
        "My safety plan",
        "1.My warning signs",
        "7.My reasons for living",
        "Test Practice",
        long_date(row, "en"),
        *(line for text_ in FULL_PLAN.values() for line in text_.splitlines()),
        "112",
        "08001110111",
        "08001110222",
        "116123",
        "116117",
    ):
        assert squash(expected) in page, expected
    assert "Cora" not in page  # the card names nobody: lost, it tells no stranger who
    (event,) = events("safety_plan.download")
    assert (event.actor_id, event.record_id, event.detail) == (
        world.client_user_a.id,
        row.id,
        "version=1",
    )


def test_the_card_is_well_formed_for_the_fast_parser(cora, world, monkeypatch):
    from tracker.printing import pdf

    documents: list[str] = []
    render = pdf.RenderPool.render

    def keeping(self, html, *args, **kwargs):
        documents.append(html)
        return render(self, html, *args, **kwargs)

    monkeypatch.setattr(pdf.RenderPool, "render", keeping)
    save_plan(world, {**FULL_PLAN})

    assert cora.get("/portal/safety-plan/card.pdf").status_code == 200
    assert documents and all(pdf.parse_xhtml(card) is not None for card in documents)
    for card in documents:
        assert html_elements(card) <= PRINT_UA_ELEMENTS


def test_the_card_is_in_the_clients_language(cora, world):
    set_locale(world.client_user_a, "de")
    row = save_plan(world, {**FULL_PLAN})
    page = squash(card_text(cora.get("/portal/safety-plan/card.pdf")))
    assert squash(long_date(row, "de")) in page  # "4. Dezember 2026"
    assert squash(long_date(row, "en")) not in page
    with force_locale("de"):
        for words in ("My safety plan", "My reasons for living"):
            assert squash(gettext(words)) in page
    assert squash(FULL_PLAN["reasons_for_living"].splitlines()[0]) in page


def test_the_therapist_prints_the_card_in_the_clients_language(therapist, world):
    set_locale(world.client_user_a, "de")
    row = save_plan(world, {**FULL_PLAN})
    response = therapist.get(plan_url(world, "/card.pdf"))
    assert response.status_code == 200
    assert squash(long_date(row, "de")) in squash(card_text(response))
    (event,) = events("safety_plan.download")
    assert (event.actor_id, event.detail) == (world.therapist_a.id, "version=1")


def test_without_numbers_the_card_says_local_emergency_number(cora, world):
    save_plan(world, {"reasons_for_living": "Lotte"})
    page = squash(card_text(cora.get("/portal/safety-plan/card.pdf")))
    assert squash("In an emergency: your local emergency number.") in page
    assert "112" not in page


def test_a_long_plan_gets_smaller_type_and_a_too_long_one_says_it_continues(app, world):
    longer = {key: "\n".join([text_] * 2) for key, text_ in FULL_PLAN.items()}
    longest = dict.fromkeys(rules.STEP_KEYS, ("Walk the long way round the lake. " * 60)[:2000])
    practice = db.session.get(Practice, world.practice.id)
    with app.test_request_context("/portal/"):
        login_user(world.client_user_a)
        card = render_card(world.client_a, save_plan(world, longer), practice)
        assert (card.pages, card.size) == (1, "size-small")
        card = render_card(world.client_a, save_plan(world, longest), practice)
    assert card.pages > 1 and card.size == "size-smallest"
    first = squash(page_texts(card.content)[0])
    assert squash("This plan is longer than one page: it continues overleaf.") in first


# --- the crisis box -------------------------------------------------------------------


def test_german_defaults_are_tappable_numbers(cora, world):
    set_practice(world, crisis_country="DE", crisis_resources="")
    page = cora.get("/portal/").get_data(as_text=True)
    box = page[page.index('id="crisis"') : page.index("</aside>")]
    assert re.findall(r'href="(tel:[^"]+)"', box) == [
        "tel:112",
        "tel:08001110111",
        "tel:08001110222",
        "tel:116123",
        "tel:116117",
    ]
    assert "TelefonSeelsorge" in box


def test_elsewhere_the_box_names_the_local_emergency_number_and_no_number(cora, world):
    set_practice(world, crisis_country="", crisis_resources="")
    page = text(cora.get("/portal/"))
    box = page[page.index('id="crisis"') : page.index("</aside>")]
    assert "Call your local emergency number now." in box
    assert "tel:" not in box


def test_the_practices_own_numbers_replace_the_defaults(cora, world):
    set_practice(
        world,
        crisis_country="DE",
        crisis_resources="Practice urgent line: +49 (0)30 555 0100\nKrisendienst: 030 390 63 00",
    )
    page = text(cora.get("/portal/journal"))
    box = page[page.index('id="crisis"') : page.index("</aside>")]
    assert re.findall(r'href="(tel:[^"]+)"', box) == ["tel:+49305550100", "tel:0303906300"]
    assert "Practice urgent line:" in box and "116 117" not in box


def first_element_in_main(page: str) -> str:
    """The opening tag of the first element inside ``<main>``."""
    inside = page[page.index("<main") :]
    inside = inside[inside.index(">") + 1 :]
    return re.search(r"<[a-zA-Z][^>]*>", inside).group(0)


@pytest.fixture
def portal_records(world):
    """One of Cora's records for each portal page that takes an id."""
    from tests.factories import assign_measure, make_assignment, make_goal, write_journal

    records = {
        "assignment_id": make_assignment(world.client_a).id,
        "goal_id": make_goal(world.client_a).id,
        "entry_id": write_journal(world.client_a, "Mine").id,
        "measure_id": assign_measure(world.client_a, "phq9").id,
    }
    db.session.commit()
    return records


def test_the_crisis_box_opens_every_portal_page(app, cora, world, portal_records):
    """Every HTML page of the portal, including the flash after a form and the pages of
    refusals: the first element inside <main> is the crisis box."""
    save_plan(world, {"reasons_for_living": "Lotte"})
    checked = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("portal.") or "GET" not in rule.methods:
            continue
        if rule.rule.endswith(".pdf") or rule.endpoint == "portal.download_report":
            continue  # files, not pages
        url = app.url_map.bind("localhost").build(
            rule.endpoint, {name: portal_records[name] for name in rule.arguments}
        )
        response = cora.get(url)
        assert response.status_code == 200, url
        tag = first_element_in_main(response.get_data(as_text=True))
        assert 'class="crisis-box"' in tag, f"{url}: {tag}"
        checked.append(rule.endpoint)
    assert {"portal.home", "portal.journal", "portal.fill_measure"} <= set(checked)


def test_the_crisis_box_opens_the_page_of_a_questionnaire_no_longer_due(cora, world):
    from tests.factories import answer_measure, assign_measure

    assignment = assign_measure(world.client_a, "phq9")
    answer_measure(world.client_a, "phq9", 3, assignment=assignment)
    db.session.commit()
    response = cora.get(f"/portal/measures/{assignment.id}")
    assert response.status_code == 404
    assert 'class="crisis-box"' in first_element_in_main(response.get_data(as_text=True))


# --- after a safety flag ----------------------------------------------------------------


def answer_with_item_9(cora, world):
    from tests.factories import assign_measure

    assignment = assign_measure(world.client_a, "phq9")
    db.session.commit()
    data = {f"item_{n}": "1" if n == 9 else "0" for n in range(1, 10)}
    return post_form(cora, f"/portal/measures/{assignment.id}", data, form_page="/portal/journal")


def test_after_a_flag_the_client_reads_first_what_to_do_then_what_really_happens(
    cora, world, smtp_server
):
    set_practice(world, crisis_country="DE", alert_response_hours=6, alert_escalation_minutes=90)
    response = answer_with_item_9(cora, world)
    assert response.status_code == 200
    raw = response.get_data(as_text=True)
    assert 'role="alert"' in first_element_in_main(raw)
    page = html.unescape(raw[raw.index("<main") :])
    order = [
        "If you are in danger now",
        "Please do not wait for us. Call now:",
        'href="tel:112"',
        "You are not alone with this",
        "Your care team (your therapist, Tara A, and anyone else caring for you here) is "
        "being sent a message now.",
        "They usually respond within 6 hours.",
        "If nobody on your care team has confirmed they have seen it within 1 hour 30 "
        "minutes, the practice's backup clinicians are told as well.",
        "the app does not phone anyone",
        "<h1>Thank you</h1>",
    ]
    positions = [page.index(words) for words in order]
    assert positions == sorted(positions)
    assert 'href="tel:112"' in raw
    for promise in ("will call you", "will reach out", "at once as well"):
        assert promise not in page


def test_without_numbers_the_flag_page_names_the_local_emergency_number(cora, world, smtp_server):
    set_practice(world, crisis_country="", crisis_resources="", alert_response_hours=1)
    page = text(answer_with_item_9(cora, world))
    assert "Call your local emergency number now." in page
    assert "They usually respond within 1 hour." in page
    assert "within 2 hours, the practice's backup clinicians" in page  # the default
    assert "call your local emergency number now." in page.split("You are not alone")[1]


def test_an_urgent_alert_says_the_backup_clinicians_are_told_at_once(app, world, smtp_server):
    """A high-risk C-SSRS screen escalates at once (domain.alerts): the page says so
    instead of the waiting time."""
    with app.test_request_context("/portal/"):
        login_user(world.client_user_a)
        page = html.unescape(
            render_template(
                "portal/measure_done.html",
                client=world.client_a,
                flagged=True,
                urgent=True,
                therapist_name="Tara A",
                response_hours=24,
                escalation_minutes=120,
                mail_configured=True,
            )
        )
    assert "the practice's backup clinicians are being told at once as well" in page
    assert "If nobody on your care team has confirmed" not in page
    assert "you may be close to acting on these thoughts" in page  # first, before the team


def test_without_e_mail_the_client_is_not_told_anyone_was_notified(cora, world):
    """No MAIL_SERVER: the messages wait in the outbox, so the page promises nothing."""
    set_practice(world, crisis_country="DE")
    page = text(answer_with_item_9(cora, world))
    assert "This installation cannot send e-mail at the moment, so nobody is told" in page
    assert "Please do not wait for them to see it" in page
    for promise in ("is being sent a message now", "usually respond within", "backup clinicians"):
        assert promise not in page


def test_no_flag_no_alarm(cora, world):
    from tests.factories import assign_measure

    assignment = assign_measure(world.client_a, "phq9")
    db.session.commit()
    data = {f"item_{n}": "0" for n in range(1, 10)}
    response = post_form(
        cora, f"/portal/measures/{assignment.id}", data, form_page="/portal/journal"
    )
    page = text(response)
    assert "You are not alone with this" not in page
    assert "If you are in crisis" in page  # the everyday box, as on every page
    assert 'role="alert"' not in first_element_in_main(response.get_data(as_text=True))


def test_the_plans_date_is_the_practices_local_date(cora, world):
    """The home page's 'as of' date is the practice's local date of the version."""
    set_practice(world, timezone="Pacific/Kiritimati")  # UTC+14: often already tomorrow
    row = save_plan(world, {"reasons_for_living": "Lotte"})
    local = (row.created_at + timedelta(hours=14)).date()
    assert format_date(local, "long", locale="en") in text(cora.get("/portal/"))
