from __future__ import annotations

from datetime import date, timedelta

from django import forms

# Further ahead than this, a forecast says nothing useful (and a typo like 2206 is caught).
FURTHEST_EXAM = timedelta(days=5 * 366)


class ExamDateForm(forms.Form):
    exam_on = forms.DateField(
        required=False,
        label="Exam date",
        # <input type=date> takes only ISO dates: the en-gb default (15/01/2027) showed it empty, and saving cleared it.
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        help_text="Leave empty to remove the date.",
    )

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["exam_on"].widget.attrs.update(min=today.isoformat(), max=(today + FURTHEST_EXAM).isoformat())

    def clean_exam_on(self) -> date | None:
        exam_on = self.cleaned_data["exam_on"]
        if exam_on is None:
            return None
        if exam_on < self.today:
            raise forms.ValidationError("The exam date has to be today or later.")
        if exam_on > self.today + FURTHEST_EXAM:
            raise forms.ValidationError("Choose an exam date within the next five years.")
        return exam_on
