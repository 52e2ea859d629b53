"""One log line per request: method, path, status, duration, user id and request id; never a query string, a form
body, a password, a token or an answer (forms and answers travel in POST bodies and query strings, which are not
read here; secrets in a URL's path, such as a password-reset token or a class's join code, are masked)."""

from __future__ import annotations

import contextvars
import logging
import re
import time
import uuid
from collections.abc import Callable

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger("studyapp.requests")

# URL keyword arguments that are secrets: their value is masked in the logged path.
SECRET_URL_KWARGS = frozenset({"code", "key", "token", "uidb64"})
MASK = "[masked]"

# A request id from a load balancer or proxy is kept (so its logs and ours join up) if it looks like one.
_REQUEST_ID_HEADER = "HTTP_X_REQUEST_ID"
_VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{8,128}")

_current_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)


class RequestIdFilter(logging.Filter):
    """Stamps every record logged while a request is served (a 500's traceback too) with that request's id; and
    django.request's line for a 4xx or 5xx response, logged after the middleware is done, from its request."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            request_id = _current_request_id.get()
            record.request_id = request_id or getattr(getattr(record, "request", None), "request_id", None)
        return True


def logged_path(request: HttpRequest) -> str:
    """The request's path (never its query string), with secret URL arguments masked."""
    path = request.path
    match = request.resolver_match
    if match is not None:
        for name, value in match.kwargs.items():
            if name in SECRET_URL_KWARGS and value:
                path = path.replace(str(value), MASK)
    return path


class RequestLogMiddleware:
    """Logs each request once it is answered, on `studyapp.requests` at INFO, and returns its id in X-Request-ID.

    Sits after WhiteNoise, so static files (served before it) are not logged; a load balancer's successful
    /healthz probes are not either (one every few seconds per server would drown the rest)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.META.get(_REQUEST_ID_HEADER, "")
        request_id = incoming if _VALID_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = _current_request_id.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            duration_ms = round((time.perf_counter() - started) * 1000, 1)
            response["X-Request-ID"] = request_id
            if not (response.status_code == 200 and _url_name(request) == "healthz"):
                self._log(request, response, duration_ms)
        finally:
            _current_request_id.reset(token)
        return response

    @staticmethod
    def _log(request: HttpRequest, response: HttpResponse, duration_ms: float) -> None:
        # The user is already loaded by then (PrivateNoStoreMiddleware asks who it is): this costs no query.
        user = getattr(request, "user", None)
        try:
            user_id = user.pk if user is not None and user.is_authenticated else None
        except DatabaseError:
            user_id = None  # the database is down: the line is still written, without the user
        path = logged_path(request)
        logger.info(
            "%s %s %s %sms",
            request.method,
            path,
            response.status_code,
            duration_ms,
            extra={
                "method": request.method,
                "path": path,
                "status": response.status_code,
                "duration_ms": duration_ms,
                "user_id": user_id,
                "request_id": _current_request_id.get(),
            },
        )


def _url_name(request: HttpRequest) -> str | None:
    match = request.resolver_match
    return match.url_name if match is not None else None
