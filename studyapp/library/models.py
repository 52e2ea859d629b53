"""Sources and their passages, decks, items and the parts of items.

Validation that a person can get wrong lives in `clean()` (and in
`validate_choices`/`validate_events` for the rows that belong to an item), so
the admin, the importer and the fixtures all give the same plain-language
errors; the rules that a single row can state are also database constraints.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse

CLOZE_BLANK = re.compile(r"\{\{(.+?)\}\}", re.DOTALL)
MIN_CHOICES, MAX_CHOICES = 2, 8
MIN_EVENTS, MAX_EVENTS = 3, 6


class Source(models.Model):
    """A text that items are drawn from, e.g. an article."""

    title = models.CharField(max_length=300)
    author = models.CharField(max_length=200, blank=True)
    publication = models.CharField(max_length=200, blank=True)
    text = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="sources"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title", "pk"]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="source_text_not_empty")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("library:source_detail", args=[self.pk])


class Passage(models.Model):
    """One sentence of a source, located by character offsets into `Source.text`."""

    # No index of its own: passage_unique_index_per_source leads with it.
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="passages", db_index=False)
    index = models.PositiveIntegerField(help_text="Position among the source's sentences, from 0.")
    paragraph = models.PositiveIntegerField(default=0, help_text="Which paragraph (line) of the source it is in.")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    text = models.TextField()

    class Meta:
        ordering = ["source", "index"]
        constraints = [
            models.UniqueConstraint(fields=["source", "index"], name="passage_unique_index_per_source"),
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="passage_end_after_start"),
        ]
        indexes = [
            # A card's feedback shows its sentence in its paragraph (selectors.paragraph_of): without this,
            # the sentences of a long source were all read to find five (10 ms at 250,000 sentences).
            models.Index(fields=["source", "paragraph", "index"], name="passage_paragraph_idx"),
        ]

    def __str__(self) -> str:
        # The admin's passage autocomplete shows this: enough of the sentence to tell it from its neighbours.
        return f"{self.source.title} §{self.index}: {self.text[:120]}{'…' if len(self.text) > 120 else ''}"

    def get_absolute_url(self) -> str:
        # source_id, not source: a deck page links every item's passage and must not load each source.
        return f"{reverse('library:source_detail', args=[self.source_id])}#passage-{self.index}"

    def clean(self) -> None:
        super().clean()
        if self.source_id is None or self.start is None or self.end is None:
            return
        length = len(self.source.text)
        if self.end <= self.start:
            raise ValidationError({"end": "The passage must end after it starts."})
        if self.end > length:
            raise ValidationError(
                {"end": f"The passage ends at character {self.end}, but the source text has only {length} characters."}
            )
        if self.source.text[self.start : self.end] != self.text:
            raise ValidationError(
                {"text": "The passage text does not match the source text between its start and end offsets."}
            )


class Tag(models.Model):
    name = models.CharField(max_length=60)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="tag_unique_name_ignoring_case")]

    def __str__(self) -> str:
        return self.name


class DeckQuerySet(models.QuerySet):
    def editable_by(self, user) -> DeckQuerySet:
        """Decks the user may change: their own and those they co-own (all of them for superusers)."""
        if user.is_superuser:
            return self.all()
        return self.filter(Q(owner=user) | Q(co_owners=user)).distinct()

    def listed(self) -> DeckQuerySet:
        """Decks offered to learners who don't study them yet: all but the archived."""
        return self.filter(archived_at__isnull=True)


class Deck(models.Model):
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="decks")
    co_owners = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="co_owned_decks")
    source = models.ForeignKey(Source, null=True, blank=True, on_delete=models.PROTECT, related_name="decks")
    # Archived (like Quizlet's archive, Anki's hiding a deck): the deck leaves the deck lists and nobody can
    # start studying it, while those who already do keep reviewing it and keep their progress.
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DeckQuerySet.as_manager()

    class Meta:
        ordering = ["title", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("library:deck_detail", args=[self.slug])


class ItemKind(models.TextChoices):
    BASIC = "basic", "Basic (flip)"
    REVERSED = "reversed", "Basic and reversed"
    TYPED = "typed", "Typed answer"
    CLOZE = "cloze", "Cloze (fill the blank)"
    MULTIPLE_CHOICE = "multiple_choice", "Multiple choice"
    TRUE_FALSE = "true_false", "True or false"
    NUMBER = "number", "Number or year"
    CHRONOLOGY = "chronology", "Chronology (put events in order)"


# Kinds whose answer is computed from their choices or events rather than typed in.
DERIVED_ANSWER_KINDS = frozenset({ItemKind.MULTIPLE_CHOICE, ItemKind.CHRONOLOGY})
TRUE_FALSE_ANSWERS = ("True", "False")


class Item(models.Model):
    """One question drawn from (usually) one passage of the deck's source."""

    # No index of its own: item_unique_position_per_deck leads with it.
    deck = models.ForeignKey(Deck, on_delete=models.CASCADE, related_name="items", db_index=False)
    # Its index serves the source page's items per passage and the siblings a rating buries.
    passage = models.ForeignKey(
        Passage,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="items",
        help_text="The sentence of the deck's source that this item was drawn from.",
    )
    kind = models.CharField(max_length=20, choices=ItemKind.choices, default=ItemKind.BASIC)
    prompt = models.TextField(help_text="Markdown. For a cloze item, mark the blank as {{hidden words}}.")
    answer = models.TextField(
        blank=True,
        help_text="For multiple-choice and chronology items this is filled in from the choices or events.",
    )
    accepted_answers = models.JSONField(
        default=list, blank=True, help_text="Other typed answers that count as right, as a list of strings."
    )
    explanation = models.TextField(blank=True, help_text="Markdown, shown after the learner answers.")
    tags = models.ManyToManyField(Tag, blank=True, related_name="items")
    tolerance = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0), message="The tolerance can't be below zero.")],
        help_text="Number items only: answers within this distance of the answer count as right.",
    )
    position = models.PositiveIntegerField(blank=True, help_text="Order within the deck; filled in if left empty.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["deck", "position"]
        constraints = [
            models.UniqueConstraint(fields=["deck", "position"], name="item_unique_position_per_deck"),
            models.CheckConstraint(condition=Q(kind__in=ItemKind.values), name="item_kind_valid"),
            models.CheckConstraint(condition=~Q(prompt=""), name="item_prompt_not_empty"),
            models.CheckConstraint(condition=Q(tolerance__gte=0), name="item_tolerance_not_negative"),
            models.CheckConstraint(
                condition=Q(kind=ItemKind.NUMBER) | Q(tolerance=0), name="item_tolerance_only_for_numbers"
            ),
            models.CheckConstraint(
                condition=~Q(kind=ItemKind.TRUE_FALSE) | Q(answer__in=TRUE_FALSE_ANSWERS),
                name="item_true_false_answer_is_true_or_false",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.prompt[:70]}"

    def save(self, *args, **kwargs) -> None:
        if self.position is None:
            last = Item.objects.filter(deck_id=self.deck_id).aggregate(models.Max("position"))["position__max"]
            self.position = 0 if last is None else last + 1
        super().save(*args, **kwargs)

    @property
    def cloze_blank(self) -> str | None:
        match = CLOZE_BLANK.search(self.prompt)
        return match.group(1) if match else None

    def clean(self) -> None:
        super().clean()
        errors: dict[str, list[str]] = {}

        def error(field: str, message: str) -> None:
            errors.setdefault(field, []).append(message)

        self.prompt = (self.prompt or "").strip()
        self.answer = (self.answer or "").strip()
        if not self.prompt:
            error("prompt", "Write the question: the prompt can't be empty.")

        if not isinstance(self.accepted_answers, list) or not all(
            isinstance(answer, str) for answer in self.accepted_answers
        ):
            error("accepted_answers", 'Accepted answers must be a list of texts, e.g. ["Trotsky", "L. Trotsky"].')
        else:
            self.accepted_answers = [answer.strip() for answer in self.accepted_answers if answer.strip()]

        if self.tolerance is not None and self.tolerance < 0:
            error("tolerance", "The tolerance can't be below zero.")
        elif self.kind != ItemKind.NUMBER and self.tolerance:
            error("tolerance", "Only number and year items have a tolerance; set it to 0.")

        if self.kind == ItemKind.CLOZE:
            blanks = CLOZE_BLANK.findall(self.prompt)
            if not blanks:
                error("prompt", "A cloze item needs a blank: put the hidden words in double braces, like {{1923}}.")
            elif len(blanks) > 1:
                error("prompt", "A cloze item has exactly one blank; this prompt has several {{…}}.")
            else:
                blank = blanks[0].strip()
                if not blank:
                    error("prompt", "The blank {{…}} is empty: put the hidden words inside it.")
                elif self.answer and self.answer != blank:
                    error("answer", f"The answer of a cloze item is the text in its blank, “{blank}”.")
                else:
                    self.answer = blank
        elif self.kind == ItemKind.TRUE_FALSE:
            normalised = {"true": "True", "false": "False"}.get(self.answer.lower())
            if normalised is None:
                error("answer", "A true/false item's answer is True or False.")
            else:
                self.answer = normalised
        elif self.kind == ItemKind.NUMBER:
            if parse_number(self.answer) is None:
                error("answer", "A number or year item's answer must be a number written in digits, e.g. 1923.")
        elif self.kind not in DERIVED_ANSWER_KINDS and not self.answer:
            error("answer", "Write the answer.")

        if self.passage_id is not None and self.deck_id is not None:
            if self.deck.source_id is None:
                error("passage", "This deck has no source text, so its items can't link to a passage.")
            elif self.passage.source_id != self.deck.source_id:
                error("passage", f"The passage comes from “{self.passage.source}”, not from this deck's source.")

        if errors:
            raise ValidationError(errors)


# Bounds of a number we can compare. 15 + 12 digits fit the default decimal context's 28 digits of precision, so
# comparing, subtracting and writing out such numbers is exact; beyond them lie only typing accidents and attacks
# (Decimal("1e999999999") is valid, but normalising it raises decimal.Overflow and writing it out takes a gigabyte).
MAX_INTEGER_DIGITS = 15
MAX_DECIMAL_PLACES = 12


def parse_number(text: str) -> Decimal | None:
    """The number written in text (digits, optional sign and decimal point), or None.

    None too for a number we can't compare: more than `MAX_INTEGER_DIGITS` digits before the point or more than
    `MAX_DECIMAL_PLACES` after it (trailing zeros don't count), however it is written.
    """
    try:
        value = Decimal(text.strip().replace(",", ""))
    except (InvalidOperation, AttributeError):
        return None
    if not value.is_finite():
        return None
    if not value:
        return Decimal(0)  # Also for "0e-999999999", whose exponent would otherwise be written out in full.
    _, digits, exponent = value.as_tuple()
    trailing_zeros = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    if value.adjusted() >= MAX_INTEGER_DIGITS or exponent + trailing_zeros < -MAX_DECIMAL_PLACES:
        return None
    return value


@dataclass(frozen=True)
class ChoiceData:
    text: str
    is_correct: bool


@dataclass(frozen=True)
class EventData:
    text: str
    when: str
    sort_key: int


def validate_choices(kind: str, choices: Sequence[ChoiceData]) -> None:
    """Check an item's choices as a whole (the admin's inline and the importer both call this)."""
    if kind != ItemKind.MULTIPLE_CHOICE:
        if choices:
            raise ValidationError("Only multiple-choice items have choices; remove them or change the kind.")
        return
    if len(choices) < MIN_CHOICES:
        raise ValidationError(f"A multiple-choice item needs at least {MIN_CHOICES} choices.")
    if len(choices) > MAX_CHOICES:
        raise ValidationError(f"A multiple-choice item can have at most {MAX_CHOICES} choices.")
    if any(not choice.text.strip() for choice in choices):
        raise ValidationError("Every choice needs a text.")
    texts = [choice.text.strip().casefold() for choice in choices]
    if len(set(texts)) != len(texts):
        raise ValidationError("Two choices have the same text.")
    if not any(choice.is_correct for choice in choices):
        raise ValidationError("Mark at least one choice as correct.")


def validate_events(kind: str, events: Sequence[EventData]) -> None:
    """Check a chronology item's events as a whole."""
    if kind != ItemKind.CHRONOLOGY:
        if events:
            raise ValidationError("Only chronology items have events; remove them or change the kind.")
        return
    if len(events) < MIN_EVENTS:
        raise ValidationError(f"A chronology item needs at least {MIN_EVENTS} events to put in order.")
    if len(events) > MAX_EVENTS:
        raise ValidationError(f"A chronology item can have at most {MAX_EVENTS} events.")
    if any(not event.text.strip() for event in events):
        raise ValidationError("Every event needs a text.")
    keys = [event.sort_key for event in events]
    if len(set(keys)) != len(keys):
        raise ValidationError("Two events have the same date (sort key), so their order would be ambiguous.")


def derived_answer(kind: str, choices: Sequence[ChoiceData], events: Sequence[EventData]) -> str:
    """The answer a learner reads for kinds whose answer comes from their choices or events."""
    if kind == ItemKind.MULTIPLE_CHOICE:
        return "; ".join(choice.text for choice in choices if choice.is_correct)
    if kind == ItemKind.CHRONOLOGY:
        return " → ".join(event.text for event in sorted(events, key=lambda event: event.sort_key))
    raise ValueError(f"{kind} items have no derived answer")


class Choice(models.Model):
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="choices")
    text = models.CharField(max_length=500)
    is_correct = models.BooleanField(default=False)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["item", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["item", "order"], name="choice_unique_order_per_item"),
            models.CheckConstraint(condition=~Q(text=""), name="choice_text_not_empty"),
        ]

    def __str__(self) -> str:
        return self.text


class Event(models.Model):
    """One event of a chronology item; `sort_key` gives the true order.

    Keys are written as YYYYMMDD with zeros for what is unknown (19230400 for April 1923, 19230000
    for 1923), so that events known to the day, the month or the year still compare correctly.
    """

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="events")
    text = models.CharField(max_length=500)
    when = models.CharField(max_length=100, blank=True, help_text="The date as shown after answering.")
    sort_key = models.BigIntegerField(
        help_text="Orders the events: the date as YYYYMMDD, zeros for what is unknown (19230400 = April 1923)."
    )

    class Meta:
        ordering = ["item", "sort_key"]
        constraints = [
            models.UniqueConstraint(fields=["item", "sort_key"], name="event_unique_sort_key_per_item"),
            models.CheckConstraint(condition=~Q(text=""), name="event_text_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.when}: {self.text}" if self.when else self.text
