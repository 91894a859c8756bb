"""Kaoping settings: one file, read from the environment.

Everything an operator may change comes from an environment variable, with a default that
lets `make run` work on a fresh clone:

- KAOPING_DATA_DIR: where the SQLite database, the generated secret key, the audit key and the
  audit anchors live (./data). The directory is made readable by the service's user only (0700),
  the database, key and anchor files 0600.
- KAOPING_AUDIT_KEY_FILE, KAOPING_AUDIT_ANCHOR_FILE: move the audit key or anchors elsewhere.
- DATABASE_URL: a PostgreSQL URL for real deployments; SQLite in the data directory otherwise.
- KAOPING_SECRET_KEY, KAOPING_DEBUG, KAOPING_ALLOWED_HOSTS, KAOPING_SECURE_COOKIES.
"""

import os
import secrets
from pathlib import Path

import bootstrap_wrapper
import dj_database_url
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
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


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
ALLOWED_HOSTS = os.environ.get("KAOPING_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "kaoping.core",
    "kaoping.accounts",
    "kaoping.people",
    "kaoping.audit",
    "kaoping.indicators",
    "kaoping.scoring",
    "kaoping.evaluation",
    "kaoping.supervision",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "kaoping.accounts.middleware.PasswordChangeRequiredMiddleware",
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
                "kaoping.core.context_processors.navigation",
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

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["kaoping.accounts.backends.LockoutBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "kaoping.accounts.validators.CharacterClassValidator"},
]

# Account protection (see kaoping.accounts.backends).
KAOPING_LOGIN_MAX_FAILURES = 5
KAOPING_LOGIN_LOCK_MINUTES = 15

# Sessions end after 30 minutes without a request.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = _env_bool("KAOPING_SECURE_COOKIES", False)
X_FRAME_OPTIONS = "DENY"

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
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("KAOPING_LOG_LEVEL", "WARNING")},
}

KAOPING_TITLE = _("Kaoping cadre assessment")
