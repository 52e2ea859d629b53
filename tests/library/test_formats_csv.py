"""CSV and TSV as Anki and Quizlet write them: parsing (no database) and importing (all or nothing)."""

from __future__ import annotations

import pytest

from studyapp.library.formats import FormatError, delimited, parse
from studyapp.library.models import Deck, Item, ItemKind, Tag
from studyapp.library.transfer import ImportRefused, import_parsed, plan_import
from tests.factories import DeckFactory

pytestmark = pytest.mark.django_db


def rows(text: str | bytes, format: str = "csv") -> list[dict]:
    parsed = parse(text.encode() if isinstance(text, str) else text, format)
    assert not parsed.problems, parsed.problems
    return [row.data for row in parsed.rows]


def fronts_and_backs(text: str, format: str = "csv") -> list[tuple[str, str]]:
    return [(row["prompt"], row["answer"]) for row in rows(text, format)]


# --- Separators, headers, quoting -----------------------------------------------------------------------


def test_it_reads_quizlets_tab_separated_export():
    assert fronts_and_backs("Trotsky\tWrote the letter of 1923\nZinoviev\tSigned in 1926\n", "tsv") == [
        ("Trotsky", "Wrote the letter of 1923"),
        ("Zinoviev", "Signed in 1926"),
    ]


@pytest.mark.parametrize("separator", [",", ";", "\t"])
def test_it_guesses_the_separator_from_the_first_row(separator):
    text = f"front{separator}back\nWho?{separator}Trotsky\n"

    assert fronts_and_backs(text) == [("Who?", "Trotsky")]


def test_a_header_row_maps_the_columns_and_is_not_an_item():
    assert rows("Term,Definition,Tags\nWho?,Trotsky,people 1923\n") == [
        {
            "kind": "basic",
            "prompt": "Who?",
            "answer": "Trotsky",
            "accepted_answers": [],
            "explanation": "",
            "tags": ["people", "1923"],
            "passage": None,
        }
    ]


def test_quoted_fields_keep_separators_quotes_and_line_breaks():
    text = '"Who, in 1923?","He said ""no""\nand left"\n'

    assert fronts_and_backs(text) == [("Who, in 1923?", 'He said "no"\nand left')]


def test_ankis_header_lines_set_the_separator_tags_and_html():
    text = (
        "#separator:Pipe\n#html:true\n#tags:deck-one\n#tags column:3\n"
        "<b>Who</b> wrote it?|Leon&nbsp;Trotsky<br>in 1923|people\n"
    )

    (row,) = rows(text)

    assert row["prompt"] == "**Who** wrote it?"
    assert row["answer"] == "Leon Trotsky\nin 1923"
    assert row["tags"] == ["deck-one", "people"]


def test_html_mode_drops_scripts_and_their_text():
    (row,) = rows("#html:true\nQ<script>alert(1)</script>,A<img src=x onerror=alert(1)>\n")

    assert (row["prompt"], row["answer"]) == ("Q", "A")


def test_without_html_mode_markup_is_kept_as_text():
    (row,) = rows("<script>alert(1)</script>,A\n")

    assert row["prompt"] == "<script>alert(1)</script>"


def test_the_columns_header_line_maps_columns():
    (row,) = rows("#separator:tab\n#columns:Front\tBack\tTags\nQ\tA\tx y\n")

    assert (row["prompt"], row["answer"], row["tags"]) == ("Q", "A", ["x", "y"])


def test_a_notetype_column_sets_the_kind_of_each_row():
    text = "#separator:tab\n#notetype column:3\nQ1\tA1\tBasic (and reversed card)\nQ2\tA2\tBasic (type in the answer)\n"

    assert [row["kind"] for row in rows(text, "tsv")] == [ItemKind.REVERSED, ItemKind.TYPED]


def test_ankis_cloze_deletions_become_one_cloze_item_each():
    text = "{{c1::Trotsky}} wrote a letter in {{c2::1923::year}},Sent to the leaders\n"

    first, second = rows(text)

    assert first["kind"] == second["kind"] == ItemKind.CLOZE
    assert first["prompt"] == "{{Trotsky}} wrote a letter in 1923"
    assert second["prompt"] == "Trotsky wrote a letter in {{1923}}"
    assert first["explanation"] == "Sent to the leaders"


def test_a_cloze_deletion_used_twice_is_a_problem():
    parsed = parse(b"{{c1::a}} and {{c1::b}},x\n", "csv")

    assert [str(problem) for problem in parsed.problems] == ["line 1, front: c1 hides 2 places; a cloze item has one."]


def test_a_byte_order_mark_is_ignored():
    assert fronts_and_backs("\ufeffQ,A\n".encode()) == [("Q", "A")]


def test_blank_lines_are_skipped_and_line_numbers_count_them():
    parsed = parse(b"Q1,A1\n\n\n,A4\n", "csv")

    assert [row.where for row in parsed.rows] == ["line 1", "line 4"]


def test_a_formula_is_never_evaluated_and_its_escape_is_taken_off():
    assert fronts_and_backs("'=1+1,=SUM(A1:A3)\n'@cmd,'-2\n") == [("=1+1", "=SUM(A1:A3)"), ("@cmd", "-2")]


# --- Bad files --------------------------------------------------------------------------------------------


def test_broken_quoting_is_a_problem_naming_its_line():
    parsed = parse(b'Q1,A1\n"Q2"x,A2\n', "csv")

    assert len(parsed.problems) == 1
    assert str(parsed.problems[0]).startswith("line 2, the quoting is broken")


def test_an_unclosed_quote_is_a_problem():
    parsed = parse(b'Q1,A1\n"Q2,A2\nQ3,A3\n', "csv")

    assert parsed.problems
    assert "quoting is broken" in str(parsed.problems[0])


def test_latin1_is_refused_naming_the_line():
    raw = "Q1,A1\nQ2,A2\nCafé,Crème\n".encode("latin-1")

    with pytest.raises(FormatError, match=r"line 3, byte 0xe9 is not UTF-8.*Save it as UTF-8"):
        parse(raw, "csv")


def test_utf16_is_refused():
    with pytest.raises(FormatError, match="UTF-16"):
        parse("Q,A\n".encode("utf-16"), "csv")


@pytest.mark.parametrize("raw", [b"", b"   \n\n", b"\xef\xbb\xbf"])
def test_an_empty_file_is_refused(raw):
    with pytest.raises(FormatError, match="empty"):
        parse(raw, "csv")


def test_a_file_of_only_separators_has_no_rows():
    with pytest.raises(FormatError, match="no rows"):
        parse(b",\n,,\n", "csv")


def test_a_nul_character_is_refused_naming_the_line():
    with pytest.raises(FormatError, match="line 2, the file contains a NUL"):
        parse(b"Q,A\nQ\x00,A\n", "csv")


def test_a_file_over_the_size_limit_is_refused(settings):
    settings.DECK_IMPORT_MAX_BYTES = 100

    with pytest.raises(FormatError, match="the limit is 100 bytes"):
        parse(b"Q,A\n" * 30, "csv")


def test_more_rows_than_the_item_limit_are_refused(monkeypatch):
    monkeypatch.setattr("studyapp.library.formats.base.MAX_ITEMS", 10)

    with pytest.raises(FormatError, match="the limit is 10 items"):
        parse(b"Q,A\n" * 11, "csv")


def test_a_field_longer_than_the_csv_modules_limit_is_a_problem():
    parsed = parse(b"Q," + b"a" * 200_000 + b"\n", "csv")

    assert parsed.problems
    assert "field larger than field limit" in str(parsed.problems[0])


def test_an_unknown_separator_name_is_refused():
    with pytest.raises(FormatError, match="names no separator"):
        parse(b"#separator:Dash\nQ-A\n", "csv")


# --- Importing --------------------------------------------------------------------------------------------


def test_importing_creates_a_deck_named_after_the_file(instructor):
    parsed = parse(b"Who wrote it?,Trotsky,people\n{{c1::1923}} was the year,\n", "csv")

    deck = import_parsed(parsed, owner=instructor, filename="left_opposition.csv")

    assert (deck.title, deck.slug, deck.owner) == ("left opposition", "left-opposition", instructor)
    kinds = list(deck.items.order_by("position").values_list("kind", "prompt", "answer"))
    assert kinds == [("basic", "Who wrote it?", "Trotsky"), ("cloze", "{{1923}} was the year", "1923")]
    assert list(deck.items.first().tags.values_list("name", flat=True)) == ["people"]


def test_a_second_deck_from_a_file_of_the_same_name_gets_a_free_slug(instructor):
    DeckFactory(slug="cards")

    deck = import_parsed(parse(b"Q,A\n", "csv"), owner=instructor, filename="cards.csv")

    assert deck.slug == "cards-2"


def test_importing_into_a_deck_adds_items_after_its_last_one(instructor):
    deck = DeckFactory(owner=instructor, source=None)
    import_parsed(parse(b"Q1,A1\n", "csv"), owner=instructor, deck=deck)

    import_parsed(parse(b"Q2,A2\nQ3,A3\n", "csv"), owner=instructor, deck=deck)

    assert list(deck.items.order_by("position").values_list("prompt", "position")) == [
        ("Q1", 0),
        ("Q2", 1),
        ("Q3", 2),
    ]


def test_a_row_without_a_back_refuses_the_whole_file_naming_its_line(instructor):
    parsed = parse(b"Q1,A1\nQ2,\nQ3,A3\n", "csv")

    with pytest.raises(ImportRefused) as info:
        import_parsed(parsed, owner=instructor, filename="x.csv")

    assert info.value.errors == ["line 2, back: Write the answer."]
    assert not Deck.objects.exists()
    assert not Item.objects.exists()


def test_over_long_fields_and_tags_are_problems(instructor):
    raw = ("Q," + "a" * 20_001 + "\nQ,A," + "t" * 61 + "\n").encode()

    plan = plan_import(parse(raw, "csv"), owner=instructor, filename="x.csv")

    assert [str(problem) for problem in plan.problems] == [
        "line 1, back: 20,001 characters; the limit is 20,000.",
        f"line 2, field tags: “{'t' * 20}…” is longer than 60 characters.",
    ]


def test_tags_are_matched_ignoring_case(instructor):
    Tag.objects.create(name="People")

    deck = import_parsed(parse(b"Q,A,people PEOPLE\n", "csv"), owner=instructor, filename="x.csv")

    assert list(deck.items.get().tags.values_list("name", flat=True)) == ["People"]
    assert Tag.objects.count() == 1


def test_script_payloads_are_stored_as_text(instructor):
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    raw = f'"{payload.replace(chr(34), chr(34) * 2)}","{payload.replace(chr(34), chr(34) * 2)}",tag\n'.encode()

    item = import_parsed(parse(raw, "csv"), owner=instructor, filename="x.csv").items.get()

    assert item.prompt == payload
    assert item.answer == payload


# --- Writing ----------------------------------------------------------------------------------------------


def test_cells_that_start_like_a_formula_are_escaped():
    items = [{"kind": "basic", "prompt": "=1+1", "answer": "@x", "tags": [], "accepted_answers": []}]
    items.append({"kind": "basic", "prompt": "+1", "answer": "-1", "tags": [], "accepted_answers": []})
    items.append({"kind": "basic", "prompt": "'=quoted", "answer": "plain", "tags": [], "accepted_answers": []})

    assert delimited.write(items) == "'=1+1,'@x\n'+1,'-1\n''=quoted,plain\n"


def test_tags_are_written_as_ankis_space_separated_column():
    items = [{"kind": "cloze", "prompt": "In {{1923}}", "answer": "1923", "tags": ["Left Opposition", "dates"]}]

    assert delimited.write(items, tab=True) == "In {{c1::1923}}\t1923\tLeft_Opposition dates\n"
