"""Flask extensions, created unbound and bound to the app in ``create_app``."""

from __future__ import annotations

from flask import request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from tracker.models.base import Base

# Objects stay loaded after commit: views commit (e.g. an audit event) before they
# render, and expiring everything would make the template lazy-load row by row.
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()


limiter = Limiter(key_func=get_remote_address, default_limits=[])


def login_account_key() -> str:
    """Rate-limit key for sign-in attempts against one account (the typed e-mail)."""
    return "account:" + (request.form.get("email") or "").strip().lower()
