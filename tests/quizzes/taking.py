"""Helpers for the quiz-taking tests (engineer B's): a class with a deck of every kind, quizzes on it, answers.

Plain functions, not fixtures, so the taking, leak and concurrency tests share them without a conftest that
the authoring and report tests also load.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from django.http import QueryDict

from studyapp.library.models import Deck, Item, ItemKind
from studyapp.library.presentation import Showing
from studyapp.quizzes.models import AttemptQuestion, Quiz, Selection
from tests.factories import ClassroomFactory, DeckFactory, ItemFactory, MembershipFactory, QuizFactory, QuizItemFactory

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)

# Distinctive answers, easy to look for in a page: none of them appears in a prompt.
ANSWER_TEXTS = {
    ItemKind.BASIC: "Lev Davidovich Bronstein",
    ItemKind.REVERSED: "Platform of the Forty-Six signatories",
    ItemKind.TYPED: "Yevgeni Preobrazhensky",
    ItemKind.NUMBER: "1927",
}


def every_kind_deck(owner=None, *, slug: str = "every-kind") -> Deck:
    """A deck with one item of each kind, in ItemKind order; answers distinctive enough to search pages for."""
    deck = DeckFactory(slug=slug, **({"owner": owner} if owner else {}))
    for kind in ItemKind:
        extra = {}
        if kind in ANSWER_TEXTS:
            extra["answer"] = ANSWER_TEXTS[kind]
            extra["accepted_answers"] = []
        if kind == ItemKind.CLOZE:
            extra["prompt"] = "In 1923 {{Antonov-Ovseenko}} wrote a letter to the party leaders."
        if kind == ItemKind.NUMBER:
            extra["tolerance"] = Decimal(0)
        ItemFactory(deck=deck, kind=kind, explanation=f"Because of reason {kind}.", **extra)
    return deck


def right_text(item: Item) -> str:
    if item.kind == ItemKind.CLOZE:
        return item.cloze_blank
    return item.answer


def answer_data(question: AttemptQuestion, *, right: bool = True) -> QueryDict:
    """A form post answering the question, rightly or wrongly, by its showing's keys."""
    item, showing = question.item, Showing(question.showing)
    data = QueryDict(mutable=True)
    if item.kind == ItemKind.MULTIPLE_CHOICE:
        for choice in item.choices.all():
            if choice.is_correct == right:
                data.appendlist("choice", showing.key("choice", choice.pk))
                if not right:
                    break
    elif item.kind == ItemKind.CHRONOLOGY:
        events = sorted(item.events.all(), key=lambda e: e.sort_key)
        if not right:
            events.reverse()
        for position, event in enumerate(events, start=1):
            data[f"position-{showing.key('event', event.pk)}"] = str(position)
    elif item.kind == ItemKind.TRUE_FALSE:
        data["response"] = item.answer if right else ({"True": "False"}.get(item.answer, "True"))
    else:
        data["response"] = right_text(item) if right else "Somebody else entirely"
    return data


def class_quiz(student, deck: Deck, **fields) -> Quiz:
    """A quiz of a class the student belongs to, drawing every item of the deck unless told otherwise."""
    classroom = ClassroomFactory()
    MembershipFactory(classroom=classroom, student=student)
    fields.setdefault("item_count", deck.items.count())
    return QuizFactory(classroom=classroom, decks=[deck], **fields)


def fixed_quiz(student, items: list[Item], marks: list[float] | None = None, **fields) -> Quiz:
    classroom = ClassroomFactory()
    MembershipFactory(classroom=classroom, student=student)
    quiz = QuizFactory(classroom=classroom, selection=Selection.FIXED, item_count=None, **fields)
    for position, item in enumerate(items, start=1):
        QuizItemFactory(quiz=quiz, item=item, position=position, mark=(marks or [1] * len(items))[position - 1])
    quiz.decks.add(*{item.deck for item in items})
    return quiz


def questions_of(attempt) -> list[AttemptQuestion]:
    return list(attempt.questions.select_related("item").order_by("position"))
