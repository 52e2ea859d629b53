"""The app's URLs plus the benchmark's baseline: a minimal logged-in page that returns a constant."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

CONSTANT_PATH = "bench/constant/"


@login_required
def constant(request: HttpRequest) -> HttpResponse:
    """Loads the session and the user (as every app page does), renders nothing but a constant."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


urlpatterns = [
    path(CONSTANT_PATH, constant, name="bench_constant"),
    path("", include("config.urls")),
]
