"""``flask report``: one client's progress report to a PDF file from the command line."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from tests import factories
from tracker.extensions import db
from tracker.models import AuditEvent, Client, Report

CLINICAL_HEADINGS = (
    "Clinical progress summary",
    "Course overview",
    "Ketamine administrations",
    "Vitals out of range",
    "Outcome measures",
    "Integration goals",
    "Homework adherence",
    "Session log",
)


@pytest.fixture
def cli(app):
    runner = app.test_cli_runner()

    def invoke(*args: str):
        result = runner.invoke(args=list(args))
        db.session.expire_all()
        return result

    return invoke


def pdf_text(path: Path) -> str:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_right_after_seeding_the_demo_client_1_prints_the_full_report(cli, tmp_path):
    assert cli("seed-demo", "--quiet").exit_code == 0
    output = tmp_path / "out.pdf"

    result = cli("report", "1", "-o", str(output))

    assert result.exit_code == 0, result.output
    assert "C0001" in result.output
    assert "Samuel" not in result.output  # the terminal (and its scroll-back) gets no names
    content = pdf_text(output)
    for heading in CLINICAL_HEADINGS:
        assert heading in content, heading
    assert "C0001" in content
    assert "Samuel Okafor" in content
    assert "Dr. Maya Rivera" in content  # signed by the primary therapist
    assert "mg/kg" in content
    assert "Page 1 of" in content
    sam = db.session.get(Client, 1)
    report = db.session.scalar(select(Report))
    assert (report.client_id, report.kind, report.created_by_id) == (
        1,
        "clinical",
        sam.primary_therapist_id,
    )
    assert report.period_start <= sam.course_start_date  # baselines may come first
    assert report.pages == len(PdfReader(io.BytesIO(output.read_bytes())).pages) > 1
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "report.generate"))
    assert (event.actor_id, event.client_id, event.record_id) == (None, 1, report.id)
    assert "via=cli" in event.detail


def test_period_and_kind_options(cli, app, tmp_path):
    world = factories.build_world()
    output = tmp_path / "summary.pdf"

    result = cli(
        "report",
        str(world.client_a.id),
        "--from",
        "2026-01-01",
        "--to",
        "2026-03-31",
        "--kind",
        "client",
        "-o",
        str(output),
    )

    assert result.exit_code == 0, result.output
    content = pdf_text(output)
    assert "Your progress summary" in content
    assert "2026-01-01 – 2026-03-31" in content
    assert "Clinical progress summary" not in content
    report = db.session.scalar(select(Report))
    assert (report.kind, str(report.period_start), str(report.period_end)) == (
        "client",
        "2026-01-01",
        "2026-03-31",
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("report", "999", "-o", "{out}"), "there is no client with id 999"),
        (("report", "1", "--from", "2026-13-01", "-o", "{out}"), "'2026-13-01'"),
        (("report", "1", "--to", "yesterday", "-o", "{out}"), "'yesterday'"),
        (
            ("report", "1", "--from", "2026-05-02", "--to", "2026-05-01", "-o", "{out}"),
            "2026-05-02 is after the end of the period (2026-05-01)",
        ),
        (("report", "1", "--kind", "secret", "-o", "{out}"), "'secret'"),
        (("report", "1"), "Missing option '-o'"),
    ],
)
def test_refuses_clearly(cli, app, tmp_path, args, message):
    factories.build_world()
    output = tmp_path / "out.pdf"

    result = cli(*(arg.format(out=output) for arg in args))

    assert result.exit_code != 0
    assert message in result.output
    assert not output.exists()
    assert db.session.scalar(select(Report)) is None
