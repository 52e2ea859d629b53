"""Responses for a logged-in user are personal (study pages, htmx partials, exports): no cache may keep them."""

from __future__ import annotations

from collections.abc import Callable

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, QueryDict
from django.utils.cache import add_never_cache_headers


class PrivateNoStoreMiddleware:
    """`Cache-Control: no-store` (and private, max-age=0) on every response to a logged-in user, unless the view
    chose its own Cache-Control. Static files never get here: WhiteNoise answers them earlier."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not response.has_header("Cache-Control") and _may_be_personal(request):
            add_never_cache_headers(response)
        return response


def _may_be_personal(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    try:
        return user is not None and user.is_authenticated
    except DatabaseError:
        # The database is down (the view's 500 is on its way out): can't tell who asked, so keep nothing.
        return True


NUL_REFUSED = (
    "This request holds a NUL character (U+0000), which no address or form field may contain: "
    "remove it and send the form again."
)


class RejectNulMiddleware:
    """400, with a message, for a request whose path, query or form fields hold a NUL character.

    No field of the app may hold one, and PostgreSQL refuses NUL in text and JSON, so a NUL that reached a view
    (a typed answer, a quiz answer, a slug) would be a 500 there while SQLite stored it. Forms' CharFields refuse it
    already; refusing it here, once, covers every value a view reads straight from request.POST or request.GET.
    Uploaded files are not looked at: an import checks its own bytes.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            "\x00" in request.path_info
            or _holds_nul(request.GET)
            or (request.method == "POST" and _holds_nul(request.POST))
        ):
            return HttpResponseBadRequest(NUL_REFUSED, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


def _holds_nul(data: QueryDict) -> bool:
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in data.lists())
