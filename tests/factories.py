"""factory-boy factories for every model, with defaults that pass `full_clean()`.

`ItemFactory(kind=...)` fills in a prompt and answer that suit the kind, links the
first passage of the deck's source, and gives multiple-choice and chronology items
their choices and events through `services.save_item_parts` (so the derived answer
is filled in as it would be by the admin or the importer).
"""

from __future__ import annotations

import uuid
from decimal import Decimal

import factory
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.models import Group
from django.db.models import Max
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tasks_db.models import DBTaskResult

from studyapp.accounts.models import User
from studyapp.classroom.models import Assignment, Classroom, Membership
from studyapp.library import services
from studyapp.library.models import (
    Choice,
    ChoiceData,
    Deck,
    Event,
    EventData,
    Item,
    ItemKind,
    Passage,
    Source,
    Tag,
)
from studyapp.memory.models import FitOutcome, FitStatus, ParameterFit
from studyapp.quizzes.models import Attempt, Quiz, QuizItem, Selection
from studyapp.review.models import CardState, Rating, ReviewDay, ReviewLog, ReviewState, StudiedDeck, StudySettings

PASSWORD = "correct-horse-battery-1927"

SOURCE_TEXT = (
    "In 1923 Leon Trotsky wrote a secret letter to the party leaders. "
    "Forty-six party members signed a platform in October 1923.\n"
    "\n"
    "The United Opposition was formed in 1926. Its members were expelled from the party in 1927.\n"
)

DEFAULT_CHOICES = (
    ChoiceData("Leon Trotsky", True),
    ChoiceData("Joseph Stalin", False),
    ChoiceData("Grigory Zinoviev", False),
)
DEFAULT_EVENTS = (
    EventData("Trotsky writes a secret letter", "1923", 1923),
    EventData("The United Opposition forms", "1926", 1926),
    EventData("The Opposition is expelled", "1927", 1927),
)

# Per kind: a prompt, an answer, accepted answers and a tolerance that pass Item.clean().
ITEM_DEFAULTS: dict[str, dict] = {
    ItemKind.BASIC: {"prompt": "Who wrote a secret letter to the party leaders in 1923?", "answer": "Leon Trotsky"},
    ItemKind.REVERSED: {"prompt": "The United Opposition", "answer": "The group formed against Stalin in 1926"},
    ItemKind.TYPED: {
        "prompt": "Who wrote a secret letter to the party leaders in 1923?",
        "answer": "Leon Trotsky",
        "accepted_answers": ["Trotsky"],
    },
    ItemKind.CLOZE: {"prompt": "In 1923 {{Leon Trotsky}} wrote a secret letter to the party leaders.", "answer": ""},
    ItemKind.MULTIPLE_CHOICE: {"prompt": "Who wrote a secret letter to the party leaders in 1923?", "answer": ""},
    ItemKind.TRUE_FALSE: {"prompt": "Trotsky wrote a secret letter to the party leaders in 1923.", "answer": "True"},
    ItemKind.NUMBER: {
        "prompt": "In which year did Trotsky write a secret letter to the party leaders?",
        "answer": "1923",
        "tolerance": Decimal(1),
    },
    ItemKind.CHRONOLOGY: {"prompt": "Put these events in order.", "answer": ""},
}


def _settings_of(learner) -> StudySettings:
    """The learner's study settings, or the defaults (unsaved) when they have none."""
    try:
        return learner.study_settings
    except StudySettings.DoesNotExist:
        return StudySettings(learner=learner)


def _next(rows, field: str, *, start: int) -> int:
    """One more than the largest `field` among rows (`start` when there are none)."""
    last = rows.aggregate(last=Max(field))["last"]
    return start if last is None else last + 1


def _default(key: str, fallback):
    return factory.LazyAttribute(lambda item: ITEM_DEFAULTS.get(item.kind, {}).get(key, fallback))


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Group
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Group {n}")


class UserFactory(factory.django.DjangoModelFactory):
    """A user; `UserFactory(roles=["Students"])` puts them in existing groups (made by the migration)."""

    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def roles(self, create: bool, extracted, **kwargs) -> None:
        if create and extracted:
            self.groups.add(*(Group.objects.get(name=name) for name in extracted))


class BareSourceFactory(factory.django.DjangoModelFactory):
    """A source saved without splitting it into passages (for hand-made passages)."""

    class Meta:
        model = Source

    title = factory.Sequence(lambda n: f"Source text {n}")
    author = "Anonymous"
    publication = "Web article"
    text = SOURCE_TEXT
    created_by = None


class SourceFactory(BareSourceFactory):
    """A source split into passages by `services.create_source`, as the admin and importer do."""

    @classmethod
    def _create(cls, model_class, *args, **kwargs) -> Source:
        return services.create_source(**kwargs)


class PassageFactory(factory.django.DjangoModelFactory):
    """A passage of its own one-sentence source, or, given `source=`, the first occurrence of `text` in it."""

    class Meta:
        model = Passage

    text = "Trotsky wrote a secret letter to the party leaders."
    source = factory.SubFactory(BareSourceFactory, text=factory.SelfAttribute("..text"))
    index = factory.LazyAttribute(
        lambda passage: _next(passage.source.passages, "index", start=0) if passage.source.pk else 0
    )
    paragraph = 0
    start = factory.LazyAttribute(lambda passage: passage.source.text.index(passage.text))
    end = factory.LazyAttribute(lambda passage: passage.start + len(passage.text))


class DeckFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Deck
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Deck {n}")
    slug = factory.Sequence(lambda n: f"deck-{n}")
    description = "Questions about the Left Opposition."
    owner = factory.SubFactory(UserFactory, roles=["Instructors"])
    source = factory.SubFactory(SourceFactory)


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag

    name = factory.Sequence(lambda n: f"tag {n}")


class ItemFactory(factory.django.DjangoModelFactory):
    """An item of any kind (`ItemFactory(kind="cloze")`) that passes `full_clean()`.

    `choices=[ChoiceData(...)]` / `events=[EventData(...)]` replace the defaults of
    multiple-choice and chronology items; `tags=["a", "b"]` adds tags by name.
    """

    class Meta:
        model = Item
        skip_postgeneration_save = True

    deck = factory.SubFactory(DeckFactory)
    kind = ItemKind.BASIC
    passage = factory.LazyAttribute(lambda item: item.deck.source.passages.first() if item.deck.source else None)
    prompt = _default("prompt", "")
    answer = _default("answer", "")
    accepted_answers = factory.LazyAttribute(
        lambda item: list(ITEM_DEFAULTS.get(item.kind, {}).get("accepted_answers", []))
    )
    explanation = "From the *first* paragraph."
    tolerance = _default("tolerance", Decimal(0))
    position = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs) -> Item:
        item = model_class(*args, **kwargs)
        item.full_clean()  # fills in a cloze answer and normalises like the admin and the importer
        item.save()
        return item

    @factory.post_generation
    def choices(self, create: bool, extracted, **kwargs) -> None:
        if create and (extracted is not None or self.kind == ItemKind.MULTIPLE_CHOICE):
            services.save_item_parts(
                item=self,
                choices=list(DEFAULT_CHOICES if extracted is None else extracted),
                events=[EventData(e.text, e.when, e.sort_key) for e in self.events.all()],
            )

    @factory.post_generation
    def events(self, create: bool, extracted, **kwargs) -> None:
        if create and (extracted is not None or self.kind == ItemKind.CHRONOLOGY):
            services.save_item_parts(
                item=self,
                choices=[ChoiceData(c.text, c.is_correct) for c in self.choices.all()],
                events=list(DEFAULT_EVENTS if extracted is None else extracted),
            )

    @factory.post_generation
    def tags(self, create: bool, extracted, **kwargs) -> None:
        if create and extracted:
            self.tags.set(services.tags_named(extracted))


class ChoiceFactory(factory.django.DjangoModelFactory):
    """One more choice on a multiple-choice item (which already has its default choices)."""

    class Meta:
        model = Choice

    item = factory.SubFactory(ItemFactory, kind=ItemKind.MULTIPLE_CHOICE)
    text = factory.Sequence(lambda n: f"Another Bolshevik {n}")
    is_correct = False
    order = factory.LazyAttribute(lambda choice: _next(choice.item.choices, "order", start=0))


class EventFactory(factory.django.DjangoModelFactory):
    """One more event on a chronology item (which already has its default events)."""

    class Meta:
        model = Event

    item = factory.SubFactory(ItemFactory, kind=ItemKind.CHRONOLOGY)
    text = factory.Sequence(lambda n: f"Something happens {n}")
    when = factory.LazyAttribute(lambda event: str(event.sort_key))
    sort_key = factory.LazyAttribute(lambda event: _next(event.item.events, "sort_key", start=1900))


class StudySettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StudySettings

    learner = factory.SubFactory(UserFactory)


class StudiedDeckFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StudiedDeck

    learner = factory.SubFactory(UserFactory)
    deck = factory.SubFactory(DeckFactory)


class ReviewStateFactory(factory.django.DjangoModelFactory):
    """A new (never reviewed) state; review it through `services.record_review` to move it on."""

    class Meta:
        model = ReviewState

    learner = factory.SubFactory(UserFactory)
    item = factory.SubFactory(ItemFactory)
    deck = factory.SelfAttribute("item.deck")
    due = factory.LazyFunction(timezone.now)


class ReviewLogFactory(factory.django.DjangoModelFactory):
    """A log row as record_review writes it for a first Good rating (for admin and display tests)."""

    class Meta:
        model = ReviewLog

    learner = factory.SubFactory(UserFactory)
    item = factory.SubFactory(ItemFactory)
    deck = factory.SelfAttribute("item.deck")
    rating = Rating.GOOD
    state = CardState.NEW
    reviewed_at = factory.LazyFunction(timezone.now)
    day = factory.LazyAttribute(lambda log: _settings_of(log.learner).day_at(log.reviewed_at).date)
    client_uuid = factory.LazyFunction(uuid.uuid4)
    state_before = factory.LazyFunction(dict)
    state_after = factory.LazyFunction(dict)


class ReviewDayFactory(factory.django.DjangoModelFactory):
    """A day's summed reviews (the database triggers make these from the log; this is for admin tests)."""

    class Meta:
        model = ReviewDay

    learner = factory.SubFactory(UserFactory)
    deck = factory.SubFactory(DeckFactory)
    day = factory.LazyFunction(lambda: timezone.now().date())
    reviews = 3
    new_items = 1
    memory_tests = 2
    memory_passes = 1


class ClassroomFactory(factory.django.DjangoModelFactory):
    """A class taught by its creator (pass `instructors=[...]` to add co-instructors)."""

    class Meta:
        model = Classroom
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Class {n}")
    created_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def instructors(self, create, extracted, **kwargs):
        if create:
            self.instructors.add(self.created_by, *(extracted or ()))


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    classroom = factory.SubFactory(ClassroomFactory)
    student = factory.SubFactory(UserFactory)


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    classroom = factory.SubFactory(ClassroomFactory)
    deck = factory.SubFactory(DeckFactory)


class QuizFactory(factory.django.DjangoModelFactory):
    """A class quiz drawing `item_count` items at random from `decks` (pass `decks=[...]`)."""

    class Meta:
        model = Quiz
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Quiz {n}")
    classroom = factory.SubFactory(ClassroomFactory)
    owner = factory.SelfAttribute("classroom.created_by")
    selection = Selection.RANDOM
    item_count = 5

    @factory.post_generation
    def decks(self, create, extracted, **kwargs):
        if create and extracted:
            self.decks.add(*extracted)


class QuizItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuizItem

    quiz = factory.SubFactory(QuizFactory, selection=Selection.FIXED, item_count=None)
    item = factory.SubFactory(ItemFactory)
    position = factory.Sequence(lambda n: n + 1)


class AttemptFactory(factory.django.DjangoModelFactory):
    """A bare open attempt with no questions (for admin tests); real attempts start through quizzes.services."""

    class Meta:
        model = Attempt

    quiz = factory.SubFactory(QuizFactory)
    learner = factory.SubFactory(UserFactory)
    number = 1
    started_at = factory.LazyFunction(timezone.now)


class ParameterFitFactory(factory.django.DjangoModelFactory):
    """A finished fit that kept the parameters in use (for admin tests); real fits run through memory.services."""

    class Meta:
        model = ParameterFit

    learner = factory.SubFactory(UserFactory)
    created_at = factory.LazyFunction(timezone.now)
    status = FitStatus.DONE
    outcome = FitOutcome.KEPT


# --- the libraries' own models that the admin shows ------------------------------------------------------


class _LoginRecord(factory.django.DjangoModelFactory):
    username = factory.SelfAttribute("user.username")
    ip_address = "203.0.113.7"
    user_agent = "Mozilla/5.0"
    http_accept = "text/html"
    path_info = "/accounts/login/"
    attempt_time = factory.LazyFunction(timezone.now)

    class Params:
        user = factory.SubFactory(UserFactory)


class AccessAttemptFactory(_LoginRecord):
    class Meta:
        model = AccessAttempt

    get_data = ""
    post_data = ""
    failures_since_start = 5


class AccessLogFactory(_LoginRecord):
    class Meta:
        model = AccessLog


class AccessFailureLogFactory(_LoginRecord):
    class Meta:
        model = AccessFailureLog


class TOTPDeviceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TOTPDevice

    user = factory.SubFactory(UserFactory)
    name = "Phone"


class DBTaskResultFactory(factory.django.DjangoModelFactory):
    """A finished fit task, as django-tasks-db records one."""

    class Meta:
        model = DBTaskResult

    status = "SUCCESSFUL"
    enqueued_at = factory.LazyFunction(timezone.now)
    finished_at = factory.LazyFunction(timezone.now)
    args_kwargs = factory.LazyFunction(lambda: {"args": [1], "kwargs": {}})
    task_path = "studyapp.memory.tasks.fit_parameters"
    backend_name = "default"
    run_after = factory.LazyFunction(timezone.now)
