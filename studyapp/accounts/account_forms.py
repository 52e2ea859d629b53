"""Forms of the account page: a new email address, and deleting the account. Both ask for the current password."""

from __future__ import annotations

from django import forms

from studyapp.accounts.models import User
from studyapp.accounts.services import DeckFate


class _WithPassword(forms.Form):
    password = forms.CharField(
        label="Your current password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, user: User, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That isn't your password.", code="password_incorrect")
        return password


class EmailChangeForm(_WithPassword):
    new_email = forms.EmailField(
        label="New email address",
        max_length=User._meta.get_field("email").max_length,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text="We send a link to this address; your address changes when you open it.",
    )
    field_order = ["new_email", "password"]

    def clean_new_email(self) -> str:
        email = User.objects.normalize_email(self.cleaned_data["new_email"])
        if email.casefold() == self.user.email.casefold():
            raise forms.ValidationError("That is already your address.", code="unchanged")
        return email


class AccountDeletionForm(_WithPassword):
    """The password, and (for an author, when there is an admin to pass it to) what becomes of their work."""

    decks = forms.ChoiceField(
        label="Your decks, classes and quizzes", choices=DeckFate.choices, widget=forms.RadioSelect
    )

    def __init__(self, user: User, *args, offer_transfer: bool, **kwargs) -> None:
        super().__init__(user, *args, **kwargs)
        if not offer_transfer:
            # Nothing to pass on, or nobody to pass it to: deleting is the only fate there is.
            del self.fields["decks"]

    @property
    def fate(self) -> str:
        return self.cleaned_data.get("decks", DeckFate.DELETE)
