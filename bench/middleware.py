"""The benchmark's server measures itself: each response says how long its worker spent on it.

Installed first (outermost) by bench/settings.py, so that the figures take in every middleware,
the view, the template and the database calls; they leave out only gunicorn's own work (reading
the request off the socket, writing the response back) and the WSGI handler's setup.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

CPU_HEADER = "X-Worker-CPU-ms"
WALL_HEADER = "X-Worker-ms"


class WorkerTimeMiddleware:
    """Sets X-Worker-CPU-ms (the worker thread's CPU time) and X-Worker-ms (its wall time) on every response.

    CPU time is `time.thread_time()`: the request's thread alone (gunicorn's sync worker has one).
    With SQLite it includes running the queries, which happen inside the worker; with PostgreSQL
    the queries run in the server's backend process, and the worker only waits for them (the
    wall time minus the CPU time is that waiting, and any other waiting: fsync, locks, the
    scheduler giving the core to another process).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        cpu_started, started = time.thread_time(), time.perf_counter()
        response = self.get_response(request)
        response[CPU_HEADER] = f"{(time.thread_time() - cpu_started) * 1000:.3f}"
        response[WALL_HEADER] = f"{(time.perf_counter() - started) * 1000:.3f}"
        return response
