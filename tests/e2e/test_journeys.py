"""The main journeys in a real browser, one after the other on one server: a therapist
documents a new client's course, sets up integration work and invites the client; the
client uses the portal on a phone; the therapist reads what was shared and answers the
safety alert. Every page visited is checked with axe-core, and every journey ends with
no console errors, no CSP violations and no failed requests for the app's assets.

The journeys build on each other, so they are subtests of one test (no xdist
distribution can split or reorder them); after a failed journey the rest do not run.
The PDF report is a test of its own (on a demo client).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from playwright.sync_api import Page, expect

from tests.e2e.browsing import Journey
from tests.e2e.helpers import SessionClock, check_accessibility, sign_in, type_into, url_id

THERAPIST = "therapist@demo.test"
PRESCRIBER = "prescriber@demo.test"
PRESCRIBER_NAME = "Dr. Priya Nair"
ADMIN = "admin@demo.test"
CLIENT_NAME = "Noor"
CLIENT_LEGAL_NAME = "Noor Al-Amin"
CLIENT_EMAIL = "noor@example.org"
CLIENT_PASSWORD = "quiet-river-stones-42"
CRISIS_TEXT = "E2E crisis line (24 h, free): 0800 555 0199"
GOAL = "Sleep through the night without the old dread"
HOMEWORK = "Slow breath: longer out than in"
REFLECTION = "Five slow breaths before sleep; my shoulders dropped."
SHARED_ENTRY = "I want to talk about my grandmother's letters next time."
PRIVATE_ENTRY = "Some nights I still hear the arguments through the wall."
OVERRIDE_REASON = "Screening and consent done on paper at the clinic; entered tomorrow."
RETRO_REASON = "Repeat reading after rest was lower; I agreed by phone before the dose."
ADDENDUM = "Client phoned the next morning: slept well, no nausea."
ALERT_NOTE = "Called Noor the same day; safety plan reviewed; next contact Friday."
HOLD_FLAG = "Above the dosing hold threshold"
PHQ9 = "Patient Health Questionnaire (PHQ-9)"


@dataclass
class Story:
    """What one journey leaves for the next."""

    zone: str  # the practice's time zone
    client_id: int = 0
    invitation: str = ""


def open_tab(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Client record").get_by_role("link", name=name).click()
    expect(
        page.get_by_role("navigation", name="Client record").get_by_role("link", name=name)
    ).to_have_attribute("aria-current", "page")


def record_session(
    page: Page,
    *,
    phase: str,
    day: str,
    start: str,
    minutes: str,
    intention: str,
    audit: bool = False,
) -> None:
    page.get_by_role("button", name="Record a session").click()
    if audit:
        check_accessibility(page, "new session form")
    page.get_by_label("Date").fill(day)
    page.get_by_label("Start time").fill(start)
    type_into(page.get_by_label("Duration (minutes)"), minutes)
    page.get_by_label("Modality").select_option(label="KAP (ketamine-assisted psychotherapy)")
    page.get_by_label("Phase").select_option(label=phase)
    type_into(page.get_by_label("Intention"), intention)
    type_into(page.get_by_role("textbox", name="Subjective"), "Arrives rested, a bit nervous.")
    type_into(page.get_by_role("textbox", name="Plan", exact=True), "Integration in three days.")
    page.get_by_label("Negative: no suicidal ideation").check()
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Session saved as a draft.")).to_be_visible()


def add_readings(page: Page, readings: tuple[tuple[str, str, str, str, str], ...]) -> None:
    """Rows of (time, systolic, diastolic, heart rate, SpO₂) typed into the vitals form."""
    for row, values in enumerate(readings, start=1):
        for label, value in zip(
            ("Time", "Systolic", "Diastolic", "Heart rate", "SpO₂ %"), values, strict=True
        ):
            field = page.get_by_label(f"{label} (row {row})", exact=True)
            if label == "Time":
                field.fill(value)
            else:
                type_into(field, value)
    page.get_by_role("button", name="Save readings").click()
    expect(page.locator("#vitals table:not(.vitals-entry) tbody tr")).to_have_count(len(readings))
    expect(page.get_by_text("Vitals recorded.")).to_be_visible()


def fill_dose(page: Page, clock: SessionClock) -> None:
    page.get_by_label("Route").select_option(label="Intramuscular (IM)")
    type_into(page.get_by_label("Dose (mg)"), "60")
    type_into(page.get_by_label("Client weight (kg)"), "70")
    page.get_by_role("textbox", name="Time given", exact=True).fill(clock.at(15))
    type_into(page.get_by_label("Lot number"), "KX-2291")


def therapist_documents_a_medicine_session(journey: Journey, story: Story) -> None:
    """Noor is new: no screening, no consent, no prescriber on her team. The therapist
    opens her medicine session and sees what blocks the dose; the prescriber, added to
    the care team, doses anyway with a reason; a reading typed in afterwards shows the
    blood pressure was above the hold line, which the prescriber explains; the discharge
    is recorded and the note signed."""
    clock = SessionClock.started_ago(180, story.zone)
    page = journey.new_page()
    page.goto("/login")
    check_accessibility(page, "login")
    sign_in(page, THERAPIST)
    expect(page.get_by_role("heading", name="Today", level=1)).to_be_visible()
    check_accessibility(page, "today")
    page.get_by_role("link", name="Caseload").click()
    expect(page.get_by_role("heading", name="Caseload", level=1)).to_be_visible()
    check_accessibility(page, "caseload")

    page.get_by_role("button", name="Add a client").click()
    check_accessibility(page, "new-client form")
    type_into(page.get_by_label("Preferred name"), CLIENT_NAME)
    type_into(page.get_by_label("Legal name"), CLIENT_LEGAL_NAME)
    page.get_by_label("Date of birth").fill("1991-03-14")
    type_into(page.get_by_label("Pronouns"), "she/her")
    type_into(page.get_by_label("E-mail"), CLIENT_EMAIL)
    type_into(page.get_by_label("Referral source"), "Self-referred")
    type_into(page.get_by_label("Presenting concerns"), "Low mood since her mother's illness.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name=CLIENT_NAME, level=1)).to_be_visible()
    story.client_id = url_id(page, r"/clients/(\d+)")
    check_accessibility(page, "client record")

    open_tab(page, "Sessions")
    yesterday = (clock.local() - timedelta(days=1)).date().isoformat()
    record_session(
        page,
        phase="Preparation",
        day=yesterday,
        start="10:00",
        minutes="60",
        intention="To feel safe",
        audit=True,
    )
    check_accessibility(page, "session page (preparation draft)")

    page.get_by_role("link", name=f"Sessions with {CLIENT_NAME}").click()
    check_accessibility(page, "sessions tab")
    record_session(
        page,
        phase="Medicine session",
        day=clock.date,
        start=clock.at(0),
        minutes="150",
        intention="To meet the grief",
    )
    session_url = page.url

    # Everything that blocks a dose, in words.
    readiness = page.locator("#readiness")
    expect(readiness).to_contain_text("No medical screening recorded")
    expect(readiness).to_contain_text("No active KAP informed consent")
    blocked = readiness.locator(".readiness-blocked")
    for finding in (
        "No current medical clearance for ketamine.",
        "No active KAP informed consent.",
        "No complete pre-dose reading",
        "Pre-dose checklist not complete",
    ):
        expect(blocked).to_contain_text(finding)
    check_accessibility(page, "session page, readiness with findings")

    # The therapist cannot dose against these.
    fill_dose(page, clock)
    page.get_by_role("button", name="Record dose").click()
    reason = page.get_by_label("Prescriber's reason for dosing despite the findings")
    expect(reason).to_have_attribute("aria-invalid", "true")
    expect(reason).to_have_accessible_description(
        re.compile("Only the prescriber on the care team can record the dose anyway")
    )
    check_accessibility(page, "session page, dose refused")
    expect(page.locator("#dosing")).to_contain_text("No dose recorded.")

    # The therapist adds the prescriber to Noor's care team.
    page.goto(f"/clients/{story.client_id}")
    team = page.locator("#care-team")
    team.get_by_text("Add a colleague").click()
    team.get_by_label("Colleague").select_option(label=PRESCRIBER_NAME)
    team.get_by_label("Role on the care team").select_option(label="Prescriber")
    team.get_by_role("button", name="Add to care team").click()
    expect(page.locator("#care-team")).to_contain_text(f"{PRESCRIBER_NAME} — Prescriber")

    # The prescriber, on her own screen, doses anyway with her reason.
    prescriber = journey.new_page()
    sign_in(prescriber, PRESCRIBER)
    prescriber.goto(session_url)
    expect(
        prescriber.get_by_label("Prescriber", exact=True).locator("option:checked")
    ).to_have_text(PRESCRIBER_NAME)
    fill_dose(prescriber, clock)
    prescriber.get_by_role("button", name="Record dose").click()
    reason = prescriber.get_by_label("Prescriber's reason for dosing despite the findings")
    expect(reason).to_have_accessible_description(
        re.compile("As the prescriber, give the reason to dose anyway.")
    )
    type_into(reason, OVERRIDE_REASON)
    prescriber.get_by_role("button", name="Record dose").click()
    expect(prescriber.get_by_text("Dose recorded.")).to_be_visible()
    dosing = prescriber.locator("#dosing")
    expect(dosing).to_contain_text(
        "Dosed despite: checklist incomplete, no ketamine consent, no pre-dose vitals, "
        "no medical clearance"
    )
    expect(dosing).to_contain_text(OVERRIDE_REASON)
    expect(dosing).to_contain_text(f"Override by {PRESCRIBER_NAME}")

    # The therapist types in the readings taken on paper: the one before the dose was
    # above the hold line, which nobody had explained.
    page.goto(session_url)
    add_readings(
        page,
        (
            (clock.at(5), "152", "96", "84", "98"),
            (clock.at(45), "132", "84", "78", "97"),
            (clock.at(135), "124", "80", "72", "98"),
        ),
    )
    vitals = page.locator("#vitals table").first
    expect(vitals.get_by_role("row").filter(has_text="152/96")).to_contain_text(HOLD_FLAG)
    expect(page.locator("#dosing")).to_contain_text(
        "Judged again on what is recorded now, this dose was not ready:"
    )

    discharge = page.locator("#discharge")
    discharge.get_by_label("Oriented and walking steadily").check()
    discharge.get_by_label("Escort present or transport arranged").check()
    type_into(discharge.get_by_label("Left with"), "Her sister, by taxi")
    discharge.get_by_label("Time", exact=True).fill(clock.at(140))
    page.get_by_role("button", name="Record discharge").click()
    expect(page.get_by_text("Discharge recorded.")).to_be_visible()
    expect(discharge).to_contain_text("left with Her sister, by taxi")

    # Not signable yet: the prescriber's reason for the hold is missing.
    page.get_by_role("button", name="Sign the note…").click()
    panel = page.locator(".sign-panel")
    expect(panel).to_contain_text("This note cannot be signed yet:")
    expect(panel).to_contain_text("the prescriber gives the reason")
    expect(panel.get_by_role("button", name="Sign and lock")).to_have_count(0)
    check_accessibility(page, "session page, sign panel with a problem")

    prescriber.goto(session_url)
    type_into(prescriber.get_by_label("Prescriber's reason, given afterwards"), RETRO_REASON)
    prescriber.get_by_role("button", name="Record the reason").click()
    expect(prescriber.get_by_text("Reason recorded.")).to_be_visible()
    expect(prescriber.locator("#dosing")).to_contain_text(
        "Explained afterwards: blood pressure above the hold threshold"
    )

    page.reload()
    page.get_by_role("button", name="Sign the note…").click()
    expect(page.locator(".sign-panel")).to_contain_text("1 dose")
    expect(page.locator(".sign-panel")).to_contain_text("3 vitals readings")
    page.get_by_role("button", name="Sign and lock").click()
    expect(page.get_by_text("Note signed.")).to_be_visible()
    expect(page.get_by_role("button", name="Sign the note…")).to_have_count(0)
    type_into(page.get_by_label("Addendum"), ADDENDUM)
    page.get_by_role("button", name="Add addendum").click()
    expect(page.get_by_text("Addendum added.")).to_be_visible()
    expect(page.locator("#addenda")).to_contain_text(ADDENDUM)
    check_accessibility(page, "session page (signed, with addendum)")

    page.get_by_role("link", name=f"Sessions with {CLIENT_NAME}").click()
    expect(page.get_by_role("row").filter(has_text="Medicine session")).to_contain_text("Signed")
    open_tab(page, "Spot map")
    check_accessibility(page, "spot map")
    journey.problems.assert_clean()


def therapist_sets_up_integration_and_invites(journey: Journey, story: Story) -> None:
    page = journey.new_page()
    sign_in(page, THERAPIST)
    page.goto(f"/clients/{story.client_id}")

    open_tab(page, "Goals")
    page.get_by_role("button", name="Add a goal").click()
    check_accessibility(page, "goal form")
    type_into(page.get_by_role("textbox", name="Goal", exact=True), GOAL)
    page.get_by_label("Area of life").select_option(label="Body and nervous system")
    type_into(page.get_by_label("Why it matters"), "Mornings start with fear.")
    page.get_by_label("Where it is now (0–10)").select_option("3")
    page.get_by_label("Where you want it (0–10)").select_option("7")
    page.get_by_role("button", name="Save goal").click()
    expect(page.get_by_role("heading", name=GOAL, level=1)).to_be_visible()
    check_accessibility(page, "goal page")
    page.get_by_role("link", name=f"Goals of {CLIENT_NAME}").click()
    check_accessibility(page, "goals tab")

    open_tab(page, "Homework")
    page.get_by_role("button", name="Assign homework").click()
    page.get_by_role("link", name=HOMEWORK).click()
    expect(page.get_by_label("Title")).to_have_value(HOMEWORK)
    check_accessibility(page, "assign-homework form")
    page.get_by_label("Serves the goal").select_option(label=GOAL)
    page.get_by_label("How often").select_option(label="Every day")
    page.get_by_role("button", name="Assign").click()
    expect(page.get_by_text("Homework assigned.")).to_be_visible()
    expect(page.get_by_role("cell", name=HOMEWORK)).to_be_visible()
    check_accessibility(page, "homework tab")

    open_tab(page, "Measures")
    page.get_by_text("Assign a questionnaire").click()
    page.get_by_role("combobox", name="Questionnaire").select_option(label=PHQ9)
    page.get_by_label("Once").check()
    page.get_by_role("button", name="Assign", exact=True).click()
    expect(page.get_by_text("Questionnaire assigned.")).to_be_visible()
    check_accessibility(page, "measures tab")

    open_tab(page, "Homework")
    page.get_by_role("button", name="Portal access").click()
    expect(page.get_by_label("Client's e-mail")).to_have_value(CLIENT_EMAIL)
    page.get_by_role("button", name="Invite to the portal").click()
    link = page.get_by_role("textbox", name="Invitation link")
    expect(link).to_have_value(re.compile(r"/invite/"))
    story.invitation = link.input_value()
    check_accessibility(page, "portal access with the invitation link")
    journey.problems.assert_clean()


def client_uses_the_portal_on_a_phone(journey: Journey, story: Story) -> None:
    # First the practice admin sets the crisis text clients see after a safety flag.
    admin = journey.new_page()
    sign_in(admin, ADMIN)
    admin.get_by_role("link", name="Practice admin").click()
    check_accessibility(admin, "admin index")
    admin.get_by_role("link", name="Accounts").click()
    expect(admin.get_by_role("cell", name=CLIENT_EMAIL)).to_be_visible()
    check_accessibility(admin, "admin accounts")
    admin.go_back()
    admin.get_by_role("link", name="Audit trail").click()
    expect(admin.get_by_role("cell", name="portal.invite")).to_be_visible()
    check_accessibility(admin, "admin audit trail")
    admin.go_back()
    admin.get_by_role("link", name="Practice settings").click()
    check_accessibility(admin, "admin practice settings")
    type_into(admin.get_by_label("Crisis resources shown to clients"), CRISIS_TEXT)
    admin.get_by_role("button", name="Save settings").click()
    expect(admin.get_by_text("Practice settings saved.")).to_be_visible()

    phone = journey.phone_page()
    phone.goto(story.invitation)
    expect(phone.get_by_role("heading", name="Welcome to your portal")).to_be_visible()
    check_accessibility(phone, "portal: set the password")
    type_into(phone.get_by_label(re.compile(r"^New password")), CLIENT_PASSWORD)
    type_into(phone.get_by_label("Repeat the new password"), CLIENT_PASSWORD)
    phone.get_by_role("button", name="Save password").tap()
    expect(phone.get_by_role("heading", name=f"Welcome, {CLIENT_NAME}")).to_be_visible()
    check_accessibility(phone, "portal home")

    phone.get_by_role("link", name=HOMEWORK).first.tap()
    expect(phone.get_by_role("heading", name=HOMEWORK, level=1)).to_be_visible()
    check_accessibility(phone, "portal homework page")
    type_into(phone.get_by_label("A few words on how it went"), REFLECTION)
    phone.get_by_label("Share this reflection with my therapist").check()
    phone.get_by_role("button", name="Mark done").tap()
    expect(phone.get_by_text("Well done. It is marked as done.")).to_be_visible()

    phone.get_by_role("link", name="Journal", exact=True).tap()
    expect(phone.get_by_role("heading", name="Your journal", level=1)).to_be_visible()
    check_accessibility(phone, "portal journal")
    for title, body, visibility in (
        ("Just for me", PRIVATE_ENTRY, "Private: only you can open it here"),
        ("For Dr. Rivera", SHARED_ENTRY, "Shared with your care team"),
    ):
        type_into(phone.get_by_label("Title (optional)"), title)
        type_into(phone.get_by_label("Your entry"), body)
        phone.get_by_label(visibility).check()
        phone.get_by_role("button", name="Save entry").tap()
        expect(phone.get_by_role("link", name=title)).to_be_visible()
    entries = phone.get_by_role("region", name="Earlier entries")
    expect(entries.locator(".week-item", has_text="Just for me")).to_contain_text("private")
    expect(entries.locator(".week-item", has_text="For Dr. Rivera")).to_contain_text("shared")

    phone.get_by_role("link", name="Home", exact=True).tap()
    phone.get_by_role("link", name=PHQ9).tap()
    expect(phone.get_by_role("button", name="Send my answers")).to_be_visible()
    check_accessibility(phone, "portal questionnaire (PHQ-9)")
    items = phone.locator(".questionnaire fieldset")
    for index in range(9):
        answer = "Several days" if index in (1, 8) else "Not at all"  # item 9: thoughts of harm
        items.nth(index).get_by_label(answer, exact=True).check()
    phone.get_by_role("button", name="Send my answers").tap()
    expect(phone.get_by_role("heading", name="Thank you")).to_be_visible()
    crisis = phone.get_by_role("alert").filter(has_text="You are not alone with this")
    expect(crisis).to_contain_text(CRISIS_TEXT)
    check_accessibility(phone, "portal: answers sent, crisis resources")
    journey.problems.assert_clean()


def therapist_reads_and_answers(journey: Journey, story: Story) -> None:
    page = journey.new_page()
    sign_in(page, THERAPIST)
    page.get_by_role("link", name="Caseload").click()
    # The demo practice has an alert of its own (Elif's, for Today): this is Noor's.
    alert = page.get_by_role("alert").filter(has_text="Safety alert").filter(has_text=CLIENT_NAME)
    expect(alert).to_contain_text(f"{CLIENT_NAME} answered the PHQ-9 suicide question")
    check_accessibility(page, "caseload with a safety alert")

    page.get_by_role("link", name=CLIENT_NAME, exact=True).click()
    feed = page.get_by_role("region", name="Between sessions")
    expect(feed).to_contain_text(SHARED_ENTRY)
    expect(feed).to_contain_text(REFLECTION)
    expect(page.locator("body")).not_to_contain_text(PRIVATE_ENTRY)
    expect(page.locator("body")).not_to_contain_text("Just for me")
    open_tab(page, "Homework")
    feed = page.get_by_role("region", name="Between sessions")
    expect(feed).to_contain_text(SHARED_ENTRY)
    expect(page.locator("body")).not_to_contain_text(PRIVATE_ENTRY)

    open_tab(page, "Measures")
    phq9 = page.get_by_role("region", name="PHQ-9")
    expect(phq9.get_by_role("cell", name="suicidal ideation")).to_be_visible()
    type_into(page.get_by_label("What was done"), ALERT_NOTE)
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_role("alert").filter(has_text="Safety alert")).to_have_count(0)
    acknowledged = page.get_by_role("region", name="Acknowledged safety alerts")
    expect(acknowledged).to_contain_text(ALERT_NOTE)
    check_accessibility(page, "measures tab after the acknowledgement")
    page.get_by_role("link", name="Caseload").click()
    expect(
        page.get_by_role("alert").filter(has_text="Safety alert").filter(has_text=CLIENT_NAME)
    ).to_have_count(0)
    journey.problems.assert_clean()


JOURNEYS = (
    ("1 therapist documents a medicine session", therapist_documents_a_medicine_session),
    ("2 therapist sets up integration and invites", therapist_sets_up_integration_and_invites),
    ("3 client uses the portal on a phone", client_uses_the_portal_on_a_phone),
    ("4 therapist reads what was shared, answers the alert", therapist_reads_and_answers),
)


def test_journeys(open_journey, subtests, practice_zone) -> None:
    story = Story(practice_zone)
    for name, run in JOURNEYS:
        completed = False
        with subtests.test(name), open_journey() as journey:
            run(journey, story)
            completed = True
        if not completed:
            break  # the journeys after it build on what it should have done


def test_therapist_downloads_the_clinical_report(journey, tmp_path) -> None:
    from pypdf import PdfReader

    page = journey.new_page(accept_downloads=True)
    sign_in(page, THERAPIST)
    page.get_by_role("link", name="Caseload").click()
    page.get_by_role("link", name="Sam", exact=True).click()
    open_tab(page, "Reports")
    check_accessibility(page, "reports tab")
    page.get_by_label("Clinical progress summary (care team)").check()
    with page.expect_download() as download:
        page.get_by_role("button", name="Generate PDF").click()
    path = tmp_path / "report.pdf"
    download.value.save_as(path)
    text = " ".join(" ".join(p.extract_text() or "" for p in PdfReader(path).pages).split())
    assert "Clinical progress summary" in text
    assert "Samuel Okafor" in text
    journey.problems.assert_clean()
