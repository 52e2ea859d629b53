"""Grading a learner's response: typed text, numbers, true/false, multiple choice and chronology."""

from __future__ import annotations

from decimal import Decimal

import pytest

from studyapp.library.grading import (
    _format_number,
    grade_choices,
    grade_number,
    grade_order,
    grade_text,
    grade_true_false,
    normalise,
    typo_allowance,
)

# --- typed answers ---------------------------------------------------------------------------------------------

# (response, answer, accepted answers, expected correctness, a text the note must contain; "" means no note)
TEXT_CASES = [
    pytest.param("Trotsky", "Trotsky", (), True, "", id="exact"),
    pytest.param("tROTSKY", "Trotsky", (), True, "", id="case"),
    pytest.param("Trotsky!", "Trotsky", (), True, "", id="punctuation"),
    pytest.param("the New Economic Policy", "New Economic Policy", (), True, "", id="leading-article-in-response"),
    pytest.param("New Economic Policy", "The New Economic Policy", (), True, "", id="leading-article-in-answer"),
    pytest.param("New Economic Policy, The", "New Economic Policy", (), True, "", id="inverted-trailing-article"),
    pytest.param("Zinoviev", "Zinóviev", (), True, "", id="diacritics-in-answer"),
    pytest.param("Zinóviev", "Zinoviev", (), True, "", id="diacritics-in-response"),
    pytest.param("  New   Economic\tPolicy ", "New Economic Policy", (), True, "", id="extra-spaces"),
    pytest.param("Lenin's testament", "Lenin’s testament", (), True, "", id="straight-vs-curly-apostrophe"),
    pytest.param("Lenins testament", "Lenin’s testament", (), True, "", id="apostrophe-left-out"),
    pytest.param("Brest–Litovsk", "Brest-Litovsk", (), True, "", id="en-dash-vs-hyphen"),
    pytest.param("L. Trotsky", "Trotsky", ("Lev Trotsky", "L. Trotsky"), True, "Accepted answer.", id="accepted"),
    pytest.param("Bronstein", "Trotsky", ("Bronstein",), True, "Accepted answer.", id="accepted-other-name"),
    pytest.param("Trotksy", "Trotsky", (), True, "(“Trotksy” → “Trotsky”)", id="transposition-forgiven"),
    pytest.param("Trotsy", "Trotsky", (), True, "(“Trotsy” → “Trotsky”)", id="missing-letter-forgiven"),
    pytest.param(
        "the New Econmic Polcy", "New Economic Policy", (), True, "“Econmic” → “Economic”, “Polcy” → “Policy”", id="two"
    ),
    pytest.param("Bronstien", "Trotsky", ("Bronstein",), True, "(“Bronstien” → “Bronstein”)", id="typo-in-accepted"),
    pytest.param("Trtsy", "Trotsky", (), False, "", id="typo-too-large"),
    pytest.param("Stalin", "Trotsky", (), False, "", id="wrong"),
    pytest.param("Kin", "Kun", (), False, "", id="short-answer-no-typo-allowed"),
    pytest.param("NAP", "NEP", (), False, "", id="three-letter-acronym-no-typo-allowed"),
    pytest.param("1924", "1923", (), False, "", id="year-off-by-one"),
    pytest.param("Treaty of 1919", "Treaty of 1918", (), False, "", id="digits-differ-inside-text"),
    pytest.param("Traety of 1918", "Treaty of 1918", (), True, "typo was forgiven", id="typo-beside-same-digits"),
    pytest.param("", "Trotsky", (), False, "", id="empty"),
    pytest.param(" ?! ", "Trotsky", (), False, "", id="only-punctuation"),
]


@pytest.mark.parametrize(("response", "answer", "accepted", "correct", "note"), TEXT_CASES)
def test_a_typed_answer_is_graded_by_its_normalised_text_and_the_typo_allowance(
    response, answer, accepted, correct, note
):
    grade = grade_text(response, answer=answer, accepted=accepted)

    assert grade.correct is correct
    assert grade.score == (1.0 if correct else 0.0)
    if note:
        assert note in grade.note
    else:
        assert grade.note == ""
    assert grade.expected == answer.strip()
    assert grade.given == response.strip()


def test_the_forgiven_typo_note_names_the_learners_word_and_the_expected_word_as_written():
    grade = grade_text("Trotksy", answer="Trotsky")

    assert grade.note == "Accepted: a small typo was forgiven (“Trotksy” → “Trotsky”)."


def test_the_typo_note_shows_the_authors_spelling_with_its_accents_not_the_folded_one():
    grade = grade_text("Zinovyev", answer="Grigory Zinóviev", accepted=("Zinóviev",))

    assert grade.note == "Accepted: a small typo was forgiven (“Zinovyev” → “Zinóviev”)."


def test_a_typo_is_forgiven_against_the_closest_of_the_answer_and_the_accepted_answers():
    grade = grade_text("Lev Trotsy", answer="Leon Trotsky", accepted=("Lev Trotsky",))

    assert grade.correct
    assert grade.note == "Accepted: a small typo was forgiven (“Trotsy” → “Trotsky”)."


def test_a_real_but_different_word_within_the_allowance_is_accepted_as_a_typo():
    # Documented limitation: the grader knows no vocabulary, only distances.
    assert grade_text("Mars", answer="Marx").correct


@pytest.mark.parametrize(
    ("response", "answer"),
    [
        ("Stalinist", "Stalinism"),
        ("Stalinism", "Stalinist"),
        ("Stalinists", "Stalinism"),
        ("Trotskyite", "Trotskyist"),
        ("Bolshevik", "Bolshevism"),
        ("economical", "economic"),
        ("collective", "collection"),
        ("nation", "national"),
        ("Kronstadt rised", "Kronstadt rising"),
    ],
    ids=[
        "ist-for-ism",
        "ism-for-ist",
        "plural-ist-for-ism",
        "ite-for-ist",
        "ik-for-ism",
        "ical-for-ic",
        "ive-for-ion",
        "ending-dropped-whole",
        "ed-for-ing-in-a-phrase",
    ],
)
def test_it_does_not_forgive_a_typo_that_turns_the_words_ending_into_another_words(response, answer):
    grade = grade_text(response, answer=answer)

    assert not grade.correct
    assert grade.note.startswith("Not accepted as a typo:")


def test_the_note_on_a_different_ending_names_both_words_as_written():
    grade = grade_text("Stalinist", answer="Stalinism")

    assert grade.note == "Not accepted as a typo: “Stalinist” is a different word from “Stalinism”."


@pytest.mark.parametrize(
    ("response", "answer"),
    [
        ("Trotksy", "Trotsky"),
        ("Zinovyev", "Zinoviev"),
        ("Kamenv", "Kamenev"),
        ("Bukhari", "Bukharin"),
        ("Stalinsim", "Stalinism"),
        ("Leninis", "Leninism"),
        ("Communsim", "Communism"),
        ("Bolsheviks", "Bolshevik"),
        ("Bolshevik", "Bolsheviks"),
        ("Stalinists", "Stalinist"),
        ("adviser", "advisor"),
        ("Bolshevic", "Bolshevik"),
        ("Unite Opposition", "United Opposition"),
        ("the Left Oppositon", "Left Opposition"),
    ],
    ids=[
        "transposition",
        "vowel",
        "dropped-letter-inside",
        "dropped-letter-at-the-end",
        "transposition-inside-the-ending",
        "dropped-letter-of-the-ending",
        "typo-in-the-stem-before-an-ending",
        "plural-for-singular",
        "singular-for-plural",
        "plural-of-a-derived-word",
        "er-or-spelling-variant",
        "c-for-k-in-a-russian-ending",
        "dropped-d-of-ed",
        "dropped-letter-before-ion",
    ],
)
def test_real_slips_and_singular_or_plural_are_still_forgiven_as_typos(response, answer):
    grade = grade_text(response, answer=answer)

    assert grade.correct
    assert grade.note.startswith("Accepted: a small typo was forgiven")


def test_an_accepted_answer_can_still_be_the_other_word():
    grade = grade_text("Stalinist", answer="Stalinism", accepted=("Stalinist",))

    assert (grade.correct, grade.note) == (True, "Accepted answer.")


def test_a_year_off_by_one_is_wrong_in_a_typed_answer_even_though_it_is_one_edit_away():
    grade = grade_text("1924", answer="1923")

    assert not grade.correct
    assert typo_allowance(len("1923")) == 1  # so it is the digit rule, not the length rule, that rejects it


def test_the_diff_marks_only_the_characters_that_differ_in_the_normalised_texts():
    grade = grade_text("Trotksy", answer="Trotsky")

    assert grade.diff == [("equal", "trot"), ("insert", "s"), ("equal", "k"), ("delete", "s"), ("equal", "y")]


def test_the_diff_rebuilds_both_normalised_texts_and_never_uses_replace():
    grade = grade_text("the New Econmic Pollicy", answer="New Economic Policy")

    learner = "".join(text for tag, text in grade.diff if tag in ("equal", "delete"))
    answer = "".join(text for tag, text in grade.diff if tag in ("equal", "insert"))
    assert (learner, answer) == ("new econmic pollicy", "new economic policy")
    assert {tag for tag, _ in grade.diff} <= {"equal", "insert", "delete"}


def test_the_diff_of_an_unrelated_answer_replaces_it_whole_rather_than_letter_by_letter():
    grade = grade_text("War Communism", answer="New Economic Policy")

    assert grade.diff == [("delete", "war communism"), ("insert", "new economic policy")]


def test_the_diff_of_an_empty_answer_shows_only_the_expected_text():
    assert grade_text("", answer="Trotsky").diff == [("insert", "trotsky")]


@pytest.mark.parametrize(
    ("response", "answer", "accepted"),
    [
        ("Trotsky", "Trotsky", ()),
        ("TROTSKY!", "Trotsky", ()),
        ("LEV TROTSKY", "Trotsky", ("Lev Trotsky",)),
        ("l. trotsky", "Trotsky", ("L. Trotsky",)),
        ("the New Economic Policy", "NEP", ("New Economic Policy",)),
    ],
    ids=["canonical", "canonical-in-capitals", "accepted-in-capitals", "accepted-lower-case", "accepted-with-article"],
)
def test_an_exact_match_after_normalising_shows_no_difference(response, answer, accepted):
    grade = grade_text(response, answer=answer, accepted=accepted)

    assert grade.correct
    assert not grade.shows_difference


@pytest.mark.parametrize(
    ("response", "answer"),
    [("Trotksy", "Trotsky"), ("Stalin", "Trotsky"), ("", "Trotsky"), ("Stalinist", "Stalinism")],
    ids=["forgiven-typo", "wrong", "empty", "other-ending"],
)
def test_a_forgiven_typo_or_a_wrong_answer_shows_the_difference(response, answer):
    assert grade_text(response, answer=answer).shows_difference


@pytest.mark.parametrize(
    ("response", "tolerance", "shows"),
    [("1923", "0", False), ("in 1923 AD", "0", False), ("1925", "2", True), ("1924", "0", True)],
    ids=["exact", "exact-among-words", "within-tolerance", "wrong"],
)
def test_a_number_shows_the_difference_unless_it_is_the_answer_itself(response, tolerance, shows):
    assert grade_number(response, answer="1923", tolerance=Decimal(tolerance)).shows_difference is shows


def test_choices_true_false_and_chronology_show_no_difference():
    assert not grade_choices([1], choices=ONE_RIGHT).shows_difference
    assert not grade_true_false("False", answer="True").shows_difference
    assert not grade_order([2, 1, 3, 4], events=EVENTS).shows_difference


def test_a_single_string_of_accepted_answers_is_refused_rather_than_read_letter_by_letter():
    with pytest.raises(TypeError):
        grade_text("T", answer="Trotsky", accepted="Trotsky")


def test_an_item_without_an_answer_cannot_be_graded():
    with pytest.raises(ValueError, match="no answer"):
        grade_text("Trotsky", answer="  ")


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("The New Economic Policy", "new economic policy"),
        ("Lenin’s “Testament”", "lenins testament"),
        ("Zinóviev", "zinoviev"),
        ("Straße", "strasse"),
        ("U.S.S.R.", "ussr"),
        ("Brest—Litovsk", "brest litovsk"),
        ("1,923", "1923"),
        ("3.5", "3.5"),
        ("−40", "-40"),
        ("A", "a"),
        ("Plan A", "plan a"),
        ("?", "?"),
    ],
    ids=[
        "article",
        "quotes",
        "accent",
        "sharp-s",
        "abbreviation",
        "dash",
        "thousands",
        "decimal",
        "minus",
        "lone-article",
        "trailing-a",
        "only-punctuation",
    ],
)
def test_normalise_folds_what_does_not_matter_and_keeps_what_changes_the_meaning(text, folded):
    assert normalise(text) == folded


@pytest.mark.parametrize(
    ("length", "allowance"),
    [(0, 0), (3, 0), (4, 1), (7, 1), (8, 2), (15, 2), (16, 3), (80, 3)],
    ids=["empty", "three", "four", "seven", "eight", "fifteen", "sixteen", "long"],
)
def test_the_typo_allowance_grows_with_the_length_of_the_answer(length, allowance):
    assert typo_allowance(length) == allowance


# --- numbers ---------------------------------------------------------------------------------------------------

NUMBER_CASES = [
    pytest.param("1923", "1923", "0", True, "", id="exact"),
    pytest.param(" 1923 ", "1923", "0", True, "", id="surrounding-spaces"),
    pytest.param("1,923", "1923", "0", True, "", id="thousands-separator"),
    pytest.param("1923.0", "1923", "0", True, "", id="decimal-zero"),
    pytest.param("1925", "1923", "0", False, "", id="year-off-by-two-with-no-tolerance"),
    pytest.param("1925", "1923", "2.00", True, "Within the tolerance of ±2.", id="within-tolerance"),
    pytest.param("1921", "1923", "2", True, "Within the tolerance of ±2.", id="within-tolerance-below"),
    pytest.param("1928", "1923", "2", False, "Not within the tolerance of ±2.", id="outside-tolerance"),
    pytest.param("3.6", "3.5", "0.25", True, "Within the tolerance of ±0.25.", id="decimal-tolerance"),
    pytest.param("nineteen twenty-three", "1923", "0", False, "Answer with a number.", id="words"),
    pytest.param("", "1923", "0", False, "Answer with a number.", id="empty"),
    pytest.param("1923 AD", "1923", "0", True, "", id="number-with-a-word-after"),
    pytest.param("in 1923", "1923", "0", True, "", id="number-with-a-word-before"),
    pytest.param("in 1923.", "1923", "0", True, "", id="number-ending-a-sentence"),
    pytest.param("55%", "55", "0", True, "", id="percent-sign"),
    pytest.param("55 %", "55", "0", True, "", id="percent-sign-after-a-space"),
    pytest.param("about 3.5 km", "3.5", "0", True, "", id="number-with-a-unit"),
    pytest.param("3.5km", "3.5", "0", True, "", id="unit-joined-to-the-number"),
    pytest.param("-40 °C", "-40", "0", True, "", id="negative-with-a-unit"),
    pytest.param("in 1925", "1923", "0", False, "", id="wrong-number-with-words"),
    pytest.param(".5", "0.5", "0", True, "", id="decimal-without-a-leading-zero"),
    pytest.param("1.5e3", "1500", "0", True, "", id="exponent-form"),
    pytest.param("1923 or 1924", "1923", "0", False, "Answer with one number, not several (1923, 1924).", id="two"),
    pytest.param("1923-1924", "1923", "0", False, "Answer with one number, not several (1923, 1924).", id="range"),
    pytest.param("3,5", "3.5", "0", False, "Write the number in digits, like 1923 or 3.5.", id="decimal-comma"),
    pytest.param("1.2.3", "1.2", "0", False, "Write the number in digits, like 1923 or 3.5.", id="two-points"),
    pytest.param("3½", "3.5", "0", False, "Write the number in digits, like 1923 or 3.5.", id="vulgar-fraction"),
    pytest.param("10²", "100", "0", False, "Write the number in digits, like 1923 or 3.5.", id="superscript"),
    pytest.param("1_000", "1000", "0", False, "Write the number in digits, like 1923 or 3.5.", id="underscore"),
]


@pytest.mark.parametrize(("response", "answer", "tolerance", "correct", "note"), NUMBER_CASES)
def test_a_number_is_right_within_the_tolerance_and_anything_else_is_refused(
    response, answer, tolerance, correct, note
):
    grade = grade_number(response, answer=answer, tolerance=Decimal(tolerance))

    assert (grade.correct, grade.note) == (correct, note)
    assert grade.score == (1.0 if correct else 0.0)
    assert grade.expected == answer
    assert grade.given == response.strip()


@pytest.mark.parametrize(
    ("response", "answer", "tolerance", "score", "note"),
    [
        pytest.param("1924", "1923", "0", 0.5, "Close (within ±1), but not right.", id="year-off-by-one"),
        pytest.param("1925", "1923", "0", 0.0, "", id="year-off-by-two"),
        pytest.param("3.4", "3.5", "0", 0.5, "Close (within ±0.1), but not right.", id="last-decimal-place"),
        pytest.param("3.6", "3.50", "0", 0.5, "Close (within ±0.1), but not right.", id="trailing-zero"),
        pytest.param("1930", "1923", "5", 0.5, "Close (within ±10), but not right.", id="twice-tolerance"),
        pytest.param("1933", "1923", "5", 0.5, "Close (within ±10), but not right.", id="band-edge"),
        pytest.param("1934", "1923", "5", 0.0, "Not within the tolerance of ±5.", id="beyond-band"),
        pytest.param("1928", "1923", "5", 1.0, "Within the tolerance of ±5.", id="within-tolerance"),
    ],
)
def test_a_number_outside_the_tolerance_but_close_earns_half_credit_without_counting_as_right(
    response, answer, tolerance, score, note
):
    grade = grade_number(response, answer=answer, tolerance=Decimal(tolerance))

    assert (grade.correct, grade.score, grade.note) == (score == 1.0, score, note)


def test_it_accepts_a_percent_sign_after_the_number():
    grade = grade_number("55%", answer="55", tolerance=Decimal(0))

    assert (grade.correct, grade.given, grade.note) == (True, "55%", "")


def test_a_wrong_number_among_words_is_diffed_as_the_number_read_while_given_keeps_what_was_typed():
    grade = grade_number("in 1924", answer="1923", tolerance=Decimal(0))

    assert not grade.correct
    assert grade.given == "in 1924"
    assert grade.diff == [("equal", "192"), ("delete", "4"), ("insert", "3")]


def test_a_number_with_a_thousands_separator_among_words_is_read_whole():
    grade = grade_number("about 10,000 people", answer="10000", tolerance=Decimal(0))

    assert grade.correct


@pytest.mark.parametrize("response", ["minus 40", "negative 40", "40 BC", "40 B.C.", "40 BCE"])
def test_a_sign_written_in_words_is_refused_rather_than_read_as_a_positive_number(response):
    grade = grade_number(response, answer="40", tolerance=Decimal(0))

    assert (grade.correct, grade.note) == (False, "Write a negative number or a year BC with a minus sign, like -40.")


@pytest.mark.parametrize(
    "response",
    ["1e999999999", "-1e999999999", "1e-999999999", "9" * 400, f"in {'9' * 400} AD", "1E+999999999%"],
    ids=["huge-exponent", "huge-negative-exponent", "tiny-exponent", "400-digits", "among-words", "with-a-unit"],
)
def test_an_absurdly_large_or_fine_number_is_not_a_number_we_can_compare_rather_than_an_error(response):
    grade = grade_number(response, answer="1923", tolerance=Decimal(1))

    assert (grade.correct, grade.score) == (False, 0.0)
    assert grade.note.startswith("That is not a number we can compare")
    assert grade.given == response
    assert grade.shows_difference


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("2.00"), "2"),
        (Decimal("1E+3"), "1000"),
        (Decimal("-0.0"), "0"),
        (Decimal("0.250"), "0.25"),
        (Decimal("1e999999999"), "1E+999999999"),
        (Decimal("-1e999999999"), "-1E+999999999"),
        (Decimal("1e-999999999"), "1E-999999999"),
        (Decimal("0e-999999999"), "0"),
    ],
    ids=[
        "trailing-zeros",
        "exponent",
        "negative-zero",
        "decimal",
        "huge",
        "huge-negative",
        "tiny",
        "zero-tiny-exponent",
    ],
)
def test_formatting_a_number_writes_digits_when_it_can_and_never_overflows(value, text):
    assert _format_number(value) == text


def test_a_number_items_answer_that_is_not_a_number_is_an_error_in_the_item():
    with pytest.raises(ValueError, match="not a number"):
        grade_number("1923", answer="the twenties", tolerance=Decimal(0))


def test_a_negative_tolerance_is_refused():
    with pytest.raises(ValueError, match="below zero"):
        grade_number("1923", answer="1923", tolerance=Decimal(-1))


# --- true or false ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("response", "answer", "correct", "given"),
    [
        ("True", "True", True, "True"),
        ("true", "True", True, "True"),
        (" t ", "True", True, "True"),
        ("yes", "True", True, "True"),
        ("False", "False", True, "False"),
        ("F", "False", True, "False"),
        ("no", "False", True, "False"),
        ("false", "True", False, "False"),
        ("yes", "False", False, "True"),
    ],
    ids=["True", "lower", "t", "yes", "False", "F", "no", "wrong-false", "wrong-yes"],
)
def test_true_or_false_accepts_the_usual_spellings(response, answer, correct, given):
    grade = grade_true_false(response, answer=answer)

    assert (grade.correct, grade.score, grade.given, grade.expected) == (correct, float(correct), given, answer)


def test_a_response_that_is_neither_true_nor_false_is_wrong_with_a_note():
    grade = grade_true_false("maybe", answer="True")

    assert (grade.correct, grade.note, grade.given) == (False, "Answer True or False.", "maybe")


def test_a_true_false_item_whose_answer_is_neither_is_an_error_in_the_item():
    with pytest.raises(ValueError, match="True or False"):
        grade_true_false("True", answer="Perhaps")


# --- multiple choice -------------------------------------------------------------------------------------------

ONE_RIGHT = [(1, "Trotsky", False), (2, "Stalin", True), (3, "Bukharin", False)]
SEVERAL_RIGHT = [
    (10, "Trotsky", True),
    (11, "Zinoviev", True),
    (12, "Kamenev", True),
    (13, "Bukharin", False),
    (14, "Rykov", False),
]


@pytest.mark.parametrize(
    ("selected", "correct", "score"),
    [([2], True, 1.0), ([1], False, 0.0), ([], False, 0.0), ([2, 1], False, 0.0)],
    ids=["right", "wrong", "nothing", "right-and-wrong"],
)
def test_a_single_answer_multiple_choice_scores_one_or_nothing(selected, correct, score):
    grade = grade_choices(selected, choices=ONE_RIGHT)

    assert (grade.correct, grade.score) == (correct, score)
    assert grade.expected == "Stalin"


@pytest.mark.parametrize(
    ("selected", "correct", "score", "note"),
    [
        ([12, 10, 11], True, 1.0, ""),
        ([10, 11], False, pytest.approx(2 / 3), "2 of 3 right choices picked."),
        ([10, 11, 13], False, pytest.approx(1 / 3), "2 of 3 right choices picked, 1 wrong."),
        ([10, 13, 14], False, 0.0, "1 of 3 right choices picked, 2 wrong."),
        ([10, 11, 12, 13, 14], False, pytest.approx(1 / 3), "3 of 3 right choices picked, 2 wrong."),
        ([13], False, 0.0, "0 of 3 right choices picked, 1 wrong."),
    ],
    ids=["all-right", "two-of-three", "two-right-one-wrong", "more-wrong-than-right", "everything", "only-wrong"],
)
def test_a_several_answer_multiple_choice_gives_partial_credit_less_wrong_picks(selected, correct, score, note):
    grade = grade_choices(selected, choices=SEVERAL_RIGHT)

    assert (grade.correct, grade.score, grade.note) == (correct, score, note)


def test_multiple_choice_texts_follow_the_order_of_the_choices():
    grade = grade_choices([13, 11], choices=SEVERAL_RIGHT)

    assert grade.expected == "Trotsky; Zinoviev; Kamenev"
    assert grade.given == "Zinoviev; Bukharin"


@pytest.mark.parametrize(
    ("selected", "choices"),
    [([99], ONE_RIGHT), ([2, 99], ONE_RIGHT), ([1], [(1, "A", True), (1, "B", False)]), ([1], [(1, "A", False)])],
    ids=["unknown-id", "one-unknown-among-known", "duplicate-choice-ids", "no-correct-choice"],
)
def test_multiple_choice_with_ids_that_do_not_fit_the_choices_is_an_error(selected, choices):
    with pytest.raises(ValueError):  # noqa: PT011 - the cases raise different messages
        grade_choices(selected, choices=choices)


# --- chronology ------------------------------------------------------------------------------------------------

EVENTS = [
    (3, "Lenin dies", 192401),
    (1, "Kronstadt rising", 192103),
    (4, "Trotsky expelled from the party", 192711),
    (2, "NEP announced", 192103 + 1),
]


@pytest.mark.parametrize(
    ("order", "correct", "score", "note"),
    [
        ([1, 2, 3, 4], True, 1.0, ""),
        ([4, 3, 2, 1], False, 0.0, ""),
        ([2, 1, 3, 4], False, 3 / 4, "3 of 4 events in the right order."),
        ([2, 3, 4, 1], False, 3 / 4, "3 of 4 events in the right order."),
        ([3, 1, 4, 2], False, 2 / 4, "2 of 4 events in the right order."),
        ([4, 1, 3, 2], False, 2 / 4, "2 of 4 events in the right order."),
    ],
    ids=["right", "reversed", "one-neighbouring-swap", "first-moved-to-last", "interleaved", "last-first"],
)
def test_a_chronology_scores_its_longest_ordered_subset_of_events_as_moodle_does(order, correct, score, note):
    grade = grade_order(order, events=EVENTS)

    assert (grade.correct, grade.score, grade.note) == (correct, score, note)


def test_moodles_own_example_of_the_longest_ordered_subset_scores_four_of_six():
    # Moodle's qtype_ordering renderer test: Object, Dynamic, Modular, Learning, Environment, Oriented against
    # Modular, Object, Oriented, Dynamic, Learning, Environment keeps Object, Dynamic, Learning, Environment.
    events = [(n, word, n) for n, word in enumerate(["Modular", "Object", "Oriented", "Dynamic", "Learning", "Env"])]

    grade = grade_order([1, 3, 0, 4, 5, 2], events=events)

    assert grade.score == 4 / 6


def test_a_two_event_chronology_in_the_wrong_order_scores_nothing():
    grade = grade_order([2, 1], events=[(1, "Kronstadt rising", 1), (2, "NEP announced", 2)])

    assert (grade.correct, grade.score) == (False, 0.0)


def test_chronology_texts_show_the_true_order_and_the_learners_order():
    grade = grade_order([2, 1, 3, 4], events=EVENTS)

    assert grade.expected == "Kronstadt rising → NEP announced → Lenin dies → Trotsky expelled from the party"
    assert grade.given == "NEP announced → Kronstadt rising → Lenin dies → Trotsky expelled from the party"


@pytest.mark.parametrize(
    ("order", "events"),
    [
        ([1, 2, 3], EVENTS),
        ([1, 2, 3, 4, 4], EVENTS),
        ([1, 2, 3, 3], EVENTS),
        ([1, 2, 3, 99], EVENTS),
        ([1, 2], [(1, "A", 1), (2, "B", 1)]),
        ([1, 1], [(1, "A", 1), (1, "B", 2)]),
        ([], []),
    ],
    ids=["missing-id", "extra-id", "repeated-id", "unknown-id", "same-sort-key", "duplicate-event-ids", "none"],
)
def test_a_chronology_order_must_list_each_event_exactly_once(order, events):
    with pytest.raises(ValueError):  # noqa: PT011 - the cases raise different messages
        grade_order(order, events=events)
