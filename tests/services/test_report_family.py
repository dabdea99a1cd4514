"""The family history is an optional section of the clinical report."""

from __future__ import annotations

import io
from datetime import date

import pypdf

from tests import factories
from tracker.domain.reports import Period
from tracker.printing import reports as report_printing
from tracker.services import reports as report_service


def _text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)


def test_the_clinical_report_includes_the_genogram_only_when_asked(app, world):
    client = world.client_a
    me = factories.make_member(client, "client", is_client=True, birth_year=1985, sex="male")
    grandfather = factories.make_member(
        client, "paternal grandfather", sex="male", birth_year=1921, death_year=1968
    )
    father = factories.make_member(client, "father", sex="male", birth_year=1950)
    factories.make_parent_link(client, grandfather, father)
    factories.make_parent_link(client, father, me)
    factories.make_family_event(
        client, "displacement", member=grandfather, start_year=1944, spoken_of="no"
    )
    period = Period(date(2026, 1, 1), date(2026, 11, 30))
    with app.test_request_context():
        with_family = report_printing.generate(
            client,
            report_service.ReportRequest("clinical", period, include_family=True),
            world.therapist_a,
            date(2026, 11, 30),
        )
        without = report_printing.generate(
            client,
            report_service.ReportRequest("clinical", period),
            world.therapist_a,
            date(2026, 11, 30),
        )
    text = _text(with_family.pdf)
    assert "Family history" in text
    assert "paternal grandfather" in text
    assert "Forced displacement" in text and "Never spoken of" in text
    assert "Family history" not in _text(without.pdf)
    assert with_family.report.content_hash != without.report.content_hash
