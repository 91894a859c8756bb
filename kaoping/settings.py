"""Kaoping settings: one file, read from the environment.

Everything an operator may change comes from an environment variable, with a default that
lets `make run` work on a fresh clone:

- KAOPING_DATA_DIR: where the SQLite database, the generated secret key, the audit key and the
  audit anchors live (./data). The directory is made readable by the service's user only (0700),
  the database, key and anchor files 0600.
- KAOPING_AUDIT_KEY_FILE, KAOPING_AUDIT_ANCHOR_FILE: move the audit key or anchors elsewhere.
- DATABASE_URL: a PostgreSQL URL for real deployments; SQLite in the data directory otherwise.
- KAOPING_SECRET_KEY, KAOPING_DEBUG, KAOPING_ALLOWED_HOSTS.
- KAOPING_BEHIND_PROXY, KAOPING_HTTPS, KAOPING_CSRF_TRUSTED_ORIGINS: the HTTPS reverse proxy.

A yes/no variable must read true/false (1/0, yes/no, on/off): anything else stops the start.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import bootstrap_wrapper
import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("KAOPING_DATA_DIR", Path.cwd() / "data")).resolve()
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def private_dir(path: Path) -> Path:
    """Create `path` (and its parents) if needed; the directory itself is for the service's user only."""
    path.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
    if path.stat().st_mode & 0o777 != PRIVATE_DIR_MODE:
        path.chmod(PRIVATE_DIR_MODE)
    return path


def private_file(path: Path) -> Path:
    """Create `path` empty if it does not exist, and make it readable by the service's user only."""
    private_dir(path.parent)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, PRIVATE_FILE_MODE))
    if path.stat().st_mode & 0o777 != PRIVATE_FILE_MODE:
        path.chmod(PRIVATE_FILE_MODE)
    return path


private_dir(DATA_DIR)


def _env_bool(name: str, default: bool) -> bool:
    """A yes/no setting; anything but a clear yes or no stops the start (a typo must not read as no)."""
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {os.environ[name]!r}")


def _env_list(name: str, default: str) -> list[str]:
    """A comma-separated setting, blanks dropped."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _secret_key() -> str:
    """Use KAOPING_SECRET_KEY, or a key generated once and kept in the data directory."""
    if key := os.environ.get("KAOPING_SECRET_KEY"):
        return key
    key_file = DATA_DIR / "secret_key"
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    except FileExistsError:
        private_file(key_file)  # tighten a key written by an earlier version
    else:
        with os.fdopen(fd, "w") as file:
            file.write(secrets.token_urlsafe(50))
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = _env_bool("KAOPING_DEBUG", False)
ALLOWED_HOSTS = _env_list("KAOPING_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "csp",
    "axes",
    "kaoping.core",
    "kaoping.accounts",
    "kaoping.people",
    "kaoping.audit",
    "kaoping.inbox",
    "kaoping.files",
    "kaoping.indicators",
    "kaoping.scoring",
    "kaoping.evaluation",
    "kaoping.supervision",
    "kaoping.records",
    "kaoping.results",
    "kaoping.reports",
    "kaoping.quarterly",
    "kaoping.appeals",
    "kaoping.annual",
    "kaoping.pay",
    "kaoping.dossier",
    "kaoping.yearbook",
    "kaoping.site",
    "kaoping.ops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kaoping.accounts.sessions.SessionActivityMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "kaoping.accounts.middleware.PasswordChangeRequiredMiddleware",
    # Last, as axes asks: it turns a refused login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kaoping.urls"
WSGI_APPLICATION = "kaoping.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kaoping.site.context_processors.navigation",
                "kaoping.inbox.context_processors.inbox",
            ],
        },
    },
]

# SQLite by default: WAL lets readers work while one writer writes, IMMEDIATE transactions take
# the write lock up front so two writers queue instead of failing with "database is locked".
# Connections are kept for a minute, as on PostgreSQL: opening one per request (and checkpointing
# the WAL when the last one closes) cost 1-1.6 ms of a ballot request (docs/performance-ballots.md).
_sqlite_path = DATA_DIR / "kaoping.sqlite3"
DATABASES = {"default": dj_database_url.config(default=f"sqlite:///{_sqlite_path}", conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite gives its -wal and -shm files the database file's permissions: creating the file
    # 0600 before SQLite does keeps all three private.
    if (_name := str(DATABASES["default"]["NAME"])) and _name != ":memory:" and not _name.startswith("file:"):
        _sqlite_file = Path(_name)
        for _path in (_sqlite_file, Path(f"{_sqlite_file}-wal"), Path(f"{_sqlite_file}-shm")):
            if _path == _sqlite_file or _path.exists():
                private_file(_path)
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    # Tests use a file, not memory, so that concurrency tests (threads publishing a bulletin or
    # submitting one ballot twice) meet the same locking as the real database.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test-kaoping.sqlite3")}
else:
    # Django's own default, written out: `flush` tells the test database from the real one by it.
    DATABASES["default"].setdefault("TEST", {}).setdefault("NAME", f"test_{DATABASES['default']['NAME']}")

# The audit log's key and anchors: outside the database, so that whoever can change only the
# database can neither recompute the chain nor move its anchors (see docs/operations.md).
KAOPING_AUDIT_KEY_FILE = Path(os.environ.get("KAOPING_AUDIT_KEY_FILE", DATA_DIR / "audit_key"))
KAOPING_AUDIT_ANCHOR_FILE = Path(os.environ.get("KAOPING_AUDIT_ANCHOR_FILE", DATA_DIR / "audit-anchors"))

# Attachments (kaoping/files): stored under the data directory, outside the web root, served only
# through the permission check; the backup carries them. The size limit of one upload, in MB.
KAOPING_FILES_DIR = DATA_DIR / "files"
try:
    KAOPING_UPLOAD_MAX_BYTES = int(os.environ.get("KAOPING_UPLOAD_MAX_MB", "20")) * 1024 * 1024
except ValueError as exc:
    raise ImproperlyConfigured("KAOPING_UPLOAD_MAX_MB must be a whole number of megabytes.") from exc

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
# Axes refuses a locked login before the password is checked (kaoping/accounts/lockout.py).
# A session names the backend that logged it in: sessions from before a change of this list end.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "kaoping.accounts.backends.Backend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "kaoping.accounts.validators.CharacterClassValidator"},
]

# Login lockout (kaoping/accounts/lockout.py): five failures for one account from one address lock
# that account from that address; twenty from one address over any accounts lock the address. A
# lock ends fifteen minutes after the last failure, or when an administrator unlocks the account.
KAOPING_LOGIN_MAX_FAILURES = 5
KAOPING_LOGIN_MAX_FAILURES_PER_ADDRESS = 20
KAOPING_LOGIN_LOCK_MINUTES = 15
AXES_HANDLER = "kaoping.accounts.lockout.LoginAttemptHandler"
AXES_FAILURE_LIMIT = KAOPING_LOGIN_MAX_FAILURES
AXES_COOLOFF_TIME = timedelta(minutes=KAOPING_LOGIN_LOCK_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "kaoping.accounts.lockout.client_ip"
AXES_LOCKOUT_CALLABLE = "kaoping.accounts.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
# Retries during a lock are refused without being counted, so the lock ends on time.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Successful logins are in the audit log already.
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False

# Content-Security-Policy (django-csp): scripts only from the application's own static files, never
# inline, no eval. Styles may be inline: the SVG charts drawn on the server carry their own <style>
# element with per-chart ids, and a few tables size their columns in style attributes; CSS cannot run
# code, so the strict part of the policy is the script one. Bootstrap's CSS draws icons as data: SVG.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# A one-time link to set one's password after an administrator's reset works for three days.
PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600

# Sessions end after 30 minutes without a request (between 30 and 31): a session is written again
# at most once a minute, not at every request (kaoping/accounts/sessions.py), and expires 31 minutes
# after its last write.
# `pages`: what a published month's pages show, kept in each worker's memory under keys that carry the
# month's publication state (kaoping/reports/frozen.py); the timeout bounds how long a department's or
# village's new name may wait to show on a published month's ranking.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # base.html's parts alike on every page (the static links, the menu of a set of sections, the
    # language list): kept by each worker, never shared, so that no process shows another version's.
    "template_fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "kaoping-fragments",
        "TIMEOUT": 3600,
    },
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "kaoping-pages",
        "TIMEOUT": 600,
        "OPTIONS": {"MAX_ENTRIES": 500},  # pages of 60-75 KB: at most about 35 MB a worker
    },
}

SESSION_ENGINE = "kaoping.accounts.sessions"  # database sessions, read by a statement built once
SESSION_IDLE_MINUTES = 30
SESSION_REFRESH_SECONDS = 60
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60 + SESSION_REFRESH_SECONDS
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"

# Deployment behind an HTTPS reverse proxy (docs/operations.md, "Deployment").
# KAOPING_BEHIND_PROXY: the proxy says in X-Forwarded-Proto whether the client used HTTPS, in
# X-Forwarded-Host which host it asked for, and in X-Forwarded-For its address (for the login
# lockout). Those headers are believed only then: without a proxy they are the client's own word.
KAOPING_BEHIND_PROXY = _env_bool("KAOPING_BEHIND_PROXY", False)
if KAOPING_BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True
# Origins (scheme://host[:port]) that may post forms, when they differ from the host served.
CSRF_TRUSTED_ORIGINS = _env_list("KAOPING_CSRF_TRUSTED_ORIGINS", "")
# A form refused for its CSRF token gets the application's own page, in the user's language, with a way back.
CSRF_FAILURE_VIEW = "kaoping.ops.views.csrf_failure"
# KAOPING_HTTPS: the site is reached over HTTPS only: cookies only over HTTPS, plain HTTP redirected
# (except /healthz, for the load balancer), and browsers told to use HTTPS for a year (HSTS).
KAOPING_HTTPS = _env_bool("KAOPING_HTTPS", False)
if "KAOPING_SECURE_COOKIES" in os.environ:
    raise ImproperlyConfigured("KAOPING_SECURE_COOKIES is replaced by KAOPING_HTTPS (docs/operations.md).")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = KAOPING_HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if KAOPING_HTTPS:
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 365 * 24 * 3600
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
private_dir(STATIC_ROOT)  # WhiteNoise expects it even when serving from finders
STATICFILES_DIRS = [("bootstrap", bootstrap_wrapper.get_bootstrap_dir())]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve static files straight from the installed packages; no collectstatic step needed to run.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
FORMAT_MODULE_PATH = None

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # No record about a ballot-page request, so nothing ties a ballot to a time or a phone.
    "filters": {"no_ballot_requests": {"()": "kaoping.core.quietlog.DropBallotRequests"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["no_ballot_requests"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("KAOPING_LOG_LEVEL", "WARNING")},
}

KAOPING_TITLE = _("Kaoping cadre assessment")

# The inbox (站内消息). KAOPING_INBOX_EMAIL: also send each new message by e-mail, through Django's
# e-mail backend (EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS,
# DEFAULT_FROM_EMAIL from the environment); off by default, since intranets often have no mail.
# KAOPING_SITE_URL: the address put before a message's link in a mail (https://kaoping.example.gov.cn).
KAOPING_INBOX_EMAIL = _env_bool("KAOPING_INBOX_EMAIL", False)
KAOPING_SITE_URL = os.environ.get("KAOPING_SITE_URL", "")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "kaoping@localhost")
# More reminder sources for `kaoping remind`, as "name=dotted.path" (kaoping/inbox/reminders.py).
KAOPING_REMINDER_SOURCES = _env_list("KAOPING_REMINDER_SOURCES", "")
# Score sheets of a month are due on this day of the following month (`kaoping remind` reminds the
# day before and on it, and once when overdue).
KAOPING_SHEETS_DUE_DAY = int(os.environ.get("KAOPING_SHEETS_DUE_DAY", "5"))
