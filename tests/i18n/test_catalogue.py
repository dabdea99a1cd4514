"""The German catalogue covers every user-facing string, and German pages use it.

The messages are extracted here exactly as ``make translations`` does (babel.cfg, the
Makefile's keywords), into a temporary template, and compared with the German
catalogue. When this fails after new strings were added: run ``make translations``,
translate the new entries in ``translations/de/LC_MESSAGES/messages.po``, run again.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_keywords, parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

from tracker.domain.instruments import ITEM_INSTRUMENTS, Instrument
from tracker.extensions import db
from tracker.services import measures as measure_service

ROOT = Path(__file__).resolve().parents[2]
GERMAN_PO = ROOT / "translations" / "de" / "LC_MESSAGES" / "messages.po"
INSTRUMENTS_PACKAGE = "tracker/domain/instruments/"

# Questionnaires without a published German version we may reproduce: their item text,
# instructions and answers stay English in every language (the page says why).
KEPT_IN_ENGLISH = {"pcl5", "ace", "cssrs"}

# Correct German that is spelled as in English: names, abbreviations, units, and words
# German shares. Anything else whose msgstr equals its msgid was copied, not translated.
SAME_IN_GERMAN = {
    "%(kg)s kg",
    "%(mg)s mg",
    "%(name)s, %(when)s",
    "%(ratio)s mg/kg",
    "ACE",
    "BIRP",
    "BioLateral:",
    "Booster",
    "Brainspots",
    "Brainspotting",
    "C-SSRS",
    "CADSS",
    "Clinician-Administered Dissociative States Scale (CADSS)",
    "DAP",
    "DES-II",
    "Details",
    "Dissociative Experiences Scale II (DES-II)",
    "EBI",
    "Emotional Breakthrough Inventory (EBI)",
    "GAD-7",
    "Gazespot",
    "Gazespotting",
    "Integration",
    "Integration Tracker",
    "Intention",
    "Intervention",
    "Intranasal",
    "KABSP",
    "KAP",
    "MEQ-30",
    "Mystical Experience Questionnaire (MEQ-30)",
    "Name",
    "Oral",
    "PCL-5",
    "PHQ-9",
    "Phase",
    "Plan",
    "Portal:",
    "Position",
    "SOAP",
    "SUDS",
    "SUDS %(a)s → %(b)s",
    "Setting",
    "SpO₂",
    "SpO₂ %",
    "SpO₂ (%%)",
    "Spot",
    "Status",
    "Version",
    "Version %(number)s",
    "WHO-5",
    "mg/kg",
    "minimal",
    "y \\ x",
    "—",
}

PLACEHOLDER = re.compile(r"%\(\w+\)[sdifr]|%%|%")


def _makefile_keywords() -> dict:
    """The keywords ``make translations`` passes to pybabel (``-k``), on top of babel's."""
    makefile = (ROOT / "Makefile").read_text()
    line = next(line for line in makefile.splitlines() if "pybabel extract" in line)
    return {**DEFAULT_KEYWORDS, **parse_keywords(re.findall(r"-k (\S+)", line))}


def _scanned_directory(path: str) -> bool:
    # pybabel skips directories starting with "_" by default; templates/_macros counts.
    name = Path(path).name
    return not (name.startswith(".") or name == "__pycache__")


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> tuple[Catalog, set[str]]:
    """Every message in the code and templates, via a temporary .pot, and the files read."""
    with (ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    scanned: set[str] = set()
    template = Catalog()
    for filename, lineno, message, comments, context in extract_from_dir(
        ROOT,
        method_map,
        options_map,
        keywords=_makefile_keywords(),
        callback=lambda filename, method, options: scanned.add(filename),
        directory_filter=_scanned_directory,
    ):
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    pot = tmp_path_factory.mktemp("i18n") / "messages.pot"
    with pot.open("wb") as out:
        write_po(out, template, sort_output=True)
    with pot.open("rb") as pot_file:
        return read_po(pot_file), scanned


@pytest.fixture(scope="module")
def german() -> Catalog:
    with GERMAN_PO.open("rb") as po_file:
        return read_po(po_file)


def _texts(instrument: Instrument) -> set[str]:
    """What the respondent reads of the instrument itself (not our name or introduction)."""
    return {
        instrument.instructions,
        *instrument.items,
        *(option.label for option in instrument.options),
        *([instrument.extra_question] if instrument.extra_question else []),
        *(option.label for option in instrument.extra_options),
    }


def _kept_in_english(template: Catalog) -> set[str]:
    """Messages only the English-only instruments use: these stay English on purpose."""
    english = set().union(*(_texts(ITEM_INSTRUMENTS[code]) for code in KEPT_IN_ENGLISH))
    translated = set().union(
        *(_texts(i) for code, i in ITEM_INSTRUMENTS.items() if code not in KEPT_IN_ENGLISH)
    )
    only_there = {
        message.id
        for message in template
        if message.id and all(path.startswith(INSTRUMENTS_PACKAGE) for path, _ in message.locations)
    }
    return (english - translated) & only_there


def _strings(message: Message) -> list[str]:
    return list(message.string) if isinstance(message.string, tuple) else [message.string]


def _ids(message: Message) -> list[str]:
    return list(message.id) if isinstance(message.id, tuple) else [message.id]


def _describe(message: Message) -> str:
    where = ", ".join(f"{path}:{line}" for path, line in message.locations[:2])
    context = f" [{message.context}]" if message.context else ""
    return f"{_ids(message)[0]!r}{context} ({where})"


def test_extraction_reads_every_template_and_module(extracted) -> None:
    _, scanned = extracted
    expected = {
        path.relative_to(ROOT).as_posix()
        for pattern in ("templates/**/*.html", "tracker/**/*.py")
        for path in ROOT.glob(pattern)
        if "__pycache__" not in path.parts
    }
    assert expected - scanned == set()


def test_every_message_is_translated_into_german(extracted, german) -> None:
    template, _ = extracted
    problems = []
    for message in template:
        if not message.id:
            continue
        translation = german.get(message.id, context=message.context)
        if translation is None:
            problems.append(f"missing: {_describe(message)}")
        elif translation.fuzzy:
            problems.append(f"fuzzy: {_describe(message)}")
        elif not all(_strings(translation)):
            problems.append(f"empty: {_describe(message)}")
    assert problems == [], (
        "Run `make translations` and translate these in translations/de/LC_MESSAGES/"
        "messages.po:\n" + "\n".join(problems)
    )


def test_placeholders_survive_translation(german) -> None:
    problems = []
    for message in german:
        if not message.id:
            continue
        expected = sorted(PLACEHOLDER.findall(_ids(message)[-1]))
        for text in _strings(message):
            if text and sorted(PLACEHOLDER.findall(text)) != expected:
                problems.append(f"{message.id!r} -> {text!r}")
    assert problems == []


def test_only_the_english_only_questionnaires_stay_in_english(extracted, german) -> None:
    assert {
        code for code, instrument in ITEM_INSTRUMENTS.items() if not instrument.has_version_in("de")
    } == KEPT_IN_ENGLISH
    template, _ = extracted
    kept = _kept_in_english(template)
    assert "Trouble falling or staying asleep?" in kept  # PCL-5
    assert "Did a household member go to prison?" in kept  # ACE
    assert "Was this within the past 3 months?" in kept  # C-SSRS
    assert "Not at all" not in kept  # shared with the PHQ-9 and GAD-7, which are German

    problems = []
    for message in template:
        if not message.id:
            continue
        translation = german.get(message.id, context=message.context)
        if translation is None or not all(_strings(translation)):
            continue  # reported by the test above
        identical = _strings(translation) == _ids(translation)[: len(_strings(translation))]
        if message.id in kept and not identical:
            problems.append(f"should stay English (no free German version): {message.id!r}")
        elif message.id not in kept and identical and message.id not in SAME_IN_GERMAN:
            problems.append(f"copied, not translated: {_describe(message)}")
    assert problems == [], (
        "If a German word really is spelled as in English, add it to SAME_IN_GERMAN.\n"
        + "\n".join(problems)
    )


# --- German pages ------------------------------------------------------------------


def _speak_german(*users) -> None:
    for user in users:
        user.locale = "de"
    db.session.commit()


def test_therapist_pages_are_in_german(client, world, login) -> None:
    _speak_german(world.therapist_a)
    login(client, world.therapist_a)

    caseload = client.get("/clients").get_data(as_text=True)
    assert '<html lang="de"' in caseload
    for german in ("Klient:innen", "Klient:in hinzufügen", "Bezugstherapeut:in", "Abmelden"):
        assert german in caseload
    for english in ("Caseload", "Add a client", "Primary therapist", "Sign out"):
        assert english not in caseload

    record = client.get(f"/clients/{world.client_a.id}").get_data(as_text=True)
    for german in ("Akte", "Sitzungen", "Übungen", "Fragebögen", "Behandlungsteam"):
        assert german in record
    for english in ("Care team", "Homework", "Measures", "Edit details"):
        assert english not in record


def test_scores_severity_and_flags_are_in_german(client, world, login) -> None:
    measure_service.submit_answers(
        world.client_a,
        world.therapist_a,
        instrument="phq9",
        answers=[1, 1, 1, 1, 1, 0, 0, 0, 1],
        extra_answer=None,
        completed_on=date(2026, 3, 2),
        by_client=False,
    )
    _speak_german(world.therapist_a)
    login(client, world.therapist_a)

    page = client.get(f"/clients/{world.client_a.id}/measures").get_data(as_text=True)
    for german in ("Suizidgedanken", "leicht", "02.03.2026", "Sicherheitswarnung"):
        assert german in page
    for english in ("suicidal ideation", "suicidal_ideation", "mild", "Safety alert"):
        assert english not in page


def test_portal_is_in_german(client, world, login) -> None:
    _speak_german(world.client_user_a)
    login(client, world.client_user_a)

    home = client.get("/portal/").get_data(as_text=True)
    assert '<html lang="de"' in home
    for german in ("Willkommen, Cora", "Ihr Tagebuch", "Diese Woche", "Startseite"):
        assert german in home
    for english in ("Welcome", "Your journal", "This week", "Sign out"):
        assert english not in home


def test_browser_language_applies_until_a_language_is_chosen(client, world) -> None:
    page = client.get("/login", headers={"Accept-Language": "de-DE,de;q=0.9"})
    assert "Anmelden" in page.get_data(as_text=True)
    page = client.get("/login", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert "Sign in" in page.get_data(as_text=True)


NOT_IN_GERMAN = "Dieser Fragebogen wird auf Englisch angezeigt"


def test_questionnaires_in_german_only_where_a_published_version_exists(
    client, world, login
) -> None:
    _speak_german(world.therapist_a)
    login(client, world.therapist_a)
    base = f"/clients/{world.client_a.id}/measures/enter"

    phq9 = client.get(f"{base}/phq9").get_data(as_text=True)
    assert "Wenig Interesse oder Freude an Ihren Tätigkeiten" in phq9
    assert "Beinahe jeden Tag" in phq9
    assert "Little interest or pleasure" not in phq9
    assert NOT_IN_GERMAN not in phq9

    pcl5 = client.get(f"{base}/pcl5").get_data(as_text=True)
    assert NOT_IN_GERMAN in pcl5
    assert '<legend lang="en">1. Repeated, disturbing, and unwanted memories' in pcl5
    assert "Quite a bit" in pcl5
    assert "Überhaupt nicht" not in pcl5  # its "Not at all" stays English too
    assert "PTBS-Checkliste für DSM-5 (PCL-5)" in pcl5  # our own title is translated


def test_portal_questionnaire_kept_in_english_says_why(client, world, login) -> None:
    assignment = measure_service.assign(
        world.client_a,
        world.therapist_a,
        instrument="ace",
        kind="once",
        every_days=None,
        start=date(2020, 1, 1),
    )
    _speak_german(world.client_user_a)
    login(client, world.client_user_a)

    page = client.get(f"/portal/measures/{assignment.id}").get_data(as_text=True)
    assert "Die folgenden Fragen betreffen Dinge, die in Ihrer Kindheit" in page  # our text
    assert NOT_IN_GERMAN in page
    assert "Did a household member go to prison?" in page
    assert "Antworten absenden" in page


def test_english_pages_carry_no_language_note(client, world, login) -> None:
    login(client, world.therapist_a)
    page = client.get(f"/clients/{world.client_a.id}/measures/enter/pcl5").get_data(as_text=True)
    assert "Repeated, disturbing, and unwanted memories" in page
    assert "shown in English" not in page
    assert 'lang="en">' not in page.split("<body", 1)[1]


# --- dates -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("locale", "shown", "not_shown"),
    [("de", "05.05.1985", "May 5, 1985"), ("en", "May 5, 1985", "05.05.1985")],
)
def test_dates_follow_the_language(client, world, login, locale, shown, not_shown) -> None:
    world.therapist_a.locale = locale
    db.session.commit()
    login(client, world.therapist_a)

    page = client.get(f"/clients/{world.client_a.id}").get_data(as_text=True)
    assert shown in page  # the date of birth, 1985-05-05
    assert not_shown not in page
