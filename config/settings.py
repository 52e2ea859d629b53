"""Settings, read from the environment (see README, "Settings").

DEBUG is off unless set: `make run` and the tests turn it on (and local use needs nothing else; the
database is SQLite in the project folder). Production sets SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL;
the app refuses to start with DEBUG off and no real SECRET_KEY.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from pythonjsonlogger.core import RESERVED_ATTRS

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

_INSECURE_KEY = "django-insecure-local-development-only"
SECRET_KEY = env.str("SECRET_KEY", default=_INSECURE_KEY)
if not DEBUG and (SECRET_KEY == _INSECURE_KEY or SECRET_KEY.startswith("django-insecure") or len(SECRET_KEY) < 32):
    raise ImproperlyConfigured(
        "DEBUG is off but SECRET_KEY is missing, a development key, or shorter than 32 characters. "
        "Set SECRET_KEY to a long random value, e.g. "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))'."
    )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "studyapp.accounts",
    "studyapp.library",
    "studyapp.review",
    "studyapp.classroom",
    "studyapp.quizzes",
    "studyapp.progress",
    "studyapp.memory",
    "studyapp.demo",
    "studyapp.operations",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials.apps.SimpleAppConfig",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "studyapp.request_log.RequestLogMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "studyapp.middleware.RejectNulMiddleware",  # 400 for a NUL in the path, query or form (PostgreSQL refuses it)
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "studyapp.accounts.second_factor.SecondFactorMiddleware",
    "studyapp.middleware.PrivateNoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as axes asks: turns a refused login into the lockout page
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "studyapp" / "templates"],
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
            "builtins": ["template_partials.templatetags.partials"],
            # Cached loader wrapped by template_partials so `template#partial` names resolve.
            "loaders": [
                (
                    "template_partials.loader.Loader",
                    [
                        (
                            "django.template.loaders.cached.Loader",
                            [
                                "django.template.loaders.filesystem.Loader",
                                "django.template.loaders.app_directories.Loader",
                            ],
                        )
                    ],
                )
            ],
        },
    }
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers proceed while a review is being written; IMMEDIATE makes a
    # writing transaction take the lock up front instead of failing half-way.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Prepared statements (psycopg binds on the server and prepares a query from its 5th run on a connection):
    # PostgreSQL then plans the study queue's statement once per connection instead of on every card, which
    # cost it 2 ms. Off for a connection pooler in transaction mode that can't keep prepared statements.
    if env.bool("DB_PREPARED_STATEMENTS", default=True):
        DATABASES["default"].setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=5)

# Sessions are read from the cache and written through to the database, so most requests
# make no session query. CACHE_URL=redis://... shares the cache between app servers.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# axes' backend first: it refuses a login during a cool-off before the password is checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "studyapp.accounts.backends.UserWithRolesBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "review:home"  # a learner logs in to study; ?next= still wins
LOGOUT_REDIRECT_URL = "library:home"

# Mail (password reset, email change): EMAIL_URL names the backend, e.g. smtp+tls://USER:PASSWORD@HOST:587;
# the default prints each message on the console. Percent-encode an @ or : in the user or password.
_EMAIL = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _EMAIL["EMAIL_BACKEND"]
EMAIL_HOST = _EMAIL.get("EMAIL_HOST") or "localhost"
EMAIL_PORT = _EMAIL.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _EMAIL.get("EMAIL_HOST_USER") or ""
EMAIL_HOST_PASSWORD = _EMAIL.get("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = _EMAIL.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _EMAIL.get("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)  # seconds: a stuck mail server mustn't hold a worker
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Study tool <noreply@localhost>")
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
# Seconds a password-reset link, and a link confirming a new email address, stay valid.
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=24 * 60 * 60)
EMAIL_CHANGE_TIMEOUT = env.int("EMAIL_CHANGE_TIMEOUT", default=24 * 60 * 60)
# Password-reset mails one client address may ask for, and one email address may be sent, per period
# (django-ratelimit, counted in the cache).
PASSWORD_RESET_RATE = env.str("PASSWORD_RESET_RATE", default="5/h")

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "studyapp" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Largest deck file `import_deck` accepts.
DECK_IMPORT_MAX_BYTES = env.int("DECK_IMPORT_MAX_BYTES", default=5 * 1024 * 1024)

# Seconds after a quiz attempt's deadline during which answers are still saved (latency, a slow connection);
# after that the attempt is submitted with what was saved.
QUIZ_GRACE_SECONDS = env.int("QUIZ_GRACE_SECONDS", default=30)

# Background tasks (Django's Tasks API through django-tasks): the database backend by default, run by
# `manage.py db_worker` (`make run` starts one). With several app servers, RQ on Redis is the other choice
# (README, "Your memory model and background tasks"): TASKS_BACKEND=django_tasks_rq.RQBackend and REDIS_URL.
TASKS_BACKEND = env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend")
TASKS = {"default": {"BACKEND": TASKS_BACKEND, "QUEUES": ["default"]}}
if TASKS_BACKEND == "django_tasks_rq.RQBackend":
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {"default": {"URL": env.str("REDIS_URL", default="redis://localhost:6379/0")}}
# A learner's parameters are fitted only from this many reviews of items seen on an earlier day, and the
# nightly `optimise_due_learners` fits again after this many more.
MEMORY_FIT_MIN_REVIEWS = env.int("MEMORY_FIT_MIN_REVIEWS", default=400)
MEMORY_REFIT_NEW_REVIEWS = env.int("MEMORY_REFIT_NEW_REVIEWS", default=400)

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

# A strict Content-Security-Policy (django-csp): everything from our own origin, no inline script or style, no
# eval, no framing. Behaviour lives in app.js and looks in app.css; htmx's meta config keeps it from adding styles.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Students stay logged in for SESSION_COOKIE_AGE; staff sessions end at browser close (accounts/receivers.py).
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=14 * 24 * 60 * 60)
if not DEBUG:
    SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    # Off behind a proxy that redirects to HTTPS itself.
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # Load balancers probe /healthz over plain HTTP (studyapp/health.py).
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=365 * 24 * 60 * 60)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
# Trusted only when set: a proxy that terminates TLS says so in this header (and must overwrite a client's).
# Format "HEADER,value", e.g. SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https.
if _proxy_ssl_header := env.list("SECURE_PROXY_SSL_HEADER", default=[]):
    if len(_proxy_ssl_header) != 2:
        raise ImproperlyConfigured("SECURE_PROXY_SSL_HEADER must be HEADER,value, e.g. HTTP_X_FORWARDED_PROTO,https.")
    SECURE_PROXY_SSL_HEADER = (_proxy_ssl_header[0], _proxy_ssl_header[1])

# Login throttling (django-axes): AXES_FAILURE_LIMIT wrong passwords for one username from one address pause
# logins for that pair for AXES_COOLOFF_MINUTES (tries during the pause are refused and not counted, so the time
# shown holds). Attempts live in the database, shared by every app server; a superuser unlocks in the admin.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "studyapp.accounts.security_views.locked_out"
AXES_CLIENT_IP_CALLABLE = "studyapp.accounts.client_ip.client_address"
AXES_ENABLE_ADMIN = False  # accounts/security_admin.py registers axes' admin with an unlock action
# The client's address behind a reverse proxy: the header it sets (e.g. HTTP_X_FORWARDED_FOR) and how many
# proxies append to it. Empty: REMOTE_ADDR. Set it only when clients can't reach the app past the proxy.
CLIENT_IP_HEADER = env.str("CLIENT_IP_HEADER", default="")
CLIENT_IP_PROXY_COUNT = env.int("CLIENT_IP_PROXY_COUNT", default=1)
# Accounts one address may make per period (django-ratelimit; counted in the cache, so CACHE_URL must be shared
# by the app servers for the limit to hold across them).
SIGNUP_RATE = env.str("SIGNUP_RATE", default="5/h")
# Second factor (django-otp, TOTP): staff and superusers must enter a code after the password when on.
REQUIRE_STAFF_2FA = env.bool("REQUIRE_STAFF_2FA", default=False)
OTP_TOTP_ISSUER = "Study tool"

# One console log (stderr), JSON lines unless DEBUG is on: a line per request (studyapp/request_log.py) and errors
# with their traceback; every line logged while a request is served carries its request_id.
LOG_FORMAT = env.str("LOG_FORMAT", default="text" if DEBUG else "json")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured("LOG_FORMAT must be json or text.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "studyapp.request_log.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(levelname)s %(name)s %(message)s",
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": "time",
            # Not django.request's request object: its repr holds the query string.
            "reserved_attrs": [*RESERVED_ATTRS, "request"],
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
    "loggers": {
        # Django's own console and mail handlers off: its records reach the handler above, once.
        "django": {"handlers": [], "level": env.str("LOG_LEVEL", default="WARNING")},
        # A 4xx is in the request log already; a 5xx is logged here with its traceback.
        "django.request": {"level": "ERROR"},
        # runserver (DEBUG) prints a line per request itself.
        "studyapp.requests": {"level": "WARNING" if DEBUG else "INFO"},
    },
}

# FSRS adds a little random "fuzz" to intervals so reviews of items learnt together spread out.
# Tests turn it off so that scheduling is reproducible.
FSRS_ENABLE_FUZZING = env.bool("FSRS_ENABLE_FUZZING", default=True)
