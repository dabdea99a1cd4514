"""No lost edit: a form sent after the session idled out is kept (encrypted) and offered
again after signing in, to the same person only."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from markupsafe import escape
from sqlalchemy import func, select, text
from werkzeug.datastructures import MultiDict

from tests.factories import csrf_token, login
from tracker.extensions import db
from tracker.models import AuditEvent, AuthSession, Client, PendingSubmission, User


@dataclass
class Form:
    action: str | None
    method: str
    fields: list[tuple[str, str]] = field(default_factory=list)

    def data(self, **values: str) -> MultiDict:
        """What submitting the form sends, with some fields retyped."""
        return MultiDict([(name, values.get(name, value)) for name, value in self.fields])


class _FormParser(HTMLParser):
    """Reads forms the way a browser would submit them (enough for these pages)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._textarea: str | None = None
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []

    def handle_starttag(self, tag, attrs):
        a = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.forms.append(Form(a.get("action"), a.get("method", "get").lower()))
        elif not self.forms:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("submit", "button", "reset"):
                self.forms[-1].fields.append((a["name"], a.get("value", "")))
        elif tag == "textarea":
            self._textarea = a.get("name")
            self.forms[-1].fields.append((self._textarea or "", ""))
        elif tag == "select":
            self._select, self._options = a.get("name"), []
        elif tag == "option" and self._select:
            self._options.append((a.get("value", ""), "selected" in a))

    def handle_data(self, data):
        if self._textarea is not None:
            name, value = self.forms[-1].fields[-1]
            self.forms[-1].fields[-1] = (name, value + data)

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea is not None:
            name, value = self.forms[-1].fields[-1]
            # Browsers drop one newline right after <textarea>.
            self.forms[-1].fields[-1] = (name, value.removeprefix("\n"))
            self._textarea = None
        elif tag == "select" and self._select:
            chosen = [value for value, selected in self._options if selected]
            options = [value for value, _selected in self._options]
            self.forms[-1].fields.append((self._select, (chosen or options or [""])[0]))
            self._select = None


def _forms(html: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


def _main_form(html: str) -> Form:
    """The page's POST form other than the sign-out button."""
    forms = [f for f in _forms(html) if f.method == "post" and f.action != "/logout"]
    assert len(forms) == 1, forms
    return forms[0]


def _idle_out(user: User) -> None:
    db.session.expire_all()
    for row in db.session.scalars(select(AuthSession).where(AuthSession.user_id == user.id)):
        row.last_seen_at -= timedelta(minutes=16)
    db.session.commit()


def _kept_rows() -> list[PendingSubmission]:
    db.session.expire_all()
    return list(db.session.scalars(select(PendingSubmission)))


def _marker(canary: str) -> str:
    """The unique, markup-free part of the canary: what a negative check looks for."""
    return canary.split()[0]


@pytest.fixture
def canary() -> str:
    return f"canary-{uuid.uuid4().hex} fear of flying since the <b>crash</b> & after"


@pytest.fixture
def timed_out_edit(client, world, canary):
    """The therapist edits Cora's record, idles out, and sends the form."""
    login(client, world.therapist_a)
    path = f"/clients/{world.client_a.id}/edit"
    form = _main_form(client.get(path).get_data(as_text=True))
    assert form.action is None  # posts back to the page's own address
    data = form.data(presenting_concerns=canary, pronouns="they/them")

    _idle_out(world.therapist_a)
    response = client.post(path, data=data)
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    page = client.get("/login").get_data(as_text=True)
    assert "Your session timed out. Sign in again and what you typed will be waiting." in page
    return path


def test_a_timed_out_edit_is_kept_and_saved_after_signing_in_again(
    client, world, canary, timed_out_edit
):
    db.session.expire_all()
    assert db.session.get(Client, world.client_a.id).presenting_concerns is None  # not yet saved

    signed_in = login(client, world.therapist_a)
    assert signed_in.status_code == 302
    assert signed_in.headers["Location"] == "/resume"
    resume = client.get("/resume")
    assert resume.status_code == 200
    form = _main_form(resume.get_data(as_text=True))
    assert form.action == timed_out_edit
    kept = dict(form.fields)
    assert kept["presenting_concerns"] == canary
    assert kept["pronouns"] == "they/them"
    assert kept["preferred_name"] == "Cora"
    assert _kept_rows() == []  # offered once, then gone

    saved = client.post(form.action, data=form.data())
    assert saved.status_code == 302
    assert saved.headers["Location"] == f"/clients/{world.client_a.id}"
    db.session.expire_all()
    record = db.session.get(Client, world.client_a.id)
    assert record.presenting_concerns == canary
    assert record.pronouns == "they/them"
    assert str(escape(canary)) in client.get(saved.headers["Location"]).get_data(as_text=True)

    update = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "client.update"))
    assert "presenting_concerns" in update.detail
    assert "canary" not in update.detail


def test_the_kept_submission_is_encrypted_at_rest(world, canary, timed_out_edit):
    (row,) = _kept_rows()
    assert row.user_id == world.therapist_a.id
    assert canary in row.payload  # the app can read it back …
    raw = db.session.execute(
        text("SELECT payload FROM pending_submission WHERE id = :id"), {"id": row.id}
    ).scalar_one()
    assert _marker(canary) not in raw  # … the database only holds ciphertext
    assert "fear of flying" not in raw
    assert "csrf_token" not in row.payload


def test_the_kept_submission_is_offered_only_once(client, world, canary, timed_out_edit):
    login(client, world.therapist_a)
    assert str(escape(canary)) in client.get("/resume").get_data(as_text=True)
    again = client.get("/resume")
    assert again.status_code == 302
    assert _marker(canary) not in client.get(again.headers["Location"]).get_data(as_text=True)


def test_another_person_signing_in_on_that_browser_does_not_get_it(
    app, client, world, canary, timed_out_edit
):
    signed_in = login(client, world.therapist_b)
    assert signed_in.status_code == 302
    landing = client.get(signed_in.headers["Location"], follow_redirects=True)
    assert landing.status_code == 200
    assert _marker(canary) not in landing.get_data(as_text=True)
    assert _marker(canary) not in client.get("/resume", follow_redirects=True).get_data(
        as_text=True
    )
    db.session.expire_all()
    assert db.session.get(Client, world.client_a.id).presenting_concerns is None

    # Nor does anyone on another browser.
    other = app.test_client()
    login(other, world.therapist_b)
    assert _marker(canary) not in other.get("/resume", follow_redirects=True).get_data(as_text=True)

    # The owner's work is still there for them, on any browser they sign in with.
    assert len(_kept_rows()) == 1
    owner = app.test_client()
    assert login(owner, world.therapist_a).headers["Location"] == "/resume"
    form = _main_form(owner.get("/resume").get_data(as_text=True))
    assert dict(form.fields)["presenting_concerns"] == canary


def test_a_kept_submission_expires(client, world, canary, timed_out_edit):
    (row,) = _kept_rows()
    row.created_at -= timedelta(hours=13)
    db.session.commit()
    signed_in = login(client, world.therapist_a)
    page = client.get(signed_in.headers["Location"], follow_redirects=True)
    assert _marker(canary) not in page.get_data(as_text=True)
    assert db.session.scalar(select(func.count(PendingSubmission.id))) == 0


@pytest.mark.parametrize(
    ("path", "form_page", "fields"),
    [
        pytest.param("/logout", "/clients", {}, id="sign-out"),
        pytest.param(
            "/account/password",
            "/account/password",
            {
                "current_password": "correct horse battery",
                "password": "canary new passphrase",
                "confirm": "canary new passphrase",
            },
            id="password change",
        ),
    ],
)
def test_sign_in_forms_are_never_kept(client, world, path, form_page, fields):
    """Passwords are not stored, and a sign-out is not offered back after signing in."""
    login(client, world.therapist_a)
    token = csrf_token(client, form_page)
    _idle_out(world.therapist_a)
    response = client.post(path, data={**fields, "csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    assert _kept_rows() == []

    signed_in = login(client, world.therapist_a)
    assert signed_in.headers["Location"] == "/today"
