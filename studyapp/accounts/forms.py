from __future__ import annotations

from django.contrib.auth.forms import UserCreationForm

from studyapp.accounts.models import User


class SignUpForm(UserCreationForm):
    """A student account; Django's password validators run in `UserCreationForm`."""

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")
