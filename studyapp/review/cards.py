"""What a card shows before and after answering, per item kind, and how a response is read and graded.

Before answering only the question travels to the browser: prompts with cloze blanks hidden,
choices without their correctness, events shuffled without their dates.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from django.http import QueryDict

from studyapp.library.models import ItemKind
from studyapp.review import grading
from studyapp.review.grading import Grade
from studyapp.review.models import Rating, ReviewState

SELF_RATED_KINDS = frozenset({ItemKind.BASIC, ItemKind.REVERSED})


class BadResponse(ValueError):
    """A response that can't be graded (e.g. an order that leaves out an event)."""


@dataclass(frozen=True)
class Question:
    kind: str
    prompt: str  # Markdown, with a cloze blank hidden
    reversed: bool
    choices: list[tuple[int, str]]
    several_correct: bool
    events: list[tuple[int, str]]


def reversed_direction(state: ReviewState) -> bool:
    """Reversed items alternate sides: front first, then back first."""
    return state.item.kind == ItemKind.REVERSED and state.reps % 2 == 1


def question(state: ReviewState, *, reversed: bool, seed: str) -> Question:
    item = state.item
    prompt = item.answer if reversed else item.prompt
    if item.kind == ItemKind.CLOZE:
        prompt = item.prompt.replace("{{" + (item.cloze_blank or "") + "}}", "[…]", 1)
    choices, several, events, true_order = [], False, [], []
    if item.kind == ItemKind.MULTIPLE_CHOICE:
        rows = list(item.choices.all())
        choices = [(c.pk, c.text) for c in rows]
        # Whether to offer checkboxes or radio buttons; Moodle says "select one or more" too.
        several = sum(c.is_correct for c in rows) > 1
    elif item.kind == ItemKind.CHRONOLOGY:
        rows = list(item.events.all())
        events = [(e.pk, e.text) for e in rows]
        true_order = [e.pk for e in rows]
    # Choices and events are shuffled by the card token, so a re-render of the same token keeps the
    # same order; a shuffle of events that happens to give the right order is shuffled again.
    rng = random.Random(seed)  # noqa: S311 - not security related
    # Authors tend to write the right choice first; never let its position give it away.
    rng.shuffle(choices)
    for _ in range(10):
        rng.shuffle(events)
        if len(events) < 2 or [event_id for event_id, _ in events] != true_order:
            break
    return Question(item.kind, prompt, reversed, choices, several, events)


def read_response(state: ReviewState, data: QueryDict) -> tuple[str, Any]:
    """The response as text for the log, and as the grader takes it."""
    kind = state.item.kind
    if kind == ItemKind.MULTIPLE_CHOICE:
        try:
            selected = [int(value) for value in data.getlist("choice")]
        except ValueError:
            raise BadResponse("Pick one of the choices.") from None
        if not selected:
            raise BadResponse("Pick at least one choice.")
        texts = {c.pk: c.text for c in state.item.choices.all()}
        return "; ".join(texts.get(pk, "?") for pk in selected), selected
    if kind == ItemKind.CHRONOLOGY:
        events = {e.pk: e.text for e in state.item.events.all()}
        positions = {}
        for event_id in events:
            try:
                positions[event_id] = int(data.get(f"position-{event_id}", ""))
            except ValueError:
                raise BadResponse("Give every event a position.") from None
        if sorted(positions.values()) != list(range(1, len(events) + 1)):
            raise BadResponse(f"Give each event a different position from 1 to {len(events)}.")
        order = sorted(positions, key=positions.__getitem__)
        return " → ".join(events[pk] for pk in order), order
    text = data.get("response", "").strip()
    if kind == ItemKind.TRUE_FALSE and not text:
        raise BadResponse("Choose True or False.")
    return text[:500], text


def grade(state: ReviewState, response: Any) -> Grade | None:
    """Grade a response; None for self-rated kinds (basic, reversed)."""
    item = state.item
    try:
        if item.kind in SELF_RATED_KINDS:
            return None
        if response == "":
            # "Show answer" without typing anything: the learner didn't know.
            return Grade(False, 0.0, item.answer, "", "No answer given.")
        if item.kind == ItemKind.NUMBER:
            return grading.grade_number(response, answer=item.answer, tolerance=item.tolerance)
        if item.kind == ItemKind.TRUE_FALSE:
            return grading.grade_true_false(response, answer=item.answer)
        if item.kind == ItemKind.MULTIPLE_CHOICE:
            return grading.grade_choices(response, choices=[(c.pk, c.text, c.is_correct) for c in item.choices.all()])
        if item.kind == ItemKind.CHRONOLOGY:
            return grading.grade_order(response, events=[(e.pk, e.text, e.sort_key) for e in item.events.all()])
        return grading.grade_text(response, answer=item.answer, accepted=item.accepted_answers)
    except ValueError as error:
        raise BadResponse(str(error)) from None


def suggested_rating(result: Grade | None) -> Rating:
    """A wrong answer suggests Again, a right one Good; self-rated cards suggest Good."""
    if result is None or result.correct:
        return Rating.GOOD
    return Rating.AGAIN
