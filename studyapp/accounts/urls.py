from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import include, path

from studyapp.accounts import views

urlpatterns = [
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("accounts/sign-up/", views.sign_up, name="sign_up"),
    # The account page, password reset, email change, deletion; then throttling and the second factor.
    path("", include("studyapp.accounts.account_urls")),
    path("", include("studyapp.accounts.security_urls")),
]
