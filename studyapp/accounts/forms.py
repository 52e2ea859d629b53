from __future__ import annotations

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.core.validators import MaxLengthValidator

from studyapp.accounts.models import User


class SignUpForm(UserCreationForm):
    """A student account; Django's password validators run in `UserCreationForm`."""

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")


class _UsernameLengthChecked:
    """Django's login forms give the username field a max_length but not its validator, so a name of any length
    reached authenticate() and django-axes, which stores a failed one in a varchar(255): a 500 on PostgreSQL."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))


class LoginForm(_UsernameLengthChecked, AuthenticationForm):
    pass


class AdminLoginForm(_UsernameLengthChecked, AdminAuthenticationForm):
    pass
