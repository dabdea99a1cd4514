"""Signing through the browser (a confirmation panel that says what will be locked and
what stands in the way) and "entered in error" (who may, the reason, the banner, the
struck-through note, the timeline, the audit trail, fixed query counts)."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.factories import login, make_user
from tests.session_factories import (
    add_to_care_team,
    bulk_sessions,
    days_ago,
    field_error,
    input_value,
    make_administration,
    make_discharge,
    make_ready,
    make_session,
    make_vital,
    post,
    sign,
    textarea,
)
from tracker import PROJECT_ROOT
from tracker.domain.policy import CareTeamRole, Role
from tracker.extensions import db
from tracker.models import AuditEvent, SessionVoid, TherapySession, User
from tracker.models.base import utcnow

NOTE = {"subjective": "Arrived calm 6201.", "plan": "Integration on Friday 6202."}


@pytest.fixture
def therapist(app, world):
    browser = app.test_client()
    login(browser, world.therapist_a)
    return browser


def browser_for(app, user: User):
    browser = app.test_client()
    login(browser, user)
    return browser


def url(session: TherapySession) -> str:
    return f"/clients/{session.client_id}/sessions/{session.id}"


def stored(session_id: int) -> TherapySession:
    db.session.expire_all()
    return db.session.get(TherapySession, session_id)


def voids() -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count(SessionVoid.id)))


def sign_panel(page: str) -> str:
    match = re.search(r'<details class="sign-panel".*?</details>', page, re.S)
    assert match, "no sign panel"
    return match.group(0)


# --- the confirmation panel ------------------------------------------------------------


def test_the_panel_lists_what_signing_locks(therapist, world):
    session = make_session(world.client_a, world.therapist_a, note={"plan": "Friday."})
    make_ready(session, reading_minutes=5)
    make_administration(session)
    make_vital(session, minutes=40)
    make_discharge(session, minutes=170)
    db.session.commit()
    panel = sign_panel(therapist.get(url(session)).get_data(as_text=True))
    assert '<summary role="button">Sign the note…</summary>' in panel
    assert "Note sections written: Plan" in panel
    assert "Note sections left empty: Subjective, Objective, Assessment" in panel
    assert "1 dose" in panel and "2 vitals readings" in panel and "0 brainspots" in panel
    assert re.search(r"Discharge: Went home · 11:50\W*AM", panel)
    assert ">Sign and lock</button>" in panel
    assert re.search(r'<input[^>]*name="confirm"[^>]*value="1"', panel)
    assert "cannot be signed yet" not in panel


def test_signing_needs_the_confirmation(therapist, world):
    session = make_session(world.client_a, world.therapist_a, note=NOTE)
    db.session.commit()
    response = post(therapist, f"{url(session)}/sign", {"version": "1"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Nothing was signed: check what will be locked, then choose “Sign and lock”." in page
    assert '<details class="sign-panel" open>' in page
    assert stored(session.id).status == "draft"

    confirmed = post(therapist, f"{url(session)}/sign", {"version": "1", "confirm": "1"})
    assert confirmed.status_code == 302
    assert stored(session.id).status == "signed"


@pytest.mark.parametrize("version", ["abc", "1e400", "99999999999"])
def test_a_tampered_version_is_a_400(therapist, world, version):
    session = make_session(world.client_a, world.therapist_a, note=NOTE)
    db.session.commit()
    response = post(therapist, f"{url(session)}/sign", {"version": version, "confirm": "1"})
    assert response.status_code == 400
    assert stored(session.id).status == "draft"


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        (
            {"starts_at": utcnow() + timedelta(days=2), "note": NOTE},
            "The session has not started yet: it can be signed once it has taken place.",
        ),
        (
            {"note": None},
            "A medicine session cannot be signed with an empty note: write the note.",
        ),
    ],
    ids=["future", "empty medicine note"],
)
def test_a_session_that_breaks_a_rule_is_not_signed(therapist, world, fields, problem):
    session = make_session(world.client_a, world.therapist_a, **fields)
    db.session.commit()
    panel = sign_panel(therapist.get(url(session)).get_data(as_text=True))
    assert problem in panel
    assert ">Sign and lock</button>" not in panel  # nothing to confirm

    response = post(therapist, f"{url(session)}/sign", {"version": "1", "confirm": "1"})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "The note was not signed." in page
    assert problem in sign_panel(page)
    assert stored(session.id).status == "draft"


def test_a_signed_note_has_no_sign_panel(therapist, world):
    session = make_session(world.client_a, world.therapist_a, note=NOTE)
    sign(session, world.therapist_a)
    db.session.commit()
    page = therapist.get(url(session)).get_data(as_text=True)
    assert "Sign the note…" not in page and "sign-panel" not in page


# --- entered in error ------------------------------------------------------------------


@pytest.fixture
def signed(world):
    session = make_session(world.client_a, world.therapist_a, note=NOTE, starts_at=days_ago(3))
    sign(session, world.therapist_a)
    db.session.commit()
    return session


def test_the_author_voids_with_a_reason_and_the_note_stays_visible(therapist, world, signed):
    page = therapist.get(url(signed)).get_data(as_text=True)
    assert "Mark as entered in error…" in page

    missing = post(therapist, f"{url(signed)}/void", {"reason": "  "})
    assert missing.status_code == 400
    assert field_error(missing.get_data(as_text=True), "reason") == (
        "Write why the note was entered in error."
    )
    assert voids() == 0

    response = post(therapist, f"{url(signed)}/void", {"reason": "Wrong client 6203."})
    assert response.status_code == 302
    assert voids() == 1
    page = therapist.get(url(signed)).get_data(as_text=True)
    assert "Marked as entered in error. The note stays visible, struck through." in page
    banner = re.search(r'<div class="entered-in-error".*?</div>', page, re.S).group(0)
    assert "Entered in error" in banner
    assert "Tara A" in banner and "Wrong client 6203." in banner
    # The banner comes before the note, whose text is still there (struck through by CSS).
    assert page.index('class="entered-in-error"') < page.index('id="note-heading"')
    assert "Arrived calm 6201." in page
    assert "Mark as entered in error…" not in page  # once is enough
    session = stored(signed.id)
    assert session.status == "signed" and session.version == signed.version


def test_the_strike_through_is_a_stylesheet_rule_not_an_inline_style():
    css = (PROJECT_ROOT / "static" / "css" / "app.css").read_text()
    rule = re.search(
        r'\.entered-in-error ~ section\[aria-labelledby="note-heading"\] \.note-section p,'
        r"\s*tr\.voided td:first-child a \{ text-decoration: line-through; \}",
        css,
    )
    assert rule
    for name in ("_void.html", "_sign.html"):
        text = Path(PROJECT_ROOT / "templates" / "clinician" / "sessions" / name).read_text()
        assert "style=" not in text


def test_the_reason_is_kept_when_the_form_is_refused(therapist, world, signed):
    long_reason = "x" * 5001
    response = post(therapist, f"{url(signed)}/void", {"reason": long_reason})
    assert response.status_code == 400
    assert textarea(response.get_data(as_text=True), "reason") == long_reason


def test_a_draft_cannot_be_voided(therapist, world):
    draft = make_session(world.client_a, world.therapist_a, note=NOTE)
    db.session.commit()
    response = post(therapist, f"{url(draft)}/void", {"reason": "Mistake."})
    assert response.status_code == 302
    page = therapist.get(url(draft)).get_data(as_text=True)
    assert "Only a signed note can be marked as entered in error; edit the draft." in page
    assert "Mark as entered in error…" not in page
    assert voids() == 0


def test_a_second_void_is_refused(therapist, world, signed):
    assert post(therapist, f"{url(signed)}/void", {"reason": "First."}).status_code == 302
    assert post(therapist, f"{url(signed)}/void", {"reason": "Second."}).status_code == 302
    page = therapist.get(url(signed)).get_data(as_text=True)
    assert "This note is already marked as entered in error." in page
    assert voids() == 1


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (CareTeamRole.SUPERVISOR, 302),
        (CareTeamRole.CO_THERAPIST, 403),  # not the author
        (CareTeamRole.PRESCRIBER, 403),
        (None, 404),  # not on the care team
    ],
)
def test_who_may_void_someone_elses_note(app, world, signed, role, status):
    colleague = make_user(world.practice, Role.THERAPIST)
    if role:
        add_to_care_team(world.client_a, colleague, role)
    db.session.commit()
    browser = browser_for(app, colleague)
    if role:
        page = browser.get(url(signed)).get_data(as_text=True)
        assert ("Mark as entered in error…" in page) is (status == 302)
    response = post(browser, f"{url(signed)}/void", {"reason": "Reviewed 6204."})
    assert response.status_code == status
    assert voids() == (1 if status == 302 else 0)


def test_a_co_therapist_may_void_their_own_note(app, world):
    colleague = make_user(world.practice, Role.THERAPIST)
    add_to_care_team(world.client_a, colleague, CareTeamRole.CO_THERAPIST)
    session = make_session(world.client_a, colleague, note=NOTE, starts_at=days_ago(2))
    sign(session, colleague)
    db.session.commit()
    browser = browser_for(app, colleague)
    assert post(browser, f"{url(session)}/void", {"reason": "Mine 6205."}).status_code == 302
    assert voids() == 1


def test_the_void_is_audited_without_the_reason(therapist, world, signed):
    assert post(therapist, f"{url(signed)}/void", {"reason": "CANARY-VOID"}).status_code == 302
    (event,) = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "session.void")
    ).all()
    void_id = db.session.scalar(sa.select(SessionVoid.id))
    assert (event.record_type, event.record_id) == ("therapy_session", signed.id)
    assert event.detail == f"void={void_id}"
    everything = " ".join(
        f"{e.action} {e.detail}" for e in db.session.scalars(sa.select(AuditEvent))
    )
    assert "CANARY" not in everything


# --- the timeline ----------------------------------------------------------------------


def test_the_timeline_strikes_through_a_voided_session_and_leaves_it_out_of_the_course(
    therapist, world
):
    first = make_session(world.client_a, world.therapist_a, note=NOTE, starts_at=days_ago(20))
    second = make_session(world.client_a, world.therapist_a, note=NOTE, starts_at=days_ago(6))
    for session in (first, second):
        make_administration(session)
        sign(session, world.therapist_a)
    db.session.commit()
    before = therapist.get(f"/clients/{world.client_a.id}/sessions").get_data(as_text=True)
    assert re.search(r"<dt>Medicine sessions</dt><dd>2</dd>", before)
    assert "6 days ago" in before
    assert post(therapist, f"{url(second)}/void", {"reason": "Duplicate."}).status_code == 302

    page = therapist.get(f"/clients/{world.client_a.id}/sessions").get_data(as_text=True)
    rows = re.findall(r"<tr[^>]*>\s*<td><a href.*?</tr>", page, re.S)
    assert len(rows) == 2
    voided_row, kept_row = rows
    assert voided_row.startswith('<tr class="voided">')
    assert "Entered in error" in voided_row and "no. " not in voided_row
    assert kept_row.startswith("<tr>") and "no. 1" in kept_row
    assert re.search(r"<dt>Medicine sessions</dt><dd>1</dd>", page)
    assert "20 days ago" in page


def test_timeline_query_count_does_not_grow_with_voids(therapist, world, count_queries, app_config):
    voiders = [world.therapist_a, *(make_user(world.practice, Role.THERAPIST) for _ in range(3))]
    db.session.commit()
    path = f"/clients/{world.client_a.id}/sessions"

    def void_all_signed() -> None:
        ids = db.session.scalars(
            sa.select(TherapySession.id).where(
                TherapySession.status == "signed",
                ~sa.exists().where(SessionVoid.session_id == TherapySession.id),
            )
        ).all()
        db.session.execute(
            sa.insert(SessionVoid),
            [
                {"session_id": sid, "reason": f"r{n}", "voided_by_id": voiders[n % 4].id}
                for n, sid in enumerate(ids)
            ],
        )
        db.session.commit()

    bulk_sessions(world.client_a, 6, first=days_ago(400))
    void_all_signed()
    therapist.get(path)
    with count_queries() as few:
        assert therapist.get(path).status_code == 200
    bulk_sessions(world.client_a, 200, first=days_ago(390))
    void_all_signed()
    assert voids() > 100
    with count_queries() as many:
        page = therapist.get(path)
    assert page.status_code == 200
    assert len(many) == len(few), (len(few), len(many))
    assert "Entered in error" in page.get_data(as_text=True)


def test_session_page_of_a_voided_note_costs_no_extra_query(therapist, world, count_queries):
    plain = make_session(world.client_a, world.therapist_a, note=NOTE, starts_at=days_ago(4))
    voided = make_session(world.client_a, world.therapist_a, note=NOTE, starts_at=days_ago(3))
    sign(plain, world.therapist_a)
    sign(voided, world.therapist_a)
    db.session.commit()
    assert post(therapist, f"{url(voided)}/void", {"reason": "Duplicate."}).status_code == 302
    therapist.get(url(plain))
    with count_queries() as without:
        therapist.get(url(plain))
    with count_queries() as with_void:
        page = therapist.get(url(voided)).get_data(as_text=True)
    assert "Duplicate." in page
    assert len(with_void) == len(without)
    assert input_value(page, "reason") is None  # no void form on a voided note
