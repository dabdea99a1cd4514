"""Integration Tracker: session records, integration goals and progress reports for
ketamine-assisted psychotherapy and brainspotting practices."""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask

PROJECT_ROOT = Path(__file__).resolve().parent.parent

log = logging.getLogger(__name__)


def create_app(config: dict[str, Any] | type | None = None) -> Flask:
    """Build the app: config → extensions → blueprints → errors → CLI."""
    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
        instance_path=os.environ.get("TRACKER_INSTANCE_PATH", str(PROJECT_ROOT / "instance")),
        instance_relative_config=True,
    )
    _load_config(app, config)
    if app.config["PROXY_COUNT"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # Trust exactly this many proxies for the client's address and scheme, so rate
        # limits and the audit trail see the real caller, not the proxy.
        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
    _init_extensions(app)
    _register_blueprints(app)

    from tracker import errors, log_redaction, security, web
    from tracker.forms.fields import install_html_params

    install_html_params()
    errors.register(app)
    security.register(app)
    web.register(app)
    log_redaction.install()

    from tracker import cli, delivery

    cli.register(app)
    delivery.install_outbox_trigger()
    return app


def _load_config(app: Flask, config: dict[str, Any] | type | None) -> None:
    from tracker.config import config_from_environment

    if isinstance(config, type):
        app.config.from_object(config)
    else:
        app.config.from_object(config_from_environment())
    app.config.from_pyfile("config.py", silent=True)
    for name in (
        "SECRET_KEY",
        "TRACKER_DATA_KEYS",
        "MAIL_SERVER",
        "MAIL_USERNAME",
        "MAIL_PASSWORD",
        "MAIL_SENDER",
    ):
        if os.environ.get(name):
            app.config[name] = os.environ[name]
    if os.environ.get("MAIL_PORT"):
        app.config["MAIL_PORT"] = int(os.environ["MAIL_PORT"])
    if os.environ.get("MAIL_USE_TLS"):
        app.config["MAIL_USE_TLS"] = os.environ["MAIL_USE_TLS"].lower() in ("1", "true", "yes")
    if os.environ.get("TRACKER_PUBLIC_URL"):
        app.config["PUBLIC_URL"] = os.environ["TRACKER_PUBLIC_URL"]
    if os.environ.get("TRACKER_PROXY_COUNT"):
        app.config["PROXY_COUNT"] = int(os.environ["TRACKER_PROXY_COUNT"])
    if os.environ.get("DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    if os.environ.get("REDIS_URL"):
        app.config["RATELIMIT_STORAGE_URI"] = os.environ["REDIS_URL"]
        app.config["REDIS_URL"] = os.environ["REDIS_URL"]
    if isinstance(config, dict):
        app.config.update(config)

    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    production = app.config["ENV_NAME"] == "production"
    if not app.config.get("SECRET_KEY"):
        if production:
            raise RuntimeError("SECRET_KEY must be set in production (environment or instance/)")
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path) / "secret_key")
    elif production and len(app.config["SECRET_KEY"]) < 32:
        raise RuntimeError("SECRET_KEY is too short for production (use 32+ random characters)")
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        database = Path(app.instance_path) / "tracker.sqlite3"
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{database}"


def _instance_secret(path: Path) -> str:
    """Read the embedded install's secret key, creating it on first start."""
    if not path.exists():
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another worker was first
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def _init_extensions(app: Flask) -> None:
    from tracker import auth_state, database, i18n
    from tracker.crypto import field_cipher, load_or_create_key_file, parse_key_ring
    from tracker.extensions import babel, csrf, db, limiter, login_manager, migrate

    if app.config.get("TRACKER_DATA_KEYS"):
        keys = parse_key_ring(app.config["TRACKER_DATA_KEYS"])
    else:
        keys = load_or_create_key_file(Path(app.instance_path) / "data.keys")
    field_cipher.configure(keys, app.config["SECRET_KEY"])

    db.init_app(app)
    database.configure_engines(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    _check_only_decorated_limits(app, limiter)
    babel.init_app(app, locale_selector=i18n.select_locale)
    i18n.register(app)
    auth_state.init_login(app, login_manager)


def _check_only_decorated_limits(app: Flask, limiter: Any) -> None:
    """Drop Flask-Limiter's before-request check when it has nothing to check.

    The hook applies default, application, meta and blueprint limits to every request;
    this app has none of those: every limit decorates its view (sign-in, password links,
    the calendar feed), and the decorator checks it. With no such limit configured the
    hook only costs time on every page; the after-request hook (``deduct_when``) stays.
    """
    manager = limiter.limit_manager
    app_wide = (
        manager.application_limits
        or manager.default_limits
        or getattr(limiter, "_meta_limits", True)
        or getattr(manager, "_blueprint_limits", True)
    )
    if not app_wide:
        hooks = app.before_request_funcs.get(None, [])
        hooks[:] = [hook for hook in hooks if hook != limiter._check_request_limit]


def _register_blueprints(app: Flask) -> None:
    from tracker.admin import bp as admin_bp
    from tracker.auth import bp as auth_bp
    from tracker.clinician import bp as clinician_bp
    from tracker.feeds import bp as feeds_bp
    from tracker.portal import bp as portal_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(clinician_bp)
    app.register_blueprint(portal_bp, url_prefix="/portal")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(feeds_bp, url_prefix="/feeds")
