from __future__ import annotations

from django import forms

from studyapp.review.models import StudySettings


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
