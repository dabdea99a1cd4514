"""The running app's settings, for code below the web layer.

Services, the outbox and the printing jobs read configuration through these few
functions instead of importing Flask: they need the app's settings, never its
request, templates or blueprints (the import contracts in ``.importlinter`` hold
them to that).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import current_app


def setting(name: str, default: Any = None) -> Any:
    """One configuration value of the running app (``default`` when unset)."""
    return current_app.config.get(name, default)


def config() -> Mapping[str, Any]:
    """All configuration of the running app (for settings read together)."""
    return current_app.config


def instance_path() -> Path:
    """The instance folder: the embedded database, keys and generated files."""
    return Path(current_app.instance_path)


def user_locale(user: Any) -> str:
    """The user's chosen language, else the default: for work done outside a request
    (report batches, e-mails, the command line), which has no browser to ask."""
    if user is not None and user.locale in current_app.config["LANGUAGES"]:
        return user.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]
