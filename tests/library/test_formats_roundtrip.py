"""Export → import → export gives the same items, for what each format carries; the Anki package; the commands."""

from __future__ import annotations

import io
import json
import sqlite3
import zipfile
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command

from studyapp.library import formats
from studyapp.library.models import ChoiceData, Deck, Item, ItemKind
from studyapp.library.selectors import export_deck
from studyapp.library.transfer import ImportRefused, export_file, import_parsed
from tests.factories import DeckFactory, ItemFactory

pytestmark = pytest.mark.django_db

DEMO_FILE = Path(django_settings.BASE_DIR) / "fixtures" / "left-opposition-1927.json"


@pytest.fixture
def every_kind(instructor) -> Deck:
    deck = DeckFactory(owner=instructor, slug="every-kind", title="Every kind")
    for kind in ItemKind.values:
        ItemFactory(deck=deck, kind=kind, tags=["Left Opposition", "dates"])
    ItemFactory(
        deck=deck,
        kind=ItemKind.MULTIPLE_CHOICE,
        prompt="Who signed the *platform*? {braces} = ~ # : \\",
        explanation="Two of them.\n\nA second paragraph.",
        choices=[ChoiceData("Zinoviev", True), ChoiceData("Kamenev", True), ChoiceData("=Stalin", False)],
    )
    ItemFactory(deck=deck, kind=ItemKind.NUMBER, answer="3.5", tolerance=Decimal("0.25"), explanation="")
    ItemFactory(deck=deck, kind=ItemKind.BASIC, prompt="=1+1", answer="@SUM(A1)", explanation="-")
    return deck


def round_trip(deck: Deck, format: str, owner) -> tuple[bytes, bytes, Deck]:
    first = export_file(deck, format).content
    copy = import_parsed(formats.parse(first, format), owner=owner, filename=f"copy.{format}")
    return first, export_file(copy, format).content, copy


@pytest.mark.parametrize("format", ["csv", "tsv", "gift"])
def test_export_import_export_gives_the_same_file(every_kind, instructor, format):
    first, second, _ = round_trip(every_kind, format, instructor)

    if format == "gift":
        assert without_comments(second) == without_comments(first)
    else:
        assert second == first


def without_comments(gift: bytes) -> list[str]:
    # GIFT has no chronology question: the first export says so in a comment, and the second has no such item.
    return [line for line in gift.decode().splitlines() if line.strip() and not line.startswith("//")]


def test_csv_carries_the_front_back_and_tags_and_cloze_items_stay_cloze(every_kind, instructor):
    _, _, copy = round_trip(every_kind, "csv", instructor)

    original = export_deck(every_kind)["items"]
    copied = export_deck(copy)["items"]
    assert [(item["prompt"], item["answer"]) for item in copied] == [
        (item["prompt"], item["answer"]) for item in original
    ]
    assert copied[0]["tags"] == ["dates", "Left_Opposition"]
    assert [item["kind"] for item in copied if item["kind"] != "basic"] == ["cloze"]
    assert Item.objects.get(deck=copy, prompt="=1+1").answer == "@SUM(A1)", "formulas kept as text"


def test_gift_carries_kinds_answers_choices_tolerances_tags_and_explanations(every_kind, instructor):
    _, _, copy = round_trip(every_kind, "gift", instructor)

    original = [item for item in export_deck(every_kind)["items"] if item["kind"] != ItemKind.CHRONOLOGY]
    copied = export_deck(copy)["items"]
    as_gift = {ItemKind.BASIC: ItemKind.TYPED, ItemKind.REVERSED: ItemKind.TYPED}
    assert [item["kind"] for item in copied] == [as_gift.get(item["kind"], item["kind"]) for item in original]
    for before, after in zip(original, copied, strict=True):
        for key in ("prompt", "answer", "accepted_answers", "explanation", "tags", "choices", "tolerance"):
            assert after.get(key) == before.get(key), (key, before["kind"])


@pytest.mark.parametrize("format", ["csv", "tsv", "gift"])
def test_the_demo_deck_round_trips_through_each_format(instructor, format):
    # Its cloze blanks touch punctuation and quote marks ("of {{Stalinism}}.", "“{{incarnated an epoch}}”").
    deck = import_parsed(formats.parse(DEMO_FILE.read_bytes(), "json"), owner=instructor)

    first, second, copy = round_trip(deck, format, instructor)

    # The demo's chronologies come last, under a category of their own that GIFT's copy has no question in.
    assert without_comments(second) == without_comments(first)[: -1 if format == "gift" else None]
    kept = [item for item in export_deck(deck)["items"] if format != "gift" or item["kind"] != ItemKind.CHRONOLOGY]
    assert [item["prompt"] for item in export_deck(copy)["items"]] == [item["prompt"] for item in kept]


def test_json_round_trips_losslessly_through_the_file_export(instructor):
    deck = import_parsed(formats.parse(DEMO_FILE.read_bytes(), "json"), owner=instructor)
    first = export_file(deck, "json").content
    assert first == DEMO_FILE.read_bytes()
    document = json.loads(first)
    document["deck"]["slug"] = "copy"

    copy = import_parsed(formats.parse(json.dumps(document).encode(), "json"), owner=instructor)

    assert export_deck(copy)["items"] == document["items"]


def test_json_items_can_be_added_to_a_deck_of_the_same_source(instructor):
    deck = import_parsed(formats.parse(DEMO_FILE.read_bytes(), "json"), owner=instructor)

    import_parsed(formats.parse(DEMO_FILE.read_bytes(), "json"), owner=instructor, deck=deck)

    assert deck.items.count() == 256
    first, second = deck.items.order_by("position")[:128], deck.items.order_by("position")[128:]
    assert [item.passage_id for item in second] == [item.passage_id for item in first]


def test_json_items_with_passages_can_not_go_into_a_deck_of_another_source(instructor):
    other = DeckFactory(owner=instructor)

    with pytest.raises(ImportRefused) as info:
        import_parsed(formats.parse(DEMO_FILE.read_bytes(), "json"), owner=instructor, deck=other)

    assert "can't link to a passage" in info.value.errors[0]
    assert other.items.count() == 0


# --- Anki package -----------------------------------------------------------------------------------------


def anki_notes(content: bytes) -> tuple[list[tuple[str, str, str]], dict]:
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        database = package.read("collection.anki2")
    with open_sqlite(database) as connection:
        models = json.loads(connection.execute("select models from col").fetchone()[0])
        notes = connection.execute("select mid, flds, tags from notes order by id").fetchall()
    names = {int(model_id): model["name"] for model_id, model in models.items()}
    return [(names[mid], fields, tags) for mid, fields, tags in notes], models


class open_sqlite:
    def __init__(self, data: bytes):
        self.data = data

    def __enter__(self):
        self.connection = sqlite3.connect(":memory:")
        self.connection.deserialize(self.data)
        return self.connection

    def __exit__(self, *exc):
        self.connection.close()


def test_the_anki_package_has_a_note_per_item_with_four_note_types_and_the_source_sentence(every_kind):
    exported = export_file(every_kind, "apkg")
    notes, _ = anki_notes(exported.content)

    assert exported.filename == "every-kind.apkg"
    assert len(notes) == every_kind.items.count()
    by_kind = dict(zip(ItemKind.values, notes, strict=False))
    assert by_kind["basic"][0] == "studyapp Basic"
    assert by_kind["reversed"][0] == "studyapp Basic (and reversed card)"
    assert by_kind["typed"][0] == "studyapp Basic (type in the answer)"
    assert by_kind["cloze"][0] == "studyapp Cloze"
    assert "{{c1::Leon Trotsky}}" in by_kind["cloze"][1]
    sentence = every_kind.source.passages.first().text
    assert all(fields.split("\x1f")[-1] == sentence for _, fields, _ in notes)
    assert by_kind["basic"][2].split() == ["dates", "Left_Opposition"]
    assert "<li>Joseph Stalin</li>" in by_kind["multiple_choice"][1]


def test_the_anki_package_renders_markdown_and_drops_scripts(instructor):
    deck = DeckFactory(owner=instructor, slug="xss")
    ItemFactory(deck=deck, prompt="*Who*<script>alert(1)</script>?", answer="<img src=x onerror=alert(1)>")

    (note,), _ = anki_notes(export_file(deck, "apkg").content)

    assert "<em>Who</em>" in note[1]
    assert "<script" not in note[1]
    assert "onerror" not in note[1]


# --- Commands ---------------------------------------------------------------------------------------------


def test_the_import_command_guesses_the_format_and_creates_the_named_deck(instructor, tmp_path):
    path = tmp_path / "my_cards.tsv"
    path.write_text("Q1\tA1\nQ2\tA2\n", encoding="utf-8")
    out = StringIO()

    call_command("import_deck", str(path), "--deck", "new-cards", "--owner", instructor.username, stdout=out)

    deck = Deck.objects.get(slug="new-cards")
    assert (deck.title, deck.owner, deck.items.count()) == ("my cards", instructor, 2)
    assert "(2 items)" in out.getvalue()


def test_the_import_command_adds_to_an_existing_deck(instructor, tmp_path):
    deck = DeckFactory(owner=instructor, slug="existing")
    ItemFactory(deck=deck)
    path = tmp_path / "quiz.gift"
    path.write_text("Q {T}\n\nMatch {=a -> b =c -> d}\n", encoding="utf-8")
    err = StringIO()

    call_command("import_deck", str(path), deck="existing", owner=instructor.username, stdout=StringIO(), stderr=err)

    assert deck.items.count() == 2
    assert "line 3, a matching question" in err.getvalue()


def test_the_import_command_takes_the_format_option_over_the_extension(instructor, tmp_path):
    path = tmp_path / "cards.txt"
    path.write_text("Q {T}\n", encoding="utf-8")

    call_command("import_deck", str(path), format="gift", owner=instructor.username, stdout=StringIO())

    assert Item.objects.get().kind == ItemKind.TRUE_FALSE


def test_the_import_command_exits_non_zero_with_every_problem_and_saves_nothing(instructor, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("Q1,A1\nQ2,\n,A3\n", encoding="utf-8")

    with pytest.raises(CommandError) as info:
        call_command("import_deck", str(path), owner=instructor.username, stdout=StringIO())

    assert info.value.returncode != 0
    assert str(info.value).splitlines() == [
        f"{path}: nothing was imported.",
        "line 2, back: Write the answer.",
        "line 3, front: Write the question: the prompt can't be empty.",
    ]
    assert not Deck.objects.exists()


def test_the_import_command_refuses_an_unknown_extension(instructor, tmp_path):
    path = tmp_path / "cards.xlsx"
    path.write_bytes(b"PK")

    with pytest.raises(CommandError, match="can't tell the format"):
        call_command("import_deck", str(path), owner=instructor.username, stdout=StringIO())


def test_the_import_command_refuses_an_oversize_file_before_reading_it(instructor, tmp_path, settings):
    settings.DECK_IMPORT_MAX_BYTES = 10
    path = tmp_path / "big.csv"
    path.write_text("Q,A\n" * 10, encoding="utf-8")

    with pytest.raises(CommandError, match="the limit is 10 bytes"):
        call_command("import_deck", str(path), owner=instructor.username, stdout=StringIO())


@pytest.mark.parametrize("format", ["json", "csv", "tsv", "gift", "apkg"])
def test_the_export_command_writes_each_format(every_kind, tmp_path, format):
    target = tmp_path / f"out.{format}"

    call_command("export_deck", "every-kind", "--format", format, "-o", str(target), stderr=StringIO())

    if format == "apkg":  # a zip file holds the time it was written: compare the notes
        assert anki_notes(target.read_bytes())[0] == anki_notes(export_file(every_kind, format).content)[0]
    else:
        assert target.read_bytes() == export_file(every_kind, format).content


def test_the_export_command_writes_text_formats_to_standard_output(every_kind):
    out = StringIO()

    call_command("export_deck", "every-kind", "--format", "csv", stdout=out)

    assert out.getvalue() == export_file(every_kind, "csv").content.decode()


def test_the_export_command_wants_a_file_for_an_anki_package(every_kind):
    with pytest.raises(CommandError, match="name it with -o FILE"):
        call_command("export_deck", "every-kind", "--format", "apkg", stdout=StringIO())
