"""In a real browser: the therapist writes Sam's safety plan; on his phone Sam finds the
crisis box first on every page, above the fold, and his plan at the top of home, and
downloads the one-page card."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.helpers import check_accessibility, sign_in, type_into
from tests.report_helpers import page_texts

PHONE_HEIGHT = 844
STEPS = {
    "My warning signs": "Not sleeping two nights running; cancelling on friends.",
    "Things I can do on my own": "Cold water, 4-7-8 breathing, a walk by the river.",
    "People and places that distract me": "The climbing gym on Thursdays; Café Lindner.",
    "People I can ask for help": "My brother Obi: 0151 2345 6789.",
    "Professionals and crisis lines": "Dr. Rivera, Mon-Fri 9-17.",
    "Making my surroundings safe": "Tablets stay with Obi, a week at a time.",
    "My reasons for living": "My niece's first day at school in August.",
}


def crisis_box_is_first_and_above_the_fold(page: Page) -> None:
    first = page.locator("main > *").first
    expect(first).to_have_attribute("id", "crisis")
    box = first.bounding_box()
    assert box is not None and box["y"] + box["height"] <= PHONE_HEIGHT, box
    for link in page.locator("#crisis a[href^='tel:']").all():
        spot = link.bounding_box()
        assert spot is not None and spot["height"] >= 24, spot  # a tap target (WCAG 2.5.8)


def test_the_safety_plan_from_the_session_to_the_phone(journey, tmp_path: Path):
    therapist = journey.new_page()
    sign_in(therapist, "therapist@demo.test")
    therapist.get_by_role("link", name="Caseload").click()
    therapist.get_by_role("link", name="Sam", exact=True).click()
    therapist.get_by_role("link", name="Safety plan").click()
    check_accessibility(therapist, "safety plan, not yet written")
    therapist.get_by_role("button", name="Write the plan").click()
    for label, words in STEPS.items():
        type_into(therapist.get_by_label(label), words)
    check_accessibility(therapist, "safety plan form")
    therapist.get_by_role("button", name="Save the plan").click()
    expect(therapist.get_by_text("Safety plan saved as version 1.")).to_be_visible()
    check_accessibility(therapist, "safety plan, version 1")

    phone = journey.phone_page()
    sign_in(phone, "client@demo.test")
    crisis_box_is_first_and_above_the_fold(phone)
    # The practice's numbers (another journey on this server may have replaced the
    # demo's), each a tap target.
    expect(phone.locator("#crisis a[href^='tel:']").first).to_be_visible()
    plan = phone.get_by_role("region", name="Your safety plan")
    for words in STEPS.values():
        expect(plan).to_contain_text(words)
    check_accessibility(phone, "portal home with the safety plan")
    with phone.expect_download() as download:
        plan.get_by_role("button", name="Print it as a card (PDF)").tap()
    card = tmp_path / "card.pdf"
    download.value.save_as(card)
    assert download.value.suggested_filename.startswith("safety-plan-C")
    (only_page,) = page_texts(card.read_bytes())
    assert "My reasons for living" in only_page

    for link in ("Journal", "Summaries"):
        # Measure the new page once it has loaded with its stylesheet (under load the
        # check could run on a page whose CSS had not applied yet).
        with phone.expect_navigation():
            phone.get_by_role("link", name=link, exact=True).tap()
        crisis_box_is_first_and_above_the_fold(phone)
    journey.problems.assert_clean()
