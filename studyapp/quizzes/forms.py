"""The instructor's quiz form: one form for the settings, the decks, and either a random draw or a fixed list."""

from __future__ import annotations

import math
import zoneinfo
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict
from django.utils import timezone

from studyapp.classroom.models import Classroom
from studyapp.converters import parse_id
from studyapp.library.models import Deck, Item
from studyapp.library.templatetags.library_tags import plain
from studyapp.quizzes import authoring
from studyapp.quizzes.models import FeedbackTiming, GradingMethod, Quiz, QuizItem, Selection

MAX_ITEM_COUNT = 1000
MAX_MARK = 1000
MAX_MINUTES = 7 * 24 * 60
MAX_ATTEMPTS = 100
MAX_POSITION = 9999
DATETIME_LOCAL = "%Y-%m-%dT%H:%M"
# The span a quiz may open or close in.
EARLIEST_DATETIME = datetime(2000, 1, 1, tzinfo=UTC)
FURTHEST_AHEAD = timedelta(days=10 * 366)


class LocalDateTimeField(forms.DateTimeField):
    """A `datetime-local` input read and shown in the given zone (the instructor's), stored as an aware datetime."""

    def __init__(self, *, zone: zoneinfo.ZoneInfo = authoring.UTC, **kwargs):
        kwargs.setdefault("widget", forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL))
        super().__init__(**kwargs)
        self.zone = zone

    def prepare_value(self, value):
        if isinstance(value, datetime) and timezone.is_aware(value):
            return timezone.make_naive(value, self.zone)
        return value

    def to_python(self, value):
        # Django reads a naive input in the current zone (and refuses a time a clock change skips or repeats).
        with timezone.override(self.zone):
            return super().to_python(value)

    def validate(self, value) -> None:
        super().validate(value)
        # Near either end of the calendar the time can't be stored in UTC, nor a deadline and its grace added to
        # it (0001-01-01 in the instructor's zone, 9999-12-31 23:59: a 500 each); so far out is a typo anyway.
        if value is not None and not EARLIEST_DATETIME <= value <= timezone.now() + FURTHEST_AHEAD:
            latest = (timezone.now() + FURTHEST_AHEAD).year
            raise ValidationError(f"Choose a date from {EARLIEST_DATETIME.year} to {latest}.", code="out_of_range")


class MarkField(forms.FloatField):
    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.NumberInput(attrs={"step": "any", "min": "0.01", "max": str(MAX_MARK)}))
        kwargs.setdefault("error_messages", {"invalid": "A mark is a number, such as 1 or 0.5."})
        super().__init__(**kwargs)

    def validate(self, value) -> None:
        super().validate(value)
        if value is not None and value <= 0:
            raise ValidationError("A mark must be more than 0.", code="min_value")
        if value is not None and value > MAX_MARK:
            raise ValidationError(f"A mark can be at most {MAX_MARK:,}.", code="max_value")


class ItemIdsField(forms.MultipleChoiceField):
    """Item ids as ints; whether they belong to the chosen decks is the form's question, not the field's."""

    def to_python(self, value) -> list[int]:
        ids = []
        for raw in super().to_python(value):
            # Not int(): 20 digits overflowed the database when the form looked the ids up (a 500).
            pk = parse_id(raw.strip())
            if pk is None:
                raise ValidationError("Pick items from the list.", code="invalid")
            ids.append(pk)
        return list(dict.fromkeys(ids))

    def validate(self, value) -> None:
        pass


@dataclass(frozen=True)
class ItemRow:
    """One line of the fixed list's checklist."""

    item: Item
    checked: bool
    mark: forms.BoundField
    position: forms.BoundField


@dataclass(frozen=True)
class DeckGroup:
    deck: Deck
    rows: list[ItemRow]


class QuizForm(forms.Form):
    """A class quiz. Per-item fields (`mark_<id>`, `position_<id>`) exist for the items of the chosen decks.

    `quiet=True` (the refresh button, or htmx refreshing the checklist) reads the values to show them again but
    reports no errors: the instructor hasn't asked to save yet.
    """

    title = forms.CharField(
        max_length=200,
        error_messages={"required": "Give the quiz a title.", "max_length": "Keep the title to 200 characters."},
    )
    decks = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least one deck.",
            "invalid_choice": "Choose decks from the list (deck %(value)s isn't one of them).",
        },
    )
    selection = forms.ChoiceField(
        label="Questions",
        choices=Selection.choices,
        initial=Selection.RANDOM,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose a fixed list or a random draw.",
            "invalid_choice": "Choose fixed or random.",
        },
    )
    item_count = forms.IntegerField(
        label="Items to draw",
        required=False,
        min_value=1,
        max_value=MAX_ITEM_COUNT,
        error_messages={
            "invalid": "The number of items is a whole number.",
            "min_value": "Draw at least 1 item.",
            "max_value": f"Draw at most {MAX_ITEM_COUNT:,} items.",
        },
    )
    tag = forms.TypedChoiceField(
        label="Only items with the tag",
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": "Choose a tag used in the chosen decks."},
    )
    mark = MarkField(label="Mark per question", initial=1, help_text="Each drawn question's mark; 1 if left empty.")
    items = ItemIdsField(required=False)
    time_limit = forms.IntegerField(
        label="Time limit (minutes)",
        required=False,
        min_value=1,
        max_value=MAX_MINUTES,
        help_text="Empty for no time limit.",
        error_messages={
            "invalid": "The time limit is a whole number of minutes.",
            "min_value": "A time limit is at least 1 minute (or leave it empty for none).",
            "max_value": f"A time limit is at most {MAX_MINUTES:,} minutes (a week).",
        },
    )
    opens_at = LocalDateTimeField(
        label="Opens",
        required=False,
        help_text="Empty to open at once.",
        error_messages={"invalid": "Enter a date and time."},
    )
    closes_at = LocalDateTimeField(
        label="Closes",
        required=False,
        help_text="Empty never to close.",
        error_messages={"invalid": "Enter a date and time."},
    )
    attempts_allowed = forms.IntegerField(
        label="Attempts allowed",
        required=False,
        initial=1,
        min_value=1,
        max_value=MAX_ATTEMPTS,
        help_text="1 for a single attempt, or more; empty for unlimited attempts.",
        error_messages={
            "invalid": "The number of attempts is a whole number.",
            "min_value": "Allow at least 1 attempt (or leave it empty for unlimited).",
            "max_value": f"Allow at most {MAX_ATTEMPTS} attempts (or leave it empty for unlimited).",
        },
    )
    grading_method = forms.ChoiceField(
        label="Grade",
        choices=GradingMethod.choices,
        initial=GradingMethod.HIGHEST,
        help_text="Which attempts make the student's grade when there are several.",
        error_messages={"invalid_choice": "Choose a grading method from the list."},
    )
    shuffle_questions = forms.BooleanField(label="Shuffle the questions for each attempt", required=False, initial=True)
    shuffle_choices = forms.BooleanField(label="Shuffle the choices for each attempt", required=False, initial=True)
    feedback_timing = forms.ChoiceField(
        label="Show feedback",
        choices=FeedbackTiming.choices,
        initial=FeedbackTiming.SUBMISSION,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose when feedback is shown.",
            "invalid_choice": "Choose when feedback is shown.",
        },
    )
    show_correct_answers = forms.BooleanField(
        label="Show the correct answers, explanations and sources with the feedback", required=False, initial=True
    )

    RANDOM_FIELDS = ("item_count", "tag", "mark")

    def __init__(
        self,
        data=None,
        *,
        user,
        classroom: Classroom,
        quiz: Quiz | None = None,
        zone: zoneinfo.ZoneInfo = authoring.UTC,
        quiet: bool = False,
        **kwargs,
    ):
        super().__init__(data, **kwargs)
        self.quiz, self.zone, self.quiet = quiz, zone, quiet
        self.fields["opens_at"].zone = self.fields["closes_at"].zone = zone
        self.deck_list = authoring.deck_options(user, classroom, quiz)
        self.fields["decks"].choices = [(str(deck.pk), deck.title) for deck in self.deck_list]
        by_pk = {deck.pk: deck for deck in self.deck_list}

        quiz_marks: dict[int, tuple[float, int]] = {}
        if quiz is not None:
            # order_by(): the model's ordering ("quiz", ...) would join the quiz table to sort by it.
            rows = QuizItem.objects.filter(quiz=quiz).order_by("position").values_list("item_id", "mark", "position")
            quiz_marks = {item_id: (mark, position) for item_id, mark, position in rows}
            self.initial.update(self._initial_of(quiz, list(quiz_marks)))
        else:
            self.initial.setdefault("decks", [str(deck.pk) for deck in self.deck_list if deck.assigned])

        chosen_pks = self._raw_list("decks") if self.is_bound else self.initial.get("decks", [])
        self.chosen_decks = [by_pk[pk] for pk in _ints(chosen_pks) if pk in by_pk]
        chosen_ids = [deck.pk for deck in self.chosen_decks]

        self.tag_list = authoring.tags_of_decks(chosen_ids)
        self.fields["tag"].choices = [("", "Any tag")] + [
            (tag.pk, f"{tag.name} ({tag.n_items} item{'s' if tag.n_items != 1 else ''})") for tag in self.tag_list
        ]

        self.item_list = authoring.items_of_decks(self.chosen_decks)
        if self.is_bound:
            # A line the posted form didn't have (its deck just ticked) starts with its mark, as a new form does.
            missing = [item.pk for item in self.item_list if f"mark_{item.pk}" not in self.data]
            if missing:
                self.data = self.data.copy()
                for pk in missing:
                    self.data[f"mark_{pk}"] = str(quiz_marks.get(pk, (1, None))[0])
        self.fields["items"].choices = [(str(item.pk), str(item.pk)) for item in self.item_list]
        for item in self.item_list:
            mark, position = quiz_marks.get(item.pk, (1, None))
            self.fields[f"mark_{item.pk}"] = MarkField(label="Mark", initial=mark)
            self.fields[f"position_{item.pk}"] = forms.IntegerField(
                label="Position",
                required=False,
                initial=position,
                min_value=1,
                max_value=MAX_POSITION,
                widget=forms.NumberInput(attrs={"min": "1", "max": str(MAX_POSITION)}),
                error_messages={
                    "invalid": "A position is a whole number.",
                    "min_value": "Positions start at 1.",
                    "max_value": f"Positions go up to {MAX_POSITION:,}.",
                },
            )

    @staticmethod
    def _initial_of(quiz: Quiz, item_ids: list[int]) -> dict:
        minutes = None if quiz.time_limit is None else math.ceil(quiz.time_limit.total_seconds() / 60)
        return {
            "title": quiz.title,
            "decks": [str(pk) for pk in quiz.decks.order_by().values_list("pk", flat=True)],
            "selection": quiz.selection,
            "item_count": quiz.item_count,
            "tag": quiz.tag_id,
            "mark": quiz.mark,
            "items": [str(pk) for pk in item_ids],
            "time_limit": minutes,
            "opens_at": quiz.opens_at,
            "closes_at": quiz.closes_at,
            "attempts_allowed": quiz.attempts_allowed,
            "grading_method": quiz.grading_method,
            "shuffle_questions": quiz.shuffle_questions,
            "shuffle_choices": quiz.shuffle_choices,
            "feedback_timing": quiz.feedback_timing,
            "show_correct_answers": quiz.show_correct_answers,
        }

    def _raw_list(self, name: str) -> list[str]:
        data = self.data
        return data.getlist(name) if hasattr(data, "getlist") else list(data.get(name) or [])

    def full_clean(self) -> None:
        super().full_clean()
        if self.quiet:
            self._errors = ErrorDict()

    # --- What the template shows ---

    @property
    def selection_value(self) -> str:
        return self["selection"].value() or Selection.RANDOM

    @property
    def is_fixed(self) -> bool:
        return self.selection_value == Selection.FIXED

    @property
    def eligible_total(self) -> int:
        return len(self.item_list)

    def picked_ids(self) -> set[int]:
        raw = self._raw_list("items") if self.is_bound else self.initial.get("items", [])
        return set(_ints(raw))

    def item_groups(self) -> list[DeckGroup]:
        picked = self.picked_ids()
        groups: dict[int, DeckGroup] = {deck.pk: DeckGroup(deck, []) for deck in self.chosen_decks}
        for item in self.item_list:
            groups[item.deck_id].rows.append(
                ItemRow(item, item.pk in picked, self[f"mark_{item.pk}"], self[f"position_{item.pk}"])
            )
        return list(groups.values())

    def item_field_errors(self) -> bool:
        return any(name.startswith(("mark_", "position_")) for name in self.errors)

    # --- Validation ---

    def clean(self) -> dict:
        data = super().clean()
        if data.get("selection") == Selection.FIXED:
            self._clean_fixed(data)
            for name in self.RANDOM_FIELDS:
                self.errors.pop(name, None)  # the draw's fields are ignored for a fixed list, not refused
        else:
            self._clean_random(data)
            for name in list(self.errors):
                if name == "items" or name.startswith(("mark_", "position_")):
                    del self.errors[name]  # the fixed list's fields are ignored for a random draw

        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            shown = timezone.make_naive(opens, self.zone).strftime("%Y-%m-%d %H:%M")
            self.add_error("closes_at", f"The quiz must close after it opens ({shown}).")
        if data.get("feedback_timing") == FeedbackTiming.CLOSE and not closes and "closes_at" not in self.errors:
            self.add_error(
                "feedback_timing", "Feedback after the quiz closes needs a close time: set one, or choose another time."
            )
        return data

    def _clean_random(self, data: dict) -> None:
        if data.get("mark") is None and "mark" not in self.errors:
            data["mark"] = 1
        count, tag_id = data.get("item_count"), data.get("tag")
        if "item_count" in self.errors or not self.chosen_decks:
            return
        if count is None:
            self.add_error("item_count", "Say how many items to draw for each attempt.")
            return
        if tag_id is not None:
            tag = next(tag for tag in self.tag_list if tag.pk == tag_id)
            eligible, where = tag.n_items, f" with the tag “{tag.name}”"
        else:
            eligible, where = self.eligible_total, ""
        if eligible == 0:
            self.add_error("item_count", "The chosen decks have no items: choose decks with items.")
        elif count > eligible:
            have = f"only {eligible} item{'s' if eligible != 1 else ''}{where}"
            self.add_error("item_count", f"The chosen decks have {have}: draw at most {eligible}.")

    def _clean_fixed(self, data: dict) -> None:
        picked = data.get("items") or []
        if "items" in self.errors:
            return
        if not picked:
            if self.chosen_decks:
                self.add_error("items", "Pick at least one item for a fixed list.")
            return
        known = {item.pk: index for index, item in enumerate(self.item_list)}
        strangers = [pk for pk in picked if pk not in known]
        if strangers and self.chosen_decks:
            self.add_error("items", _strangers_message(strangers, [deck.pk for deck in self.deck_list]))
            return
        if strangers:
            return  # "Choose at least one deck" already says what is wrong
        rows = []
        for pk in picked:
            mark, position = data.get(f"mark_{pk}"), data.get(f"position_{pk}")
            rows.append((position if position is not None else math.inf, known[pk], pk, 1 if mark is None else mark))
        # Numbered items in their numbers' order; the rest after them in the list's (deck) order.
        data["ordered_items"] = [(pk, mark) for _, _, pk, mark in sorted(rows)]
        # Only the picked items' marks and positions matter: a bad value on an unpicked line is not refused.
        picked_set = set(picked)
        for name in list(self.errors):
            if name.startswith(("mark_", "position_")) and int(name.split("_", 1)[1]) not in picked_set:
                del self.errors[name]

    def spec(self) -> authoring.QuizSpec:
        """The quiz the valid form describes, for `authoring.save_quiz`."""
        data = self.cleaned_data
        by_pk = {deck.pk: deck for deck in self.deck_list}
        minutes = data.get("time_limit")
        fixed = data["selection"] == Selection.FIXED
        return authoring.QuizSpec(
            title=data["title"],
            decks=[by_pk[pk] for pk in _ints(data["decks"])],
            selection=data["selection"],
            item_count=None if fixed else data["item_count"],
            tag_id=None if fixed else data.get("tag"),
            mark=1 if fixed else data["mark"],
            items=data.get("ordered_items", []) if fixed else [],
            time_limit=None if minutes is None else timedelta(minutes=minutes),
            opens_at=data.get("opens_at"),
            closes_at=data.get("closes_at"),
            attempts_allowed=data.get("attempts_allowed"),
            grading_method=data["grading_method"],
            shuffle_questions=data["shuffle_questions"],
            shuffle_choices=data["shuffle_choices"],
            feedback_timing=data["feedback_timing"],
            show_correct_answers=data["show_correct_answers"],
        )


def _ints(values) -> list[int]:
    out = []
    for value in values:
        try:
            out.append(int(value))
        except (TypeError, ValueError):
            continue
    return out


def _strangers_message(pks: list[int], deck_ids: list[int]) -> str:
    """Names the picked items that aren't in the chosen decks (one query, only when there are some).

    Only items of decks the form offers are named: an id typed in by hand tells nothing about other decks.
    """
    rows = Item.objects.filter(pk__in=pks[:5], deck__in=deck_ids).select_related("deck")
    found = {item.pk: item for item in rows}
    names = [
        f"“{_short(plain(found[pk].prompt))}” (deck “{found[pk].deck.title}”)" if pk in found else f"item {pk}"
        for pk in pks[:5]
    ]
    more = f" and {len(pks) - 5} more" if len(pks) > 5 else ""
    verb = "is" if len(pks) == 1 else "are"
    return (
        f"{', '.join(names)}{more} {verb} not in the chosen decks: tick the deck and show its items again, "
        "or leave the item out."
    )


def _short(text: str, length: int = 60) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"
