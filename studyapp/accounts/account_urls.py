from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from studyapp.accounts import account_views

urlpatterns = [
    path("account/", account_views.account, name="account"),
    path("account/email/", account_views.email_change, name="email_change"),
    path("account/email/confirm/<str:token>/", account_views.email_change_confirm, name="email_change_confirm"),
    path("account/delete/", account_views.account_delete, name="account_delete"),
    # Password reset by email (Django's views; the URL names are the ones they reverse).
    path("accounts/password/reset/", account_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        account_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
