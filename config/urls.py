from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path
from django.views.decorators.http import require_safe

from studyapp.health import healthz

admin.site.site_header = "Study tool administration"
admin.site.site_title = "Study tool admin"


@require_safe
def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """Browsers ask for /favicon.ico whatever the page links: send them to the SVG icon."""
    # static() per request, not at import: with the manifest storage the hashed name is known only after collectstatic.
    return HttpResponsePermanentRedirect(static("favicon.svg"))


urlpatterns = [
    path("favicon.ico", favicon, name="favicon"),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("", include("studyapp.accounts.urls")),
    path("", include("studyapp.library.urls")),
    path("", include("studyapp.review.urls")),
    path("", include("studyapp.progress.urls")),
    path("", include("studyapp.classroom.urls")),
    path("", include("studyapp.quizzes.urls")),
    path("", include("studyapp.memory.urls")),
]
