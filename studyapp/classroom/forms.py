from __future__ import annotations

from datetime import date, timedelta

from django import forms

from studyapp.accounts.models import User
from studyapp.classroom import services
from studyapp.classroom.models import JOIN_CODE_LENGTH, Classroom
from studyapp.library.models import Deck

# As for an exam date: further ahead than this is a typo (2207 for 2027).
FURTHEST_DUE = timedelta(days=5 * 366)


class ClassroomForm(forms.Form):
    name = forms.CharField(max_length=200, label="Class name", strip=True)


class JoinForm(forms.Form):
    code = forms.CharField(
        label="Join code",
        max_length=40,
        help_text=f"The {JOIN_CODE_LENGTH} letters and digits your instructor gave you (capitals or not).",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )

    def clean_code(self) -> Classroom:
        try:
            return services.find_by_code(self.cleaned_data["code"])
        except services.NoSuchClass as error:
            raise forms.ValidationError(error.message, code="no_such_class") from None


class AssignDeckForm(forms.Form):
    deck = forms.ModelChoiceField(queryset=Deck.objects.order_by("title"), label="Deck", empty_label="Choose a deck")
    due_on = forms.DateField(
        required=False,
        label="Know it by",
        # <input type=date> takes only ISO dates (the en-gb default showed it empty).
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        help_text="Optional. Students without an exam date of their own see it as their exam date.",
    )

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["due_on"].widget.attrs.update(min=today.isoformat(), max=(today + FURTHEST_DUE).isoformat())

    def clean_due_on(self) -> date | None:
        due_on = self.cleaned_data["due_on"]
        if due_on is not None and due_on < self.today:
            raise forms.ValidationError("The date has to be today or later.")
        if due_on is not None and due_on > self.today + FURTHEST_DUE:
            raise forms.ValidationError("Choose a date within the next five years.")
        return due_on


class AddInstructorForm(forms.Form):
    username = forms.CharField(label="Username of the co-instructor", max_length=150)

    def clean_username(self) -> User:
        username = self.cleaned_data["username"].strip()
        try:
            return User.objects.get(username=username)
        except User.DoesNotExist:
            raise forms.ValidationError(f"There is no user called “{username}”.") from None
