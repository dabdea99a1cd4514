"""Helpers the blueprints share: the caller's address, auditing, the end of a write,
service problems onto forms, 404 for hidden records."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import wraps
from typing import TYPE_CHECKING, Any

from flask import Blueprint, Flask, abort, current_app, flash, redirect, render_template, request
from flask import url_for as flask_url_for
from flask.globals import _cv_request
from flask.typing import ResponseReturnValue
from flask_login import current_user
from markupsafe import Markup

from tracker.domain.clock import utc_to_local
from tracker.services import Forbidden, NotFound, Rejected
from tracker.services import audit as audit_service

if TYPE_CHECKING:
    from tracker.models import Practice


def current_practice() -> Practice:
    """The signed-in person's practice: read with the user and the session on every request
    (services/auth_sessions.check), so no query of its own."""
    return current_user._get_current_object().practice


def practice_today() -> date:
    """Today in the signed-in person's practice time zone."""
    return utc_to_local(datetime.now(UTC), current_practice().timezone).date()


# No list has a million pages; a larger number would overflow the database's OFFSET.
LAST_PAGE = 1_000_000


def requested_page() -> int:
    """The page of a list the request asks for (``?page=``; 1 when missing or unreadable,
    at most ``LAST_PAGE``: a page past the end is an empty page, never an error)."""
    return min(max(request.args.get("page", 1, type=int), 1), LAST_PAGE)


def filter_args() -> dict[str, str]:
    """The request's filters that are set, without the page: what a list's page links keep."""
    return {name: value for name, value in request.args.items() if name != "page" and value}


def client_ip() -> str | None:
    """The caller's address (ProxyFix, when configured, has already applied X-Forwarded-For)."""
    return request.remote_addr


def audit(action: str, **fields: Any) -> None:
    """Record an audit event for the signed-in user of this request."""
    actor = current_user if current_user.is_authenticated else None
    audit_service.record(action, actor=actor, ip_address=client_ip(), **fields)


def record_view(action: str, **fields: Any) -> None:
    """Audit a read of clinical data and commit it: opening a record is itself recorded."""
    from tracker.extensions import db

    audit(action, **fields)
    db.session.commit()


def finish_write(
    action: str, message: str, to: str, *, category: str = "success", **fields: Any
) -> ResponseReturnValue:
    """The end of every successful write: audit it, commit once, confirm, redirect.

    ``fields`` are the audit event's (``record_type``, ``record_id``, ``client_id``,
    ``detail``); the redirect makes a reload safe (post/redirect/get).
    """
    record_view(action, **fields)
    flash(message, category)
    return redirect(to)


def audit_fields(record: Any, client_id: int | None, detail: str = "") -> dict[str, Any]:
    """The audit fields of an event about one record (of the client ``client_id``): the
    record named by its table and id, as the audit trail names record types."""
    return {
        "record_type": record.__tablename__,
        "record_id": record.id,
        "client_id": client_id,
        "detail": detail,
    }


def show_problems(form: Any, rejected: Rejected) -> None:
    """Put a service's problems beside the form's fields; a problem of the whole form,
    or of a field this form does not show, goes to the form's own errors."""
    from tracker.forms.fields import problem_text

    for name, problem in rejected.problems.items():
        errors = form[name].errors if name and name in form else form.form_errors
        errors.append(problem_text(problem))


def form_page(template_name: str, form: Any, /, **context: Any) -> ResponseReturnValue:
    """A page with a form: 400 when the submitted form has errors, else 200."""
    return render_template(template_name, form=form, **context), (400 if form.errors else 200)


def translate_service_errors(view: Callable) -> Callable:
    """Answer a service's NotFound with 404 and Forbidden with 403."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any):
        try:
            return view(*args, **kwargs)
        except NotFound:
            abort(404)
        except Forbidden:
            abort(403)

    return wrapper


def audience_guard(predicate: Callable[[Any], bool]) -> Callable[[], None]:
    """A blueprint ``before_request`` that lets only the given audience in.

    Anonymous callers go to sign-in; signed-in people of another audience get a 404,
    so the staff pages do not even confirm they exist to a client.
    """
    from tracker.extensions import login_manager

    def guard() -> Any:
        user = current_user._get_current_object()
        if not user.is_authenticated:
            return login_manager.unauthorized()
        if not predicate(user):
            abort(404)
        return None

    return guard


def audience_blueprint(name: str, import_name: str, predicate: Callable[[Any], bool]) -> Blueprint:
    """A blueprint whose every page only the given audience may open (``audience_guard``)."""
    blueprint = Blueprint(name, import_name)
    blueprint.before_request(audience_guard(predicate))
    return blueprint


_URLS = "tracker.urls"  # app.extensions key of the remembered links
_MAX_URLS = 1024


def template_url_for(endpoint: str, **values: Any) -> str:
    """``url_for`` for templates: the links every page repeats (argument-free endpoints
    such as the navigation's, and static files) are built once per app and script root.

    Anything else (record ids, anchors, external or blueprint-relative links) goes to
    ``flask.url_for`` as before. A link depends only on the URL map, the script root
    and its arguments, so a remembered one cannot go stale.
    """
    ctx = _cv_request.get(None)
    if (
        ctx is None
        or endpoint[:1] == "."
        or (values and (endpoint != "static" or values.keys() != {"filename"}))
    ):
        return flask_url_for(endpoint, **values)
    urls = ctx.app.extensions[_URLS]
    key = (ctx.url_adapter.script_name, endpoint, values.get("filename"))
    url = urls.get(key)
    if url is None:
        url = flask_url_for(endpoint, **values)
        if len(urls) < _MAX_URLS:
            urls[key] = url
    return url


_NAV = "tracker.nav"  # app.extensions key of the rendered navigation links


def nav_links(kind: str, role: str, endpoint: str | None, lang: str) -> Markup:
    """The navigation's links (``_macros/navigation.html``) for an audience (``kind``),
    a role, the current page and the language, rendered once per app and script root.

    The links depend on nothing else (the catalogue of ``lang`` and the URL map are
    fixed while the app runs), so a remembered rendering cannot go stale; there are
    only as many as roles, pages and languages allow.
    """
    ctx = _cv_request.get(None)
    blueprint = endpoint.rpartition(".")[0] if endpoint and "." in endpoint else None
    if ctx is None:
        return _render_nav_links(kind, role, endpoint, blueprint, lang)
    key = (ctx.url_adapter.script_name, kind, role, endpoint, lang)
    rendered = ctx.app.extensions[_NAV]
    links = rendered.get(key)
    if links is None:
        links = _render_nav_links(kind, role, endpoint, blueprint, lang)
        if ctx.app.extensions.get(_URLS) is not None and len(rendered) < _MAX_URLS:
            rendered[key] = links
    return links


def _render_nav_links(
    kind: str, role: str, endpoint: str | None, blueprint: str | None, lang: str
) -> Markup:
    macros = current_app.jinja_env.get_template("_macros/navigation.html").module
    return macros.links(kind, role, endpoint, blueprint, lang)


def register(app: Flask) -> None:
    """Install the template helpers (after the blueprints are registered)."""
    from tracker.forms.rendering import render_field

    app.extensions[_NAV] = {}
    app.jinja_env.globals["nav_links"] = nav_links
    app.jinja_env.globals["render_field"] = render_field
    # A url_defaults function could add arguments to any link: then remember none.
    if not any(app.url_default_functions.values()):
        app.extensions[_URLS] = {}
        app.jinja_env.globals["url_for"] = template_url_for
