"""The benchmark's server measures itself: each response says how long its worker spent on it, and where.

Installed first (outermost) by bench/settings.py, so that the figures take in every middleware,
the view, the template and the database calls; they leave out only gunicorn's own work (reading
the request off the socket, writing the response back) and the WSGI handler's setup.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, HttpResponse

CPU_HEADER = "X-Worker-CPU-ms"
WALL_HEADER = "X-Worker-ms"
DB_HEADER = "X-Worker-DB-ms"
COMMIT_HEADER = "X-Worker-Commit-ms"


class WorkerTimeMiddleware:
    """Sets X-Worker-CPU-ms, X-Worker-ms, X-Worker-DB-ms and X-Worker-Commit-ms on every response.

    - CPU: `time.thread_time()`, the request's thread alone (gunicorn's sync worker has one).
      With SQLite it includes running the queries, which happen inside the worker; with
      PostgreSQL they run in the server's backend process, and the worker only waits.
    - wall: `time.perf_counter()`. Wall minus CPU is the worker waiting: for PostgreSQL, for
      SQLite's write lock (busy_timeout sleeps), or for a core the machine gave to another process.
    - DB: the wall time of the SQL statements (through Django's cursors, BEGIN included) and of
      the commits (which Django sends through the driver, not a cursor): on SQLite the library's
      work and any wait for the write lock; on PostgreSQL the round trips, the server's work and
      the commit's flush of the WAL.
    - commit (X-Worker-Commit-ms): the commits alone, which the DB figure includes.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        in_db, in_commit = [0.0], [0.0]

        def timed_execute(execute, sql, params, many, context):
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                in_db[0] += time.perf_counter() - started

        wrapper = connections[DEFAULT_DB_ALIAS]  # this thread's (transaction.atomic commits through it)
        commit = wrapper.commit

        def timed_commit() -> None:
            started = time.perf_counter()
            try:
                commit()
            finally:
                in_commit[0] += time.perf_counter() - started
                in_db[0] += time.perf_counter() - started

        cpu_started, started = time.thread_time(), time.perf_counter()
        wrapper.commit = timed_commit  # an attribute of this object, shadowing the method, until the response
        try:
            with wrapper.execute_wrapper(timed_execute):
                response = self.get_response(request)
        finally:
            del wrapper.commit
        response[CPU_HEADER] = f"{(time.thread_time() - cpu_started) * 1000:.3f}"
        response[WALL_HEADER] = f"{(time.perf_counter() - started) * 1000:.3f}"
        response[DB_HEADER] = f"{in_db[0] * 1000:.3f}"
        response[COMMIT_HEADER] = f"{in_commit[0] * 1000:.3f}"
        return response
