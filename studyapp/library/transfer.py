"""Import (writes) and export (reads) of decks in the formats of `studyapp.library.formats`.

An import is planned first (`plan_import`: every row validated, nothing saved — the preview page shows
the plan) and then saved all or nothing (`save_import`, or `import_parsed` for both in one transaction).

Every row passes the editor's validation: `Item.clean_fields()` and `Item.clean()` (the model's rules:
kinds, cloze blanks, numbers that fit the tolerance column…), `validate_choices` and `validate_events`,
plus what only the database would catch (NUL characters, texts longer than their columns, sort keys
beyond a 64-bit integer), so no row that SQLite would take is refused by PostgreSQL later. What
`full_clean()` adds on top costs queries per row and is settled here for the whole import at once:
the deck and passages are the ones this import resolved (foreign keys), positions follow the deck's
last one (the unique position), and the check constraints restate rules that `clean()` already states.
Rows are then written with `bulk_create`, a handful of queries whatever the count.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.db.models.functions import Lower
from django.utils.text import slugify

from studyapp.library import services
from studyapp.library.formats import MAX_FIELD_CHARS, Parsed, Problem, Row, apkg, deckjson, delimited, gift
from studyapp.library.models import (
    DERIVED_ANSWER_KINDS,
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
    derived_answer,
    validate_choices,
    validate_events,
)
from studyapp.library.selectors import export_deck
from studyapp.library.text import split_passages

EXPORT_FORMATS = ("json", "csv", "tsv", "gift", "apkg")
_ITEM_KEYS = {"kind", "prompt", "answer", "accepted_answers", "explanation", "tags", "passage"}
_KIND_KEYS = {
    ItemKind.MULTIPLE_CHOICE: {"choices"},
    ItemKind.NUMBER: {"tolerance"},
    ItemKind.CHRONOLOGY: {"events"},
}
_KINDS = frozenset(ItemKind.values)  # ItemKind.values builds a new list at each call
_BIGINT = 2**63
_CHOICE_TEXT = Choice._meta.get_field("text").max_length
_EVENT_TEXT = Event._meta.get_field("text").max_length
_EVENT_WHEN = Event._meta.get_field("when").max_length
_TAG_NAME = Tag._meta.get_field("name").max_length
# Fields whose checks need a query per row (see the module's docstring for where they are settled).
_NOT_PER_ROW = ["deck", "passage", "position", "created_at", "updated_at"]


class ImportRefused(services.DeckImportError):
    """An import with problems: nothing was saved. `problems` name each row's place in the file."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__([str(problem) for problem in problems])


@dataclass
class Prepared:
    """A validated row: the unsaved item and what goes with it."""

    row: Row
    item: Item
    tags: list[str]
    choices: list[ChoiceData]
    events: list[EventData]
    passage_index: int | None = None


@dataclass
class Plan:
    """What an import will create; `problems` non-empty means it would be refused."""

    deck: Deck  # unsaved when the import creates it
    creates_deck: bool
    source: Source | None  # unsaved when the import creates it
    items: list[Prepared] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def deck_title_from(filename: str) -> str:
    stem = Path(filename or "").stem.replace("_", " ").strip()
    return (stem or "Imported deck")[:200]


def _free_slug(base: str) -> str:
    base = (slugify(base) or "imported-deck")[:90]
    taken = set(Deck.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    if base not in taken:
        return base
    return next(f"{base}-{n}" for n in range(2, len(taken) + 3) if f"{base}-{n}" not in taken)


def _messages(error: ValidationError) -> list[tuple[str, str]]:
    if hasattr(error, "error_dict"):
        return [(name, message) for name, errors in error.message_dict.items() for message in errors]
    return [("", message) for message in error.messages]


def plan_import(
    parsed: Parsed, *, owner, deck: Deck | None = None, slug: str | None = None, filename: str = ""
) -> Plan:
    """Validate an import without saving anything.

    Into `deck` when given; else into the deck with `slug` (created if absent); else into a new deck:
    the one a studyapp-deck file names, or one named after the file.
    """
    problems = list(parsed.problems)
    if deck is None and slug:
        deck = Deck.objects.select_related("source").filter(slug=slug).first()
    creates_deck = deck is None
    source, passages, source_problem = _plan_source(parsed, deck)
    if source_problem:
        problems.append(source_problem)
    if deck is None:
        deck = _new_deck(parsed, owner=owner, slug=slug, filename=filename, source=source, problems=problems)
    prepared, row_problems = check_rows(parsed.rows, deck=deck, passages=passages)
    return Plan(deck, creates_deck, source, prepared, problems + row_problems, list(parsed.warnings))


def _plan_source(parsed: Parsed, deck: Deck | None) -> tuple[Source | None, dict[int, Any], Problem | None]:
    """The source the items' passages belong to, and those passages by index."""
    raw = parsed.source
    if deck is not None:
        source = deck.source
        if raw is not None and (source is None or source.text != raw["text"]):
            # Items of this file can only keep their passages in a deck drawn from the same text.
            return source, {}, None
        return source, ({p.index: p for p in source.passages.all()} if source else {}), None
    if raw is None:
        return None, {}, None
    fields = {key: str(raw.get(key) or "") for key in ("title", "author", "publication")}
    existing = Source.objects.filter(text=raw["text"], **fields).first()
    if existing:
        return existing, {p.index: p for p in existing.passages.all()}, None
    source = Source(text=raw["text"], **fields)
    try:
        source.full_clean(exclude=["created_by"])
    except ValidationError as error:
        messages = "; ".join(f"field {name}: {message}" for name, message in _messages(error))
        return None, {}, Problem("source", messages)
    # The passages create_source will make, unsaved, to check the items' references against.
    passages = {
        span.index: Passage(index=span.index, paragraph=span.paragraph, start=span.start, end=span.end, text=span.text)
        for span in split_passages(source.text)
    }
    return source, passages, None


def _new_deck(parsed: Parsed, *, owner, slug: str | None, filename: str, source, problems: list[Problem]) -> Deck:
    info = parsed.deck or {}
    title = str(info.get("title", "") or "").strip() if parsed.deck else deck_title_from(filename)
    deck = Deck(
        slug=slug or (str(info.get("slug", "")).strip() if parsed.deck else _free_slug(title)),
        title=title,
        description=str(info.get("description", "") or ""),
        owner=owner,
        source=source if source is not None and source.pk else None,
    )
    try:
        deck.full_clean(exclude=["source"])
    except ValidationError as error:
        problems.extend(Problem("deck", f"field {name}: {message}") for name, message in _messages(error))
    deck.source = source
    return deck


def check_rows(rows: list[Row], *, deck: Deck, passages: dict[int, Any]) -> tuple[list[Prepared], list[Problem]]:
    """Each row validated as the editor would; no queries."""
    prepared: list[Prepared] = []
    problems: list[Problem] = []
    for row in rows:
        result = _check_row(row, deck, passages)
        if isinstance(result, Prepared):
            prepared.append(result)
        else:
            problems.extend(Problem(row.where, message) for message in result)
    return prepared, problems


def _label(row: Row, name: str) -> str:
    return f"{row.labels[name]}:" if name in row.labels else f"field {name}:"


def _texts(value: Any) -> list[str]:
    return value if isinstance(value, list) else [value]


def _check_row(row: Row, deck: Deck, passages: dict[int, Any]) -> Prepared | list[str]:
    raw = row.data
    if not isinstance(raw, dict):
        return ["expected an object."]
    kind = raw.get("kind")
    if not isinstance(kind, str) or kind not in _KINDS:
        return [f"field kind: {kind!r} is not one of {', '.join(ItemKind.values)}."]
    allowed = _ITEM_KEYS | _KIND_KEYS.get(kind, set())
    problems = [f"field {key}: not used by {kind} items." for key in raw if key not in allowed]
    if not isinstance(raw.get("prompt"), str):
        problems.append(f"{_label(row, 'prompt')} expected a text.")
    for key in ("answer", "explanation"):
        if not isinstance(raw.get(key, ""), str):
            problems.append(f"{_label(row, key)} expected a text.")
    for key in ("accepted_answers", "tags"):
        value = raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            problems.append(f"field {key}: expected a list of texts.")
    if problems:
        return problems

    for key in ("prompt", "answer", "explanation", "accepted_answers", "tags"):
        texts = _texts(raw.get(key, ""))
        if any("\x00" in text for text in texts):
            problems.append(f"{_label(row, key)} contains a NUL character, which no text may hold.")
        longest = max((len(text) for text in texts), default=0)
        if longest > MAX_FIELD_CHARS:
            problems.append(f"{_label(row, key)} {longest:,} characters; the limit is {MAX_FIELD_CHARS:,}.")
    for tag in raw.get("tags", []):
        if len(tag.strip()) > _TAG_NAME:
            problems.append(f"field tags: “{tag[:20]}…” is longer than {_TAG_NAME} characters.")

    passage, passage_problem = _resolve_passage(raw.get("passage"), passages)
    if passage_problem:
        problems.append(passage_problem)

    tolerance = raw.get("tolerance", 0)
    if isinstance(tolerance, bool) or not isinstance(tolerance, (int, float, Decimal)):
        problems.append("field tolerance: expected a number.")
        tolerance = 0
    try:
        tolerance = Decimal(str(tolerance))
    except InvalidOperation:
        problems.append("field tolerance: expected a number.")
        tolerance = Decimal(0)

    try:
        choices = [ChoiceData(str(c["text"]).strip(), _json_bool(c["correct"])) for c in raw.get("choices", [])]
    except (TypeError, KeyError):
        return [*problems, 'field choices: expected a list of {"text": ..., "correct": true/false}.']
    try:
        events = [
            EventData(str(e["text"]).strip(), str(e.get("when", "")).strip(), _json_int(e["sort_key"]))
            for e in raw.get("events", [])
        ]
    except (TypeError, KeyError, ValueError, AttributeError):
        return [*problems, 'field events: expected a list of {"text": ..., "when": ..., "sort_key": <integer>}.']
    problems += _part_problems(choices, events)

    item = Item(
        deck=deck,
        kind=kind,
        prompt=raw["prompt"],
        answer=raw.get("answer", ""),
        accepted_answers=list(raw.get("accepted_answers", [])),
        explanation=raw.get("explanation", ""),
        tolerance=tolerance,
    )
    if passage is not None and passage.pk:
        item.passage = passage
    # Both checks full_clean() runs; where clean() explains a field, its words replace the field's generic ones
    # ("Write the question…" rather than "This field cannot be blank.").
    messages: list[tuple[str, str]] = []
    for check in (item.clean, lambda: item.clean_fields(exclude=_NOT_PER_ROW)):
        try:
            check()
        except ValidationError as error:
            explained = {name for name, _ in messages}
            messages += [(name, message) for name, message in _messages(error) if name not in explained]
    problems += [
        f"{_label(row, name)} {message}" if name not in ("__all__", "") else message for name, message in messages
    ]
    try:
        validate_choices(kind, choices)
        validate_events(kind, events)
    except ValidationError as error:
        name = "choices" if kind == ItemKind.MULTIPLE_CHOICE or choices else "events"
        problems += [f"field {name}: {message}" for _, message in _messages(error)]
    if problems:
        return problems
    if kind in DERIVED_ANSWER_KINDS:
        answer = derived_answer(kind, choices, events)
        given = raw.get("answer", "").strip()
        if given and given != answer:
            return [f"field answer: expected “{answer}” (it follows from the {'choices' if choices else 'events'})."]
        item.answer = answer
    tags = list({name.strip().casefold(): name.strip() for name in raw.get("tags", []) if name.strip()}.values())
    return Prepared(row, item, tags, choices, events, passage.index if passage is not None else None)


def _part_problems(choices: list[ChoiceData], events: list[EventData]) -> list[str]:
    problems = []
    for choice in choices:
        if "\x00" in choice.text:
            problems.append("field choices: a choice contains a NUL character.")
        if len(choice.text) > _CHOICE_TEXT:
            problems.append(f"field choices: a choice is longer than {_CHOICE_TEXT} characters.")
    for event in events:
        if "\x00" in event.text + event.when:
            problems.append("field events: an event contains a NUL character.")
        if len(event.text) > _EVENT_TEXT or len(event.when) > _EVENT_WHEN:
            problems.append(
                f"field events: an event's text is at most {_EVENT_TEXT} characters and its when {_EVENT_WHEN}."
            )
        if not -_BIGINT <= event.sort_key < _BIGINT:
            problems.append(f"field events: the sort key {event.sort_key} is too large (YYYYMMDD, e.g. 19230400).")
    return problems


def _json_bool(value: Any) -> bool:
    # bool("false") is True: only JSON true/false may mark a choice correct.
    if not isinstance(value, bool):
        raise TypeError(value)
    return value


def _json_int(value: Any) -> int:
    # int(1923.9) is 1923 and int(True) is 1: a sort key must be written as an integer.
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(value)
    return value


def _resolve_passage(raw: Any, passages: dict[int, Any]) -> tuple[Any, str | None]:
    if raw is None:
        return None, None
    if not passages:
        return None, "field passage: the deck has no source text (or another one), so items can't link to a passage."
    if not isinstance(raw, dict) or not isinstance(raw.get("index"), int) or isinstance(raw.get("index"), bool):
        return None, 'field passage: expected {"index", "start", "end", "text"}.'
    passage = passages.get(raw["index"])
    if passage is None:
        return None, f"field passage: the source has no passage number {raw['index']} (it has {len(passages)})."
    for key in ("start", "end", "text"):
        expected = getattr(passage, key)
        if key in raw and raw[key] != expected:
            return None, f"field passage: {key} is {raw[key]!r} but source passage {passage.index} has {expected!r}."
    return passage, None


@transaction.atomic
def save_import(plan: Plan, *, owner) -> Deck:
    """Save a plan's deck, source and items, all or nothing; ImportRefused if it has problems."""
    if plan.problems:
        raise ImportRefused(plan.problems)
    source = plan.source
    if source is not None and source.pk is None:
        try:
            source = services.create_source(
                title=source.title,
                author=source.author,
                publication=source.publication,
                text=source.text,
                created_by=owner,
            )
        except ValidationError as error:
            raise ImportRefused([Problem("source", f"field {n}: {m}") for n, m in _messages(error)]) from None
    deck = plan.deck
    if deck.pk is None:
        deck.source = source
        deck.save()
        next_position = 0
    else:
        # Locks the deck's row (PostgreSQL), so that two imports into one deck queue; the unique position
        # constraint is the backstop where locks are ignored.
        Deck.objects.select_for_update().filter(pk=deck.pk).first()
        last = deck.items.aggregate(last=Max("position"))["last"]
        next_position = 0 if last is None else last + 1
    passages = {p.index: p for p in source.passages.all()} if source is not None else {}

    items = []
    for offset, prepared in enumerate(plan.items):
        item = prepared.item
        item.deck = deck
        item.position = next_position + offset
        if prepared.passage_index is not None:
            item.passage = passages[prepared.passage_index]
        items.append(item)
    Item.objects.bulk_create(items, batch_size=1000)

    tags = _tags_named({name.casefold(): name for prepared in plan.items for name in prepared.tags})
    through = Item.tags.through
    through.objects.bulk_create(
        (through(item_id=p.item.pk, tag_id=tags[name.casefold()].pk) for p in plan.items for name in p.tags),
        batch_size=1000,
    )
    Choice.objects.bulk_create(
        (
            Choice(item=p.item, text=choice.text, is_correct=choice.is_correct, order=order)
            for p in plan.items
            for order, choice in enumerate(p.choices)
        ),
        batch_size=1000,
    )
    Event.objects.bulk_create(
        (
            Event(item=p.item, text=event.text, when=event.when, sort_key=event.sort_key)
            for p in plan.items
            for event in p.events
        ),
        batch_size=1000,
    )
    return deck


def _tags_named(names: dict[str, str]) -> dict[str, Tag]:
    """The tags of these names (keyed by casefolded name), made when missing: a few queries for any number.

    As services.tags_named, matched ignoring case; a tag made meanwhile by another import is ignored at
    insert (the unique index on its lower-cased name) and read back with the rest.
    """
    if not names:
        return {}

    def existing() -> dict[str, Tag]:
        found: dict[str, Tag] = {}
        keys = list(names)
        for start in range(0, len(keys), 500):  # SQLite allows so many parameters in one query
            lowered = [name.lower() for name in keys[start : start + 500]]
            for tag in Tag.objects.annotate(lowered=Lower("name")).filter(lowered__in=lowered):
                found[tag.name.casefold()] = tag
        return found

    found = existing()
    missing = [Tag(name=name) for key, name in names.items() if key not in found]
    if missing:
        Tag.objects.bulk_create(missing, ignore_conflicts=True, batch_size=500)
        found = existing()
    return found


@transaction.atomic
def import_parsed(
    parsed: Parsed, *, owner, deck: Deck | None = None, slug: str | None = None, filename: str = ""
) -> Deck:
    """Plan and save in one transaction: all or nothing."""
    return save_import(plan_import(parsed, owner=owner, deck=deck, slug=slug, filename=filename), owner=owner)


# --- Export ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    content_type: str
    filename: str


_CONTENT_TYPES = {
    "json": "application/json; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
    "gift": "text/plain; charset=utf-8",
    "apkg": "application/octet-stream",
}


def export_file(deck: Deck, format: str) -> ExportFile:
    """The deck in one of EXPORT_FORMATS, as a file to download or write."""
    document = export_deck(deck)
    if format == "json":
        content = deckjson.write(document).encode()
    elif format in ("csv", "tsv"):
        content = delimited.write(document["items"], tab=format == "tsv").encode()
    elif format == "gift":
        content = gift.write(document["items"]).encode()
    elif format == "apkg":
        content = apkg.write(document)
    else:
        raise ValueError(f"{format} is not one of {', '.join(EXPORT_FORMATS)}")
    return ExportFile(content, _CONTENT_TYPES[format], f"{deck.slug}.{format}")
