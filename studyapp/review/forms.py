from __future__ import annotations

from django import forms

from studyapp.library.models import Tag
from studyapp.review.models import RESCHEDULING_KINDS, CustomStudyKind, StudySettings
from studyapp.review.selectors import tags_of_deck
from studyapp.review.services import DEFAULT_DAYS, MAX_DAYS


class StudySettingsForm(forms.ModelForm):
    class Meta:
        model = StudySettings
        fields = (
            "desired_retention",
            "new_per_day",
            "reviews_per_day",
            "learning_steps",
            "relearning_steps",
            "timezone",
            "day_starts_at",
            "leech_threshold",
        )
        widgets = {"desired_retention": forms.NumberInput(attrs={"step": "0.01", "min": "0.70", "max": "0.99"})}


class CustomStudyForm(forms.Form):
    """What to study outside the daily queue. Days and tag are read only for the kinds that take them."""

    kind = forms.ChoiceField(
        label="What to study",
        choices=CustomStudyKind.choices,
        initial=CustomStudyKind.AHEAD,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what to study.", "invalid_choice": "Choose one of the kinds shown."},
    )
    days = forms.IntegerField(
        label="Days",
        required=False,
        min_value=1,
        max_value=365,
        error_messages={
            "invalid": "Days are a whole number.",
            "min_value": "Days run from 1 (review ahead: to 365; forgotten items: to 30).",
            "max_value": "Days run from 1 (review ahead: to 365; forgotten items: to 30).",
        },
        help_text=(
            "Review ahead: items due in the next 1–365 days (7 if left empty). "
            "Forgotten: items you rated Again in the last 1–30 days (1, today only, if left empty)."
        ),
    )
    tag = forms.ModelChoiceField(
        label="Tag",
        queryset=Tag.objects.none(),
        required=False,
        empty_label="Choose a tag",
        error_messages={"invalid_choice": "Choose one of the tags of this deck."},
        help_text="Study by tag: the items of this deck with this tag, new ones included.",
    )
    reschedule = forms.TypedChoiceField(
        label="Change the items' schedules?",
        choices=[
            ("", "As the kind suggests: yes for review ahead and forgotten items, no for tag and cram"),
            ("yes", "Yes: each rating is a review, and reschedules the item"),
            ("no", "No: practice only; your schedule stays as it is and the ratings are not in your statistics"),
        ],
        coerce=lambda value: value == "yes",
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": "Choose whether the ratings change your schedule."},
    )

    def __init__(self, *args, deck, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tag"].queryset = tags_of_deck(deck)

    def clean(self) -> dict:
        data = super().clean()
        kind, days = data.get("kind"), data.get("days")
        if kind in RESCHEDULING_KINDS:
            if days is None and "days" not in self.errors:
                data["days"] = DEFAULT_DAYS[kind]
            elif days is not None and days > MAX_DAYS[kind]:
                self.add_error("days", f"Review forgotten items looks back 1 to {MAX_DAYS[kind]} days.")
        else:
            data["days"] = None
        if kind == CustomStudyKind.TAG:
            if data.get("tag") is None and "tag" not in self.errors:
                self.add_error("tag", "Choose a tag to study by.")
        else:
            data["tag"] = None
            self.errors.pop("tag", None)  # a stale tag field of another kind is ignored, not refused
        if kind not in RESCHEDULING_KINDS:
            self.errors.pop("days", None)
        return data
