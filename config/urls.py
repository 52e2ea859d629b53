from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Study tool administration"
admin.site.site_title = "Study tool admin"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("studyapp.accounts.urls")),
    path("", include("studyapp.library.urls")),
    path("", include("studyapp.review.urls")),
    path("", include("studyapp.progress.urls")),
]
