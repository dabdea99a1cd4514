"""Response headers and cookie flags that protect every page, and production start-up checks."""

from __future__ import annotations

import re
from http.cookies import SimpleCookie

import pytest
from cryptography.fernet import Fernet

from tests.factories import login
from tracker import create_app
from tracker.config import ProductionConfig
from tracker.crypto import DataKeyError

PRODUCTION_SECRET = "x" * 48


def _csp(response) -> dict[str, list[str]]:
    """The Content-Security-Policy header as ``{directive: [sources]}``."""
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.request.path}"
    directives: dict[str, list[str]] = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


def _session_cookie(response) -> SimpleCookie:
    """The parsed Set-Cookie of the session cookie (it must be there)."""
    for header in response.headers.getlist("Set-Cookie"):
        if header.startswith("tracker_session="):
            cookie = SimpleCookie()
            cookie.load(header)
            return cookie
    raise AssertionError("the response does not set the session cookie")


def _samesite(response) -> str:
    for header in response.headers.getlist("Set-Cookie"):
        if header.startswith("tracker_session="):
            match = re.search(r";\s*SameSite=(\w+)", header, re.IGNORECASE)
            return match.group(1) if match else ""
    return ""


PAGES = {
    "login page": ("anonymous", "/login", 200),
    "caseload": ("therapist", "/clients", 200),
    "client record": ("therapist", "CLIENT", 200),
    "portal home": ("client", "/portal/", 200),
    "admin accounts": ("admin", "/admin/users", 200),
    "not found": ("anonymous", "/no/such/page", 404),
    "not found, signed in": ("therapist", "/clients/999999", 404),
    "wrong method": ("therapist", "/logout", 405),
    "redirect to sign-in": ("anonymous", "/clients", 302),
    "static file": ("anonymous", "/static/css/app.css", 200),
}


@pytest.fixture(params=PAGES.values(), ids=PAGES.keys())
def page(request, client, world):
    who, path, status = request.param
    users = {"therapist": world.therapist_a, "client": world.client_user_a, "admin": world.admin}
    if who in users:
        assert login(client, users[who]).status_code == 302
    if path == "CLIENT":
        path = f"/clients/{world.client_a.id}"
    response = client.get(path)
    try:
        assert response.status_code == status
        yield path, response
    finally:
        response.close()  # a static file is streamed from an open file


def test_content_security_policy_forbids_inline_script_and_framing(page):
    _path, response = page
    csp = _csp(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    scripts = csp.get("script-src", csp["default-src"])
    assert "'unsafe-inline'" not in scripts
    assert "'unsafe-eval'" not in scripts
    assert "*" not in scripts


def test_browser_hardening_headers(page):
    _path, response = page
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] in {
        "no-referrer",
        "same-origin",
        "strict-origin",
        "strict-origin-when-cross-origin",
    }


def test_pages_are_never_cached_but_static_files_may_be(page):
    path, response = page
    cache_control = response.headers.get("Cache-Control", "")
    if path.startswith("/static/"):
        assert "no-store" not in cache_control
    else:
        assert "no-store" in cache_control


INLINE_CHECKED_PAGES = [
    ("anonymous", "/login"),
    ("therapist", "/clients"),
    ("therapist", "/clients/new"),
    ("therapist", "/clients/{client}"),
    ("therapist", "/clients/{client}/edit"),
    ("therapist", "/clients/{client}/screening"),
    ("therapist", "/account/password"),
    ("admin", "/admin/users"),
    ("admin", "/admin/audit"),
    ("admin", "/admin/practice"),
    ("client", "/portal/"),
]


@pytest.mark.parametrize(("who", "path"), INLINE_CHECKED_PAGES)
def test_pages_have_no_inline_script_or_style_the_policy_would_block(client, world, who, path):
    """The CSP forbids inline code: a page relying on it would silently break."""
    users = {"therapist": world.therapist_a, "client": world.client_user_a, "admin": world.admin}
    if who in users:
        login(client, users[who])
    response = client.get(path.format(client=world.client_a.id))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert not re.search(r"<style[\s>]", html)
    assert not re.search(r"\sstyle\s*=", html)
    assert not re.search(r"\son[a-z]+\s*=", html)
    assert not re.search(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", html, re.I)


def test_session_cookie_is_http_only_and_same_site_lax(client, world):
    response = client.get("/login")
    cookie = _session_cookie(response)["tracker_session"]
    assert cookie["httponly"]
    assert _samesite(response).lower() == "lax"

    signed_in = login(client, world.therapist_a)
    cookie = _session_cookie(signed_in)["tracker_session"]
    assert cookie["httponly"]
    assert _samesite(signed_in).lower() == "lax"


def test_development_cookie_is_not_secure_so_plain_http_works(client):
    """The embedded default runs on http://localhost; a Secure cookie would never return."""
    assert not _session_cookie(client.get("/login"))["tracker_session"]["secure"]


@pytest.fixture
def production_app(instance_dir, database_url):
    """The app as configured for production, on the test database."""
    return create_app(
        {
            "ENV_NAME": "production",
            "SESSION_COOKIE_SECURE": True,
            "SECRET_KEY": PRODUCTION_SECRET,
            "TRACKER_DATA_KEYS": Fernet.generate_key().decode(),
            "SQLALCHEMY_DATABASE_URI": database_url,
        }
    )


def test_production_session_cookie_is_secure_and_hsts_is_sent(production_app):
    response = production_app.test_client().get("/login")
    assert response.status_code == 200
    cookie = _session_cookie(response)["tracker_session"]
    assert cookie["secure"]
    assert cookie["httponly"]
    assert _samesite(response).lower() == "lax"
    assert "max-age=" in response.headers["Strict-Transport-Security"]


def test_production_config_class_sets_secure_cookie():
    assert ProductionConfig.SESSION_COOKIE_SECURE is True
    assert ProductionConfig.SESSION_COOKIE_HTTPONLY is True
    assert ProductionConfig.SESSION_COOKIE_SAMESITE == "Lax"


@pytest.mark.parametrize(
    "config",
    [
        pytest.param(ProductionConfig, id="ProductionConfig class"),
        pytest.param({"ENV_NAME": "production", "SECRET_KEY": None}, id="production, no key"),
        pytest.param({"ENV_NAME": "production", "SECRET_KEY": ""}, id="production, empty key"),
        pytest.param({"ENV_NAME": "production", "SECRET_KEY": "short"}, id="production, short"),
    ],
)
def test_production_refuses_to_start_without_a_real_secret_key(instance_dir, monkeypatch, config):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(config)


def test_production_refuses_a_data_key_equal_to_the_secret_key(instance_dir, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("TRACKER_DATA_KEYS", raising=False)
    key = Fernet.generate_key().decode()
    with pytest.raises(DataKeyError):
        create_app(
            {
                "ENV_NAME": "production",
                "SESSION_COOKIE_SECURE": True,
                "SECRET_KEY": key,
                "TRACKER_DATA_KEYS": f"{Fernet.generate_key().decode()},{key}",
                "SQLALCHEMY_DATABASE_URI": "sqlite://",
            }
        )
