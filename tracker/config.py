"""Configuration defaults.

Secrets come from the environment or ``instance/config.py``; the embedded default
(``make run``) generates a secret key and a data-encryption key ring in ``instance/``
on first start and keeps them there.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path


class Config:
    """Defaults for every environment; override in ``instance/config.py`` or the env."""

    ENV_NAME = "development"
    SECRET_KEY: str | None = None
    # Comma-separated Fernet keys, newest first. Empty means "use instance/data.keys".
    TRACKER_DATA_KEYS: str | None = None
    SQLALCHEMY_DATABASE_URI: str | None = None  # default: instance/tracker.sqlite3
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}

    # Server-side session lifetimes (see services/auth_sessions.py).
    STAFF_IDLE_TIMEOUT = timedelta(minutes=15)
    CLIENT_IDLE_TIMEOUT = timedelta(minutes=30)
    ABSOLUTE_SESSION_LIFETIME = timedelta(hours=12)
    # How long a submission interrupted by a timeout is kept for the user to resume.
    PENDING_SUBMISSION_LIFETIME = timedelta(hours=12)
    PASSWORD_RESET_LIFETIME = timedelta(hours=24)

    SESSION_COOKIE_NAME = "tracker_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    # The cookie is written when the session changes (sign-in, a flash message), not on
    # every page: re-signing it per request only pushed its expiry, and the session
    # ends on the server after ABSOLUTE_SESSION_LIFETIME (12 hours) whatever the cookie.
    SESSION_REFRESH_EACH_REQUEST = False
    # Flask-Login's remember-me cookie is never issued; keep it short-lived anyway.
    REMEMBER_COOKIE_DURATION = timedelta(seconds=0)

    # The CSRF token lives as long as the signed-in session: a medicine session's
    # note can stay open for hours and must still save.
    WTF_CSRF_TIME_LIMIT = None

    # Reverse proxies in front of the app whose X-Forwarded-For/-Proto to trust (0: none).
    PROXY_COUNT = 0

    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = False
    LOGIN_LIMIT_PER_ADDRESS = "20 per 15 minutes"
    LOGIN_LIMIT_PER_ACCOUNT = "8 per 15 minutes"
    # The calendar feed: unknown or revoked secrets per address (calendar services such
    # as Google's fetch many people's feeds from shared addresses, and keep asking for
    # revoked ones: a tight limit would soon refuse everyone's), and fetches per feed
    # (calendars poll every few minutes to hours).
    CALENDAR_FEED_LIMIT_PER_ADDRESS = "60 per 15 minutes"
    CALENDAR_FEED_LIMIT_PER_FEED = "60 per hour"

    BABEL_DEFAULT_LOCALE = "en"
    BABEL_TRANSLATION_DIRECTORIES = str(Path(__file__).resolve().parent.parent / "translations")
    BABEL_DEFAULT_TIMEZONE = "UTC"
    LANGUAGES = ("en", "de")

    # Outgoing mail goes through the outbox (see README "E-mail"): safety alerts and
    # their escalation, invitations, password links. Unset MAIL_SERVER = messages wait
    # in the outbox, and invitation and password links are shown to pass on instead.
    MAIL_SERVER: str | None = None
    MAIL_PORT = 587
    MAIL_USE_TLS = True
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_SENDER = "Integration Tracker <no-reply@localhost>"
    MAIL_TIMEOUT = 10  # seconds for one SMTP conversation
    INVITATION_LIFETIME = timedelta(hours=72)
    # The address people reach the app at, for links in e-mails (e.g.
    # "https://tracker.example.org"). Needed when `send-outbox` or a worker writes a
    # message (alert escalations); without it a request's own address is used, and
    # outside a request http://localhost:5000.
    PUBLIC_URL: str | None = None
    # Outbox delivery: messages claimed per round, and the queue of the RQ job started
    # after a commit that wrote messages (when REDIS_URL is set).
    OUTBOX_BATCH_SIZE = 50
    OUTBOX_QUEUE = "outbox"
    OUTBOX_PAGE_SIZE = 50

    # PDF reports: worker processes, their limits, and where rendered PDFs are cached
    # (encrypted) by content hash.
    REPORT_WORKERS = 1
    REPORT_MEMORY_MB = 1536
    REPORT_CPU_SECONDS = 600
    REPORT_TIMEOUT = 60.0
    # Report batches run in a thread of the web process, unless REDIS_URL is set: then
    # they are queued on REPORT_QUEUE for `rq worker` processes (see README "Reports").
    REDIS_URL: str | None = None
    REPORT_QUEUE = "reports"
    REPORT_BATCH_TIMEOUT = 3600  # seconds an RQ worker may spend on one batch
    # A batch's ZIP holds every client's report: `purge-expired` deletes it after this.
    REPORT_BATCH_LIFETIME = timedelta(days=7)

    CASELOAD_PAGE_SIZE = 25
    TIMELINE_PAGE_SIZE = 20
    AUDIT_PAGE_SIZE = 50
    ADVERSE_EVENT_PAGE_SIZE = 50

    # Argon2id cost. Tests lower it (see tests/conftest.py) to keep the suite quick.
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 65536
    ARGON2_PARALLELISM = 4


class ProductionConfig(Config):
    """Production refuses to start without a real SECRET_KEY (see create_app).

    Data keys come from TRACKER_DATA_KEYS or instance/data.keys (created on first
    start). With several hosts, set TRACKER_DATA_KEYS so they all share one ring.
    """

    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True


class TestingConfig(Config):
    """Used by the test-suite: fast hashing, no rate limits unless a test turns them on."""

    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production"
    TRACKER_DATA_KEYS = "jc16L35sz3f4xaWqJou035eygBj0c3E8jS2QIytz5uM="
    RATELIMIT_ENABLED = False
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 1024
    ARGON2_PARALLELISM = 1


CONFIGS = {
    "development": Config,
    "production": ProductionConfig,
    "testing": TestingConfig,
}


def config_from_environment() -> type[Config]:
    """Pick the configuration class named by ``TRACKER_ENV`` (default: development)."""
    name = os.environ.get("TRACKER_ENV", "development")
    try:
        return CONFIGS[name]
    except KeyError:
        raise RuntimeError(f"TRACKER_ENV must be one of {sorted(CONFIGS)}, not {name!r}") from None
