"""Configuration classes. Every setting can come from the environment."""

import os
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent
#: Where `make run` keeps a secret key of this installation's own (made once, mode 600).
SECRET_KEY_FILE = ROOT / "instance" / "secret_key"


def _database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL whatever spelling the URL arrives in."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _secret_key() -> str | None:
    """SECRET_KEY from the environment, else from instance/secret_key; None if neither has one
    (create_app then refuses to start: see dutydesk/core/secret_key.py)."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    try:
        return SECRET_KEY_FILE.read_text().strip() or None
    except FileNotFoundError:
        return None


class Config:
    #: Signs the sign-in page's cookie, CSRF tokens and device cookies. No default: see README.
    SECRET_KEY = _secret_key()
    SQLALCHEMY_DATABASE_URI = _database_url(
        os.environ.get("DATABASE_URL", f"sqlite:///{ROOT / 'instance' / 'dutydesk.sqlite3'}")
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    #: The statistics pages and their downloads read through this database when it is set (a
    #: PostgreSQL read replica, say), sparing the one that takes calls; unset, they read the main one.
    REPORTING_DATABASE_URL = _database_url(os.environ.get("REPORTING_DATABASE_URL", "")) or None

    #: The council whose front door this is; shown in the header, footer and page titles.
    COUNCIL_NAME = os.environ.get("COUNCIL_NAME", "Haringey Borough Council")
    #: Its three-digit DfE local authority code, which the CIN census is sent under (Haringey's is 309).
    LA_CODE = os.environ.get("LA_CODE", "309")
    SERVICE_NAME = "dutydesk"

    #: Signed out after this long without a request; what was being typed is kept (see auth.drafts).
    IDLE_TIMEOUT = timedelta(minutes=int(os.environ.get("IDLE_TIMEOUT_MINUTES", "30")))
    #: The cookie outlives the idle timeout so that a form posted after it can still be kept.
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "0") == "1"
    REMEMBER_COOKIE_DURATION = timedelta(0)

    #: CSRF tokens last as long as the session: a form left open for an hour must still save.
    WTF_CSRF_TIME_LIMIT = None

    #: How often the live board fetches its open work again (R19: every 15 seconds or less).
    BOARD_REFRESH_SECONDS = min(int(os.environ.get("BOARD_REFRESH_SECONDS", "15")), 15)

    #: R98: how soon the police must be told of a possible crime against a child, from when it is
    #: flagged ("at the earliest opportunity": the council's standard; rules.POLICE_INFORMED_WITHIN
    #: is the default). Read when the clock opens: changing it changes the clocks opened after.
    POLICE_INFORMED_WITHIN_MINUTES = max(1, int(os.environ.get("POLICE_INFORMED_WITHIN_MINUTES", "60")))

    #: How often the scheduler sweeps for escalations that have fallen due.
    SWEEP_INTERVAL_SECONDS = int(os.environ.get("SWEEP_INTERVAL_SECONDS", "60"))
    #: How often the scheduler looks whether the duplicates list is a day old, to make it again.
    DUPLICATES_INTERVAL_SECONDS = int(os.environ.get("DUPLICATES_INTERVAL_SECONDS", "3600"))
    #: How often the scheduler looks whether a monthly unallocated report (R54) or a reminder of a
    #: quarter without a file audit (R30) has fallen due, and sends their e-mails.
    GOVERNANCE_INTERVAL_SECONDS = int(os.environ.get("GOVERNANCE_INTERVAL_SECONDS", "300"))
    #: How often the scheduler purges the kept form drafts past their retention period.
    PURGE_INTERVAL_SECONDS = int(os.environ.get("PURGE_INTERVAL_SECONDS", "3600"))
    #: Kept form drafts (a form posted after its author's session went idle, with what was typed
    #: about a child) are purged once they are this many days old (rules.FORM_DRAFTS_KEPT_FOR).
    FORM_DRAFT_RETENTION_DAYS = max(1, int(os.environ.get("FORM_DRAFT_RETENTION_DAYS", "7")))

    #: Escalation e-mail over SMTP; with no MAIL_SERVER escalations are shown in dutydesk only.
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_STARTTLS = os.environ.get("MAIL_USE_STARTTLS", "0") == "1"
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_FROM = os.environ.get("MAIL_FROM", "dutydesk@localhost")
    MAIL_TIMEOUT_SECONDS = int(os.environ.get("MAIL_TIMEOUT_SECONDS", "10"))
    #: A failed e-mail is tried again (1, 2, 4… minutes later) up to this many attempts in all.
    MAIL_MAX_ATTEMPTS = int(os.environ.get("MAIL_MAX_ATTEMPTS", "5"))
    #: The address staff reach dutydesk at, for links in e-mails.
    PUBLIC_URL = os.environ.get("PUBLIC_URL", "http://127.0.0.1:5000")

    #: werkzeug's password hashing method (scrypt by default; tests use a cheap one).
    PASSWORD_HASH_METHOD = "scrypt"

    #: Guessing passwords (Flask-Limiter; only failed sign-ins count). From one address: generous,
    #: since a whole contact centre may sit behind one. For one username: tight, for browsers that
    #: have not signed in as that person before; a browser that has carries a device cookie and
    #: has an allowance of its own, so nobody can lock a colleague out (see dutydesk/auth/limits.py).
    SIGN_IN_LIMIT_PER_ADDRESS = os.environ.get("SIGN_IN_LIMIT_PER_ADDRESS", "50 per 15 minutes")
    SIGN_IN_LIMIT_PER_USERNAME = os.environ.get("SIGN_IN_LIMIT_PER_USERNAME", "5 per 15 minutes")
    #: How long a browser is remembered as one its person has signed in on.
    SIGN_IN_DEVICE_COOKIE_LIFETIME = timedelta(days=365)
    #: Where the limiter counts: memory:// is per process, so with several web workers or hosts
    #: use a shared store such as redis://host:6379 (pip install redis).
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_STRATEGY = "moving-window"
    RATELIMIT_KEY_PREFIX = "dutydesk"


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "dutydesk-tests"
    SQLALCHEMY_DATABASE_URI = _database_url(
        os.environ.get("TEST_DATABASE_URL", "sqlite:///" + str(ROOT / "instance" / "test.sqlite3"))
    )
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
    MAIL_SERVER = ""
    #: Tests that mean a reporting database name one themselves (tests/statistics/test_reporting_database.py).
    REPORTING_DATABASE_URL = None
    #: The limiter is on in tests as in production; tests/conftest.py empties it before each test.
    RATELIMIT_STORAGE_URI = "memory://"
