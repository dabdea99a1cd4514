"""Progress reports as plain data: what each section shows, assembled by the service
layer from the records and rendered by templates/reports/ (HTML preview and PDF).

Two kinds: ``clinical`` (care team, prescriber, supervisor, insurer) and ``client``
(the client's own summary: never notes, risk, dosing, vitals, adverse events or private
journal text).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from tracker.domain.charts import TrendChart
from tracker.domain.goals import TrajectoryChart
from tracker.domain.messages import N_

CLINICAL = "clinical"
CLIENT = "client"
KINDS = (CLINICAL, CLIENT)

# Report batches: queued → running → done, or failed when the run itself broke.
BATCH_QUEUED = "queued"
BATCH_RUNNING = "running"
BATCH_DONE = "done"
BATCH_FAILED = "failed"
BATCH_STATUS_LABELS = {
    BATCH_QUEUED: N_("Waiting to start"),
    BATCH_RUNNING: N_("Printing"),
    BATCH_DONE: N_("Ready"),
    BATCH_FAILED: N_("Stopped"),
}
# A batch prints the therapist's active clients: none, and there is nothing to print.
NO_ACTIVE_CLIENTS = N_("You have no active clients to print reports for.")


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class Header:
    practice_name: str
    practice_address: str
    letterhead: str
    footer: str
    client_name: str  # legal name
    preferred_name: str
    client_number: str
    date_of_birth: date | None
    period: Period
    therapist: str
    therapist_credentials: str
    care_team: list[tuple[str, str]]  # (name, role key)
    generated_on: date


@dataclass(frozen=True)
class DoseLine:
    day: date
    route: str
    dose_mg: Decimal  # printed in the reader's locale: 60, 62.5 (no trailing zeros)
    mg_per_kg: Decimal  # printed with two decimals
    override_reason: str | None  # before issue 11: given despite the blood-pressure hold
    # Readiness overrides: the blocking findings, who overrode them and why; and the
    # findings explained afterwards (vitals entered after the dose).
    readiness_codes: tuple[str, ...] = ()
    readiness_reason: str | None = None
    readiness_by: str = ""
    retro_codes: tuple[str, ...] = ()
    retro_reason: str | None = None


@dataclass(frozen=True)
class DischargeLine:
    day: date
    outcome: str  # home / transfer / other
    moment: datetime
    left_with: str
    unmet_codes: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class VitalLine:
    moment: datetime
    reading: str
    alerts: tuple[str, ...]


@dataclass(frozen=True)
class AdverseEventLine:
    """An adverse event of the period: clinical report only."""

    day: date
    event_type: str
    severity: str
    outcome: str
    prescriber_informed: bool
    action_taken: str


@dataclass(frozen=True)
class SessionLine:
    day: date
    modality: str
    phase: str
    summary: str
    addenda: int
    signed: bool


@dataclass(frozen=True)
class MeasureSection:
    code: str
    name: str
    baseline: float | None
    latest: float | None
    change_label: str | None  # classify_change result
    severity: str | None
    chart: TrendChart | None
    rows: list[tuple[date, float, str | None]]  # for the chart's data table
    plain_words: str = ""  # client report: what the trend means, in everyday words
    # False for a screen read by its severity (C-SSRS): no totals, the severity per row
    scale_total: bool = True


@dataclass(frozen=True)
class GoalSection:
    title: str
    domain: str
    status: str
    baseline: int | None
    target: int | None
    latest: int | None
    chart: TrajectoryChart | None
    outcome: str | None  # e.g. "PCL-5 at or below 33: reached"
    ratings: list[tuple[date, int, bool]] = field(default_factory=list)


@dataclass(frozen=True)
class HomeworkLine:
    title: str
    schedule: str
    completed: int
    expected: int
    percent: int | None
    reflections: list[tuple[date, str]] = field(default_factory=list)  # shared ones only


@dataclass(frozen=True)
class ClinicalReport:
    header: Header
    sessions_by_phase: list[tuple[str, int]]
    sessions_by_modality: list[tuple[str, int]]
    doses: list[DoseLine]
    vitals_out_of_range: list[VitalLine]
    measures: list[MeasureSection]
    goals: list[GoalSection]
    homework: list[HomeworkLine]
    session_log: list[SessionLine]
    narrative: str
    signer: str
    signer_credentials: str
    family: FamilySection | None = None  # optional: the genogram and family events
    adverse_events: list[AdverseEventLine] = field(default_factory=list)
    discharges: list[DischargeLine] = field(default_factory=list)


@dataclass(frozen=True)
class FamilyPerson:
    """What the genogram drawing needs of a relative (no notes)."""

    relationship_label: str
    birth_year: int | None
    birth_approximate: bool
    death_year: int | None
    condition_keys: list[str]


@dataclass(frozen=True)
class FamilySection:
    layout: object  # tracker.domain.genogram.Layout
    people: dict[int, FamilyPerson]
    event_people: dict[int, str]  # person id → "trauma" / "resilience"
    events: list[tuple[str, str, str, str]]  # (years, kind key, who, spoken-of key)


@dataclass(frozen=True)
class ClientReport:
    header: Header
    goals: list[GoalSection]
    homework: list[HomeworkLine]
    shared_journal: list[tuple[date, str, str]]  # (day, title, body): shared entries only
    measures: list[MeasureSection]  # empty unless the therapist ticked it
    narrative: str


def count_by(values: list[str], order: list[str]) -> list[tuple[str, int]]:
    """Counts in a fixed order, leaving out zeros."""
    counts = Counter(values)
    return [(key, counts[key]) for key in order if counts[key]]


def summary_line(summary: str | None, note_sections: dict[str, str], limit: int = 240) -> str:
    """The therapist's short summary, else the first lines of the assessment (or note)."""
    text = (summary or "").strip()
    if not text:
        for key in ("assessment", "data", "response", "body", "subjective", "behavior"):
            if note_sections.get(key, "").strip():
                text = note_sections[key].strip()
                break
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def client_number(client_id: int) -> str:
    return f"C{client_id:04d}"


def download_name(kind: str, client_id: int, period: Period) -> str:
    """A file name that carries no name or diagnosis."""
    prefix = "progress" if kind == CLINICAL else "summary"
    return f"{prefix}-{client_number(client_id)}-{period.end:%Y-%m}.pdf"


def last_calendar_month(today: date) -> Period:
    """The whole calendar month before the one ``today`` is in."""
    end = today.replace(day=1) - timedelta(days=1)
    return Period(end.replace(day=1), end)


def batch_download_name(period_end: date) -> str:
    """The batch ZIP's file name: the month only, no names or client numbers."""
    return f"progress-reports-{period_end:%Y-%m}.pdf.zip"


PAGE_LABEL = N_("Page %(page)s of %(pages)s")


def css_string(text: str) -> str:
    """``text`` as a quoted CSS string, safe inside a ``<style>`` element (of HTML, and of
    the XHTML the print templates are: no "<" or "&"), on one line."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ")
    escaped = escaped.replace("&", "\\26 ")
    for newline in ("\r\n", "\n", "\r", "\f"):
        escaped = escaped.replace(newline, " ")
    return '"' + escaped + '"'


def page_counter_content(label: str) -> str:
    """CSS ``content`` for the page footer from a translated "Page %(page)s of
    %(pages)s" (the translation may put the numbers in any order)."""
    parts = []
    for part in re.split(r"(%\(page\)s|%\(pages\)s)", label):
        if part == "%(page)s":
            parts.append("counter(page)")
        elif part == "%(pages)s":
            parts.append("counter(pages)")
        elif part:
            parts.append(css_string(part))
    return " ".join(parts)


def content_hash(kind: str, html: str) -> str:
    return hashlib.sha256(f"{kind}\n{html}".encode()).hexdigest()


def report_id(digest: str) -> str:
    """The short id printed on every page: derived from the content, so unchanged data
    gives the same id (and the cached PDF)."""
    return f"R-{digest[:10].upper()}"


PLAIN_WORDS = {
    "improved": N_("Your answers show a real improvement since you started."),
    "deteriorated": N_(
        "Your answers show things have been harder lately. Talk it through with your therapist."
    ),
    "unchanged": N_("Your answers have stayed about the same so far. Change often takes time."),
}
