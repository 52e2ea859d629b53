"""Request type for views: django-htmx adds `request.htmx` in its middleware."""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def posted(request: HttpRequest):
    """The form data of a POST (even an empty one, so the form is bound and says what's missing), else None.

    `request.POST or None` left an empty POST's form unbound: the page came back as if never sent, with 200.
    """
    return request.POST if request.method == "POST" else None


def posted_files(request: HttpRequest):
    return request.FILES if request.method == "POST" else None
