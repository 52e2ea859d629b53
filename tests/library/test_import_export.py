"""The `studyapp-deck` file format: export, import, and the two management commands.

Imports are all or nothing: a bad file leaves every table as it was, and the error
names the item (by number) and the field, so an author can find it in the file.
"""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command

from studyapp.library.files import DeckFileError, parse_deck_json, read_deck_file
from studyapp.library.models import Choice, Deck, Event, Item, ItemKind, Passage, Source, Tag
from studyapp.library.selectors import export_deck
from studyapp.library.services import DeckImportError, import_deck
from studyapp.library.text import split_passages
from tests.factories import SOURCE_TEXT, DeckFactory, ItemFactory, TagFactory, UserFactory

pytestmark = pytest.mark.django_db

DEMO_FILE = Path(django_settings.BASE_DIR) / "fixtures" / "left-opposition-1927.json"
COMMON_KEYS = ["kind", "prompt", "answer", "accepted_answers", "explanation", "tags", "passage"]
KIND_KEYS = {ItemKind.MULTIPLE_CHOICE: ["choices"], ItemKind.NUMBER: ["tolerance"], ItemKind.CHRONOLOGY: ["events"]}


def passage_ref(index: int) -> dict:
    span = split_passages(SOURCE_TEXT)[index]
    return {"index": span.index, "start": span.start, "end": span.end, "text": span.text}


def small_deck_document() -> dict:
    """A valid deck file with one item of several kinds; tests break one item at a time."""
    return {
        "format": "studyapp-deck",
        "version": 1,
        "deck": {"slug": "small-deck", "title": "A small deck", "description": "For the tests."},
        "source": {"title": "A short text", "author": "Someone", "publication": "Nowhere", "text": SOURCE_TEXT},
        "items": [
            {
                "kind": "typed",
                "prompt": "Who wrote a secret letter in 1923?",
                "answer": "Leon Trotsky",
                "accepted_answers": ["Trotsky"],
                "explanation": "",
                "tags": ["people"],
                "passage": passage_ref(0),
            },
            {
                "kind": "number",
                "prompt": "When was the United Opposition formed?",
                "answer": "1926",
                "accepted_answers": [],
                "explanation": "",
                "tags": ["dates"],
                "passage": passage_ref(2),
                "tolerance": 0,
            },
            {
                "kind": "multiple_choice",
                "prompt": "Who wrote the secret letter?",
                "answer": "Leon Trotsky",
                "accepted_answers": [],
                "explanation": "",
                "tags": [],
                "passage": passage_ref(0),
                "choices": [{"text": "Leon Trotsky", "correct": True}, {"text": "Joseph Stalin", "correct": False}],
            },
            {
                "kind": "chronology",
                "prompt": "Put these in order.",
                "answer": "The letter → The platform → The United Opposition",
                "accepted_answers": [],
                "explanation": "",
                "tags": [],
                "passage": passage_ref(1),
                "events": [
                    {"text": "The letter", "when": "1923", "sort_key": 192301},
                    {"text": "The platform", "when": "October 1923", "sort_key": 192310},
                    {"text": "The United Opposition", "when": "1926", "sort_key": 192600},
                ],
            },
        ],
    }


def table_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in (Deck, Item, Source, Passage, Tag, Choice, Event)}


def write_json(path: Path, data) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


@pytest.fixture
def owner(instructor):
    return instructor


@pytest.fixture
def demo_file_data() -> dict:
    return json.loads(DEMO_FILE.read_text(encoding="utf-8"))


# --- Export shape ---------------------------------------------------------------------


@pytest.fixture
def deck_of_every_kind(owner) -> Deck:
    deck = DeckFactory(owner=owner, slug="every-kind", title="Every kind", description="One of each.")
    for kind in ItemKind.values:
        ItemFactory(deck=deck, kind=kind, tags=["Zeta", "alpha"])
    return deck


def test_the_export_has_the_format_version_deck_source_and_items(deck_of_every_kind):
    data = export_deck(deck_of_every_kind)

    assert list(data) == ["format", "version", "deck", "source", "items"]
    assert (data["format"], data["version"]) == ("studyapp-deck", 1)
    assert data["deck"] == {"slug": "every-kind", "title": "Every kind", "description": "One of each."}
    assert data["source"] == {
        "title": deck_of_every_kind.source.title,
        "author": "Anonymous",
        "publication": "Web article",
        "text": SOURCE_TEXT,
    }
    assert [item["kind"] for item in data["items"]] == ItemKind.values
    json.dumps(data, allow_nan=False)  # plain JSON: no Decimal, no NaN


def test_each_exported_item_has_the_common_keys_and_only_its_kinds_own_keys(deck_of_every_kind):
    for item in export_deck(deck_of_every_kind)["items"]:
        assert list(item) == COMMON_KEYS + KIND_KEYS.get(item["kind"], []), item["kind"]


def test_exported_items_carry_their_passage_tags_and_parts(deck_of_every_kind):
    items = {item["kind"]: item for item in export_deck(deck_of_every_kind)["items"]}

    assert items["typed"]["passage"] == passage_ref(0)
    assert items["typed"]["tags"] == ["alpha", "Zeta"], "sorted ignoring case"
    assert items["typed"]["accepted_answers"] == ["Trotsky"]
    assert items["number"]["tolerance"] == 1
    assert isinstance(items["number"]["tolerance"], int)
    assert items["multiple_choice"]["choices"] == [
        {"text": "Leon Trotsky", "correct": True},
        {"text": "Joseph Stalin", "correct": False},
        {"text": "Grigory Zinoviev", "correct": False},
    ]
    assert items["chronology"]["events"][0] == {
        "text": "Trotsky writes a secret letter",
        "when": "1923",
        "sort_key": 1923,
    }
    assert items["cloze"]["answer"] == "Leon Trotsky"


def test_a_fractional_tolerance_is_exported_as_a_decimal_number(owner):
    item = ItemFactory(deck=DeckFactory(owner=owner), kind=ItemKind.NUMBER, tolerance=Decimal("2.5"))

    assert export_deck(item.deck)["items"][0]["tolerance"] == 2.5


def test_a_deck_without_a_source_exports_null_source_and_passages(owner):
    deck = DeckFactory(owner=owner, source=None)
    ItemFactory(deck=deck)

    data = export_deck(deck)

    assert data["source"] is None
    assert data["items"][0]["passage"] is None


# --- Round trips -------------------------------------------------------------------------


def test_importing_then_exporting_the_demo_file_gives_back_the_file_exactly(owner, demo_file_data):
    deck = import_deck(read_deck_file(DEMO_FILE), owner=owner)

    assert export_deck(deck) == demo_file_data


def test_a_second_import_under_a_new_slug_exports_the_same_apart_from_the_slug(owner):
    first = export_deck(import_deck(read_deck_file(DEMO_FILE), owner=owner))
    renamed = copy.deepcopy(first)
    renamed["deck"]["slug"] = "left-opposition-copy"

    second = export_deck(import_deck(renamed, owner=owner))

    assert second["deck"]["slug"] == "left-opposition-copy"
    second["deck"]["slug"] = first["deck"]["slug"]
    assert second == first
    # The identical source text is shared, not stored twice.
    assert Source.objects.count() == 1
    assert Deck.objects.count() == 2


def test_a_deck_without_a_source_round_trips(owner):
    deck = DeckFactory(owner=owner, source=None, slug="no-source")
    ItemFactory(deck=deck, kind=ItemKind.TRUE_FALSE)
    data = export_deck(deck)
    data["deck"]["slug"] = "no-source-copy"

    copy_deck = import_deck(data, owner=owner)

    assert copy_deck.source is None
    assert export_deck(copy_deck)["items"] == data["items"]


def test_importing_reuses_tags_matched_ignoring_case(owner):
    TagFactory(name="People")

    import_deck(small_deck_document(), owner=owner)

    assert set(Tag.objects.values_list("name", flat=True)) == {"dates", "People"}


def test_an_imported_deck_belongs_to_the_given_owner_with_items_in_file_order(owner):
    deck = import_deck(small_deck_document(), owner=owner)

    assert deck.owner == owner
    assert deck.source.created_by == owner
    assert list(deck.items.values_list("kind", flat=True)) == ["typed", "number", "multiple_choice", "chronology"]


# --- export_deck command ---------------------------------------------------------------------


def test_the_export_command_writes_the_deck_to_standard_output(deck_of_every_kind):
    out = StringIO()

    call_command("export_deck", "every-kind", stdout=out)

    assert json.loads(out.getvalue()) == export_deck(deck_of_every_kind)


def test_the_export_command_writes_a_file_identical_to_the_demo_file(owner, tmp_path):
    import_deck(read_deck_file(DEMO_FILE), owner=owner)
    target = tmp_path / "out.json"
    err = StringIO()

    call_command("export_deck", "left-opposition-1927", "--format", "json", "-o", str(target), stderr=err)

    assert target.read_text(encoding="utf-8") == DEMO_FILE.read_text(encoding="utf-8")
    assert "Wrote 128 items" in err.getvalue()


def test_the_export_command_refuses_an_unknown_slug(db):
    with pytest.raises(CommandError, match="No deck with slug “nothing-here”"):
        call_command("export_deck", "nothing-here", stdout=StringIO())


# --- import_deck command ---------------------------------------------------------------------


def test_the_import_command_imports_a_file(owner, tmp_path):
    path = write_json(tmp_path / "deck.json", small_deck_document())
    out = StringIO()

    call_command("import_deck", str(path), owner=owner.username, stdout=out)

    deck = Deck.objects.get(slug="small-deck")
    assert deck.owner == owner
    assert deck.items.count() == 4
    assert deck.source.passages.count() == 4
    assert "Imported “A small deck” (4 items)" in out.getvalue()


def test_the_import_command_defaults_the_owner_to_the_first_superuser(admin_user, tmp_path):
    UserFactory(username="later_admin", is_superuser=True, is_staff=True)
    path = write_json(tmp_path / "deck.json", small_deck_document())

    call_command("import_deck", str(path), stdout=StringIO())

    assert Deck.objects.get(slug="small-deck").owner == admin_user


def test_the_import_command_needs_an_owner(db, tmp_path):
    path = write_json(tmp_path / "deck.json", small_deck_document())

    with pytest.raises(CommandError, match="No owner"):
        call_command("import_deck", str(path), stdout=StringIO())
    with pytest.raises(CommandError, match="No user named “ghost”"):
        call_command("import_deck", str(path), owner="ghost", stdout=StringIO())

    assert not Deck.objects.exists()


def _break(change):
    def broken() -> dict:
        data = small_deck_document()
        change(data)
        return data

    return broken


def _set_item(number: int, **values):
    return _break(lambda data: data["items"][number - 1].update(values))


def _replace_item(number: int, item: dict):
    return _break(lambda data: data["items"].__setitem__(number - 1, item))


CLOZE_WITHOUT_BLANK = {
    "kind": "cloze",
    "prompt": "In 1923 Trotsky wrote a letter.",
    "answer": "1923",
    "accepted_answers": [],
    "explanation": "",
    "tags": [],
    "passage": passage_ref(0),
}


BROKEN_FILES = {
    "unknown-kind": (_set_item(3, kind="essay"), ["item 3", "field kind", "'essay' is not one of"]),
    "mc-without-correct-choice": (
        _set_item(3, choices=[{"text": "Leon Trotsky", "correct": False}, {"text": "Joseph Stalin", "correct": False}]),
        ["item 3", "field choices", "Mark at least one choice as correct"],
    ),
    "cloze-without-blank": (
        _replace_item(4, CLOZE_WITHOUT_BLANK),
        ["item 4", "field prompt", "needs a blank"],
    ),
    "chronology-with-two-events": (
        _break(lambda data: data["items"][3]["events"].pop()),
        ["item 4", "field events", "at least 3 events"],
    ),
    "choice-correct-as-text": (
        _set_item(
            3, choices=[{"text": "Leon Trotsky", "correct": True}, {"text": "Joseph Stalin", "correct": "false"}]
        ),
        ["item 3", "field choices", '"correct": true/false'],
    ),
    "sort-key-not-an-integer": (
        _break(lambda data: data["items"][3]["events"][0].update(sort_key=1923.5)),
        ["item 4", "field events", '"sort_key": <integer>'],
    ),
    "negative-tolerance": (_set_item(2, tolerance=-1), ["item 2", "field tolerance", "below zero"]),
    "passage-out-of-range": (
        _set_item(3, passage={**passage_ref(0), "index": 99}),
        ["item 3", "field passage", "no passage number 99"],
    ),
    "passage-text-mismatch": (
        _set_item(3, passage={**passage_ref(0), "text": "Something the source never said."}),
        ["item 3", "field passage", "text is 'Something the source never said.'", "source passage 0"],
    ),
    "key-of-another-kind": (_set_item(1, tolerance=2), ["item 1", "field tolerance", "not used by typed items"]),
    "wrong-answer-for-choices": (
        _set_item(3, answer="Joseph Stalin"),
        ["item 3", "field answer", "expected “Leon Trotsky”"],
    ),
    "true-false-answer": (
        _set_item(1, kind="true_false", answer="Perhaps", accepted_answers=[]),
        ["item 1", "field answer", "True or False"],
    ),
    "wrong-format": (_break(lambda data: data.update(format="anki-deck")), ["format", "studyapp-deck", "anki-deck"]),
    "wrong-version": (_break(lambda data: data.update(version=2)), ["version", "found 2"]),
    "items-not-a-list": (_break(lambda data: data.update(items={})), ["items: expected a list"]),
}


@pytest.mark.parametrize(("make", "expected"), BROKEN_FILES.values(), ids=BROKEN_FILES.keys())
def test_the_import_command_refuses_a_broken_file_and_saves_nothing(owner, tmp_path, make, expected):
    DeckFactory(owner=owner)  # something already there must stay as it is
    before = table_counts()
    path = write_json(tmp_path / "broken.json", make())

    with pytest.raises(CommandError) as info:
        call_command("import_deck", str(path), owner=owner.username, stdout=StringIO())

    message = str(info.value)
    assert "nothing was imported" in message
    for part in expected:
        assert part in message
    assert info.value.returncode != 0
    assert table_counts() == before


def test_the_import_command_reports_every_broken_item_at_once(owner, tmp_path):
    data = small_deck_document()
    data["items"][0]["kind"] = "essay"
    data["items"][1]["tolerance"] = -5
    path = write_json(tmp_path / "broken.json", data)

    with pytest.raises(CommandError) as info:
        call_command("import_deck", str(path), owner=owner.username, stdout=StringIO())

    assert "item 1 (“Who wrote a secret letter in 1923?”), field kind" in str(info.value)
    assert "item 2 (“When was the United Opposition formed?”), field tolerance" in str(info.value)
    assert not Deck.objects.exists()


def test_the_import_command_reports_the_line_of_invalid_json(owner, tmp_path):
    lines = json.dumps(small_deck_document(), indent=2).splitlines()
    lines[4] = lines[4] + ","  # a trailing comma on line 5
    path = tmp_path / "broken.json"
    path.write_text("\n".join(lines), encoding="utf-8")

    with pytest.raises(CommandError, match=r"line \d+, column \d+: not valid JSON") as info:
        call_command("import_deck", str(path), owner=owner.username, stdout=StringIO())

    line = int(str(info.value).split("line ")[1].split(",")[0])
    assert line in (5, 6)  # the comma on line 5 is only wrong once line 6 begins
    assert table_counts()["Deck"] == 0


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_the_import_command_refuses_nan_and_infinity(owner, tmp_path, constant):
    text = json.dumps(small_deck_document(), indent=2).replace('"tolerance": 0', f'"tolerance": {constant}')
    assert constant in text
    path = tmp_path / "nan.json"
    path.write_text(text, encoding="utf-8")

    with pytest.raises(CommandError, match=f"{constant} is not valid JSON"):
        call_command("import_deck", str(path), owner=owner.username, stdout=StringIO())

    assert table_counts()["Item"] == 0


def test_the_import_command_refuses_an_oversize_file(owner, tmp_path, settings):
    settings.DECK_IMPORT_MAX_BYTES = 1000
    path = write_json(tmp_path / "big.json", small_deck_document())
    assert path.stat().st_size > 1000

    with pytest.raises(CommandError, match="the limit is 1,000 bytes"):
        call_command("import_deck", str(path), owner=owner.username, stdout=StringIO())

    assert table_counts()["Deck"] == 0


def test_the_import_command_refuses_a_slug_that_is_taken(owner, tmp_path):
    path = write_json(tmp_path / "deck.json", small_deck_document())
    call_command("import_deck", str(path), owner=owner.username, stdout=StringIO())
    before = table_counts()

    with pytest.raises(CommandError, match="deck, field slug") as info:
        call_command("import_deck", str(path), owner=owner.username, stdout=StringIO())

    assert "already exists" in str(info.value)
    assert table_counts() == before


def test_the_import_command_refuses_a_missing_file(owner, tmp_path):
    with pytest.raises(CommandError, match="Can't read the file"):
        call_command("import_deck", str(tmp_path / "missing.json"), owner=owner.username, stdout=StringIO())


# --- Parsing deck files -------------------------------------------------------------------


def test_parsing_refuses_bytes_that_are_not_utf8():
    with pytest.raises(DeckFileError, match="not UTF-8"):
        parse_deck_json('{"format": "é"}'.encode("latin-1"))


def test_parsing_accepts_a_byte_order_mark():
    assert parse_deck_json(b'\xef\xbb\xbf{"format": "studyapp-deck"}') == {"format": "studyapp-deck"}


def test_parsing_refuses_oversize_bytes(settings):
    settings.DECK_IMPORT_MAX_BYTES = 10

    with pytest.raises(DeckFileError, match="The file is 11 bytes; the limit is 10 bytes"):
        parse_deck_json(b'{"a": "bc"}')


def test_importing_something_that_is_not_an_object_is_refused(owner):
    with pytest.raises(DeckImportError, match="must contain a JSON object"):
        import_deck([1, 2, 3], owner=owner)
