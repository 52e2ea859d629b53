"""What an item shows before and after answering, per kind, and how a response is read and graded.

Review and quizzes both present items through this module. Before answering only the question travels
to the browser: prompts with cloze blanks hidden, choices without their correctness, events without
their dates. Choices and events are named in the page by opaque keys of one showing (see `Showing`),
never by database ids, and shown in the order of those keys: the browser holds neither the secret that
makes them nor anything to sort by.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.http import QueryDict
from django.utils.crypto import salted_hmac

from studyapp.library import grading
from studyapp.library.grading import Grade
from studyapp.library.models import Item, ItemKind

SELF_RATED_KINDS = frozenset({ItemKind.BASIC, ItemKind.REVERSED})
# Unchanged since the module lived in review, so keys of showings made before the move stay valid.
_KEY_SALT = "studyapp.review.cards.showing-key"


class BadResponse(ValueError):
    """A response that can't be graded (e.g. an order that leaves out an event)."""


@dataclass(frozen=True)
class Showing:
    """One showing of an item, named by a uuid the server keeps (a review's submission id, a quiz question's).

    Each choice or event gets a key that is an HMAC of the showing and its id under the site's
    secret: the same for every render of this showing, different for the next, and impossible for
    the browser to compute or to invert. Sorting by key is the shuffle, so there is no seed to re-run.
    """

    client_uuid: uuid.UUID

    def key(self, kind: str, pk: int) -> str:
        return salted_hmac(_KEY_SALT, f"{self.client_uuid.hex}:{kind}:{pk}", algorithm="sha256").hexdigest()[:16]

    def keyed(self, kind: str, rows) -> list[tuple[str, Any]]:
        """(key, row) pairs in key order: the order the learner sees."""
        return sorted(((self.key(kind, row.pk), row) for row in rows), key=lambda pair: pair[0])


@dataclass(frozen=True)
class Question:
    kind: str
    prompt: str  # Markdown, with a cloze blank hidden
    reversed: bool
    choices: list[tuple[str, str]]  # (key, text) in the order shown
    several_correct: bool
    events: list[tuple[str, str]]  # (key, text) in the order shown, never the true order

    @property
    def types_answer(self) -> bool:
        """Whether the answer is typed into a text box, where plain letter keys can't be shortcuts."""
        return self.kind in {ItemKind.TYPED, ItemKind.CLOZE, ItemKind.NUMBER}


def question(item: Item, showing: Showing, *, reversed: bool = False, shuffle_choices: bool = True) -> Question:
    """The question side of `item` for one showing.

    Choices follow the showing's keys unless `shuffle_choices` is off (a quiz author may fix their order);
    events are always shuffled and never shown in their true order.
    """
    prompt = item.answer if reversed else item.prompt
    if item.kind == ItemKind.CLOZE:
        prompt = item.prompt.replace("{{" + (item.cloze_blank or "") + "}}", "[…]", 1)
    choices, several, events = [], False, []
    if item.kind == ItemKind.MULTIPLE_CHOICE:
        rows = list(item.choices.all())
        if shuffle_choices:
            keyed = showing.keyed("choice", rows)
        else:
            keyed = [(showing.key("choice", choice.pk), choice) for choice in sorted(rows, key=lambda c: c.order)]
        choices = [(key, choice.text) for key, choice in keyed]
        # Whether to offer checkboxes or radio buttons; Moodle says "select one or more" too.
        several = sum(choice.is_correct for choice in rows) > 1
    elif item.kind == ItemKind.CHRONOLOGY:
        rows = list(item.events.all())
        keyed = showing.keyed("event", rows)
        if [event.pk for _, event in keyed] == [event.pk for event in sorted(rows, key=lambda e: e.sort_key)]:
            keyed = keyed[1:] + keyed[:1]  # shown already in order would make the card trivial
        events = [(key, event.text) for key, event in keyed]
    return Question(item.kind, prompt, reversed, choices, several, events)


def read_response(item: Item, showing: Showing, data: QueryDict) -> tuple[str, Any]:
    """The response as text to keep, and as the grader takes it (choice and event ids, or text).

    Keys that are not this showing's are refused like a missing answer: they can only be forged
    or come from another showing of the item.
    """
    kind = item.kind
    if kind == ItemKind.MULTIPLE_CHOICE:
        by_key = dict(showing.keyed("choice", item.choices.all()))
        picked = data.getlist("choice")
        if not picked:
            raise BadResponse("Pick at least one choice.")
        if any(key not in by_key for key in picked):
            raise BadResponse("Pick one of the choices shown.")
        chosen = [by_key[key] for key in dict.fromkeys(picked)]
        return "; ".join(choice.text for choice in chosen), [choice.pk for choice in chosen]
    if kind == ItemKind.CHRONOLOGY:
        keyed = showing.keyed("event", item.events.all())
        positions = {}
        for key, event in keyed:
            try:
                positions[event] = int(data.get(f"position-{key}", ""))
            except ValueError:
                raise BadResponse("Give every event a position.") from None
        if sorted(positions.values()) != list(range(1, len(keyed) + 1)):
            raise BadResponse(f"Give each event a different position from 1 to {len(keyed)}.")
        order = sorted(positions, key=positions.__getitem__)
        return " → ".join(event.text for event in order), [event.pk for event in order]
    text = data.get("response", "").strip()
    if kind == ItemKind.TRUE_FALSE and not text:
        raise BadResponse("Choose True or False.")
    return text[:500], text[:500]


def grade(item: Item, response: Any) -> Grade | None:
    """Grade a response; None for self-rated kinds (basic, reversed)."""
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
