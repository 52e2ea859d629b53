"""Settings of the benchmark's server and of its in-process measurements.

The production settings (config.settings) are read with the benchmark's own database,
DEBUG off and the benchmark's secret key, all put in the environment by bench.run before
anything imports this module, so that gunicorn's workers and the benchmark agree.
Only what plain HTTP on 127.0.0.1 needs differs from production: no secure-only cookies,
no manifest of collected static files, and the baseline pages of bench/urls.py; and one
middleware of the benchmark's own, outermost, which puts the worker's time in a response
header (bench/middleware.py).
"""

from __future__ import annotations

import os
import warnings

os.environ["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
os.environ["SECRET_KEY"] = os.environ["BENCH_SECRET_KEY"]
os.environ["DEBUG"] = "False"

from config.settings import *  # noqa: F403

DEBUG = False
ROOT_URLCONF = "bench.urls"
# Outermost, so that the time it reports takes in all the others.
MIDDLEWARE = ["bench.middleware.WorkerTimeMiddleware", *MIDDLEWARE]  # noqa: F405
# "testserver" is the host of the in-process test client.
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
# Plain HTTP on the loopback: cookies must travel without TLS.
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_SSL_REDIRECT = False
# No collectstatic run: static URLs without a manifest (the measured htmx partials use none).
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "ERROR"},
}
# FSRS_ENABLE_FUZZING keeps its default (on), as in production.
