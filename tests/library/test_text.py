"""Splitting a source text into passages (sentences) with character offsets."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest
from django.conf import settings

from studyapp.library.text import split_passages

DEMO_TEXT = (Path(settings.BASE_DIR) / "fixtures" / "left-opposition-1927.txt").read_text(encoding="utf-8")

MIXED_TEXT = (
    "  They “incarnated an epoch,” wrote Victor Serge. Lenin said: “We are lost.” Then he died.\n"
    "\n"
    "Dr. Smith met Mr. Jones in the U.S. in 1923. It cost £1.50 per copy!\n"
    "Read more\n"
    "\n"
    "The Birth of Stalinism by Michal Reiman, reviewed by Chris Harman\n"
    "Trotsky: 1923-1927 Fighting the Rising Stalinist Bureaucracy by Tony Cliff\n"
)


def texts(text: str) -> list[str]:
    return [span.text for span in split_passages(text)]


@pytest.mark.parametrize(
    "text", [MIXED_TEXT, DEMO_TEXT, "Line one.\r\n\r\nLine two.\r\n"], ids=["mixed", "demo", "crlf"]
)
def test_every_passage_is_the_source_text_between_its_offsets(text):
    spans = split_passages(text)

    assert spans
    for span in spans:
        assert text[span.start : span.end] == span.text
        assert span.text == span.text.strip() != ""


@pytest.mark.parametrize("text", [MIXED_TEXT, DEMO_TEXT], ids=["mixed", "demo"])
def test_passages_are_numbered_in_order_and_do_not_overlap(text):
    spans = split_passages(text)

    assert [span.index for span in spans] == list(range(len(spans)))
    assert all(before.end < after.start for before, after in pairwise(spans))
    assert [span.paragraph for span in spans] == sorted(span.paragraph for span in spans)


@pytest.mark.parametrize("text", [MIXED_TEXT, DEMO_TEXT], ids=["mixed", "demo"])
def test_no_passage_crosses_a_line_break(text):
    spans = split_passages(text)

    assert not any("\n" in span.text for span in spans)
    for span in spans:
        line_start = text.rfind("\n", 0, span.start) + 1
        line_end = text.find("\n", span.end)
        assert text.count("\n", line_start, span.end) == 0
        assert line_end == -1 or line_end >= span.end


def test_passages_of_one_paragraph_share_its_number_and_the_next_paragraph_starts_a_new_one():
    spans = split_passages("First sentence. Second sentence.\n\nA heading without a stop\nThird sentence.")

    assert [(span.text, span.paragraph) for span in spans] == [
        ("First sentence.", 0),
        ("Second sentence.", 0),
        ("A heading without a stop", 1),
        ("Third sentence.", 2),
    ]


def test_a_sentence_without_a_full_stop_ends_at_the_end_of_its_paragraph():
    assert texts("The counter-revolution won\n\nRead more") == ["The counter-revolution won", "Read more"]


@pytest.mark.parametrize(
    ("text", "first_sentence"),
    [
        ("Dr. Smith met Mr. Jones in the U.S. in 1923. Then he left.", "Dr. Smith met Mr. Jones in the U.S. in 1923."),
        (
            "They met in St. Petersburg, i.e. Leningrad, at 5 p.m. on Monday. It was cold.",
            "They met in St. Petersburg, i.e. Leningrad, at 5 p.m. on Monday.",
        ),
        ("Trotsky (b. 1879) wrote e.g. letters. He was exiled.", "Trotsky (b. 1879) wrote e.g. letters."),
        ("It cost £1.50 per copy. Many bought it.", "It cost £1.50 per copy."),
    ],
    ids=["titles-and-initials", "places-and-times", "born-and-eg", "decimal-point"],
)
def test_abbreviations_and_decimal_points_do_not_end_a_sentence(text, first_sentence):
    sentences = texts(text)

    assert sentences[0] == first_sentence
    assert len(sentences) == 2


def test_a_closing_quotation_mark_stays_with_its_sentence():
    assert texts("Lenin said: “We are lost.” Then he died.") == ["Lenin said: “We are lost.”", "Then he died."]


def test_question_and_exclamation_marks_end_sentences():
    assert texts("So what had gone wrong? It was a retreat! That work had an effect.") == [
        "So what had gone wrong?",
        "It was a retreat!",
        "That work had an effect.",
    ]


def test_each_line_of_a_reading_list_is_its_own_passage():
    reading_list = (
        "Read more\n"
        "\n"
        "The Birth of Stalinism by Michal Reiman, reviewed by Chris Harman\n"
        "Trotsky: 1923-1927 Fighting the Rising Stalinist Bureaucracy by Tony Cliff\n"
        "The Platform of the 46 in The Interregnum 1923-1924 by EH Carr\n"
    )

    spans = split_passages(reading_list)

    assert [span.text for span in spans] == [
        "Read more",
        "The Birth of Stalinism by Michal Reiman, reviewed by Chris Harman",
        "Trotsky: 1923-1927 Fighting the Rising Stalinist Bureaucracy by Tony Cliff",
        "The Platform of the 46 in The Interregnum 1923-1924 by EH Carr",
    ]
    assert len({span.paragraph for span in spans}) == 4


def test_the_demo_text_ends_with_the_reading_list_as_separate_passages():
    spans = split_passages(DEMO_TEXT)
    read_more = next(span for span in spans if span.text == "Read more")

    assert spans[read_more.index - 1].text == "But the Left Opposition had kept the idea of socialism from below alive."
    assert [span.text for span in spans[read_more.index + 1 :]] == [
        "The Birth of Stalinism by Michal Reiman, reviewed by Chris Harman",
        "Trotsky: 1923-1927 Fighting the Rising Stalinist Bureaucracy by Tony Cliff",
        "The Platform of the 46 in The Interregnum 1923-1924 by EH Carr",
    ]


def test_surrounding_whitespace_is_left_out_of_a_passage():
    spans = split_passages("   Indented sentence.   \n\n   \n")

    assert [(span.start, span.end, span.text) for span in spans] == [(3, 21, "Indented sentence.")]


@pytest.mark.parametrize("text", ["", "\n\n", "   \n \t \n"])
def test_an_empty_text_has_no_passages(text):
    assert split_passages(text) == []
