"""Adverse events through the web: recorded on a draft or a signed session, refused
with a message next to the field (typed text kept), hidden from people off the care
team, listed in the course view and practice-wide (filters, a fixed number of queries),
audited without text, and printed in the clinical report only."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from tests import factories
from tests.session_factories import add_to_care_team, at, make_session, post, sign
from tests.web.pages import field_error, field_value, text
from tracker.domain import reports as report_rules
from tracker.domain.policy import Role
from tracker.extensions import db
from tracker.models import AdverseEvent, AuditEvent, TherapySession
from tracker.printing import reports as report_printing
from tracker.services import reports as report_service

TODAY = factories.today_utc()
START = at(TODAY - timedelta(days=2), 9)
ACTION = "Dosing paused; ondansetron 4 mg sublingual."


def event_form(**overrides: str) -> dict[str, str]:
    values = {
        "event_type": "nausea_vomiting",
        "severity": "moderate",
        "onset_date": START.date().isoformat(),
        "onset_time": "09:40",
        "description": "Nausea forty minutes after the dose.",
        "action_taken": ACTION,
        "outcome": "resolved",
        "outcome_note": "",
        "prescriber_informed": "yes",
        "session_id": "",
    }
    values.update(overrides)
    return values


def browser_for(app, user):
    browser = app.test_client()
    assert factories.login(browser, user).status_code == 302
    return browser


@pytest.fixture
def tara(app, world):
    return browser_for(app, world.therapist_a)


@pytest.fixture
def draft(world) -> TherapySession:
    session = make_session(world.client_a, starts_at=START)
    db.session.commit()
    return session


@pytest.fixture
def signed(world) -> TherapySession:
    session = make_session(world.client_a, starts_at=START - timedelta(days=7))
    sign(session, world.therapist_a)
    db.session.commit()
    return session


def new_url(client_id: int) -> str:
    return f"/clients/{client_id}/adverse-events/new"


def stored_events() -> list[AdverseEvent]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(AdverseEvent).order_by(AdverseEvent.id)))


# --- recording ---------------------------------------------------------------------


def test_the_session_page_offers_the_form_linked_to_the_session(tara, world, draft):
    page = text(tara.get(f"/clients/{world.client_a.id}/sessions/{draft.id}"))

    section = page[page.index('id="adverse-events"') : page.index('id="addenda"')]
    assert "No adverse events recorded." in section
    assert f'action="{new_url(world.client_a.id)}"' in section
    assert f'<input type="hidden" name="session_id" value="{draft.id}">' in section
    assert field_value(section, "onset_date") == START.date().isoformat()


@pytest.mark.parametrize("which", ["draft", "signed"])
def test_an_event_is_recorded_on_a_draft_and_on_a_signed_session(tara, world, which, request):
    session = request.getfixturevalue(which)
    onset = session.starts_at + timedelta(minutes=40)
    response = post(
        tara,
        new_url(world.client_a.id),
        event_form(
            session_id=str(session.id),
            onset_date=onset.date().isoformat(),
            onset_time=onset.strftime("%H:%M"),
        ),
    )

    assert response.status_code == 302
    assert response.location == (
        f"/clients/{world.client_a.id}/sessions/{session.id}#adverse-events"
    )
    (event,) = stored_events()
    assert (event.session_id, event.onset_at, event.prescriber_informed) == (
        session.id,
        onset,
        True,
    )
    page = text(tara.get(response.location))
    section = page[page.index('id="adverse-events"') : page.index('id="addenda"')]
    assert "Nausea or vomiting" in section and "Moderate" in section
    assert html.escape(ACTION) in section
    assert "Nausea forty minutes after the dose." in section
    assert "Adverse event recorded." in page
    db.session.expire_all()
    assert db.session.get(TherapySession, session.id).status == session.status


def test_creation_is_audited_with_ids_only(tara, world, draft):
    post(tara, new_url(world.client_a.id), event_form(session_id=str(draft.id)))

    (event,) = stored_events()
    (audited,) = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "adverse_event.create")
    )
    assert (audited.record_type, audited.record_id, audited.client_id) == (
        "adverse_event",
        event.id,
        world.client_a.id,
    )
    assert "ondansetron" not in audited.detail and "Nausea" not in audited.detail


def test_an_event_without_a_session_goes_back_to_the_course(tara, world):
    response = post(tara, new_url(world.client_a.id), event_form())

    assert response.status_code == 302
    assert response.location == f"/clients/{world.client_a.id}/sessions#adverse-events"
    assert stored_events()[0].session_id is None


def test_the_own_page_offers_the_clients_sessions(tara, world, draft):
    make_session(world.client_b, starts_at=START)
    db.session.commit()

    page = text(tara.get(new_url(world.client_a.id) + f"?session_id={draft.id}"))

    assert field_value(page, "session_id") == str(draft.id)
    options = re.findall(r'<option[^>]*value="(\d+)"', page[page.index('id="session_id"') :])
    assert options == [str(draft.id)]


def test_missing_and_future_answers_are_marked_and_the_text_is_kept(tara, world):
    tomorrow = (TODAY + timedelta(days=1)).isoformat()
    response = post(
        tara,
        new_url(world.client_a.id),
        event_form(event_type="", onset_date=tomorrow, outcome_note="Still a little dizzy."),
    )

    assert response.status_code == 400
    page = text(response)
    assert field_error(page, "event_type") == "Choose the type of event."
    assert stored_events() == []
    # the form's own checks pass now: the service's onset rule speaks
    response = post(
        tara, new_url(world.client_a.id), event_form(onset_date=tomorrow, outcome_note="Dizzy.")
    )
    assert response.status_code == 400
    page = text(response)
    assert field_error(page, "onset_date") == "The onset cannot be in the future."
    assert field_value(page, "action_taken") == ACTION
    assert field_value(page, "outcome_note") == "Dizzy."
    assert field_value(page, "description") == "Nausea forty minutes after the dose."
    assert stored_events() == []


def test_an_onset_before_the_session_is_refused_next_to_the_field(tara, world, draft):
    response = post(
        tara,
        new_url(world.client_a.id),
        event_form(session_id=str(draft.id), onset_time="08:30"),
    )

    assert response.status_code == 400
    message = field_error(text(response), "onset_date")
    assert message == (f"The onset cannot be before the session started ({START:%Y-%m-%d} 09:00).")
    assert field_value(text(response), "session_id") == str(draft.id)
    assert stored_events() == []


def test_action_taken_is_required(tara, world):
    response = post(tara, new_url(world.client_a.id), event_form(action_taken="  "))

    assert response.status_code == 400
    assert field_error(text(response), "action_taken").startswith("Say what was done")


def test_a_session_of_another_client_is_not_a_choice(tara, world):
    other = make_session(world.client_b, starts_at=START)
    db.session.commit()

    response = post(tara, new_url(world.client_a.id), event_form(session_id=str(other.id)))

    assert response.status_code == 400
    assert field_error(text(response), "session_id")
    assert stored_events() == []


def test_someone_elses_client_is_not_found(app, world, draft):
    theo = browser_for(app, world.therapist_b)

    assert theo.get(new_url(world.client_a.id)).status_code == 404
    posted = post(theo, new_url(world.client_a.id), event_form(session_id=str(draft.id)))
    assert posted.status_code == 404
    assert theo.get(f"/clients/{world.client_a.id}/sessions/{draft.id}").status_code == 404
    assert stored_events() == []


def test_the_prescriber_records_and_a_supervisor_only_reads(app, world, draft):
    prescriber = factories.make_user(world.practice, Role.THERAPIST, name="Pia Prescriber")
    supervisor = factories.make_user(world.practice, Role.THERAPIST, name="Sam Supervisor")
    add_to_care_team(world.client_a, prescriber, "prescriber")
    add_to_care_team(world.client_a, supervisor, "supervisor")
    db.session.commit()
    pia, sam = browser_for(app, prescriber), browser_for(app, supervisor)

    posted = post(pia, new_url(world.client_a.id), event_form(session_id=str(draft.id)))
    assert posted.status_code == 302
    refused = post(sam, new_url(world.client_a.id), event_form(session_id=str(draft.id)))
    assert refused.status_code == 403
    page = text(sam.get(f"/clients/{world.client_a.id}/sessions/{draft.id}"))
    section = page[page.index('id="adverse-events"') : page.index('id="addenda"')]
    assert html.escape(ACTION) in section
    assert "<form" not in section
    assert len(stored_events()) == 1


# --- the course view -----------------------------------------------------------------


def test_the_course_view_lists_the_clients_events_with_links(tara, world, draft, signed):
    for session, event_type in ((signed, "headache"), (draft, "tachycardia")):
        onset = session.starts_at + timedelta(minutes=30)
        post(
            tara,
            new_url(world.client_a.id),
            event_form(
                event_type=event_type,
                severity="severe",
                session_id=str(session.id),
                onset_date=onset.date().isoformat(),
                onset_time=onset.strftime("%H:%M"),
            ),
        )

    page = text(tara.get(f"/clients/{world.client_a.id}/sessions"))

    section = page[page.index('id="adverse-events"') : page.index('class="filters"')]
    items = re.findall(r"<li>(.*?)</li>", section, re.S)
    assert ["Tachycardia" in items[0], "Headache" in items[1]] == [True, True]
    assert all("Severe" in item for item in items)
    assert f"/sessions/{draft.id}#adverse-events" in items[0]
    assert f"/sessions/{signed.id}#adverse-events" in items[1]
    assert html.escape(ACTION) not in section  # the short list carries no free text
    assert f'href="{new_url(world.client_a.id)}"' in section


def test_the_clients_page_shows_every_event_in_full(app, tara, world, draft):
    post(tara, new_url(world.client_a.id), event_form(outcome_note="Unlinked outcome note."))
    post(tara, new_url(world.client_a.id), event_form(session_id=str(draft.id)))
    unlinked, linked = stored_events()

    course = text(tara.get(f"/clients/{world.client_a.id}/sessions"))
    page = text(tara.get(f"/clients/{world.client_a.id}/adverse-events"))

    assert f"/adverse-events#adverse-event-{unlinked.id}" in course
    assert f'id="adverse-event-{unlinked.id}"' in page
    assert f'id="adverse-event-{linked.id}"' in page
    assert "Unlinked outcome note." in page and html.escape(ACTION) in page
    assert f"/sessions/{draft.id}#adverse-events" in page
    audited = db.session.scalars(
        sa.select(AuditEvent).where(
            AuditEvent.action == "adverse_event.list", AuditEvent.client_id == world.client_a.id
        )
    ).all()
    assert len(audited) == 1 and "Unlinked" not in audited[0].detail
    theo = browser_for(app, world.therapist_b)
    assert theo.get(f"/clients/{world.client_a.id}/adverse-events").status_code == 404


# --- the practice-wide list ----------------------------------------------------------


def bulk_events(world, count: int, clients: list) -> None:
    """``count`` events spread over ``clients``, a day apart, in one statement."""
    db.session.execute(
        sa.insert(AdverseEvent),
        [
            {
                "client_id": clients[n % len(clients)].id,
                "event_type": ("headache", "tachycardia", "nausea_vomiting")[n % 3],
                "severity": ("mild", "moderate", "severe", "life_threatening")[n % 4],
                "onset_at": START - timedelta(days=n, minutes=1),
                "action_taken": f"Action {n}",
                "outcome": "resolved",
                "prescriber_informed": bool(n % 2),
                "recorded_by_id": world.therapist_a.id,
            }
            for n in range(count)
        ],
    )
    db.session.commit()


def list_rows(page: str) -> list[str]:
    return re.findall(r'<tr class="adverse-event-row">(.*?)</tr>', page, re.S)


def test_the_list_shows_only_the_events_of_ones_own_clients(app, world, tara):
    bulk_events(world, 3, [world.client_a])
    bulk_events(world, 2, [world.client_b])
    admin = browser_for(app, world.admin)

    mine = text(tara.get("/adverse-events"))
    assert len(list_rows(mine)) == 3 and "3 adverse events" in mine
    assert "Cole" not in "".join(list_rows(mine))
    assert "Action 0" not in mine  # no free text in the list
    theirs = text(browser_for(app, world.therapist_b).get("/adverse-events"))
    assert len(list_rows(theirs)) == 2
    assert list_rows(text(admin.get("/adverse-events"))) == []  # on no care team


def test_the_list_filters_by_type_severity_and_dates(world, tara):
    bulk_events(world, 12, [world.client_a])

    def shown(**query) -> list[str]:
        response = tara.get("/adverse-events", query_string=query)
        assert response.status_code == 200
        return list_rows(text(response))

    headaches = shown(event_type="headache")
    assert len(headaches) == 4 and all("Headache" in row for row in headaches)
    assert len(shown(severity="life_threatening")) == 3
    assert len(shown(event_type="headache", severity="mild")) == 1  # n = 0 only
    day = (START - timedelta(days=2)).date().isoformat()
    (row,) = shown(start=day, end=day)
    assert "Nausea or vomiting" in row
    assert len(shown(start=(START - timedelta(days=3)).date().isoformat())) == 4


def test_the_list_is_newest_first_and_links_to_the_session(world, tara, draft):
    bulk_events(world, 2, [world.client_a])
    onset = START + timedelta(minutes=30)
    post(
        tara,
        new_url(world.client_a.id),
        event_form(session_id=str(draft.id), onset_time=f"{onset:%H:%M}"),
    )

    rows = list_rows(text(tara.get("/adverse-events")))

    assert f"/sessions/{draft.id}#adverse-events" in rows[0]
    assert "Open the session" not in rows[1]


def test_a_malformed_filter_is_marked(tara, world):
    response = tara.get(
        "/adverse-events", query_string={"start": "2026-11-20", "end": "2026-11-01"}
    )

    assert response.status_code == 400
    assert field_error(text(response), "end") == "The end cannot be before the start."
    assert tara.get("/adverse-events", query_string={"severity": "grade5"}).status_code == 400


def test_the_list_is_audited(tara, world):
    tara.get("/adverse-events")
    actions = db.session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.actor_id == world.therapist_a.id)
    ).all()
    assert "adverse_event.list" in actions


@pytest.mark.parametrize(
    "app_config",
    [{"ADVERSE_EVENT_PAGE_SIZE": 10}, {"ADVERSE_EVENT_PAGE_SIZE": 600}],
    indirect=True,
    ids=["page of 10", "page of 600"],
)
def test_the_list_query_count_does_not_grow_with_events(app, world, tara, count_queries):
    others = [factories.make_client(world.therapist_a) for _ in range(4)]
    bulk_events(world, 3, [world.client_a])
    tara.get("/adverse-events")  # warm-up

    with count_queries() as few:
        response = tara.get("/adverse-events")
    assert len(list_rows(text(response))) == 3

    bulk_events(world, 200, [world.client_a, *others])
    with count_queries() as many:
        response = tara.get("/adverse-events")
    assert len(list_rows(text(response))) == min(203, app.config["ADVERSE_EVENT_PAGE_SIZE"])
    assert len(many) == len(few), "\n\n".join(many)


def test_the_admin_audit_filter_knows_the_adverse_event_actions(app, world, tara):
    add_to_care_team(world.client_a, world.admin, "supervisor")
    db.session.commit()
    post(tara, new_url(world.client_a.id), event_form())
    admin = browser_for(app, world.admin)

    response = admin.get("/admin/audit", query_string={"action": "adverse_event"})

    assert response.status_code == 200
    assert re.findall(r"<td><code>([^<]+)</code></td>", text(response)) == ["adverse_event.create"]


# --- reports ---------------------------------------------------------------------------


def test_the_clinical_report_prints_the_events_and_the_client_summary_never(app, world, draft):
    from tracker.services import adverse_events as event_service

    onset = START + timedelta(minutes=45)
    event_service.record(
        world.client_a,
        world.therapist_a,
        world.practice,
        event_service.EventData(
            event_type="hypertension",
            severity="severe",
            onset_at=onset,
            action_taken="CanaryAdverseAction: rest, recheck in ten minutes.",
            outcome="resolved_with_sequelae",
            outcome_note="CanaryAdverseOutcomeNote",
            prescriber_informed=False,
            description="CanaryAdverseDescription",
            session_id=draft.id,
        ),
        START + timedelta(days=1),
    )
    outside = START - timedelta(days=60)
    event_service.record(
        world.client_a,
        world.therapist_a,
        world.practice,
        event_service.EventData(
            "headache", "mild", outside, "Outside the period", "resolved", "", True, ""
        ),
        START,
    )
    db.session.commit()
    period = report_rules.Period(TODAY - timedelta(days=30), TODAY)

    def rendered(kind: str) -> str:
        request = report_service.ReportRequest(kind=kind, period=period)
        data = report_service.gather(world.client_a, request, world.therapist_a, TODAY)
        with app.test_request_context(), force_locale("en"):
            return html.unescape(report_printing.render_html(data, for_pdf=False))

    clinical, summary = rendered("clinical"), rendered("client")

    assert "Adverse events" in clinical
    line = re.search(r"Hypertension</b>(.*?)</div>", clinical, re.S).group(1)
    for phrase in (
        "Severe",
        "outcome: Resolved with lasting effects",
        "prescriber not told",
        "CanaryAdverseAction: rest, recheck in ten minutes.",
    ):
        assert phrase in line, phrase
    assert f"{onset.date().isoformat()} · Hypertension" in clinical
    assert "Outside the period" not in clinical
    assert "CanaryAdverseDescription" not in clinical  # the report prints the action only
    for phrase in ("Adverse events", "Hypertension", "CanaryAdverse", "prescriber"):
        assert phrase not in summary, phrase


def test_the_report_lists_none_when_there_were_none(app, world):
    request = report_service.ReportRequest(
        kind="clinical", period=report_rules.Period(date(2026, 1, 1), date(2026, 1, 31))
    )
    data = report_service.gather(world.client_a, request, world.therapist_a, TODAY)
    with app.test_request_context(), force_locale("en"):
        page = report_printing.render_html(data, for_pdf=False)
    assert data.adverse_events == []
    assert "None recorded in this period." in page


@pytest.mark.parametrize("page", ["99999999999999999999999", "-1"])
def test_any_page_of_the_practice_list_is_a_page_not_an_error(tara, page):
    assert tara.get(f"/adverse-events?page={page}").status_code == 200
