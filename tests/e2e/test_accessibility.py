"""Accessibility in the browser beyond the journeys' axe checks: form errors announced,
colour never the only signal, the portal used by keyboard alone; and proof that the
problem watcher and the axe check notice what they should."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from tests.e2e.helpers import check_accessibility, sign_in
from tracker.domain.clock import utc_to_local

THERAPIST = "therapist@demo.test"
KEYBOARD_CLIENT = "client2@demo.test"  # Lena, in the demo practice
KEYBOARD_HOMEWORK = "Grounding with the five senses"
KEYBOARD_REFLECTION = "Named five sounds in the kitchen."
KEYBOARD_JOURNAL = "Typed without a mouse: the evening was calm."


def test_new_client_form_labels_and_announced_errors(journey) -> None:
    page = journey.new_page()
    sign_in(page, THERAPIST)
    page.goto("/clients/new")
    unlabelled = page.locator("main form").evaluate(
        """form => [...form.querySelectorAll("input, select, textarea")]
            .filter(el => el.type !== "hidden" && el.labels.length === 0)
            .map(el => el.name)"""
    )
    assert unlabelled == []

    page.get_by_role("button", name="Save").click()
    expect(page.locator(".form-errors")).to_have_attribute("role", "alert")
    expect(page.locator(".form-errors")).to_contain_text("Please correct the marked fields")
    for label, field_id in (("Preferred name", "preferred_name"), ("Legal name", "legal_name")):
        field = page.get_by_role("textbox", name=label)
        error = page.locator(f"#{field_id}-error")
        expect(error).to_have_attribute("role", "alert")
        expect(error).to_have_text(re.compile(r"\w"))
        expect(field).to_have_attribute("aria-invalid", "true")
        # The error is linked to the field, so a screen reader reads it with the field.
        expect(field).to_have_accessible_description(error.inner_text())
    check_accessibility(page, "new-client form with validation errors")
    journey.problems.assert_clean()


def sam_and_his_session_with_a_hold() -> tuple[int, int]:
    """The demo client Sam, and his medicine session with a reading above the hold line."""
    from tracker.extensions import db
    from tracker.models import Client, TherapySession, VitalSign

    sam = db.session.scalar(select(Client.id).where(Client.legal_name == "Samuel Okafor"))
    session = db.session.scalar(
        select(TherapySession.id)
        .join(VitalSign, VitalSign.session_id == TherapySession.id)
        .where(VitalSign.systolic == 146)
    )
    return sam, session


def test_colour_is_never_the_only_signal(journey, with_app) -> None:
    """Severity bands, flags and out-of-range vitals all carry words, not only colour."""
    sam_id, session_id = with_app(sam_and_his_session_with_a_hold)
    page = journey.new_page()
    sign_in(page, THERAPIST)
    page.goto(f"/clients/{sam_id}/measures")
    for code, banded in (("PHQ-9", True), ("GAD-7", True), ("PCL-5", False)):
        section = page.get_by_role("region", name=code, exact=True)
        rows = section.locator("tbody tr")
        assert rows.count() > 1
        for row in rows.all():
            severity, flags = row.locator("td").nth(2), row.locator("td").nth(3)
            expect(severity).to_have_text(re.compile(r"[A-Za-z]{4,}" if banded else r"\S"))
            for badge in flags.locator(".badge").all():
                expect(badge).to_have_text(re.compile(r"[a-z]{3,}"))
        # Each shaded band of the chart names its severity (as an SVG title).
        bands = section.locator("svg rect.band")
        assert bands.count() >= 2
        titled = section.locator("svg rect.band > title")
        assert titled.count() == bands.count(), f"{code}: a severity band without a name"
    pcl5 = page.get_by_role("region", name="PCL-5", exact=True)
    expect(pcl5.locator(".badge", has_text="probable ptsd").first).to_be_visible()
    check_accessibility(page, "measures tab with severity bands")

    page.goto(f"/clients/{sam_id}/sessions/{session_id}")
    flagged = page.locator("#vitals tr.out-of-range")
    expect(flagged).to_have_count(1)
    expect(flagged).to_contain_text("Above the dosing hold threshold")
    for row in page.locator("#vitals tbody tr:not(.out-of-range)").all():
        expect(row).to_contain_text("In range")
    journey.problems.assert_clean()


# --- keyboard only -------------------------------------------------------------------

FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const path = [];
  for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
    const index = node.parentElement ? [...node.parentElement.children].indexOf(node) : 0;
    path.unshift(`${node.tagName}:${index}`);
  }
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  const label = el.labels && el.labels.length ? el.labels[0].innerText : "";
  return {
    key: path.join("/"),
    tag: el.tagName.toLowerCase(),
    type: el.type || "",
    name: el.getAttribute("name") || "",
    value: el.value || "",
    checked: !!el.checked,
    text: (label || el.innerText || el.getAttribute("aria-label") || "").trim(),
    ring: (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0)
      || style.boxShadow !== "none",
    onScreen: box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0
      && box.top < innerHeight && box.left < innerWidth,
  };
}"""


@dataclass
class Keyboard:
    """Drives a page with the keyboard only, checking focus after every key."""

    page: Page

    def focused(self) -> dict | None:
        return self.page.evaluate(FOCUSED)

    def press(self, key: str) -> dict | None:
        self.page.keyboard.press(key)
        focus = self.focused()
        if focus is not None:
            assert focus["ring"], f"no visible focus indicator on {focus}"
            assert focus["onScreen"], f"focused element is off screen: {focus}"
        return focus

    def tab_to(self, wanted, *, backwards: bool = False, limit: int = 60) -> dict:
        """Tab (or Shift+Tab) until ``wanted(focus)`` holds."""
        seen: list[str] = []
        for _ in range(limit):
            focus = self.press("Shift+Tab" if backwards else "Tab")
            if focus is None:
                continue
            if seen and focus["key"] in seen[:-1] and focus["key"] != seen[-1]:
                pytest.fail(f"focus came back to {focus['text']!r} before reaching the target")
            seen.append(focus["key"])
            if wanted(focus):
                return focus
        pytest.fail(f"not reached with {limit} key presses")

    def activate(self) -> None:
        """Enter on the focused link or button, which loads another page."""
        with self.page.expect_event("load"):
            self.page.keyboard.press("Enter")

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)

    def tab_cycle(self) -> list[dict]:
        """Every stop from the top of the page until focus leaves the page or wraps."""
        self.page.evaluate("() => document.activeElement && document.activeElement.blur()")
        stops: list[dict] = []
        for _ in range(200):
            focus = self.press("Tab")
            if focus is None or (stops and focus["key"] == stops[0]["key"]):
                return stops
            if stops and focus["key"] == stops[-1]["key"]:
                continue  # the parts of one date field
            assert focus["key"] not in {s["key"] for s in stops}, f"focus loops at {focus}"
            stops.append(focus)
        pytest.fail("focus never leaves the page: a focus trap")


def named(text: str):
    return lambda focus: focus["text"].startswith(text)


@pytest.fixture
def lena_has_a_questionnaire_due(with_app) -> None:
    """A PHQ-9 due today for the demo's second client (whatever the demo schedule says)."""
    from tracker.extensions import db
    from tracker.models import Client, Practice, User
    from tracker.services import measures

    def assign() -> None:
        lena = db.session.scalar(select(Client).where(Client.preferred_name == "Lena"))
        practice = db.session.get(Practice, lena.practice_id)
        therapist = db.session.get(User, lena.primary_therapist_id)
        today = utc_to_local(datetime.now(UTC), practice.timezone).date()
        measures.assign(
            lena, therapist, instrument="phq9", kind="once", every_days=None, start=today
        )
        db.session.commit()

    with_app(assign)


def lenas_latest_reflection_and_entry() -> tuple[tuple[str, bool], tuple[str, str]]:
    from tracker.extensions import db
    from tracker.models import Client, HomeworkAssignment, HomeworkEntry, JournalEntry

    lena = db.session.scalar(select(Client.id).where(Client.preferred_name == "Lena"))
    entry = db.session.scalars(
        select(HomeworkEntry)
        .join(HomeworkAssignment)
        .where(HomeworkAssignment.client_id == lena)
        .order_by(HomeworkEntry.id.desc())
    ).first()
    journal = db.session.scalars(
        select(JournalEntry).where(JournalEntry.client_id == lena).order_by(JournalEntry.id.desc())
    ).first()
    return (entry.reflection, entry.reflection_shared), (journal.body, journal.visibility)


@pytest.mark.usefixtures("lena_has_a_questionnaire_due")
def test_client_portal_by_keyboard_alone(journey, with_app) -> None:
    page = journey.new_page()
    keys = Keyboard(page)
    page.goto("/login")
    skip = keys.press("Tab")
    assert skip["text"] == "Skip to content", "the skip link comes first"
    keys.tab_to(lambda f: f["name"] == "email")
    keys.type(KEYBOARD_CLIENT)
    keys.tab_to(lambda f: f["name"] == "password")
    keys.type("demo-password-123")
    assert keys.press("Shift+Tab")["name"] == "email"
    keys.tab_to(lambda f: f["tag"] == "button" and f["text"] == "Sign in")
    keys.activate()
    expect(page.get_by_role("heading", name="Welcome, Lena")).to_be_visible()

    stops = keys.tab_cycle()
    texts = [s["text"] for s in stops]
    assert texts[0] == "Skip to content"
    assert "Open your journal" in texts, "focus reaches the end of the page"
    # Each "Mark done" button says which practice and day it is for.
    marks = [text for text in texts if text.startswith("Mark done")]
    assert marks and len(set(marks)) == len(marks)

    # Homework: open today's practice, add a shared reflection, mark it done.
    keys.tab_to(named(KEYBOARD_HOMEWORK))
    keys.activate()
    expect(page.get_by_role("heading", name=KEYBOARD_HOMEWORK, level=1)).to_be_visible()
    keys.tab_to(lambda f: f["name"] == "reflection")
    keys.type(KEYBOARD_REFLECTION)
    share = keys.tab_to(lambda f: f["name"] == "shared")
    assert not share["checked"]
    assert keys.press("Space")["checked"]
    keys.tab_to(lambda f: f["tag"] == "button" and f["text"] == "Mark done")
    keys.activate()
    expect(page.get_by_text("Well done. It is marked as done.")).to_be_visible()

    # Journal: a private entry (the default), saved with Enter on the button.
    keys.tab_to(lambda f: f["text"] == "Journal", backwards=True)
    keys.activate()
    expect(page.get_by_role("heading", name="Your journal", level=1)).to_be_visible()
    keys.tab_to(lambda f: f["name"] == "title")
    keys.type("Keyboard evening")
    keys.press("Tab")
    keys.type(KEYBOARD_JOURNAL)
    private = keys.press("Tab")
    assert private["name"] == "visibility" and private["checked"] and private["value"] == "private"
    keys.press("Tab")
    keys.activate()
    expect(page.get_by_role("link", name="Keyboard evening")).to_be_visible()

    # PHQ-9: each radio group answered with the arrow keys, then sent.
    keys.tab_to(lambda f: f["text"] == "Home", backwards=True)
    keys.activate()
    keys.tab_to(named("Patient Health Questionnaire (PHQ-9)"))
    keys.activate()
    expect(page.get_by_role("button", name="Send my answers")).to_be_visible()
    first = keys.tab_to(lambda f: f["name"] == "item_1")
    assert first["value"] == "0" and not first["checked"]
    for item in range(1, 10):
        if item > 1:
            focus = keys.press("Tab")
            assert focus["name"] == f"item_{item}", focus
        chosen = keys.press("ArrowDown")  # "Several days", checked as focus moves
        if item > 2:
            chosen = keys.press("ArrowUp")  # back to "Not at all"
        assert chosen["name"] == f"item_{item}" and chosen["checked"]
        assert chosen["value"] == ("1" if item <= 2 else "0")
    keys.tab_to(lambda f: f["tag"] == "button" and f["text"] == "Send my answers")
    keys.activate()
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    expect(page.get_by_text("You are not alone with this")).to_have_count(0)
    reflection, journal = with_app(lenas_latest_reflection_and_entry)
    assert reflection == (KEYBOARD_REFLECTION, True)
    assert journal == (KEYBOARD_JOURNAL, "private")
    journey.problems.assert_clean()


# --- the checks themselves --------------------------------------------------------------


def test_problem_watcher_notices_errors_csp_violations_and_missing_assets(journey) -> None:
    page = journey.new_page()
    page.goto("/login")
    with (
        page.expect_response("**/static/img/missing.png"),
        page.expect_console_message(lambda m: "securitypolicyviolation" in m.text),
    ):
        page.evaluate(
            """() => {
              console.error("deliberate console error");
              const script = document.createElement("script");
              script.textContent = "window.inlineRan = true";  // inline: refused by the CSP
              document.head.append(script);
              const image = document.createElement("img");
              image.src = "/static/img/missing.png";
              image.alt = "";
              document.body.append(image);
            }"""
        )
    problems = journey.problems
    assert page.evaluate("() => window.inlineRan") is None
    assert any("deliberate console error" in e for e in problems.console_errors)
    assert any("script-src" in v for v in problems.csp_violations), problems.csp_violations
    assert any("missing.png: HTTP 404" in f for f in problems.failed_requests)
    with pytest.raises(AssertionError):
        problems.assert_clean()

    # A stylesheet answered with an HTML 404 page is aborted (nosniff): a failed request.
    with page.expect_event("requestfailed"):
        page.evaluate(
            """() => {
              const sheet = document.createElement("link");
              sheet.rel = "stylesheet";
              sheet.href = "/static/css/missing.css";
              document.head.append(sheet);
            }"""
        )
    assert any("missing.css" in f for f in problems.failed_requests)


def test_axe_check_fails_on_a_serious_violation(journey) -> None:
    page = journey.new_page()
    page.goto("/login")
    check_accessibility(page, "login as served")
    page.evaluate("() => document.querySelector('main').append(document.createElement('button'))")
    with pytest.raises(AssertionError, match="button-name"):
        check_accessibility(page, "login with a nameless button")


def sam_ids() -> dict[str, int]:
    """Ids of the demo client Sam's records that the remaining pages need."""
    from tracker.extensions import db
    from tracker.models import Client, FamilyMember, IntegrationGoal, TherapySession

    sam = db.session.scalar(select(Client.id).where(Client.legal_name == "Samuel Okafor"))
    draft = db.session.scalar(
        select(TherapySession.id).where(
            TherapySession.client_id == sam, TherapySession.status == "draft"
        )
    )
    goal = db.session.scalar(select(IntegrationGoal.id).where(IntegrationGoal.client_id == sam))
    member = db.session.scalar(
        select(FamilyMember.id).where(
            FamilyMember.client_id == sam, FamilyMember.is_client.is_(False)
        )
    )
    return {"client": sam, "draft": draft, "goal": goal, "member": member}


def test_the_remaining_staff_and_portal_pages_pass_axe(journey, with_app) -> None:
    """Pages the journeys do not pass through: each checked with axe-core as well."""
    ids = with_app(sam_ids)
    page = journey.new_page()
    sign_in(page, THERAPIST)
    client = ids["client"]
    for path in (
        "/homework",
        "/homework/new",
        f"/clients/{client}/edit",
        f"/clients/{client}/screening",
        f"/clients/{client}/sessions/new?from_last=1",
        f"/clients/{client}/sessions/{ids['draft']}/edit",
        f"/clients/{client}/goals/{ids['goal']}/edit",
        f"/clients/{client}/homework/new",
        f"/clients/{client}/portal",
        f"/clients/{client}/measures/enter/phq9",
        f"/clients/{client}/measures/enter/meq30",
        f"/clients/{client}/family",
        f"/clients/{client}/family/members/{ids['member']}",
        f"/clients/{client}/reports",
        "/reports/batches",
        "/account/password",
        "/account/language",
        "/no-such-page",
    ):
        page.goto(path)
        check_accessibility(page, path)
    client_page = journey.new_page()
    sign_in(client_page, "client@demo.test")
    for path in ("/portal/reports", "/portal/goals/new", "/account/language"):
        client_page.goto(path)
        check_accessibility(client_page, path)
    journey.problems.assert_clean()
