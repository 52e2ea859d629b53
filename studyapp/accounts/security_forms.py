from __future__ import annotations

from django import forms
from django.core.validators import RegexValidator


class TokenField(forms.CharField):
    """Spaces are dropped: some apps show the code as "123 456"."""

    def to_python(self, value):
        return "".join(super().to_python(value).split())


class TokenForm(forms.Form):
    token = TokenField(
        label="Code",
        help_text="The six-digit code your authenticator app shows now.",
        validators=[RegexValidator(r"^[0-9]{6}$", "Enter the six digits your authenticator app shows.")],
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True, "size": 8}
        ),
    )
