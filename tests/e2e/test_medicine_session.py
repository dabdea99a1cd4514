"""The medicine session on one screen (issue 11), in a real browser: the click budget of
a typical session and of its integration, field errors without a reload, the page on a
phone, and axe-core on the panels that appear while dosing.

Sessions are placed relative to the real clock (the live server runs on real time):
a medicine session that started three hours ago, so the typed times of the readings,
doses and discharge all lie in the past and two hours of observation can pass.
"""

from __future__ import annotations

import json
import re
import tempfile
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from playwright.sync_api import Page, expect
from sqlalchemy import select

from tests.e2e.helpers import SessionClock, check_accessibility, sign_in, type_into, url_id

THERAPIST = "therapist@demo.test"
THERAPIST_2 = "therapist2@demo.test"
SAM = "Samuel Okafor"  # cleared, consent given, Dr. Priya Nair prescribes
ROSA = "Rosa María Delgado"  # clearance pending, no consent: a dose is not ready
LENA = "Magdalena Hoffmann"  # cleared, consent given, therapist2's client
PRESCRIBER_NAME = "Dr. Priya Nair"
CLOCK_TIME = r"\d{1,2}:\d\d(\s?[AP]M)?"  # a time as the page shows it (locale format)
READING_FIELDS = ("Systolic", "Diastolic", "Heart rate", "SpO₂ %")
COUNT_CLICKS = """() => {
  window.__clicks = 0;
  document.addEventListener("click", (event) => {
    if (event.isTrusted) window.__clicks += 1;
  }, true);
}"""
MEDICINE_CLICK_BUDGET = 15
INTEGRATION_CLICK_BUDGET = 4


# --- steps -----------------------------------------------------------------------------


def readings_rows(page: Page):
    return page.locator("#vitals table:not(.vitals-entry) tbody tr")


def dose_rows(page: Page):
    return page.locator("#dosing table tbody tr")


def type_reading(page: Page, at: str | None, values: tuple[int, int, int, int], row: int = 1):
    if at is not None:
        page.get_by_label(f"Time (row {row})", exact=True).fill(at)
    for label, value in zip(READING_FIELDS, values, strict=True):
        type_into(page.get_by_label(f"{label} (row {row})", exact=True), str(value))


def add_reading(page: Page, at: str, values: tuple[int, int, int, int]) -> None:
    """One row, saved with one click, as the readings come in during monitoring."""
    before = readings_rows(page).count()
    type_reading(page, at, values)
    page.get_by_role("button", name="Save readings").click()
    expect(readings_rows(page)).to_have_count(before + 1)


def record_dose(page: Page, *, mg: str, at: str, weight: str | None = None) -> None:
    if weight is not None:
        type_into(page.get_by_label("Client weight (kg)"), weight)
    type_into(page.get_by_label("Dose (mg)"), mg)
    page.get_by_role("textbox", name="Time given", exact=True).fill(at)


def no_reload_since_counting(page: Page) -> int:
    """The trusted clicks since COUNT_CLICKS ran; fails if the page was reloaded since
    (a new document has no counter)."""
    clicks = page.evaluate("() => window.__clicks")
    assert clicks is not None, "the page was reloaded (the click counter is gone)"
    return clicks


def client_id_of(with_app, legal_name: str) -> int:
    def find() -> int:
        from tracker.extensions import db
        from tracker.models import Client

        return db.session.scalar(select(Client.id).where(Client.legal_name == legal_name))

    return with_app(find)


def draft_medicine_session(
    with_app, legal_name: str, clock: SessionClock, *, dosed=False, ready=False
):
    """A draft KAP medicine session of the client (by their primary therapist), 180
    minutes from ``clock``'s start; with ``dosed``, a reading and the prescriber's dose
    15 minutes in; with ``ready``, a reading 30 minutes in and the checklist done.
    Returns (client id, session id)."""

    def create() -> tuple[int, int]:
        from tracker.extensions import db
        from tracker.models import (
            Client,
            KetamineAdministration,
            Practice,
            TherapySession,
            User,
            VitalSign,
        )

        client = db.session.scalar(select(Client).where(Client.legal_name == legal_name))
        session = TherapySession(
            client_id=client.id,
            therapist_id=client.primary_therapist_id,
            starts_at=clock.starts_at,
            duration_minutes=180,
            modality="kap",
            phase="medicine",
            setting="in_person",
            note_format="soap",
            suicide_screen="negative",
            status="draft",
        )
        db.session.add(session)
        db.session.flush()
        if ready:
            practice = db.session.get(Practice, client.practice_id)
            session.checklist_done = json.dumps(list(practice.checklist_items))
            db.session.add(
                VitalSign(
                    session_id=session.id,
                    taken_at=clock.starts_at + timedelta(minutes=30),
                    systolic=118,
                    diastolic=76,
                    heart_rate=68,
                    spo2=99,
                    recorded_by_id=client.primary_therapist_id,
                )
            )
        if dosed:
            prescriber = db.session.scalar(select(User).where(User.name == PRESCRIBER_NAME))
            db.session.add(
                VitalSign(
                    session_id=session.id,
                    taken_at=clock.starts_at + timedelta(minutes=10),
                    systolic=126,
                    diastolic=80,
                    heart_rate=72,
                    spo2=98,
                    recorded_by_id=client.primary_therapist_id,
                )
            )
            db.session.add(
                KetamineAdministration(
                    session_id=session.id,
                    route="im",
                    dose_mg=Decimal("50"),
                    weight_kg=Decimal("58.0"),
                    mg_per_kg=Decimal("0.86"),
                    given_at=clock.starts_at + timedelta(minutes=15),
                    override_findings="checklist_incomplete,no_consent,not_cleared",
                    override_reason="Clearance and consent confirmed on paper; entered later.",
                    override_by_id=prescriber.id,
                    override_at=clock.starts_at + timedelta(minutes=15),
                    recorded_by_id=prescriber.id,
                )
            )
        db.session.commit()
        return client.id, session.id

    return with_app(create)


# --- a typical session, then its integration -------------------------------------------


def test_a_typical_medicine_session_and_its_integration(journey, with_app, practice_zone):
    clock = SessionClock.started_ago(180, practice_zone)
    sam = client_id_of(with_app, SAM)
    page = journey.new_page()
    sign_in(page, THERAPIST)

    # Creating the session: the form proposes what comes next in Sam's course.
    page.goto(f"/clients/{sam}/sessions")
    page.get_by_role("button", name="Record a session").click()
    expect(page.get_by_label("Phase")).to_have_value("medicine")
    expect(page.get_by_label("Modality")).to_have_value("kap")
    page.get_by_label("Date").fill(clock.date)
    page.get_by_label("Start time").fill(clock.at(0))
    type_into(page.get_by_label("Duration (minutes)"), "180")
    type_into(page.get_by_label("Intention"), "To let the grief move")
    page.get_by_label("Negative: no suicidal ideation").check()
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Session saved as a draft.")).to_be_visible()
    session_url = page.url

    # From here on every click on the page is counted, and the page never reloads.
    page.evaluate(COUNT_CLICKS)
    readiness = page.locator("#readiness")
    expect(readiness).to_contain_text("Cleared for ketamine")
    expect(readiness).to_contain_text("KAP informed consent active")
    expect(readiness).to_contain_text(re.compile(f"Not ready to dose at {CLOCK_TIME}:"))
    expect(readiness).to_contain_text("Pre-dose checklist not complete")

    add_reading(page, clock.at(5), (128, 82, 72, 98))
    # The message is announced in the one status region the page keeps, and the focus
    # stays on the button that saved (not thrown back to the top of the page).
    expect(page.locator(".flashes")).to_have_count(1)
    expect(page.get_by_role("status").filter(has_text="Vitals recorded.")).to_be_visible()
    expect(page.get_by_role("button", name="Save readings")).to_be_focused()
    page.get_by_role("button", name="All done").click()
    expect(page.get_by_text("Checklist saved: 5 of 5 done.")).to_be_visible()
    expect(readiness).not_to_contain_text("Pre-dose checklist not complete")

    # Dose 1: route and prescriber carried over, today's weight asked (the screening's
    # is older than 90 days), the mg/kg shown while typing.
    expect(page.get_by_label("Route")).to_have_value("im")
    prescriber = page.get_by_label("Prescriber", exact=True)
    expect(prescriber.locator("option:checked")).to_have_text(PRESCRIBER_NAME)
    expect(page.get_by_label("Client weight (kg)")).to_have_accessible_description(
        re.compile("weigh the client today")
    )
    record_dose(page, mg="60", at=clock.at(10), weight="80")
    preview = page.locator("[data-dose-preview]")
    expect(preview).to_have_text("This dose: 0.75 mg/kg · session total by this route: 0.75 mg/kg")
    page.get_by_role("button", name="Record dose").click()
    expect(dose_rows(page)).to_have_count(1)
    expect(page.get_by_text("Dose recorded.")).to_be_visible()
    expect(readiness.locator(".monitoring")).to_contain_text(
        re.compile(f"(Next reading due at|Reading overdue since) {CLOCK_TIME}")
    )
    expect(readiness.locator(".monitoring")).to_contain_text("Blood-pressure re-check")

    add_reading(page, clock.at(25), (134, 84, 80, 98))
    add_reading(page, clock.at(38), (130, 82, 76, 98))

    # Dose 2: the weight is today's from dose 1; the preview adds up the session.
    expect(page.get_by_label("Client weight (kg)")).to_have_value("80.0")
    record_dose(page, mg="30", at=clock.at(40))
    expect(preview).to_have_text("This dose: 0.38 mg/kg · session total by this route: 1.13 mg/kg")
    page.get_by_role("button", name="Record dose").click()
    expect(dose_rows(page)).to_have_count(2)
    expect(page.locator("#dose-totals")).to_contain_text("Intramuscular (IM) 90 mg (1.13 mg/kg)")

    add_reading(page, clock.at(55), (132, 84, 78, 97))  # the 40-minute re-check
    expect(readiness).to_contain_text("Blood-pressure re-check after the dose done.")
    add_reading(page, clock.at(120), (124, 80, 70, 98))
    add_reading(page, clock.at(165), (120, 78, 68, 99))

    note = page.locator("#note")
    for section, text in (
        ("Subjective", "Felt the grief rise and pass; named his father twice."),
        ("Objective", "Calm, oriented by the end; mild nausea at 30 minutes, settled."),
        ("Assessment", "Good tolerance of two IM doses; engaged with the material."),
        ("Plan", "Integration in two days; bring the letters."),
    ):
        type_into(note.get_by_role("textbox", name=section, exact=True), text)
    page.get_by_role("button", name="Save note").click()
    expect(page.get_by_text("Note saved.")).to_be_visible()

    discharge = page.locator("#discharge")
    expect(discharge.get_by_label("Went home")).to_be_checked()
    discharge.get_by_label("Oriented and walking steadily").check()
    discharge.get_by_label("Escort present or transport arranged").check()
    type_into(discharge.get_by_label("Left with"), "His partner, by car")
    discharge.get_by_label("Time", exact=True).fill(clock.at(170))
    page.get_by_role("button", name="Record discharge").click()
    expect(page.get_by_text("Discharge recorded.")).to_be_visible()

    page.get_by_role("button", name="Sign the note…").click()
    panel = page.locator(".sign-panel")
    expect(panel).to_contain_text("2 doses")
    expect(panel).to_contain_text("6 vitals readings")
    expect(panel).to_contain_text("Discharge: Went home")
    page.get_by_role("button", name="Sign and lock").click()
    expect(page.get_by_text("Note signed.")).to_be_visible()

    clicks = no_reload_since_counting(page)
    print(f"medicine session: {clicks} clicks beyond typing")
    assert clicks <= MEDICINE_CLICK_BUDGET, f"{clicks} clicks"
    assert page.url == session_url

    # What the page shows once signed.
    expect(page.locator(".signed-banner")).to_contain_text("Signed by Dr. Maya Rivera")
    expect(page.get_by_role("button", name="Sign the note…")).to_have_count(0)
    expect(dose_rows(page)).to_have_count(2)
    expect(page.locator("#dose-totals")).to_contain_text("Intramuscular (IM) 90 mg (1.13 mg/kg)")
    expect(readings_rows(page)).to_have_count(6)
    expect(discharge).to_contain_text("Went home")
    expect(discharge).to_contain_text("left with His partner, by car")
    expect(page.locator("#note")).to_contain_text("bring the letters")

    # The integration that follows: proposed as such, typed, signed in four clicks.
    page.goto(f"/clients/{sam}/sessions")
    clicks = 0
    page.get_by_role("button", name="Record a session").click()
    clicks += 1
    expect(page.get_by_label("Phase")).to_have_value("integration")
    type_into(
        page.get_by_role("textbox", name="Subjective"), "Slept well; the letters feel lighter."
    )
    type_into(page.get_by_role("textbox", name="Plan", exact=True), "Next medicine session.")
    page.get_by_role("button", name="Save draft").click()
    clicks += 1
    expect(page.get_by_text("Session saved as a draft.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Integration")
    page.get_by_role("button", name="Sign the note…").click()
    clicks += 1
    page.get_by_role("button", name="Sign and lock").click()
    clicks += 1
    expect(page.get_by_text("Note signed.")).to_be_visible()
    print(f"integration session: {clicks} clicks beyond typing")
    assert clicks <= INTEGRATION_CLICK_BUDGET
    journey.problems.assert_clean()


# --- wrong input -------------------------------------------------------------------------


def test_wrong_numbers_are_marked_next_to_the_fields_without_a_reload(
    journey, with_app, practice_zone
):
    clock = SessionClock.started_ago(60, practice_zone)
    client, session = draft_medicine_session(with_app, ROSA, clock)
    page = journey.new_page()
    sign_in(page, THERAPIST)
    page.goto(f"/clients/{client}/sessions/{session}")
    page.evaluate(COUNT_CLICKS)

    # The dose field is a number field: the browser takes none of "NaN"'s letters, and
    # the server says what is missing next to the field; the rest typed stays.
    record_dose(page, mg="NaN", at=clock.at(10), weight="58")
    dose = page.get_by_label("Dose (mg)")
    expect(dose).to_have_value("")
    expect(page.locator("[data-dose-preview]")).to_have_text("")
    page.get_by_role("button", name="Record dose").click()
    expect(dose).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#dose_mg-error")).to_be_visible()
    expect(page.locator("#dose_mg-error")).to_have_text(re.compile(r"\w"))
    expect(dose).to_have_accessible_description(re.compile(r"\w"))
    expect(dose).to_be_focused()
    expect(page.get_by_label("Client weight (kg)")).to_have_value(re.compile(r"^58"))
    expect(page.locator("#dosing")).to_contain_text("No dose recorded.")

    # The same with a systolic of "abc": the row is not taken half, and says why.
    type_reading(page, clock.at(5), (0, 84, 72, 98))
    systolic = page.get_by_label("Systolic (row 1)", exact=True)
    systolic.fill("")
    systolic.press_sequentially("abc")
    expect(systolic).to_have_value("")
    page.get_by_role("button", name="Save readings").click()
    expect(systolic).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#rows-0-systolic-error")).to_be_visible()
    expect(page.locator("#rows-0-systolic-error")).to_have_text(re.compile(r"\w"))
    expect(systolic).to_have_accessible_description(re.compile(r"\w"))
    expect(systolic).to_be_focused()
    expect(page.get_by_label("Diastolic (row 1)", exact=True)).to_have_value("84")
    expect(page.get_by_label("Time (row 1)", exact=True)).to_have_value(clock.at(5))
    expect(page.locator("#vitals")).to_contain_text("No vitals recorded.")

    assert no_reload_since_counting(page) == 2

    def nothing_saved() -> tuple[int, int]:
        from tracker.extensions import db
        from tracker.models import KetamineAdministration, VitalSign

        return (
            len(db.session.scalars(select(VitalSign).where(VitalSign.session_id == session)).all()),
            len(
                db.session.scalars(
                    select(KetamineAdministration).where(
                        KetamineAdministration.session_id == session
                    )
                ).all()
            ),
        )

    assert with_app(nothing_saved) == (0, 0)
    journey.problems.assert_clean()


# --- on a phone ---------------------------------------------------------------------------


def test_the_medicine_page_on_a_phone(journey, with_app, practice_zone):
    clock = SessionClock.started_ago(30, practice_zone)
    client, session = draft_medicine_session(with_app, ROSA, clock)
    # A phone whose clock is set to another zone than the practice's: "Now" is still
    # the practice's time (else the reading would be hours outside the session).
    page = journey.phone_page(timezone_id="America/Los_Angeles")
    sign_in(page, THERAPIST)
    page.goto(f"/clients/{client}/sessions/{session}")
    page.evaluate(COUNT_CLICKS)

    findings = page.locator("#readiness .readiness-blocked")
    expect(findings).to_be_visible()
    expect(findings).to_contain_text("No current medical clearance for ketamine.")
    expect(findings).to_contain_text("No active KAP informed consent.")
    assert horizontal_overflow(page) == []

    page.get_by_role("button", name="Now: Time (row 1)").tap()
    expect(page.get_by_label("Time (row 1)", exact=True)).to_have_value(re.compile(r"\d\d:\d\d"))
    type_reading(page, None, (122, 78, 70, 98))
    page.get_by_role("button", name="Save readings").tap()
    expect(page.get_by_text("Vitals recorded.")).to_be_visible()
    expect(readings_rows(page)).to_have_count(1)
    expect(readings_rows(page)).to_contain_text("122/78")
    assert horizontal_overflow(page) == []
    check_accessibility(page, "medicine session on a phone")

    # A reading typed by mistake is removed in place, without losing a note being typed.
    type_into(page.get_by_role("textbox", name="Subjective"), "Nervous, breathing slowly.")
    readings_rows(page).get_by_role("button", name="Remove").tap()
    expect(page.get_by_text("Removed from the draft.")).to_be_visible()
    expect(page.locator("#vitals")).to_contain_text("No vitals recorded.")
    expect(page.get_by_role("textbox", name="Subjective")).to_have_value(
        "Nervous, breathing slowly."
    )
    no_reload_since_counting(page)
    page.screenshot(path=Path(tempfile.gettempdir()) / "e2e-phone.png", full_page=True)
    journey.problems.assert_clean()


def horizontal_overflow(page: Page) -> list[str]:
    """What makes the page wider than the phone's screen (empty when nothing does).

    A phone's browser zooms out to fit a page that is too wide, so ``innerWidth`` grows
    with the page: the page is compared with the screen's width instead.
    """
    return page.evaluate(
        """(screen) => {
          const page = document.documentElement;
          if (page.scrollWidth <= screen && window.innerWidth <= screen) return [];
          return [`page ${page.scrollWidth} px, window ${window.innerWidth} px`].concat(
            [...document.querySelectorAll("body *")]
              .filter((el) => el.getBoundingClientRect().right > screen + 1)
              .filter((el) => !el.parentElement.closest(".table-wrap"))
              .slice(0, 10)
              .map((el) => `${el.tagName.toLowerCase()}#${el.id}.${el.className}`),
          );
        }""",
        page.viewport_size["width"],
    )


# --- axe-core on the panels of dosing -------------------------------------------------------


def test_the_dosing_panels_pass_axe(journey, with_app, practice_zone):
    clock = SessionClock.started_ago(170, practice_zone)
    client, session = draft_medicine_session(with_app, ROSA, clock)
    page = journey.new_page()
    sign_in(page, THERAPIST)
    page.goto(f"/clients/{client}/sessions/{session}")
    expect(page.locator("#readiness .readiness-blocked")).to_contain_text("Not ready to dose")
    check_accessibility(page, "readiness panel with findings")

    record_dose(page, mg="40", at=clock.at(20), weight="58")
    page.get_by_role("button", name="Record dose").click()
    reason = page.get_by_label("Prescriber's reason for dosing despite the findings")
    expect(reason).to_have_attribute("aria-invalid", "true")
    expect(reason).to_have_accessible_description(
        re.compile("Only the prescriber on the care team can record the dose anyway")
    )
    check_accessibility(page, "dose form with the refusal")

    # A dosed session of the same client: going home without saying with whom.
    _, dosed = draft_medicine_session(with_app, ROSA, clock, dosed=True)
    page.goto(f"/clients/{client}/sessions/{dosed}")
    discharge = page.locator("#discharge")
    discharge.get_by_label("Oriented and walking steadily").check()
    page.get_by_role("button", name="Record discharge").click()
    left_with = discharge.get_by_label("Left with")
    expect(left_with).to_have_attribute("aria-invalid", "true")
    expect(left_with).to_have_accessible_description(re.compile("Say who the client left with"))
    expect(discharge.get_by_label("Oriented and walking steadily")).to_be_checked()
    check_accessibility(page, "discharge form with an error")

    page.get_by_role("button", name="Sign the note…").click()
    panel = page.locator(".sign-panel")
    expect(panel).to_contain_text("This note cannot be signed yet:")
    check_accessibility(page, "open sign panel")
    assert url_id(page, r"/sessions/(\d+)") == dosed
    journey.problems.assert_clean()


# --- the script's own safety ----------------------------------------------------------------


def test_a_double_click_records_one_dose(journey, with_app, practice_zone):
    clock = SessionClock.started_ago(40, practice_zone)
    client, session = draft_medicine_session(with_app, LENA, clock, ready=True)
    page = journey.new_page()
    sign_in(page, THERAPIST_2)
    page.goto(f"/clients/{client}/sessions/{session}")
    expect(page.locator("#readiness")).to_contain_text("Ready to dose at")
    record_dose(page, mg="200", at=clock.at(35), weight="64.5")
    page.get_by_role("button", name="Record dose").dblclick()
    expect(page.get_by_text("Dose recorded.")).to_be_visible()
    expect(dose_rows(page)).to_have_count(1)

    def doses() -> int:
        from tracker.extensions import db
        from tracker.models import KetamineAdministration

        return len(
            db.session.scalars(
                select(KetamineAdministration).where(KetamineAdministration.session_id == session)
            ).all()
        )

    assert with_app(doses) == 1
    journey.problems.assert_clean()


def test_an_answer_that_is_not_the_session_page_is_shown_as_it_came(
    journey, with_app, practice_zone
):
    """An expired form (here: a stale CSRF token) shows why, as without the script —
    not a "cannot be used that way" page from loading the form's address."""
    clock = SessionClock.started_ago(20, practice_zone)
    client, session = draft_medicine_session(with_app, ROSA, clock)
    page = journey.new_page()
    sign_in(page, THERAPIST)
    page.goto(f"/clients/{client}/sessions/{session}")
    page.evaluate(
        """() => document.querySelectorAll("input[name=csrf_token]")
            .forEach((input) => { input.value = "stale"; })"""
    )
    type_reading(page, clock.at(5), (120, 80, 70, 98))
    page.get_by_role("button", name="Save readings").click()
    expect(page.get_by_role("heading", name="This form has expired")).to_be_visible()
    assert page.url.endswith(f"/sessions/{session}")
    journey.problems.assert_clean()


def test_a_note_being_typed_survives_other_saves_and_meets_a_conflict(
    journey, with_app, practice_zone
):
    """Saving a reading swaps the page's live part: the note typed meanwhile stays; and
    if a colleague saved the note in between, saving it shows the conflict instead of
    overwriting their text unseen."""
    clock = SessionClock.started_ago(50, practice_zone)
    client, session = draft_medicine_session(with_app, ROSA, clock)
    mine, theirs = journey.new_page(), journey.new_page()
    for page in (mine, theirs):
        sign_in(page, THERAPIST)
        page.goto(f"/clients/{client}/sessions/{session}")
    subjective = mine.get_by_role("textbox", name="Subjective")
    type_into(subjective, "Quiet at first, then tearful about her mother.")

    type_into(theirs.get_by_role("textbox", name="Subjective"), "Written in the other tab.")
    theirs.get_by_role("button", name="Save note").click()
    expect(theirs.get_by_text("Note saved.")).to_be_visible()

    type_reading(mine, clock.at(10), (124, 80, 72, 98))
    mine.get_by_role("button", name="Save readings").click()
    expect(readings_rows(mine)).to_have_count(1)
    expect(subjective).to_have_value("Quiet at first, then tearful about her mother.")

    mine.get_by_role("button", name="Save note").click()
    expect(mine.get_by_text("Someone saved this note after you opened it.")).to_be_visible()
    expect(subjective).to_have_value("Quiet at first, then tearful about her mother.")
    journey.problems.assert_clean()
