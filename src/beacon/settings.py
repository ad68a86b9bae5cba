"""Beacon's one settings module, driven by environment variables with safe demo defaults.

Variables:
  DATABASE_URL            sqlite:////abs/path.sqlite3 (default: var/beacon.sqlite3) or postgres://user@host:port/db
  SECRET_KEY              required when DEBUG is off
  DEBUG                   "1" for development (default "0")
  ALLOWED_HOSTS           comma-separated (default localhost,127.0.0.1)
  BEACON_SESSION_IDLE_MINUTES   idle session expiry (default 60)
  BEACON_LOCKOUT_ATTEMPTS       failed logins before lockout (default 5)
  BEACON_LOCKOUT_MINUTES        how long a lockout lasts (default 15)
  BEACON_TOKEN_FAILURES         invalid API tokens from one address before 429 (default 10; 0 off)
  BEACON_TOKEN_FAILURE_MINUTES  the window those are counted in (default 5)
  EMAIL_BACKEND, DEFAULT_FROM_EMAIL, EMAIL_HOST, EMAIL_PORT
  BEACON_ENV              "production" turns on the secure defaults below (default "demo")
  BEACON_SECURE_COOKIES   session and CSRF cookies only over HTTPS (default: on in production)
  BEACON_SSL_REDIRECT     redirect plain HTTP to HTTPS (default: on in production)
  BEACON_PROXY_SSL_HEADER the header a TLS-terminating proxy sets to "https", e.g. X-Forwarded-Proto
  BEACON_HSTS_SECONDS     Strict-Transport-Security max-age (default: 31536000 in production, else 0)
  BEACON_HSTS_INCLUDE_SUBDOMAINS, BEACON_HSTS_PRELOAD   (default 1 and 0)
  BEACON_CSP              replaces Beacon's Content-Security-Policy (default: self only; see core.middleware)
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent


def env(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number") from exc


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be 1 or 0")


BEACON_ENV = env("BEACON_ENV", "demo")
PRODUCTION = BEACON_ENV == "production"
DEBUG = env("DEBUG", "0") == "1"
_DEMO_KEY = "demo-only-secret-key-never-use-in-production"  # refused below outside demo/test
SECRET_KEY = env("SECRET_KEY", _DEMO_KEY)
if SECRET_KEY == _DEMO_KEY and PRODUCTION:
    raise ImproperlyConfigured("Set SECRET_KEY in production (BEACON_ENV=production).")
ALLOWED_HOSTS = [h.strip() for h in env("ALLOWED_HOSTS", "localhost,127.0.0.1,testserver").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "ninja",  # serves Swagger UI for /api/v1/docs from our own static files (no CDN: see the CSP)
    "beacon.core",
    "beacon.inspections",
    "beacon.people",
    "beacon.geography",
    "beacon.incidents",
    "beacon.risk",
    "beacon.cases",
    "beacon.partnership",
    "beacon.performance",  # KPIs and analysis: reads every domain above through their selectors
    "beacon.homes",  # each role's home: reads every domain above, so it comes after them
    "beacon.retention",
    "beacon.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "beacon.core.middleware.SecurityHeadersMiddleware",  # CSP on everything; no-store when signed in
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "beacon.core.middleware.LoginRequiredMiddleware",
    "beacon.core.middleware.RequestContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "beacon.urls"
WSGI_APPLICATION = "beacon.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "beacon.core.context_processors.navigation",
            ],
        },
    }
]

_default_db = f"sqlite:///{PROJECT_DIR / 'var' / 'beacon.sqlite3'}"
DATABASE_URL = env("DATABASE_URL", _default_db)
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers carry on while one writer writes; IMMEDIATE takes the write lock at
        # BEGIN so two writers queue instead of failing half-way through a transaction.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # A file (not memory) so the browser tests' live server shares it; one per test run so that
    # runs side by side never collide.
    DATABASES["default"]["TEST"] = {"NAME": str(PROJECT_DIR / "var" / f"test-beacon-{os.getpid()}.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:login"

# Lockout after repeated failed logins (django-axes), keyed on the username so that an attacker
# cannot lock everyone out from one address and cannot dodge it by changing address.
AXES_FAILURE_LIMIT = env_int("BEACON_LOCKOUT_ATTEMPTS", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("BEACON_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "core/locked_out.html"
AXES_VERBOSE = False
# Invalid API bearer tokens: after this many from one client address within this many minutes,
# that address is answered 429 (with Retry-After) until the oldest leaves the window (0: off).
BEACON_TOKEN_FAILURES = env_int("BEACON_TOKEN_FAILURES", 10)
BEACON_TOKEN_FAILURE_MINUTES = env_int("BEACON_TOKEN_FAILURE_MINUTES", 5)

# Sessions expire after a period of inactivity and when the browser closes.
SESSION_COOKIE_AGE = env_int("BEACON_SESSION_IDLE_MINUTES", 60) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Transport security: on by default in production (BEACON_ENV=production), each switch
# overridable; off for the demo and the tests, which run over plain HTTP.
SESSION_COOKIE_SECURE = env_bool("BEACON_SECURE_COOKIES", PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_HTTPONLY = True  # no page script reads it: forms carry the token
SECURE_SSL_REDIRECT = env_bool("BEACON_SSL_REDIRECT", PRODUCTION)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # a load balancer's health check may come over plain HTTP
_proxy_header = env("BEACON_PROXY_SSL_HEADER", "").strip()
# Behind a proxy that terminates TLS, Django sees plain HTTP: trust the proxy's header (and only
# set this when the proxy always sets or strips it).
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_" + _proxy_header.upper().replace("-", "_"), "https") if _proxy_header else None
)
SECURE_HSTS_SECONDS = env_int("BEACON_HSTS_SECONDS", 31_536_000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("BEACON_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("BEACON_HSTS_PRELOAD", False)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# The Content-Security-Policy (core.middleware.SecurityHeadersMiddleware builds Beacon's own when
# this is empty).
BEACON_CSP = env("BEACON_CSP", "").strip()

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["beacon.formats"]  # dates shown as "6 December 2026"

STATIC_URL = "/static/"
STATIC_ROOT = PROJECT_DIR / "var" / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise serves from finders; keeps it quiet
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
# Beacon stores no uploaded files (imports are read and discarded). Media settings are still set,
# under a prefix of their own: with MEDIA_URL empty, Django's test live server would try every path
# as a file under the working directory (serving files from it, and failing on a long path).
# The map picker draws the neighbourhood polygons only; a force may add its own tile server (its
# host must then be allowed in the CSP's img-src through BEACON_CSP). Attribution is HTML from the
# operator.
BEACON_MAP_TILES = env("BEACON_MAP_TILES", "")
BEACON_MAP_TILES_ATTRIBUTION = env("BEACON_MAP_TILES_ATTRIBUTION", "")
MEDIA_URL = "/media/"
MEDIA_ROOT = PROJECT_DIR / "var" / "media"

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "beacon@force.example")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
}

# Beacon's own defaults. Rules a force changes at run time live in the database.
BEACON_SITE_URL = env("BEACON_SITE_URL", "http://127.0.0.1:8000")
# Where trained matching models are saved (each version a JSON file, recorded in the database).
BEACON_MODEL_DIR = Path(env("BEACON_MODEL_DIR", str(PROJECT_DIR / "var" / "models")))

# django-axes warns when lockout is not also keyed on the client address. Beacon locks the
# account (username) on purpose: see docs/adr/0003-login-lockout.md.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
