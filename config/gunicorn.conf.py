"""Gunicorn's settings for `make serve` and the Docker image, read from the environment.

WEB_CONCURRENCY workers (default 2 per core + 1) bound to HOST:PORT (default 127.0.0.1:8000). Gunicorn's access
log is off: the app logs one JSON line per request itself (studyapp/request_log.py). Any other gunicorn flag can
be added with GUNICORN_CMD_ARGS, e.g. GUNICORN_CMD_ARGS="--max-requests 5000 --max-requests-jitter 500".
"""

from __future__ import annotations

import multiprocessing
import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))

# Load the app once in the master: a broken setting stops the server at start instead of every worker crash-looping,
# and a killed worker is replaced by a fork that is ready at once.
preload_app = True

# A request silent for 30 s is a bug, not a slow page: the worker is killed and replaced. On SIGTERM workers get
# 20 s to finish what they serve (Docker's stop_grace_period in compose.yaml is longer).
timeout = 30
graceful_timeout = 20
keepalive = 5

# The heartbeat file on a tmpfs: on a container's overlay filesystem its writes can stall a worker.
if os.path.isdir("/dev/shm"):  # noqa: S108 - a directory, not a predictable file name
    worker_tmp_dir = "/dev/shm"  # noqa: S108

# No gunicornc control socket: nothing here uses it, and its default path is shared by every gunicorn of the user.
control_socket_disable = True

accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()

# Gunicorn's own lines (booting, worker timeouts) in the same format as the app's.
_debug = os.environ.get("DEBUG", "").lower() in {"1", "true", "yes", "on"}
if os.environ.get("LOG_FORMAT", "text" if _debug else "json") == "json":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "root": {"level": "WARNING", "handlers": []},
        "formatters": {
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": "%(levelname)s %(name)s %(process)d %(message)s",
                "rename_fields": {"levelname": "level", "name": "logger"},
                "timestamp": "time",
            }
        },
        "handlers": {
            "error_console": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}
        },
        "loggers": {
            "gunicorn.error": {"level": loglevel.upper(), "handlers": ["error_console"], "propagate": False},
            "gunicorn.access": {"level": "CRITICAL", "handlers": [], "propagate": False},
        },
    }


def pre_fork(server, worker) -> None:
    """The master loaded the app (preload_app) but must hold no connection a worker would inherit: a database or
    Redis socket used by two processes garbles both. Django opens none at import; this keeps it so."""
    from django.core.cache import caches
    from django.db import connections

    connections.close_all()
    caches.close_all()
