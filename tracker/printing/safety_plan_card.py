"""The safety plan printed as a one-page card (PDF), for the portal and the staff side.

The card is A4 in the client's language. The largest type that keeps it on one page is
chosen by rendering: sizes the text clearly overfills are skipped (domain rule
``card_sizes``), and the page count of each rendering decides. A plan too long even
for the smallest type is printed at that size with a line saying it continues overleaf.
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date

from flask import render_template
from flask_babel import force_locale

from tracker.domain import safety_plan as rules
from tracker.domain.clock import utc_to_local
from tracker.models import Client, Practice, SafetyPlanVersion
from tracker.printing import pdf
from tracker.services import safety_plan as plan_service
from tracker.settings import config

STYLESHEET = "css/safety_plan.css"


@dataclass(frozen=True)
class Card:
    """The card's PDF, its page count, the type size chosen and its download name."""

    content: bytes
    pages: int
    size: str
    filename: str


def _html(
    plan: rules.PlanView, practice: Practice, saved_on: date, size: str, continues: bool
) -> str:
    return render_template(
        "reports/safety_plan.html",
        plan=plan,
        practice_name=practice.name,
        crisis=practice.crisis_box,
        saved_on=saved_on,
        size=size,
        continues=continues,
    )


def render_card(
    client: Client, row: SafetyPlanVersion, practice: Practice, locale: str | None = None
) -> Card:
    """The card of this version, in ``locale`` (default: the language of the request).

    Raises ``pdf.RenderError`` when the rendering worker fails.
    """
    plan = plan_service.view_of(row)
    saved_on = utc_to_local(plan.saved_at, practice.timezone).date()
    pool = pdf.pool_for(config())
    sizes = rules.card_sizes(row.texts)
    with force_locale(locale) if locale else nullcontext():
        for size in sizes:
            content, pages = pool.render(
                _html(plan, practice, saved_on, size.name, False), STYLESHEET
            )
            if pages == 1:
                break
        else:
            size = sizes[-1]
            content, pages = pool.render(
                _html(plan, practice, saved_on, size.name, True), STYLESHEET
            )
    filename = rules.download_name(client.id, plan.version, saved_on)
    return Card(content, pages, size.name, filename)
