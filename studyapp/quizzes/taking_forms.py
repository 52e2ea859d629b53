"""The one form of taking quizzes: a student's practice test of a deck (authoring forms are in forms.py)."""

from __future__ import annotations

from datetime import timedelta

from django import forms


class PracticeTestForm(forms.Form):
    item_count = forms.IntegerField(
        label="How many items", min_value=1, max_value=200, initial=10, help_text="At most the deck's size."
    )
    time_limit = forms.IntegerField(
        label="Time limit in minutes", min_value=1, max_value=24 * 60, required=False, help_text="Empty for no limit."
    )

    def __init__(self, *args, deck_size: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item_count"].initial = min(10, max(deck_size, 1))
        self.fields["item_count"].help_text = f"The deck has {deck_size} item{'s' if deck_size != 1 else ''}."

    def clean_time_limit(self) -> timedelta | None:
        minutes = self.cleaned_data["time_limit"]
        return timedelta(minutes=minutes) if minutes else None
