"""Progress reports through the web: what the real PDFs say (text extracted with pypdf),
what the client summary leaves out, the HTML preview, PDF/UA markers, the cache, the
records and audit trail, downloads and who may reach the report routes.

One course is built and its three reports are rendered once per module (``course``):
rendering takes a second or more per report, so the content tests share the PDFs.
"""

from __future__ import annotations

import dataclasses
import io
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pikepdf
import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from tests import factories
from tests.report_helpers import decoded_streams, page_texts, shows, squash, standalone_app
from tests.session_factories import add_to_care_team, at, make_addendum, make_session, sign
from tracker.crypto import field_cipher
from tracker.domain import reports as rules
from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.models import (
    AdverseEvent,
    AuditEvent,
    BrainspotRecord,
    KetamineAdministration,
    MedicalScreening,
    Report,
    SessionDischarge,
    VitalSign,
)
from tracker.models.base import Base
from tracker.printing import reports as report_printing
from tracker.services import alerts as alert_service
from tracker.services import measures as measure_service
from tracker.services import reports as report_service

PERIOD_START = date(2026, 9, 1)
PERIOD_END = date(2026, 11, 20)
PERIOD = f"{PERIOD_START.isoformat()} – {PERIOD_END.isoformat()}"

NARRATIVE_FIRST = "Narrative typed at generation: steady, well-integrated progress."
# Long enough that the clinical report runs over several pages.
CLINICAL_NARRATIVE = "\n".join(
    [NARRATIVE_FIRST]
    + [f"Observation {n}: the client tracks her body sensations with ease." for n in range(60)]
)
CLIENT_NARRATIVE = "A note for you from Tara: you have done brave work this autumn."

# Therapist-only text: never in the client's summary.
THERAPIST_ONLY = {
    "note subjective": "CanaryNoteSubjective",
    "note assessment behind a summary": "CanaryNoteAssessment",
    "note plan": "CanaryNotePlan",
    "preparation note subjective": "CanaryPrepSubjective",
    "intention": "CanaryIntention",
    "risk follow-up": "CanaryRiskFollowUp",
    "session summary": "CanarySessionSummary",
    "addendum": "CanaryAddendum",
    "dose adjuncts": "CanaryAdjuncts",
    "dose hold override": "CanaryOverrideReason",
    "dose unusual reason": "CanaryUnusualReason",
    "vital note": "CanaryVitalNote",
    "screening notes": "CanaryScreeningNotes",
    "screening medications": "CanaryScreeningMedications",
    "presenting concerns": "CanaryPresentingConcerns",
    "safety alert note": "CanaryAlertNote",
    "brainspot issue": "CanaryBrainspotIssue",
    "adverse event action": "CanaryAdverseAction",
    "adverse event description": "CanaryAdverseDescription",
    "adverse event outcome note": "CanaryAdverseOutcomeNote",
    "readiness override": "CanaryReadinessOverride",
    "retrospective reason": "CanaryRetroReason",
    "discharge reason": "CanaryDischargeReason",
    "discharge escort": "CanaryDischargeEscort",
}
# The client's own private words: in no report at all.
PRIVATE = {
    "private journal body": "CanaryPrivateJournalBody",
    "private journal title": "CanaryPrivateJournalTitle",
    "unshared reflection": "CanaryUnsharedReflection",
}
OVERRIDE_REASON = "Recheck after ten minutes of rest was 138/88 (CanaryOverrideReason)."
SUMMARY_WITH_CANARY = "First medicine session: gentle and spacious. CanarySessionSummary"
ASSESSMENT_LINES = "Grief is accessible without flooding.\nReady for a first medicine session."
SHARED_REFLECTION = "The breath felt like an anchor tonight."
LETTER_REFLECTION = "I wrote to my great-grandmother about the crossing."
SHARED_JOURNAL = "Walked by the river and felt my feet on the ground."


# --- the course --------------------------------------------------------------------


def build_course() -> factories.World:
    """Client A's KAP course from intake to booster, with every kind of record."""
    world = factories.build_world()
    practice, therapist, client = world.practice, world.therapist_a, world.client_a
    practice.name = "Riverbend Integration Practice"
    practice.letterhead_text = "Ketamine-assisted psychotherapy and integration"
    practice.address = "12 Mill Lane, Springfield"
    therapist.credentials = "LMFT"
    client.legal_name = "Cora Maria Lindqvist"
    client.date_of_birth = date(1984, 3, 9)
    client.course_start_date = PERIOD_START
    client.presenting_concerns = THERAPIST_ONLY["presenting concerns"]
    prescriber = factories.make_user(
        practice, Role.THERAPIST, email="pia@example.test", name="Pia Prescriber"
    )
    add_to_care_team(client, prescriber, "prescriber")
    db.session.add(
        MedicalScreening(
            client_id=client.id,
            screened_on=date(2026, 8, 28),
            weight_kg=Decimal("80"),
            medications=THERAPIST_ONLY["screening medications"],
            notes=THERAPIST_ONLY["screening notes"],
            decision="cleared",
            recorded_by_id=therapist.id,
        )
    )

    intake = make_session(
        client,
        starts_at=at(date(2026, 9, 1), 10),
        modality="psychotherapy",
        phase="intake",
        duration_minutes=90,
        intention=THERAPIST_ONLY["intention"],
        suicide_screen="positive",
        risk_follow_up=THERAPIST_ONLY["risk follow-up"],
        summary="Intake: family history of displacement explored gently.",
        note={
            "subjective": THERAPIST_ONLY["note subjective"],
            "assessment": THERAPIST_ONLY["note assessment behind a summary"],
            "plan": THERAPIST_ONLY["note plan"],
        },
    )
    sign(intake, therapist)
    preparation = make_session(
        client,
        starts_at=at(date(2026, 9, 8), 10),
        phase="preparation",
        duration_minutes=60,
        note={
            "subjective": THERAPIST_ONLY["preparation note subjective"],
            "assessment": ASSESSMENT_LINES,
        },
    )
    sign(preparation, therapist)
    make_addendum(preparation, therapist, THERAPIST_ONLY["addendum"])

    first_dose = make_session(
        client, starts_at=at(date(2026, 9, 15), 9), summary=SUMMARY_WITH_CANARY
    )
    db.session.add(
        VitalSign(
            session_id=first_dose.id,
            taken_at=at(date(2026, 9, 15), 9, 5),
            systolic=150,
            diastolic=95,
            heart_rate=80,
            spo2=98,
            note=THERAPIST_ONLY["vital note"],
            recorded_by_id=therapist.id,
        )
    )
    db.session.add(
        KetamineAdministration(
            session_id=first_dose.id,
            route="im",
            dose_mg=Decimal("60"),
            weight_kg=Decimal("80"),
            mg_per_kg=Decimal("0.75"),
            given_at=at(date(2026, 9, 15), 9, 20),
            adjuncts=THERAPIST_ONLY["dose adjuncts"],
            hold_override_reason=OVERRIDE_REASON,
            recorded_by_id=therapist.id,
        )
    )
    db.session.add(
        AdverseEvent(
            client_id=client.id,
            session_id=first_dose.id,
            event_type="nausea_vomiting",
            severity="moderate",
            onset_at=at(date(2026, 9, 15), 9, 50),
            action_taken=f"Ondansetron 4 mg ({THERAPIST_ONLY['adverse event action']})",
            outcome="resolved",
            outcome_note=THERAPIST_ONLY["adverse event outcome note"],
            prescriber_informed=True,
            description=THERAPIST_ONLY["adverse event description"],
            recorded_by_id=therapist.id,
        )
    )
    db.session.flush()
    sign(first_dose, therapist)
    integration = make_session(
        client,
        starts_at=at(date(2026, 9, 17), 10),
        phase="integration",
        duration_minutes=60,
        summary="Integrated images of the grandmother's kitchen.",
    )
    sign(integration, therapist)
    second_dose = make_session(  # left as a draft
        client,
        starts_at=at(date(2026, 10, 6), 9),
        modality="kabsp",
        summary="Second medicine session, with brainspotting.",
    )
    db.session.add(
        VitalSign(
            session_id=second_dose.id,
            taken_at=at(date(2026, 10, 6), 9, 40),
            systolic=118,
            diastolic=76,
            heart_rate=72,
            spo2=90,
            recorded_by_id=therapist.id,
        )
    )
    db.session.add(
        KetamineAdministration(
            session_id=second_dose.id,
            route="sublingual",
            dose_mg=Decimal("300"),
            weight_kg=Decimal("75"),
            mg_per_kg=Decimal("4.00"),
            given_at=at(date(2026, 10, 6), 9, 15),
            unusual_confirmed=True,
            unusual_reason=THERAPIST_ONLY["dose unusual reason"],
            override_findings="no_predose_vitals,not_cleared",
            override_reason=f"Paper chart only ({THERAPIST_ONLY['readiness override']})",
            override_by_id=prescriber.id,
            override_at=at(date(2026, 10, 6), 9, 14),
            retro_findings="spo2_low",
            retro_reason=f"Probe slipped ({THERAPIST_ONLY['retrospective reason']})",
            retro_by_id=prescriber.id,
            retro_at=at(date(2026, 10, 6), 11, 0),
            recorded_by_id=therapist.id,
        )
    )
    db.session.add(
        SessionDischarge(
            session_id=second_dose.id,
            outcome="home",
            discharged_at=at(date(2026, 10, 6), 10, 55),
            oriented_and_steady=True,
            escort_or_transport=True,
            left_with=THERAPIST_ONLY["discharge escort"],
            unmet_findings="observation_short",
            reason=f"Taxi waiting ({THERAPIST_ONLY['discharge reason']})",
            recorded_by_id=therapist.id,
        )
    )
    db.session.add(
        BrainspotRecord(
            session_id=second_dose.id,
            issue=THERAPIST_ONLY["brainspot issue"],
            spot_type="activation",
            method="inside_window",
            eye="both",
            x=1,
            y=-1,
            recorded_by_id=therapist.id,
        )
    )
    booster = make_session(
        client,
        starts_at=at(date(2026, 11, 10), 10),
        phase="booster",
        summary="Booster: the changes are holding.",
    )
    sign(booster, therapist)

    sleep = factories.make_goal(
        client,
        title="Sleep through the night",
        domain="body",
        baseline=2,
        target=8,
        started_on=PERIOD_START,
        status_since=PERIOD_START,
        measure_code="pcl5",
        measure_comparison="at_most",
        measure_value=33,
    )
    factories.rate(sleep, therapist, 3, on=date(2026, 9, 10))
    factories.rate(sleep, world.client_user_a, 6, on=date(2026, 11, 12))
    mother = factories.make_goal(
        client,
        title="Speak with my mother calmly",
        domain="relationships",
        baseline=4,
        target=7,
        status="achieved",
        started_on=PERIOD_START,
        status_since=date(2026, 10, 20),
    )
    factories.rate(mother, world.client_user_a, 7, on=date(2026, 10, 20))

    breathwork = factories.make_assignment(
        client,
        title="Evening breathwork",
        recurrence="daily",
        start_date=date(2026, 11, 1),
        due_date=date(2026, 11, 10),
    )
    factories.complete(breathwork, date(2026, 11, 2), SHARED_REFLECTION, shared=True)
    factories.complete(breathwork, date(2026, 11, 3), PRIVATE["unshared reflection"], shared=False)
    factories.complete(breathwork, date(2026, 11, 4))
    letter = factories.make_assignment(
        client,
        title="Letter to an ancestor",
        recurrence="once",
        start_date=date(2026, 10, 1),
        due_date=date(2026, 10, 15),
    )
    factories.complete(letter, date(2026, 10, 15), LETTER_REFLECTION, shared=True)

    answers = {
        # PHQ-9 18 → 7 (reliable change 6): improved; item 9 raises a safety alert.
        "phq9": ([2, 2, 2, 2, 2, 2, 2, 3, 1], [1, 1, 1, 1, 1, 1, 1, 0, 0]),
        # GAD-7 15 → 12 (threshold 4): no reliable change.
        "gad7": ([2, 2, 2, 2, 2, 2, 3], [2, 2, 2, 2, 2, 1, 1]),
        # PCL-5 50 → 30 (threshold 10): improved, and the goal's "at or below 33" is met.
        "pcl5": ([3] * 10 + [2] * 10, [2] * 10 + [1] * 10),
        # C-SSRS low → high (intent): a screen read by its severity, not its yes-count.
        "cssrs": ([1, 1, 0, 0, 0, 0, 0], [1, 1, 0, 1, 0, 0, 0]),
    }
    for code, (first, latest) in answers.items():
        for day, values in ((date(2026, 9, 1), first), (date(2026, 11, 15), latest)):
            submitted = measure_service.submit_answers(
                client,
                therapist,
                instrument=code,
                answers=values,
                extra_answer=None,
                completed_on=day,
                by_client=True,
            )
            if submitted.alert is not None:
                alert_service.acknowledge(
                    submitted.alert, therapist, THERAPIST_ONLY["safety alert note"]
                )

    shared = factories.write_journal(client, SHARED_JOURNAL, shared=True, title="River walk")
    shared.created_at = datetime(2026, 10, 10, 12, tzinfo=UTC)
    private = factories.write_journal(
        client, PRIVATE["private journal body"], title=PRIVATE["private journal title"]
    )
    private.created_at = datetime(2026, 10, 11, 12, tzinfo=UTC)
    db.session.commit()
    return world


@dataclass(frozen=True)
class Generated:
    pdf: bytes
    text: str  # all pages
    pages: list[str]
    streams: bytes  # the raw file and every stream decoded (metadata, structure tree …)
    content_disposition: str
    report_id: int


@dataclass(frozen=True)
class Row:
    """A stored ``Report`` row, read back as plain values."""

    kind: str
    from_cache: bool
    pages: int
    content_hash: str
    include_measures: bool


@dataclass(frozen=True)
class Course:
    client_id: int
    client_number: str
    today: date
    clinical: Generated
    client_with_measures: Generated
    client_without_measures: Generated
    clinical_preview: str
    client_preview: str
    reports_page: str
    rows: dict[int, Row]  # by report id
    events: list[tuple[str, int | None, str]]  # action, record id, detail
    cached_file: bytes


def period_form(**fields: str) -> dict[str, str]:
    return {
        "period_start": PERIOD_START.isoformat(),
        "period_end": PERIOD_END.isoformat(),
        **fields,
    }


def generate(browser: FlaskClient, client_id: int, **fields: str) -> Generated:
    """Generate a report through the form and download it."""
    path = f"/clients/{client_id}/reports"
    posted = factories.post_form(browser, path, period_form(**fields))
    assert posted.status_code == 302, posted.get_data(as_text=True)[:2000]
    downloaded = browser.get(posted.location)
    assert downloaded.status_code == 200
    assert downloaded.mimetype == "application/pdf"
    pages = page_texts(downloaded.data)
    return Generated(
        pdf=downloaded.data,
        text="\n".join(pages),
        pages=pages,
        streams=decoded_streams(downloaded.data),
        content_disposition=downloaded.headers["Content-Disposition"],
        report_id=int(re.search(r"/reports/(\d+)/download", posted.location).group(1)),
    )


@pytest.fixture(scope="module")
def course(database_template, tmp_path_factory) -> Course:
    with standalone_app(database_template, tmp_path_factory.mktemp("course")) as app:
        world = build_course()
        client_id = world.client_a.id
        browser = app.test_client()
        assert factories.login(browser, "ta@example.test").status_code == 302
        clinical = generate(browser, client_id, kind="clinical", narrative=CLINICAL_NARRATIVE)
        with_measures = generate(
            browser, client_id, kind="client", narrative=CLIENT_NARRATIVE, include_measures="y"
        )
        without_measures = generate(browser, client_id, kind="client")
        preview = f"/clients/{client_id}/reports/preview"
        query = f"period_start={PERIOD_START}&period_end={PERIOD_END}"
        clinical_preview = browser.get(
            f"{preview}?kind=clinical&{query}&narrative=CanaryNarrativeInUrl"
        )
        client_preview = browser.get(f"{preview}?kind=client&include_measures=y&{query}")
        assert clinical_preview.status_code == client_preview.status_code == 200
        reports_page = browser.get(f"/clients/{client_id}/reports")
        db.session.expire_all()
        rows = {
            r.id: Row(r.kind, r.from_cache, r.pages, r.content_hash, r.include_measures)
            for r in db.session.scalars(select(Report).where(Report.client_id == client_id))
        }
        events = [
            (e.action, e.record_id, e.detail)
            for e in db.session.scalars(
                select(AuditEvent).where(AuditEvent.action.like("report.%")).order_by(AuditEvent.id)
            )
        ]
        digest = rows[clinical.report_id].content_hash
        cached_file = (Path(app.instance_path) / "reports" / f"{digest}.pdf.enc").read_bytes()
        return Course(
            client_id=client_id,
            client_number=rules.client_number(client_id),
            today=datetime.now(UTC).date(),
            clinical=clinical,
            client_with_measures=with_measures,
            client_without_measures=without_measures,
            clinical_preview=clinical_preview.get_data(as_text=True),
            client_preview=client_preview.get_data(as_text=True),
            reports_page=reports_page.get_data(as_text=True),
            rows=rows,
            events=events,
            cached_file=cached_file,
        )


def html_text(page: str) -> str:
    """An HTML page's text, roughly (tags dropped, the common entities decoded)."""
    return unescape(re.sub(r"<[^>]+>", " ", page))


# --- the clinical report -----------------------------------------------------------


def test_clinical_report_names_practice_client_period_and_team(course):
    text = course.clinical.text

    for phrase in (
        "Riverbend Integration Practice",
        "Ketamine-assisted psychotherapy and integration",
        "12 Mill Lane, Springfield",
        "Clinical progress summary",
        "Cora Maria Lindqvist",
        "1984-03-09",
        course.client_number,
        PERIOD,
        "Tara A, LMFT",
        "Pia Prescriber (Prescriber)",
    ):
        assert shows(text, phrase), phrase
    assert re.fullmatch(r"C\d{4}", course.client_number)


def test_clinical_report_counts_the_course(course):
    text = course.clinical.text

    phases = "Intake: 1 · Preparation: 1 · Medicine session: 2 · Integration: 1 · Booster: 1"
    assert shows(text, phases)
    assert shows(text, "KAP (ketamine-assisted psychotherapy): 4")
    assert shows(text, "KABSP (ketamine-assisted brainspotting): 1")
    assert shows(text, "Psychotherapy: 1")


def test_clinical_report_lists_each_dose_with_route_dose_and_weight_based_dose(course):
    text = course.clinical.text

    assert shows(text, "2026-09-15 Intramuscular (IM) · 60 mg · 0.75 mg/kg")
    assert shows(text, "2026-10-06 Sublingual / troche · 300 mg · 4.00 mg/kg")


def test_clinical_report_shows_readiness_overrides_and_the_discharge(course):
    text = course.clinical.text

    assert shows(
        text,
        "Dosed despite: no pre-dose vitals, no medical clearance — override by Pia Prescriber: "
        "Paper chart only (CanaryReadinessOverride)",
    )
    assert shows(text, "Explained afterwards: low SpO₂ Probe slipped (CanaryRetroReason)")
    assert shows(text, "2026-10-06 · Went home · 10:55 · left with CanaryDischargeEscort")
    assert shows(text, "Criteria not met: observation time too short")
    assert shows(text, "Taxi waiting (CanaryDischargeReason)")


def test_clinical_report_shows_vitals_out_of_range_and_the_override_reason(course):
    text = course.clinical.text

    assert shows(text, "2026-09-15 09:05 150/95 · HR 80 · SpO₂ 98% — Above the dosing hold")
    assert shows(text, "2026-10-06 09:40 118/76 · HR 72 · SpO₂ 90% — SpO₂ low")
    assert shows(text, "Given despite the blood-pressure hold: " + OVERRIDE_REASON)


@pytest.mark.parametrize(
    ("name", "baseline", "latest", "change"),
    [
        ("PHQ-9", 18, 7, "reliably improved"),
        ("GAD-7", 15, 12, "no reliable change"),
        ("PCL-5", 50, 30, "reliably improved"),
    ],
)
def test_clinical_report_gives_each_measure_with_its_change_in_words(
    course, name, baseline, latest, change
):
    text = squash(course.clinical.text)

    section = re.search(
        re.escape(squash(f"{name} Baseline {baseline}, latest {latest}")) + r"(.{0,40}?)\.",
        text,
    )
    assert section, f"{name}: no baseline/latest line"
    assert squash(change) in section.group(1)


def test_clinical_report_gives_the_cssrs_by_its_severity_without_totals(course):
    text = squash(course.clinical.text)
    assert squash("C-SSRS Latest screen: risk high.") in text
    assert squash("2026-09-01: low · 2026-11-15: high") in text
    assert squash("C-SSRS Baseline") not in text


def test_the_client_summary_leaves_the_cssrs_out(course):
    assert "C-SSRS" not in course.client_with_measures.text


def test_clinical_report_shows_goals_with_ratings_status_and_outcome_target(course):
    text = course.clinical.text

    assert shows(text, "Sleep through the night Active")
    assert shows(text, "Body and nervous system · baseline 2 → latest 6 (target 8)")
    assert shows(text, "PCL-5 at or below 33: reached")
    assert shows(text, "Speak with my mother calmly Achieved")
    assert shows(text, "baseline 4 → latest 7 (target 7)")


def test_clinical_report_shows_homework_adherence(course):
    text = course.clinical.text

    assert shows(text, "Evening breathwork — 30% (3 of 10)")
    assert shows(text, "Letter to an ancestor — 100% (1 of 1)")


def test_session_log_gives_summaries_or_the_assessment_and_notes_addenda(course):
    text = course.clinical.text

    assert shows(text, "2026-09-01 Intake · Psychotherapy")
    assert shows(text, "Intake: family history of displacement explored gently.")
    # No summary: the first lines of the assessment, on one line.
    assert shows(text, "2026-09-08 Preparation · KAP · 1 addendum")
    assert shows(text, "Grief is accessible without flooding. Ready for a first medicine session.")
    assert shows(text, SUMMARY_WITH_CANARY)
    assert shows(text, "2026-10-06 Medicine session · KABSP · draft")
    # The summary is preferred: the assessment of a summarised note stays out.
    assert THERAPIST_ONLY["note assessment behind a summary"] not in squash(text)
    # Addenda are counted, not printed.
    assert THERAPIST_ONLY["addendum"] not in squash(text)


def test_clinical_report_prints_narrative_signature_and_confidentiality(course):
    text = course.clinical.text

    assert shows(text, "Summary " + NARRATIVE_FIRST)
    assert shows(text, "Observation 59: the client tracks her body sensations with ease.")
    assert shows(text, f"Tara A, LMFT Date: {course.today.isoformat()}")
    assert shows(text, "This report contains confidential health information about the person")


def test_every_page_carries_page_x_of_y_and_the_report_id(course):
    pages = course.clinical.pages
    report_id = re.search(r"R-[0-9A-F]{10}", course.clinical.text).group(0)
    row = course.rows[course.clinical.report_id]

    assert len(pages) >= 2
    assert row.pages == len(pages)
    assert report_id == rules.report_id(row.content_hash)
    for number, text in enumerate(pages, start=1):
        assert shows(text, f"Page {number} of {len(pages)}"), f"page {number}"
        assert report_id in text, f"page {number}"
        assert "Confidential health information" in text, f"page {number}"


# --- the client summary ------------------------------------------------------------


def test_client_summary_shows_goals_homework_and_what_the_client_shared(course):
    text = course.client_with_measures.text

    for phrase in (
        "Your progress summary",
        f"For Cora, {PERIOD}.",
        CLIENT_NARRATIVE,
        "Sleep through the night Active",
        "Where you started: 2 · latest: 6 · aiming for: 8",
        "Evening breathwork — done 3 of 10 times",
        "2026-11-02: " + SHARED_REFLECTION,
        "Letter to an ancestor — done 1 of 1 times",
        "2026-10-15: " + LETTER_REFLECTION,
        "What you shared from your journal",
        "2026-10-10 River walk " + SHARED_JOURNAL,
    ):
        assert shows(text, phrase), phrase


def test_client_summary_explains_questionnaires_in_plain_words_when_ticked(course):
    text = course.client_with_measures.text

    assert shows(text, "Your questionnaires")
    assert shows(
        text, "PHQ-9 First score 18, latest 7. Your answers show a real improvement since you"
    )
    assert shows(text, "GAD-7 First score 15, latest 12. Your answers have stayed about the same")
    assert shows(text, "PCL-5 First score 50, latest 30. Your answers show a real improvement")
    # The clinician's vocabulary stays in the clinical report.
    assert "reliably" not in text


def test_client_summary_leaves_questionnaires_out_unless_ticked(course):
    text = course.client_without_measures.text

    assert shows(text, "Sleep through the night")  # the rest of the summary is there
    for phrase in ("Your questionnaires", "First score", "PHQ-9", "GAD-7", "PCL-5"):
        assert not shows(text, phrase), phrase
    assert course.rows[course.client_without_measures.report_id].include_measures is False
    assert course.rows[course.client_with_measures.report_id].include_measures is True


@pytest.mark.parametrize("field", sorted(THERAPIST_ONLY))
def test_client_summary_never_shows_therapist_only_text(course, field):
    canary = THERAPIST_ONLY[field]

    for report in (course.client_with_measures, course.client_without_measures):
        assert canary not in squash(report.text)
        assert canary.encode() not in report.streams
    assert canary not in course.client_preview


def test_the_client_summary_leaves_out_the_clinical_record_as_a_whole(course):
    text = course.client_with_measures.text

    for phrase in (
        "Cora Maria Lindqvist",  # the preferred name only
        "mg/kg",
        "Vitals",
        "Session log",
        "Intake: family history",
        "Given despite",
        "Grief is accessible",
        "Adverse events",
        "Nausea or vomiting",
    ):
        assert not shows(text, phrase), phrase


@pytest.mark.parametrize("field", sorted(PRIVATE))
def test_private_journal_and_unshared_reflections_are_in_no_report(course, field):
    canary = PRIVATE[field]

    for report in (course.clinical, course.client_with_measures, course.client_without_measures):
        assert canary not in squash(report.text)
        assert canary.encode() not in report.streams
    assert canary not in course.clinical_preview
    assert canary not in course.client_preview


def test_the_clinical_report_does_print_some_canaries(course):
    """The absence above is the client summary's choice, not an accident of the data."""
    text = squash(course.clinical.text)

    for field in ("session summary", "dose hold override", "adverse event action"):
        assert THERAPIST_ONLY[field] in text


def test_clinical_report_lists_the_adverse_events_of_the_period(course):
    text = course.clinical.text

    assert shows(text, "Adverse events")
    assert shows(text, "2026-09-15 · Nausea or vomiting · Moderate · outcome: Resolved")
    assert shows(text, "prescriber told")
    assert shows(text, "Action taken: Ondansetron 4 mg")


# --- the HTML preview --------------------------------------------------------------


def test_clinical_preview_shows_the_same_sections_without_a_narrative(course):
    page = html_text(course.clinical_preview)

    for phrase in (
        "Riverbend Integration Practice",
        "Cora Maria Lindqvist",
        course.client_number,
        PERIOD,
        "Pia Prescriber (Prescriber)",
        "Course overview",
        "Medicine session: 2",
        "Intramuscular (IM) · 60 mg · 0.75 mg/kg",
        "Vitals out of range",
        OVERRIDE_REASON,
        "Outcome measures",
        "reliably improved",
        "Integration goals",
        "PCL-5 at or below 33: reached",
        "Homework adherence",
        "Evening breathwork — 30% (3 of 10)",
        "Session log",
        "Grief is accessible without flooding. Ready for a first medicine session.",
        "Tara A, LMFT",
        "This report contains confidential health information",
    ):
        assert shows(page, phrase), phrase
    # The narrative is typed when generating; one put in the URL is not printed.
    assert "CanaryNarrativeInUrl" not in course.clinical_preview
    assert NARRATIVE_FIRST not in course.clinical_preview
    assert "<h2>Summary</h2>" not in course.clinical_preview


def test_client_preview_shows_the_client_summary(course):
    page = html_text(course.client_preview)

    for phrase in (
        "Your progress summary",
        "Where you started: 2 · latest: 6 · aiming for: 8",
        SHARED_REFLECTION,
        SHARED_JOURNAL,
        "Your answers show a real improvement since you started.",
    ):
        assert shows(page, phrase), phrase
    assert "Lindqvist" not in page


def test_preview_links_carry_no_clinical_text(course):
    links = re.findall(r'href="([^"]*/reports/preview[^"]*)"', course.reports_page)

    assert len(links) == 3  # clinical, clinical with the family history, client summary
    for link in links:
        query = parse_qs(urlsplit(link.replace("&amp;", "&")).query)
        assert set(query) <= {"kind", "include_measures", "include_family"}, link


# --- PDF/UA ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("report", "title"),
    [("clinical", "Clinical progress summary C"), ("client_with_measures", "Your progress")],
)
def test_reports_are_tagged_pdf_ua_with_language_and_title(course, report, title):
    content = getattr(course, report).pdf

    with pikepdf.open(io.BytesIO(content)) as pdf:
        assert pdf.Root.MarkInfo.Marked is True
        assert "/K" in pdf.Root.StructTreeRoot  # the tree has content
        assert str(pdf.Root.Lang) == "en"
        assert str(pdf.docinfo.Title).startswith(title)
        assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
        with pdf.open_metadata() as xmp:
            assert xmp["pdfuaid:part"] == "1"
            assert str(xmp["dc:title"]).startswith(title)


# --- records, audit trail, downloads, cache file -----------------------------------


def test_each_generation_is_recorded_and_audited_without_clinical_text(course):
    generated = [e for e in course.events if e[0] == "report.generate"]
    downloaded = [e for e in course.events if e[0] == "report.download"]
    ids = [
        course.clinical.report_id,
        course.client_with_measures.report_id,
        course.client_without_measures.report_id,
    ]

    assert sorted(course.rows) == sorted(ids)
    assert [(row.kind, row.from_cache) for _, row in sorted(course.rows.items())] == [
        ("clinical", False),
        ("client", False),
        ("client", False),
    ]
    assert [record_id for _, record_id, _ in generated] == ids
    assert [record_id for _, record_id, _ in downloaded] == ids
    for _, _, detail in generated:
        assert re.fullmatch(r"kind=(clinical|client),cached=[01]", detail), detail
    for _, _, detail in course.events:
        assert "Observation" not in detail and "Cora" not in detail
    assert ("report.preview", course.client_id, "kind=clinical") in course.events


def test_downloads_are_attachments_named_without_the_client(course):
    number = course.client_number

    assert course.clinical.content_disposition == (
        f'attachment; filename="progress-{number}-2026-11.pdf"'
    )
    assert course.client_with_measures.content_disposition == (
        f'attachment; filename="summary-{number}-2026-11.pdf"'
    )


def test_the_cached_pdf_on_disk_is_encrypted(course):
    stored = course.cached_file

    pdf = course.clinical.pdf

    assert field_cipher.decrypt_bytes(stored) == pdf
    # The PDF's own streams are compressed, so plain text is never visible in it either:
    # check that no piece of the PDF, structure or stream, is in the stored file.
    assert not stored.startswith(b"%PDF")
    for marker in (b"/FlateDecode", b"endstream", b"%%EOF"):
        assert marker in pdf and marker not in stored
    for offset in range(0, len(pdf) - 32, len(pdf) // 16):
        assert pdf[offset : offset + 32] not in stored


# --- the cache (function-scoped: each test renders what it needs) ------------------


@pytest.fixture
def render_calls(monkeypatch) -> list[int]:
    """Counts the PDF renders (the real renderer still runs)."""
    calls: list[int] = []
    original = report_printing.pdf.RenderPool.render

    def counting(self, html, *args, **kwargs):
        calls.append(1)
        return original(self, html, *args, **kwargs)

    monkeypatch.setattr(report_printing.pdf.RenderPool, "render", counting)
    return calls


def _post_report(browser: FlaskClient, client_id: int, **fields: str):
    path = f"/clients/{client_id}/reports"
    return factories.post_form(browser, path, {"kind": "clinical", **period_form(**fields)})


def test_unchanged_data_is_served_from_the_cache_and_a_new_rating_renders_anew(
    app, world, login, render_calls
):
    goal = factories.make_goal(world.client_a, title="Feel at home in my body")
    factories.rate(goal, world.therapist_a, 4, on=date(2026, 10, 1))
    db.session.commit()
    browser = app.test_client()
    login(browser, world.therapist_a)
    # Unique text: no earlier test's PDF in this worker's cache can match.
    narrative = f"Cache check {uuid.uuid4().hex}"

    first = _post_report(browser, world.client_a.id, narrative=narrative)
    second = _post_report(browser, world.client_a.id, narrative=narrative)
    first_pdf = browser.get(first.location).data
    second_pdf = browser.get(second.location).data

    db.session.expire_all()
    one, two = db.session.scalars(select(Report).order_by(Report.id)).all()
    assert (first.status_code, second.status_code) == (302, 302)
    assert (one.from_cache, two.from_cache) == (False, True)
    assert one.content_hash == two.content_hash
    assert first_pdf == second_pdf and first_pdf.startswith(b"%PDF")
    assert two.pages == one.pages > 0
    assert len(render_calls) == 1
    details = db.session.scalars(
        select(AuditEvent.detail)
        .where(AuditEvent.action == "report.generate")
        .order_by(AuditEvent.id)
    ).all()
    assert details == ["kind=clinical,cached=0", "kind=clinical,cached=1"]

    factories.rate(goal, world.therapist_a, 7, on=date(2026, 11, 1))
    db.session.commit()
    third = _post_report(browser, world.client_a.id, narrative=narrative)

    db.session.expire_all()
    latest = db.session.get(Report, int(re.search(r"/reports/(\d+)/", third.location).group(1)))
    assert latest.from_cache is False
    assert latest.content_hash != one.content_hash
    assert len(render_calls) == 2
    assert shows(page_texts(browser.get(third.location).data)[0], "Clinical progress summary")


def test_a_reprint_through_the_web_is_found_without_gathering(
    app, world, login, render_calls, monkeypatch
):
    gathered: list[int] = []
    gather = report_service.gather

    def counting_gather(*args, **kwargs):
        gathered.append(1)
        return gather(*args, **kwargs)

    monkeypatch.setattr(report_service, "gather", counting_gather)
    browser = app.test_client()
    login(browser, world.therapist_a)
    narrative = f"Reprint check {uuid.uuid4().hex}"

    first = _post_report(browser, world.client_a.id, narrative=narrative)
    second = _post_report(browser, world.client_a.id, narrative=narrative)

    assert (first.status_code, second.status_code) == (302, 302)
    assert (len(gathered), len(render_calls)) == (1, 1)
    assert browser.get(second.location).data == browser.get(first.location).data
    db.session.expire_all()
    reports = db.session.scalars(select(Report).order_by(Report.id)).all()
    assert [r.from_cache for r in reports] == [False, True]
    assert reports[1].pages == reports[0].pages > 0


def test_a_prescriber_on_the_care_team_may_generate(app, world, login):
    prescriber = factories.make_user(world.practice, Role.THERAPIST, name="Pia Prescriber")
    prescriber.credentials = "MD"
    add_to_care_team(world.client_a, prescriber, "prescriber")
    db.session.commit()
    browser = app.test_client()
    login(browser, prescriber)

    response = _post_report(browser, world.client_a.id)
    download = browser.get(response.location)

    assert response.status_code == 302
    db.session.expire_all()
    report = db.session.scalars(select(Report)).one()
    assert report.created_by_id == prescriber.id
    assert shows(page_texts(download.data)[-1], "Pia Prescriber, MD Date:")


# --- who may reach the report routes ------------------------------------------------


def _stored_report(app, world) -> Report:
    """A report row of client A with a (fake) cached file: no rendering needed."""
    digest = uuid.uuid4().hex * 2
    report_printing._store(digest, b"%PDF-1.7 stand-in")
    report = Report(
        client_id=world.client_a.id,
        kind="clinical",
        period_start=PERIOD_START,
        period_end=PERIOD_END,
        content_hash=digest,
        pages=1,
        size_bytes=17,
        created_by_id=world.therapist_a.id,
    )
    db.session.add(report)
    db.session.commit()
    return report


@pytest.mark.parametrize("who", ["therapist_b", "admin", "client_user_a"])
def test_people_off_the_care_team_get_404_on_every_report_route(app, world, login, who):
    report = _stored_report(app, world)
    browser = app.test_client()
    login(browser, getattr(world, who))
    base = f"/clients/{world.client_a.id}/reports"
    token = factories.csrf_token(browser, "/account/password")

    answers = [
        browser.get(base).status_code,
        browser.post(base, data={"csrf_token": token, **period_form(kind="clinical")}).status_code,
        browser.get(f"{base}/preview?kind=clinical").status_code,
        browser.get(f"{base}/{report.id}/download").status_code,
    ]

    assert answers == [404, 404, 404, 404]
    db.session.expire_all()
    assert db.session.scalars(select(Report)).all() == [report]
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert not [a for a in actions if a.startswith("report.")]


def test_a_report_of_another_client_is_not_found_through_this_client(app, world, login):
    report = _stored_report(app, world)
    other = factories.make_client(world.therapist_a, preferred_name="Ines")
    db.session.commit()
    browser = app.test_client()
    login(browser, world.therapist_a)

    wrong = browser.get(f"/clients/{other.id}/reports/{report.id}/download")
    right = browser.get(f"/clients/{world.client_a.id}/reports/{report.id}/download")

    assert (wrong.status_code, right.status_code) == (404, 200)
    assert right.data == b"%PDF-1.7 stand-in"


def test_a_report_whose_file_is_gone_answers_410(app, world, login):
    report = _stored_report(app, world)
    (Path(app.instance_path) / "reports" / f"{report.content_hash}.pdf.enc").unlink()
    browser = app.test_client()
    login(browser, world.therapist_a)

    response = browser.get(f"/clients/{world.client_a.id}/reports/{report.id}/download")

    assert response.status_code == 410


def test_an_end_before_the_start_is_a_form_error(app, world, login):
    browser = app.test_client()
    login(browser, world.therapist_a)

    response = _post_report(
        browser, world.client_a.id, period_start="2026-11-20", period_end="2026-09-01"
    )

    assert response.status_code == 400
    assert "The end of the period is before its start." in response.get_data(as_text=True)


# --- gathering (no rendering) -------------------------------------------------------


def test_homework_adherence_counts_only_to_today_when_the_period_runs_on(app, world):
    assignment = factories.make_assignment(
        world.client_a, title="Morning grounding", start_date=date(2026, 11, 1)
    )
    for day in (1, 2, 3):
        factories.complete(assignment, date(2026, 11, day))
    db.session.commit()
    request = report_service.ReportRequest(
        kind="clinical", period=rules.Period(date(2026, 11, 1), date(2026, 11, 30))
    )

    data = report_service.gather(world.client_a, request, world.therapist_a, date(2026, 11, 4))

    (line,) = data.homework
    assert (line.completed, line.expected, line.percent) == (3, 4, 75)


def test_gather_hands_the_templates_plain_values(app, world):
    """No ORM object (which could lazy-load while rendering) reaches a template."""
    factories.make_goal(world.client_a)
    factories.write_journal(world.client_a, "shared words", shared=True)
    db.session.commit()
    period = rules.Period(date(2020, 1, 1), date(2100, 1, 1))

    for kind in rules.KINDS:
        data = report_service.gather(
            world.client_a,
            report_service.ReportRequest(kind=kind, period=period, include_measures=True),
            world.therapist_a,
            date(2026, 11, 20),
        )
        assert not _orm_objects(data), kind


def _orm_objects(value) -> list:
    if isinstance(value, Base):
        return [value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [
            found
            for item in dataclasses.fields(value)
            for found in _orm_objects(getattr(value, item.name))
        ]
    if isinstance(value, (list, tuple)):
        return [found for item in value for found in _orm_objects(item)]
    return []


def test_journal_entries_outside_the_period_stay_out(app, world):
    inside = factories.write_journal(world.client_a, "Inside the period", shared=True)
    inside.created_at = datetime(2026, 10, 1, 12, tzinfo=UTC)
    before = factories.write_journal(world.client_a, "Before the period", shared=True)
    before.created_at = datetime(2026, 8, 1, 12, tzinfo=UTC)
    db.session.commit()
    request = report_service.ReportRequest(
        kind="client", period=rules.Period(PERIOD_START, PERIOD_END)
    )

    data = report_service.gather(world.client_a, request, world.therapist_a, PERIOD_END)

    assert [body for _, _, body in data.shared_journal] == ["Inside the period"]
