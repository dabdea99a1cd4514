"""The report cache's key: a reprint of unchanged data is found without gathering or
rendering, and every change that could change the printed report (data, request,
language, day, signer, code) gathers and prints afresh.

The PDFs here come from a stand-in renderer (the "PDF" is its HTML), so each case
costs milliseconds; tests/web/test_reports.py prints real ones through the same path.
"""

from __future__ import annotations

import dataclasses
import threading
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from flask_babel import force_locale

from tests import factories
from tests.report_helpers import PRINT_UA_ELEMENTS, html_elements
from tests.session_factories import (
    add_to_care_team,
    at,
    make_addendum,
    make_administration,
    make_discharge,
    make_session,
    make_vital,
    sign,
)
from tracker.domain import reports as rules
from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.models import AdverseEvent, SessionVoid, TherapySession
from tracker.printing import pdf, report_cache
from tracker.printing import reports as report_printing
from tracker.services import measures as measure_service
from tracker.services import reports as report_service

# Wide enough that records made "now" (journal entries) fall inside it.
PERIOD = rules.Period(date(2020, 1, 1), date(2100, 12, 31))
TODAY = date(2026, 11, 30)
STAND_IN = b"%PDF-stand-in\n"


@dataclass
class Course:
    signed: TherapySession
    draft: TherapySession
    goal: object
    assignment: object
    entry: object
    journal: object


def a_course(world: factories.World) -> Course:
    """A signed session, a draft medicine session with a dose and a reading, a rated
    goal, homework done with a shared reflection, a questionnaire, a shared journal
    entry and a relative in the family history."""
    client, therapist = world.client_a, world.therapist_a
    signed = make_session(
        client,
        starts_at=at(date(2026, 9, 10)),
        phase="integration",
        summary="Integration: grief accessible without flooding.",
    )
    sign(signed, therapist)
    draft = make_session(client, starts_at=at(date(2026, 10, 1)), summary="First medicine session.")
    make_administration(draft)
    make_vital(draft, systolic=150, diastolic=95)
    goal = factories.make_goal(client, title="Feel at home in my body", started_on=date(2026, 9, 1))
    factories.rate(goal, therapist, 4, on=date(2026, 9, 20))
    assignment = factories.make_assignment(
        client, start_date=date(2026, 9, 1), title="Evening breathwork"
    )
    entry = factories.complete(assignment, date(2026, 9, 2), "The breath was an anchor.")
    answer_gad7(world, date(2026, 9, 5), [2, 2, 2, 2, 2, 2, 2])
    journal = factories.write_journal(client, "Walked by the river.", shared=True, title="River")
    factories.make_member(client, "grandmother", birth_year=1931)
    db.session.commit()
    return Course(signed, draft, goal, assignment, entry, journal)


def answer_gad7(world: factories.World, day: date, answers: list[int]) -> None:
    measure_service.submit_answers(
        world.client_a,
        world.therapist_a,
        instrument="gad7",
        answers=answers,
        extra_answer=None,
        completed_on=day,
        by_client=True,
    )


@dataclass
class Printer:
    """``generate`` with the stand-in renderer, counting gatherings and renderings."""

    world: factories.World
    counts: Counter
    well_formed: list[bool]  # whether each printed HTML reads as XHTML (pdf.parse_xhtml)
    documents: list[str]  # the HTML printed
    # The PDFs of a test run share a folder: a narrative of this test's own keeps an
    # earlier test's PDF of the same HTML from being reused.
    tag: str = dataclasses.field(default_factory=lambda: f" (test {uuid.uuid4().hex})")

    def __call__(self, request=None, signer=None, today=TODAY, locale="en"):
        request = request or report_service.ReportRequest(kind=rules.CLINICAL, period=PERIOD)
        request = dataclasses.replace(request, narrative=request.narrative + self.tag)
        with force_locale(locale):
            rendered = report_printing.generate(
                self.world.client_a, request, signer or self.world.therapist_a, today
            )
        db.session.commit()
        return rendered


@pytest.fixture
def printer(app, world, monkeypatch) -> Printer:
    counts: Counter = Counter()
    well_formed: list[bool] = []
    documents: list[str] = []

    def stand_in(self, html, stylesheet=None):
        counts["render"] += 1
        well_formed.append(pdf.parse_xhtml(html) is not None)
        documents.append(html)
        return STAND_IN + html.encode(), 1

    gather = report_service.gather

    def counting_gather(*args, **kwargs):
        counts["gather"] += 1
        return gather(*args, **kwargs)

    monkeypatch.setattr(pdf.RenderPool, "render", stand_in)
    monkeypatch.setattr(report_service, "gather", counting_gather)
    return Printer(world, counts, well_formed, documents)


def text_of(rendered) -> str:
    assert rendered.pdf.startswith(STAND_IN)
    return rendered.pdf.decode()


# --- an unchanged reprint ---------------------------------------------------------------


def test_an_unchanged_reprint_is_found_without_gathering_or_rendering(printer, world):
    a_course(world)
    first = printer()

    second = printer()

    assert printer.counts == {"gather": 1, "render": 1}
    assert (first.report.from_cache, second.report.from_cache) == (False, True)
    assert second.report.content_hash == first.report.content_hash
    assert second.report.pages == first.report.pages == 1
    assert second.pdf == first.pdf
    assert second.filename == first.filename


def statements_to_reprint(printer, count_queries) -> list[str]:
    printer()  # gathers and prints (the data changed)
    db.session.expire_all()
    with count_queries() as statements:
        printer()
    return statements


def test_a_reprint_takes_a_fixed_number_of_statements_however_long_the_course(
    printer, world, count_queries
):
    course = a_course(world)
    few = statements_to_reprint(printer, count_queries)
    for number in range(30):
        session = make_session(
            world.client_a,
            starts_at=at(date(2026, 9, 1) + timedelta(days=2 * number)),
            summary=f"Session {number}.",
        )
        make_vital(session)
        factories.rate(course.goal, world.therapist_a, 5, on=date(2026, 9, 1) + timedelta(number))
        factories.complete(course.assignment, date(2026, 9, 3) + timedelta(days=number))
    db.session.commit()

    many = statements_to_reprint(printer, count_queries)

    assert len(many) == len(few)
    assert printer.counts["gather"] == 2  # once per course, never for the reprints
    # No statement reads a decrypted note: the notes are read raw, as stored.
    assert not [s for s in many if "note_body" in s and "therapy_session.id IN" in s]


# --- every kind of change prints afresh -----------------------------------------------------


def _void(world, course):
    db.session.add(
        SessionVoid(
            session_id=course.signed.id, reason="Wrong client.", voided_by_id=world.therapist_a.id
        )
    )


def _adverse_event(world, course):
    db.session.add(
        AdverseEvent(
            client_id=world.client_a.id,
            session_id=course.draft.id,
            event_type="nausea_vomiting",
            severity="mild",
            onset_at=at(date(2026, 10, 1), 10),
            action_taken="Rest and water.",
            outcome="resolved",
            prescriber_informed=True,
            recorded_by_id=world.therapist_a.id,
        )
    )


def _prescriber(world, course):
    prescriber = factories.make_user(world.practice, Role.THERAPIST, name="Pia Prescriber")
    add_to_care_team(world.client_a, prescriber, "prescriber")


def _rename_therapist(world, course):
    world.therapist_a.name = "Tara Andersen"


def _thresholds(world, course):
    world.practice.alert_systolic_high = 140  # the reading of 150 is now out of range


CLINICAL = rules.CLINICAL
CLIENT = rules.CLIENT
# (what changed, how, report kind, a phrase the fresh report prints or None)
DATA_CHANGES: list[tuple[str, Callable, str, str | None]] = [
    (
        "an addendum to a signed session",
        lambda w, c: make_addendum(c.signed, w.therapist_a, "Later correction."),
        CLINICAL,
        "1 addendum",
    ),
    ("a draft signed", lambda w, c: sign(c.draft, w.therapist_a), CLINICAL, None),
    (
        "a draft's summary edited",
        lambda w, c: setattr(c.draft, "summary", "Medicine session, edited."),
        CLINICAL,
        "Medicine session, edited.",
    ),
    (
        "a new session",
        lambda w, c: make_session(
            w.client_a, starts_at=at(date(2026, 11, 2)), summary="Booster: steady."
        ),
        CLINICAL,
        "Booster: steady.",
    ),
    ("a signed session entered in error", _void, CLINICAL, None),
    (
        "a dose",
        lambda w, c: make_administration(c.draft, minutes=60),
        CLINICAL,
        None,
    ),
    (
        "a reading out of range",
        lambda w, c: make_vital(c.draft, minutes=40, heart_rate=160),
        CLINICAL,
        "HR 160",
    ),
    ("a discharge", lambda w, c: make_discharge(c.draft), CLINICAL, None),
    ("an adverse event", _adverse_event, CLINICAL, "Rest and water."),
    (
        "a questionnaire answered",
        lambda w, c: answer_gad7(w, date(2026, 10, 20), [0, 0, 1, 0, 0, 1, 0]),
        CLINICAL,
        None,
    ),
    (
        "a rating",
        lambda w, c: factories.rate(c.goal, w.therapist_a, 7, on=date(2026, 10, 15)),
        CLINICAL,
        None,
    ),
    (
        "a goal renamed",
        lambda w, c: setattr(c.goal, "title", "Feel safe in my body"),
        CLINICAL,
        "Feel safe in my body",
    ),
    (
        "homework done",
        lambda w, c: factories.complete(c.assignment, date(2026, 9, 3)),
        CLINICAL,
        None,
    ),
    ("a completion taken back", lambda w, c: db.session.delete(c.entry), CLINICAL, None),
    (
        "the practice's letterhead",
        lambda w, c: setattr(w.practice, "letterhead_text", "Now at 3 Mill Lane"),
        CLINICAL,
        "Now at 3 Mill Lane",
    ),
    ("the practice's vitals thresholds", _thresholds, CLINICAL, None),
    (
        "the client's legal name",
        lambda w, c: setattr(w.client_a, "legal_name", "Cora Lindqvist"),
        CLINICAL,
        "Cora Lindqvist",
    ),
    ("the therapist's name", _rename_therapist, CLINICAL, "Tara Andersen"),
    ("a prescriber on the care team", _prescriber, CLINICAL, "Pia Prescriber"),
    (
        "a reflection shared",
        lambda w, c: factories.complete(c.assignment, date(2026, 9, 4), "Shared later on."),
        CLIENT,
        "Shared later on.",
    ),
    (
        "a journal entry shared",
        lambda w, c: factories.write_journal(w.client_a, "Slept through.", shared=True),
        CLIENT,
        "Slept through.",
    ),
    (
        "a journal entry made private",
        lambda w, c: setattr(c.journal, "visibility", "private"),
        CLIENT,
        None,
    ),
]


@pytest.mark.parametrize(
    ("change", "kind", "phrase"),
    [(change, kind, phrase) for _, change, kind, phrase in DATA_CHANGES],
    ids=[name for name, *_ in DATA_CHANGES],
)
def test_a_change_of_the_data_prints_afresh(printer, world, change, kind, phrase):
    course = a_course(world)
    request = report_service.ReportRequest(kind=kind, period=PERIOD)
    first = printer(request)
    printer(request)  # served from the cache
    assert printer.counts == {"gather": 1, "render": 1}

    change(world, course)
    db.session.commit()
    db.session.expire_all()
    fresh = printer(request)

    assert printer.counts == {"gather": 2, "render": 2}
    assert fresh.report.from_cache is False
    assert fresh.report.content_hash != first.report.content_hash
    if phrase:
        assert phrase not in text_of(first)
        assert phrase in text_of(fresh)
    # And the fresh one is what a reprint now finds.
    assert printer(request).pdf == fresh.pdf
    assert printer.counts["gather"] == 2


def test_a_change_to_the_family_history_prints_afresh(printer, world):
    a_course(world)
    request = report_service.ReportRequest(kind=CLINICAL, period=PERIOD, include_family=True)
    first = printer(request)
    printer(request)

    factories.make_member(world.client_a, "great-uncle", birth_year=1920)
    db.session.commit()
    fresh = printer(request)

    assert printer.counts == {"gather": 2, "render": 2}
    assert fresh.report.content_hash != first.report.content_hash


# (what differs, keyword arguments of the printer for the second report)
REQUEST_CHANGES = [
    ("another language", {"locale": "de"}),
    ("another day", {"today": TODAY + timedelta(days=1)}),
    (
        "another narrative",
        {"request": report_service.ReportRequest(kind=CLINICAL, period=PERIOD, narrative="New.")},
    ),
    (
        "another period",
        {
            "request": report_service.ReportRequest(
                kind=CLINICAL, period=dataclasses.replace(PERIOD, start=date(2026, 10, 1))
            )
        },
    ),
    ("another kind", {"request": report_service.ReportRequest(kind=CLIENT, period=PERIOD)}),
    (
        "with the family history",
        {
            "request": report_service.ReportRequest(
                kind=CLINICAL, period=PERIOD, include_family=True
            )
        },
    ),
]


@pytest.mark.parametrize(
    "second", [second for _, second in REQUEST_CHANGES], ids=[name for name, _ in REQUEST_CHANGES]
)
def test_another_request_prints_afresh(printer, world, second):
    a_course(world)
    first = printer()

    other = printer(**second)

    assert printer.counts == {"gather": 2, "render": 2}
    assert other.report.content_hash != first.report.content_hash


def test_the_language_is_the_report_language(printer, world):
    a_course(world)
    english = printer()

    german = printer(locale="de")

    assert "Clinical progress summary" in text_of(english)
    assert "Klinischer Verlaufsbericht" in text_of(german)
    assert printer(locale="en").pdf == english.pdf  # each language keeps its own
    assert printer.counts["gather"] == 2


def test_another_signer_prints_afresh(printer, world):
    a_course(world)
    colleague = factories.make_user(world.practice, Role.THERAPIST, name="Cleo Colleague")
    add_to_care_team(world.client_a, colleague, "co_therapist")
    db.session.commit()
    printer()

    signed_by_colleague = printer(signer=colleague)

    assert printer.counts["gather"] == 2
    assert "Cleo Colleague" in text_of(signed_by_colleague).split("signature")[-1]


def test_a_new_version_of_the_app_gathers_again(printer, world, monkeypatch):
    a_course(world)
    first = printer()
    monkeypatch.setattr(report_cache, "code_version", lambda: "a later version")

    again = printer()

    # Gathered and templated again; the same HTML is the same PDF (not printed again).
    assert printer.counts == {"gather": 2, "render": 1}
    assert again.report.content_hash == first.report.content_hash


def test_a_pdf_file_gone_from_the_cache_is_printed_again(printer, world, app):
    a_course(world)
    first = printer()
    (Path(app.instance_path) / "reports" / f"{first.report.content_hash}.pdf.enc").unlink()

    again = printer()

    assert printer.counts == {"gather": 2, "render": 2}
    assert again.pdf == first.pdf


def test_every_report_is_well_formed_for_the_fast_parser(printer, world):
    """The print templates are XHTML: the rendering process reads them with the XML
    parser (pdf.parse_xhtml); a slip would silently cost a tenth of every report."""
    course = a_course(world)
    make_addendum(course.signed, world.therapist_a, "Later.")
    make_discharge(course.draft)
    _adverse_event(world, course)
    db.session.commit()

    for request in (
        report_service.ReportRequest(kind=CLINICAL, period=PERIOD, include_family=True),
        report_service.ReportRequest(kind=CLIENT, period=PERIOD, include_measures=True),
    ):
        for locale in ("en", "de"):
            printer(request, locale=locale)

    assert printer.well_formed == [True] * 4
    # And they use only elements whose browser defaults static/css/print_ua.css gives.
    for html in printer.documents:
        assert html_elements(html) <= PRINT_UA_ELEMENTS, html_elements(html) - PRINT_UA_ELEMENTS


# --- what the code version covers ---------------------------------------------------------


def test_the_code_version_covers_templates_stylesheets_fonts_translations_and_code():
    root = Path(report_cache.__file__).resolve().parents[2]
    files = {path.relative_to(root).as_posix() for path in report_cache.code_files()}

    for name in (
        "templates/reports/clinical.html",
        "templates/reports/_layout.html",
        "templates/_macros/genogram.html",
        "static/css/report.css",
        "static/fonts/DejaVuSans.ttf",
        "translations/de/LC_MESSAGES/messages.mo",
        "tracker/domain/reports.py",
        "tracker/printing/reports.py",
    ):
        assert name in files, name


def test_the_digest_of_the_code_changes_with_any_file(tmp_path):
    template, stylesheet = tmp_path / "report.html", tmp_path / "report.css"
    template.write_text("<h1>{{ title }}</h1>")
    stylesheet.write_text("h1 { color: green }")
    before = report_cache.digest_of_files([template, stylesheet], tmp_path)

    template.write_text("<h1>{{ title }}!</h1>")

    assert report_cache.digest_of_files([template, stylesheet], tmp_path) != before
    assert report_cache.digest_of_files([stylesheet], tmp_path) != before


def test_two_requests_storing_the_same_report_at_once_do_not_trip_over_each_other(app):
    digest, key = uuid.uuid4().hex * 2, uuid.uuid4().hex * 2
    errors: list[Exception] = []

    def store() -> None:
        try:
            with app.app_context():
                for _ in range(40):
                    report_cache.store_pdf(digest, b"%PDF-stand-in")
                    report_cache.remember(key, digest, 3)
        except OSError as error:  # a temporary file renamed away by the other writer
            errors.append(error)

    writers = [threading.Thread(target=store) for _ in range(4)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join()

    assert errors == []
    hit = report_cache.find(key)
    assert (hit.digest, hit.pages, hit.pdf) == (digest, 3, b"%PDF-stand-in")
    assert not list((Path(app.instance_path) / "reports").rglob("*.tmp"))
